/**
 * Key Vault's rules for a secret, checked before anything is written (so a value the vault would refuse stops the
 * start with a 503 naming the setting, instead of failing the secret sync after other secrets were written).
 *
 * - Name: `^[0-9a-zA-Z-]+$` (Key Vault's REST spec, `secrets.json`, SetSecret's `secret-name`), 1 to 127 characters.
 * - Value: at most 25k bytes (Microsoft Learn, "About Azure Key Vault secrets": "sequences of octets … with a
 *   maximum size of 25k bytes each"), counted here as 25,000 UTF-8 bytes, the stricter reading.
 * - Content (this app's rule): the accelerator's 17 values are keys, endpoints, names and numbers, all single-line,
 *   and its steps put them into HTTP headers and URLs. A line break or another control character inside a value is
 *   a paste mistake that Key Vault would store silently, so it is refused; spaces around a value are trimmed when
 *   the settings are read (src/core/settings.ts).
 */

export const MAX_SECRET_NAME_CHARS = 127;
export const MAX_SECRET_VALUE_BYTES = 25_000;
const SECRET_NAME = /^[0-9a-zA-Z-]+$/;

/** Why Key Vault would refuse this secret name, or undefined. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_SECRET_NAME_CHARS) {
    return `the Key Vault secret name '${name.slice(0, MAX_SECRET_NAME_CHARS)}' must be 1 to ${MAX_SECRET_NAME_CHARS} characters`;
  }
  return SECRET_NAME.test(name)
    ? undefined
    : `the Key Vault secret name '${name}' may hold only letters, digits and '-'`;
}

/** Why this value cannot be stored as one of the accelerator's secrets (never quoting the value), or undefined. */
export function secretValueProblem(value: string): string | undefined {
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_SECRET_VALUE_BYTES) {
    return `is ${bytes} bytes; a Key Vault secret holds at most ${MAX_SECRET_VALUE_BYTES}`;
  }
  if (/[\r\n]/.test(value)) return 'holds a line break; the accelerator reads single-line values (a paste mistake?)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'holds a control character; the accelerator reads plain text';
  return undefined;
}
