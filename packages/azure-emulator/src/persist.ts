/**
 * Saving and restoring the emulator's Azure state (jobs, computes, components, code/environment/data versions,
 * long-running operations, Key Vault secrets and access, cluster events) in one JSON file, so `npm start` keeps a
 * user's experiments and their jobs between starts. Written through: after every change (PUT, POST, PATCH, DELETE)
 * and before its answer is sent (index.ts), atomically (temporary file, then rename), so a SIGKILL or SIGHUP of
 * `npm start` loses nothing a client was told exists. Also saved: the virtual time and the ports, because the app's
 * durable state holds the emulator's endpoints and jobs' virtual times. Blobs (staged configs, job logs, accelerator snapshots) are kept by Azurite
 * itself, on disk in the folder `blobFolderFor` names beside the state file. Local tooling only; nothing here is a
 * claim about Azure.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AssetVersion } from './armAssets';
import type { ComputeRecord, MlState, Operation } from './armMlState';
import type { VaultState } from './armVault';
import type { ClusterEvent } from './events';
import type { JobRecord } from './jobs';
import type { SecretStore, SecretVersion } from './keyvault';

/** Where Azurite keeps the blobs that go with a state file: `state.json` → `state-blobs/` beside it. */
export function blobFolderFor(stateFile: string): string {
  return `${stateFile.replace(/\.json$/i, '')}-blobs`;
}

export interface SavedEmulator {
  version: 1;
  /** Virtual time when saved (ms): the clock resumes from here. */
  virtualNow: number;
  port: number;
  blobPort: number;
  jobs: JobRecord[];
  computes: ComputeRecord[];
  components: [string, [string, { body: Record<string, unknown>; created: string }][]][];
  /** Code, environment and data versions (absent in files saved before they were kept). */
  assets?: [string, AssetVersion][];
  operations: Operation[];
  accessPolicies: VaultState['accessPolicies'];
  roleAssignments: [string, unknown][];
  secrets: [string, SecretVersion[]][];
  clusterEvents: ClusterEvent[];
}

export interface EmulatorParts {
  ml: MlState;
  vault: VaultState;
  secrets: SecretStore;
  clusterEvents: ClusterEvent[];
}

/** The saved state, or undefined when there is none (or it cannot be read: a warning says so). */
export function readSavedEmulator(file: string): SavedEmulator | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedEmulator;
    return saved.version === 1 ? saved : undefined;
  } catch (e) {
    console.error(`Azure emulator: ignoring unreadable saved state ${file}: ${(e as Error).message}`);
    return undefined;
  }
}

export function restoreEmulator(saved: SavedEmulator, parts: EmulatorParts): void {
  for (const job of saved.jobs) parts.ml.jobs.set(job.name, job);
  for (const compute of saved.computes) parts.ml.computes.set(compute.name, compute);
  for (const [name, versions] of saved.components) parts.ml.components.set(name, new Map(versions));
  for (const op of saved.operations) parts.ml.operations.set(op.id, op);
  for (const [key, version] of saved.assets ?? []) parts.ml.assets.set(key, version);
  parts.vault.accessPolicies.push(...saved.accessPolicies);
  for (const [id, assignment] of saved.roleAssignments) {
    parts.vault.roleAssignments.set(id, assignment as never);
  }
  parts.secrets.load(saved.secrets);
  parts.clusterEvents.push(...saved.clusterEvents);
}

/** Writes the state atomically (temporary file, then rename); returns the text written. */
export function saveEmulator(
  file: string,
  parts: EmulatorParts,
  meta: { virtualNow: number; port: number; blobPort: number },
  previous?: string,
): string {
  const saved: Omit<SavedEmulator, 'virtualNow'> = {
    version: 1,
    port: meta.port,
    blobPort: meta.blobPort,
    jobs: [...parts.ml.jobs.values()],
    computes: [...parts.ml.computes.values()],
    components: [...parts.ml.components.entries()].map(([name, versions]) => [name, [...versions.entries()]]),
    operations: [...parts.ml.operations.values()],
    assets: [...parts.ml.assets.entries()],
    accessPolicies: parts.vault.accessPolicies,
    roleAssignments: [...parts.vault.roleAssignments.entries()],
    secrets: parts.secrets.dump(),
    clusterEvents: parts.clusterEvents,
  };
  const text = JSON.stringify(saved);
  // Unchanged content: only the virtual time moved; still saved now and then so the clock resumes close to it.
  if (text === previous) return text;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...saved, virtualNow: meta.virtualNow }));
  renameSync(tmp, file);
  return text;
}

/**
 * The epoch that makes a clock of `speed` read `virtualNow` at real time `realNow` (so virtual time continues where
 * a saved run left it, instead of jumping back to the wall clock).
 */
export function epochResuming(virtualNow: number, speed: number, realNow: number = Date.now()): number | undefined {
  if (speed === 1 || virtualNow <= realNow) return undefined;
  return Math.floor((realNow * speed - virtualNow) / (speed - 1));
}
