/**
 * Duplicate keys in a JSON text. `JSON.parse` keeps the last of two equal keys in an object without a word, so two
 * bodies that differ only in a shadowed key would read (and fingerprint, for the Idempotency-Key) the same; a
 * request with one is refused instead, naming the JSON path of each key written twice.
 *
 * Scans text that `JSON.parse` has already accepted, without recursion (a deeply nested body cannot overflow the
 * stack) and in one pass.
 */
import type { Problem } from './types';

type Frame = { kind: 'object'; path: string; keys: Set<string>; key: string | undefined } | ArrayFrame;
type ArrayFrame = { kind: 'array'; path: string; index: number };

/** A JSON pointer segment (RFC 6901). */
const segment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The end (exclusive) of the string literal that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The path of the value about to be read inside `top` ('' at the root). */
const childPath = (top: Frame | undefined): string =>
  top === undefined ? '' : `${top.path}/${top.kind === 'array' ? top.index : segment(top.key ?? '')}`;

/** Most duplicate keys reported (a body of nothing but one key repeated would otherwise answer with megabytes). */
export const MAX_DUPLICATES_REPORTED = 100;

/**
 * Each key written twice in one object of `text` (valid JSON), as problems at the key's path, in text order; at
 * most MAX_DUPLICATES_REPORTED.
 */
export function duplicateKeys(text: string): Problem[] {
  const problems: Problem[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{') {
      stack.push({ kind: 'object', path: childPath(top), keys: new Set(), key: undefined });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ kind: 'array', path: childPath(top), index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      if (top?.kind === 'array') top.index += 1;
      else expectKey = true;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (expectKey && top?.kind === 'object') {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key) && problems.length < MAX_DUPLICATES_REPORTED) {
          problems.push({
            // A huge key is not echoed whole (a 1 MiB body could otherwise come back twice over).
            path: `${top.path}/${segment(key.length > 100 ? `${key.slice(0, 100)}…` : key)}`,
            message: `The key '${key.slice(0, 100)}' is written more than once in this object; JSON keeps only the last, so write it once.`,
          });
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end - 1;
    }
  }
  return problems;
}
