/**
 * Reading a compiled ARM template statically: its resources through nested deployments (modules), and what an
 * expression resolves to or can carry, following `parameters()` and `variables()` across module boundaries. Used by
 * check-arm.ts; no ARM evaluation beyond what those checks need (`union`, `if`, `createObject`, `format` names).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A template and how it was reached: through which deployment (module) of which parent template. */
export interface Context {
  template: JsonObject;
  path: string;
  parent: { context: Context; deployment: JsonObject } | undefined;
}

export interface FoundResource {
  resource: JsonObject;
  where: string;
  context: Context;
}

/** Uses of a parameter that do not reveal its value (e.g. a condition `!empty(secret)`). */
const VALUE_FREE_USE = /\b(empty|length)\(\s*parameters\(\s*'[^']+'\s*\)\s*\)/g;

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const obj = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
export const str = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
export const lower = (value: Json | undefined): string => (str(value) ?? '').toLowerCase();

/** An ARM expression's inner text (`[expr]` → `expr`), or undefined for a literal string. */
export function expressionOf(value: Json | undefined): string | undefined {
  const s = str(value);
  if (s === undefined || !s.startsWith('[') || s.startsWith('[[') || !s.endsWith(']')) return undefined;
  return s.slice(1, -1).trim();
}

/** Splits a function call `name(a, b(c, d), 'e,f')` into its name and top-level arguments. */
export function parseCall(expr: string): { name: string; args: string[] } | undefined {
  const match = /^([A-Za-z_][\w.]*)\(/.exec(expr);
  if (!match?.[1]) return undefined;
  const args: string[] = [];
  let depth = 0;
  let inString = false;
  let start = match[0].length;
  for (let i = start; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      if (c === "'" && expr[i + 1] === "'") i++;
      else if (c === "'") inString = false;
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) {
        if (c !== ')' || i !== expr.length - 1) return undefined;
        const last = expr.slice(start, i).trim();
        if (last || args.length > 0) args.push(last);
        return { name: match[1], args };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(expr.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

export const literalOf = (arg: string): string | undefined =>
  /^'(?:[^']|'')*'$/.test(arg) ? arg.slice(1, -1).replace(/''/g, "'") : undefined;

/** The last segment of a resource name, literal (`app/ftp`) or compiled (`[format('{0}/{1}', parameters('x'), 'ftp')]`). */
export function lastNameSegment(name: Json | undefined): string | undefined {
  const expr = expressionOf(name);
  if (expr === undefined) return str(name)?.split('/').pop();
  const call = parseCall(expr);
  if (call?.name !== 'format') return undefined;
  const pattern = literalOf(call.args[0] ?? '') ?? '';
  const lastPart = pattern.split('/').pop() ?? '';
  const placeholder = /^\{(\d+)\}$/.exec(lastPart);
  return placeholder ? literalOf(call.args[Number(placeholder[1]) + 1] ?? '') : lastPart;
}

/** The resources of a template: an array (language version 1) or an object keyed by symbolic name (2.0). */
export function resourcesOf(template: JsonObject): Array<[string, JsonObject]> {
  const resources = template['resources'];
  if (Array.isArray(resources)) {
    // Language version 1: no symbolic names; use the literal name, else the position.
    return resources
      .filter(isObject)
      .map((r, i) => [expressionOf(r['name']) === undefined ? (str(r['name']) ?? `#${i}`) : `#${i}`, r]);
  }
  return Object.entries(obj(resources)).filter((e): e is [string, JsonObject] => isObject(e[1]));
}

export function collectResources(context: Context, found: FoundResource[] = []): FoundResource[] {
  for (const [symbol, resource] of resourcesOf(context.template)) {
    if (resource['existing'] === true) continue;
    const where = context.path ? `${context.path}/${symbol}` : symbol;
    found.push({ resource, where, context });
    const nested = obj(resource['properties'])['template'];
    if (lower(resource['type']) === 'microsoft.resources/deployments' && isObject(nested)) {
      collectResources({ template: nested, path: where, parent: { context, deployment: resource } }, found);
    }
  }
  return found;
}

/** A value together with the template context its expressions are evaluated in. */
export interface Scoped {
  value: Json;
  context: Context;
}

/** Resolves `parameters('x')` to the value the enclosing deployment passes (or the default). */
export function parameterValue(name: string, context: Context): Scoped | undefined {
  if (context.parent) {
    const passed = obj(obj(context.parent.deployment['properties'])['parameters'])[name];
    if (isObject(passed) && 'value' in passed)
      return { value: passed['value'] ?? null, context: context.parent.context };
  }
  const declared = obj(obj(context.template['parameters'])[name]);
  return 'defaultValue' in declared ? { value: declared['defaultValue'] ?? null, context } : undefined;
}

export const variableValue = (name: string, context: Context): Scoped | undefined => {
  const variables = obj(context.template['variables']);
  return name in variables ? { value: variables[name] ?? null, context } : undefined;
};

/** An object-valued expression resolved as far as statically possible: known entries plus opaque fragments. */
export interface ResolvedObject {
  entries: Array<[string, Scoped]>;
  dynamic: Scoped[];
}

export function resolveObject(scoped: Scoped, depth = 0): ResolvedObject {
  const { value, context } = scoped;
  const result: ResolvedObject = { entries: [], dynamic: [] };
  if (depth > 40) return { entries: [], dynamic: [scoped] };
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) result.entries.push([key, { value: v, context }]);
    return result;
  }
  const expr = expressionOf(value);
  const call = expr === undefined ? undefined : parseCall(expr);
  const merge = (part: ResolvedObject): void => {
    result.entries.push(...part.entries);
    result.dynamic.push(...part.dynamic);
  };
  const sub = (arg: string): Scoped => ({ value: `[${arg}]`, context });
  if (call?.name === 'parameters' || call?.name === 'variables') {
    const name = literalOf(call.args[0] ?? '');
    const target =
      name === undefined ? undefined : (call.name === 'parameters' ? parameterValue : variableValue)(name, context);
    if (target) return resolveObject(target, depth + 1);
  } else if (call?.name === 'union') {
    for (const arg of call.args) merge(resolveObject(sub(arg), depth + 1));
    return result;
  } else if (call?.name === 'if' && call.args.length === 3) {
    merge(resolveObject(sub(call.args[1] ?? ''), depth + 1));
    merge(resolveObject(sub(call.args[2] ?? ''), depth + 1));
    return result;
  } else if (call?.name === 'createObject') {
    const dynamicPairs: string[] = [];
    for (let i = 0; i + 1 < call.args.length; i += 2) {
      const key = literalOf(call.args[i] ?? '');
      if (key === undefined) dynamicPairs.push(`${call.args[i]}, ${call.args[i + 1]}`);
      else result.entries.push([key, sub(call.args[i + 1] ?? '')]);
    }
    if (dynamicPairs.length > 0) result.dynamic.push(sub(`createObject(${dynamicPairs.join(', ')})`));
    return result;
  }
  result.dynamic.push(scoped);
  return result;
}

export const isSecureType = (declared: JsonObject): boolean =>
  ['securestring', 'secureobject'].includes(lower(declared['type']));

/**
 * What a value can carry, following parameters and variables through modules: the secure parameters it reads, the
 * list*() functions it calls, and all the text it is built from.
 */
export function traceValue(scoped: Scoped): { secureParameters: string[]; listCalls: string[]; text: string } {
  const secureParameters = new Set<string>();
  const listCalls = new Set<string>();
  const texts: string[] = [];
  const seen = new Set<string>();
  const visit = (value: Json, context: Context, depth: number): void => {
    const text = JSON.stringify(value);
    const key = `${context.path}\u0000${text}`;
    if (depth > 40 || seen.has(key)) return;
    seen.add(key);
    texts.push(text);
    for (const m of text.matchAll(/\b(list[A-Za-z]*)\(/g)) listCalls.add(m[1] ?? 'list');
    for (const m of text.replace(VALUE_FREE_USE, 'true').matchAll(/\bparameters\(\s*'([^']+)'\s*\)/g)) {
      const name = m[1] ?? '';
      if (isSecureType(obj(obj(context.template['parameters'])[name]))) {
        secureParameters.add(context.path ? `${context.path}:${name}` : name);
      }
      const passed = parameterValue(name, context);
      if (passed) visit(passed.value, passed.context, depth + 1);
    }
    for (const m of text.matchAll(/\bvariables\(\s*'([^']+)'\s*\)/g)) {
      const variable = variableValue(m[1] ?? '', context);
      if (variable) visit(variable.value, variable.context, depth + 1);
    }
  };
  visit(scoped.value, scoped.context, 0);
  return { secureParameters: [...secureParameters], listCalls: [...listCalls], text: texts.join('\n') };
}
