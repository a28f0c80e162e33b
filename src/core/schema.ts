/**
 * The accelerator's JSON schema (vendored, draft-06), compiled once with ajv (`allErrors`) on the first validation
 * (not at start-up: a cold start that serves no validation does not pay for it), and its errors turned into plain
 * sentences with JSON pointers.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import acceleratorSchema from './accelerator/config.schema.json';
import type { Problem } from './types';

let compiled: ValidateFunction | undefined;

/** The compiled schema, built on first use. */
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, meta: false, validateSchema: false });
    ajv.addMetaSchema(draft06);
    compiled = ajv.compile(acceleratorSchema);
  }
  return compiled;
}

/** Escapes one JSON pointer segment. */
export const pointerSegment = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

const typeName = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const ANALYZER_ONE_OF = '#/properties/language/properties/analyzer/oneOf';
const OPTIMUM_K_ONE_OF = '#/properties/index/properties/sampling/properties/optimum_k/oneOf';

function sentence(error: ErrorObject): Problem {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      return { path: `${path}/${pointerSegment(key)}`, message: `Add the required key "${key}".` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote).join(', ');
      return { path, message: `${quote(data)} is not allowed here; use one of: ${allowed}.` };
    }
    case 'type':
      return {
        path,
        message: `Must be ${article(String(params.type))}; got ${article(typeName(data))} (${quote(data)}).`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const bound = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'above', exclusiveMaximum: 'below' }[
        error.keyword
      ];
      return { path, message: `Must be ${bound} ${String(params.limit)}; got ${quote(data)}.` };
    }
    case 'minLength':
      return Number(params.limit) === 1
        ? { path, message: 'Must not be empty.' }
        : { path, message: `Must be at least ${String(params.limit)} characters long.` };
    case 'minItems':
      return { path, message: `List at least ${String(params.limit)} value${Number(params.limit) === 1 ? '' : 's'}.` };
    case 'uniqueItems':
      return {
        path,
        message: `Items ${String(params.j)} and ${String(params.i)} are identical; remove the duplicate.`,
      };
    case 'oneOf':
      if (error.schemaPath === ANALYZER_ONE_OF) {
        return {
          path,
          message:
            'Set either analyzer_name (and leave index_analyzer_name and search_analyzer_name empty) or both ' +
            'index_analyzer_name and search_analyzer_name (and leave analyzer_name empty).',
        };
      }
      if (error.schemaPath === OPTIMUM_K_ONE_OF) {
        return { path, message: `Use "auto" or a whole number of at least 1; got ${quote(data)}.` };
      }
      return { path, message: 'Must match exactly one of the forms the accelerator schema allows.' };
    default:
      return { path, message: `${error.message ?? 'is invalid'} (schema rule "${error.keyword}").` };
  }
}

/** Every schema problem, deduplicated, in the order ajv finds them. Errors inside a `oneOf` branch are folded into
 * one sentence for the `oneOf` itself. */
export function schemaProblems(config: unknown): Problem[] {
  const validateAgainstSchema = schemaValidator();
  if (validateAgainstSchema(config)) return [];
  const errors = validateAgainstSchema.errors ?? [];
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || oneOfPaths.some((p) => error.schemaPath.startsWith(p))) continue;
    const problem = sentence(error);
    const key = problem.path + '\n' + problem.message;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
