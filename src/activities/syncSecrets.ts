/**
 * syncSecrets: copies the accelerator's 17 environment fields into Key Vault secrets (names and `None`
 * convention of the accelerator; the compute and vault fields default to the app's own values), writing only the
 * secrets whose latest version differs. Values Key Vault would refuse stop it before anything is written.
 *
 * Experiments started together each run it at the same moment; each would read the old values and write all 17.
 * So within one process a sync joins the one already in flight for the same vault and the same values (compared by
 * a hash kept in memory, never logged) instead of running again: one set of versions for a burst of starts.
 */
import { createHash } from 'node:crypto';
import { type SyncSecretsInput, type SyncSecretsOutput } from '../core/contracts';
import { secretValues, type ActivityDeps } from './deps';
import { acceleratorSecretValues, unstorableSecrets } from '../core/settings';
import { fail, ok, permanentOrThrow, statusOf, type Target } from './result';
import { desiredSecrets, needsWrite, unresolvedReferences, type DesiredSecret } from './secretsPlan';
import type { ActivityResult } from '../core/contracts';

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runSyncSecrets(
  _input: SyncSecretsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<SyncSecretsOutput>> {
  const { settings, log } = deps;
  const vault = settings.keyVaultEndpoint;
  const resource = `Key Vault ${vault}`;

  const unresolved = unresolvedReferences(settings.accelerator);
  if (unresolved.length > 0) {
    log(`syncSecrets: unresolved Key Vault references, nothing written: ${unresolved.join(', ')}`);
    return fail({
      resource,
      reason: `These app settings are unresolved Key Vault references (@Microsoft.KeyVault(…)), not values: ${unresolved.join(', ')}.`,
      action:
        "Fix each reference (secret URI, and the Function App identity's 'Key Vault Secrets User' access to that vault), then run again (nothing was written).",
    });
  }
  const unstorable = unstorableSecrets(acceleratorSecretValues(settings));
  if (unstorable.length > 0) {
    log(`syncSecrets: values Key Vault would refuse, nothing written: ${unstorable.map((p) => p.name).join(', ')}`);
    return fail({
      resource,
      reason: unstorable.map((p) => p.message).join('; ') + '.',
      action: 'Correct these app settings, then run again (nothing was written).',
    });
  }
  const desired = desiredSecrets(acceleratorSecretValues(settings));
  if (!desired.ok) {
    log(`syncSecrets: required fields not set, nothing written: ${desired.missing.join(', ')}`);
    return fail({
      resource,
      reason: `Required accelerator fields are not set: ${desired.missing.join(', ')}.`,
      action: `Set ${desired.missing.join(', ')} in the app settings, then run again (nothing was written).`,
    });
  }

  const target = (secretName: string, verb: 'read' | 'write'): Target => ({
    resource: `${resource} secret ${secretName}`,
    secrets: secretValues(settings),
    actions: {
      401: "Check the app's identity (managed identity or AZURE_CLIENT_ID) and its tenant.",
      403:
        verb === 'read'
          ? "Grant the app's identity the 'Key Vault Secrets Officer' role on the vault (RBAC), or an access policy with secrets get, list and set."
          : "Grant the app's identity the 'Key Vault Secrets Officer' role on the vault (RBAC), or an access policy with secrets set.",
      404: 'Check AZURE_KEY_VAULT_ENDPOINT: the vault was not found.',
      409: `The secret ${secretName} is deleted but recoverable: recover or purge it in the vault, then run again.`,
      default: 'Check the vault and the secret in the Azure portal, then run again.',
    },
  });

  const key = createHash('sha256')
    .update(JSON.stringify([vault, desired.secrets.map((x) => [x.name, x.value])]))
    .digest('hex');
  const running = inFlight.get(key);
  if (running) {
    log('syncSecrets: joined the sync of the same values already in flight in this process');
    return running;
  }
  const sync = writeChanged(desired.secrets, deps, target).finally(() => inFlight.delete(key));
  inFlight.set(key, sync);
  return sync;
}

/** Syncs in flight in this process, by a hash of the vault and the values. */
const inFlight = new Map<string, Promise<ActivityResult<SyncSecretsOutput>>>();

/** Reads every secret, then writes those whose latest value differs. */
async function writeChanged(
  secrets: readonly DesiredSecret[],
  deps: ActivityDeps,
  target: (secretName: string, verb: 'read' | 'write') => Target,
): Promise<ActivityResult<SyncSecretsOutput>> {
  const { settings, clients, log } = deps;
  const vault = settings.keyVaultEndpoint;
  const client = clients.secrets();
  const written: string[] = [];
  const unchanged: string[] = [];
  // Read every current value first (at once), so a refused read fails before anything is written.
  const reads = await Promise.all(
    secrets.map((secret) =>
      client.getSecret(secret.name).then(
        (bundle) => ({ ok: true as const, value: bundle.value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
  const current = new Map<string, string | undefined>();
  for (const [i, secret] of secrets.entries()) {
    const read = reads[i]!;
    if (read.ok) current.set(secret.name, read.value);
    else if (statusOf(read.error) === 404) current.set(secret.name, undefined);
    else return permanentOrThrow(read.error, target(secret.name, 'read'));
  }
  for (const secret of secrets) {
    if (!needsWrite(secret.value, current.get(secret.name))) {
      unchanged.push(secret.name);
      continue;
    }
    try {
      await client.setSecret(secret.name, secret.value);
    } catch (err) {
      return permanentOrThrow(err, target(secret.name, 'write'));
    }
    written.push(secret.name);
  }
  log(`syncSecrets: ${written.length} written (${written.join(', ') || 'none'}), ${unchanged.length} unchanged`);
  return ok({ vault, written, unchanged });
}
