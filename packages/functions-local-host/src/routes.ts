/**
 * Functions (ASP.NET Core) route templates: literal segments matched case-insensitively, `{name}` parameters,
 * optional `{name?}`, defaults `{name=value}`, catch-all `{*rest}`, constraints `{id:int}`, `{x:guid}`,
 * `{n:min(1)}`, `{s:regex(^a+$)}`… Unknown constraints are tolerated (not checked).
 */

interface ParamSpec {
  name: string;
  constraints: string[];
  optional: boolean;
  defaultValue: string | undefined;
  catchAll: boolean;
}

export interface CompiledRoute {
  template: string;
  regex: RegExp;
  params: ParamSpec[];
  /** Lower sorts first: literal segments beat parameters, constrained beats unconstrained, catch-all last. */
  precedence: number[];
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseParam(body: string): ParamSpec {
  let text = body.trim();
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  let defaultValue: string | undefined;
  const eq = text.indexOf('=');
  if (eq >= 0 && !text.slice(0, eq).includes('(')) {
    defaultValue = text.slice(eq + 1);
    text = text.slice(0, eq);
  }
  let optional = false;
  if (text.endsWith('?')) {
    optional = true;
    text = text.slice(0, -1);
  }
  const colon = text.indexOf(':');
  const name = colon >= 0 ? text.slice(0, colon) : text;
  const constraints: string[] = [];
  let rest = colon >= 0 ? text.slice(colon + 1) : '';
  while (rest) {
    if (rest.startsWith('regex(')) {
      constraints.push(rest);
      break;
    }
    const next = rest.indexOf(':');
    constraints.push(next >= 0 ? rest.slice(0, next) : rest);
    rest = next >= 0 ? rest.slice(next + 1) : '';
  }
  if (!name) throw new Error(`route parameter without a name in "{${body}}"`);
  return { name, constraints, optional: optional || defaultValue !== undefined, defaultValue, catchAll };
}

/** Splits a segment into literal text and `{…}` parameters (`{{`/`}}` are literal braces). */
function splitSegment(segment: string): ({ literal: string } | { param: ParamSpec })[] {
  const parts: ({ literal: string } | { param: ParamSpec })[] = [];
  let i = 0;
  let literal = '';
  while (i < segment.length) {
    const ch = segment[i];
    if (ch === '{' && segment[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      // find the matching close brace, allowing parentheses (regex constraints) inside
      let depth = 0;
      let j = i + 1;
      for (; j < segment.length; j++) {
        const c = segment[j];
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (c === '}' && depth <= 0) break;
      }
      if (j >= segment.length) throw new Error(`unclosed "{" in route segment "${segment}"`);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ param: parseParam(segment.slice(i + 1, j)) });
      i = j + 1;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

function splitTemplate(template: string): string[] {
  // split on "/" outside of braces (regex constraints may contain "/")
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of template) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments.filter((s) => s !== '');
}

export function compileRoute(template: string): CompiledRoute {
  const segments = splitTemplate(template.replace(/^~?\/+/, ''));
  let source = '^';
  const params: ParamSpec[] = [];
  const precedence: number[] = [];
  for (const segment of segments) {
    const parts = splitSegment(segment);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && 'param' in only && only.param.catchAll) {
      source += '(?:/(.*))?';
      params.push(only.param);
      precedence.push(5);
    } else if (only && 'param' in only && only.param.optional) {
      source += '(?:/([^/]+))?';
      params.push(only.param);
      precedence.push(4);
    } else {
      source += '/';
      let score = 0;
      for (const part of parts) {
        if ('literal' in part) source += escapeRegex(part.literal);
        else {
          source += parts.length === 1 ? '([^/]+)' : '([^/]+?)';
          params.push(part.param);
          score = Math.max(score, part.param.constraints.length > 0 ? 2 : 3);
        }
      }
      if (parts.length > 1 && score > 0) score = 1;
      precedence.push(score);
    }
  }
  source += '/?$';
  return { template, regex: new RegExp(source, 'i'), params, precedence };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const INT32 = { min: -2147483648, max: 2147483647 };

/** True when `value` satisfies `constraint` (unknown constraints pass). */
export function checkConstraint(constraint: string, value: string): boolean {
  const m = /^([a-zA-Z]+)(?:\((.*)\))?$/s.exec(constraint);
  if (!m) return true;
  const kind = (m[1] ?? '').toLowerCase();
  const arg = m[2] ?? '';
  const args = arg.split(',').map((a) => a.trim());
  const num = Number(value);
  switch (kind) {
    case 'int':
      return /^-?\d+$/.test(value) && num >= INT32.min && num <= INT32.max;
    case 'long':
      return /^-?\d+$/.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    case 'double':
    case 'float':
    case 'decimal':
      return value.trim() !== '' && Number.isFinite(num);
    case 'guid':
      return /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(value);
    case 'datetime':
      return !Number.isNaN(Date.parse(value));
    case 'alpha':
      return /^[a-z]+$/i.test(value);
    case 'minlength':
      return value.length >= Number(args[0]);
    case 'maxlength':
      return value.length <= Number(args[0]);
    case 'length':
      return args.length > 1
        ? value.length >= Number(args[0]) && value.length <= Number(args[1])
        : value.length === Number(args[0]);
    case 'min':
      return Number.isFinite(num) && num >= Number(args[0]);
    case 'max':
      return Number.isFinite(num) && num <= Number(args[0]);
    case 'range':
      return Number.isFinite(num) && num >= Number(args[0]) && num <= Number(args[1]);
    case 'regex':
      try {
        // braces in a route template's regex are doubled: {{2}} means {2}
        return new RegExp(arg.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), 'i').test(value);
      } catch {
        return true;
      }
    case 'required':
      return value !== '';
    default:
      return true;
  }
}

/** Route parameters when `path` (starting with "/", prefix removed) matches, else undefined. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const m = route.regex.exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const spec = route.params[i];
    if (!spec) continue;
    const raw = m[i + 1];
    if (raw === undefined || raw === '') {
      if (spec.defaultValue !== undefined) params[spec.name] = spec.defaultValue;
      else if (!spec.optional && !spec.catchAll) return undefined;
      continue;
    }
    const value = spec.catchAll ? raw.split('/').map(safeDecode).join('/') : safeDecode(raw);
    if (!spec.constraints.every((c) => checkConstraint(c, value))) return undefined;
    params[spec.name] = value;
  }
  return params;
}

/** Sorts routes so the most specific template is tried first (as ASP.NET Core's route precedence does). */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const x = a.precedence[i];
    const y = b.precedence[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x !== y) return x - y;
  }
  return 0;
}
