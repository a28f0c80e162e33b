/**
 * How Python prints a value in an f-string (`f"{value}"`), for the values an index name can hold.
 *
 * JSON numbers arrive as JS numbers, so a number written `5.0` in the config text is the integer `5` here (see
 * docs/planning.md, "Numbers"): integral values print as Python prints an `int`, other values as Python's
 * `repr(float)` (shortest round-trip digits; scientific notation below 1e-4 and from 1e16, exponent with at least two
 * digits: `1e-05`, `1.5e+16`).
 */
export function pyNumber(value: number): string {
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  return pyFloat(value);
}

/** Python's `repr(float)`. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without argument gives the shortest digits that round-trip, like Python's repr.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.slice(1);
    const exp = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${digits[0]}${rest ? '.' + rest : ''}e${exponent < 0 ? '-' : '+'}${exp}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${intPart}.${fraction || '0'}`;
}

/** Python's `str(bool)` after `int()`: the accelerator prints booleans as `0` / `1`. */
export const pyBoolInt = (value: boolean): string => (value ? '1' : '0');
