/**
 * Pure decisions of syncSecrets (no Azure import): which Key Vault secrets the accelerator needs, with which
 * values, and which of them must be written given the current values.
 */
import {
  ACCELERATOR_FIELDS,
  envNameOf,
  isUnresolvedKeyVaultReference,
  secretNameOf,
  type AcceleratorField,
} from '../core/settings';

/** The accelerator's convention for an unset optional field: the reader maps `None` back to unset. */
export const NONE = 'None';

export interface DesiredSecret {
  field: AcceleratorField;
  name: string;
  value: string;
}

/**
 * The 17 secrets to hold, in the accelerator's order, or the fields that are required but unset
 * (environment variable names).
 */
export function desiredSecrets(
  accelerator: Readonly<Record<AcceleratorField, string | undefined>>,
): { ok: true; secrets: DesiredSecret[] } | { ok: false; missing: string[] } {
  const missing = ACCELERATOR_FIELDS.filter((f) => f.required && !accelerator[f.field]?.trim()).map((f) =>
    f.field.toUpperCase(),
  );
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    secrets: ACCELERATOR_FIELDS.map(({ field }) => ({
      field,
      name: secretNameOf(field),
      value: accelerator[field]?.trim() || NONE,
    })),
  };
}

/** Whether a secret must get a new version: absent (undefined) or holding a different value. */
export const needsWrite = (desired: string, current: string | undefined): boolean => current !== desired;

/** Fields (environment names) whose value is an unresolved `@Microsoft.KeyVault(` reference: never written. */
export const unresolvedReferences = (accelerator: Readonly<Record<AcceleratorField, string | undefined>>): string[] =>
  ACCELERATOR_FIELDS.filter((f) => isUnresolvedKeyVaultReference(accelerator[f.field])).map((f) => envNameOf(f.field));
