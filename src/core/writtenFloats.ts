/**
 * Where a JSON text writes a whole number as a float (`5.0`, `4e2`). Python's `json` reads those as `float`, and the
 * accelerator prints them so (`sp-5.0`); JS reads them as plain numbers. The planner works on parsed values (see
 * docs/planning.md, "Numbers"); this scan lets the CLI say where the accelerator's own script would differ.
 */
import { pointerSegment } from './schema';

/** JSON pointers of the numbers in `text` written with a fraction or an exponent but holding a whole value. */
export function writtenFloats(text: string): string[] {
  const out: string[] = [];
  const path: (string | number)[] = [];
  // For each open container: is it an array, and (for objects) are we before a key?
  const stack: { array: boolean; index: number; expectKey: boolean }[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        path[stack.length - 1] = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectKey = false;
      }
      i = j + 1;
    } else if (ch === '{' || ch === '[') {
      const top = stack[stack.length - 1];
      if (top?.array) path[stack.length - 1] = top.index;
      stack.push({ array: ch === '[', index: 0, expectKey: ch === '{' });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      path.length = stack.length;
      i++;
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
      i++;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < n && /[0-9eE.+-]/.test(text[j] as string)) j++;
      const literal = text.slice(i, j);
      if (/[.eE]/.test(literal) && Number.isInteger(Number(literal))) {
        const top = stack[stack.length - 1];
        if (top?.array) path[stack.length - 1] = top.index;
        out.push(
          path
            .slice(0, stack.length)
            .map((p) => '/' + pointerSegment(p))
            .join(''),
        );
      }
      i = j;
    } else i++;
  }
  return out;
}
