/**
 * Test harness: starts the local Azure emulator, points the app's settings at it (process.env) and builds the
 * activities' deps from the real client factory. Logs are recorded (a fake logger is not an SDK mock).
 */
import { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from '@rag-orchestrator/azure-emulator';
import { assertTrafficMatchesSpecs } from '@rag-orchestrator/azure-emulator/spec-check';
import { ACCELERATOR_FIELDS, envNameOf } from '../../src/core/settings';
import type { ActivityDeps } from '../../src/activities/deps';
import { getClients, resetClientsForTests } from '../../src/azure/clients';
import { getSettings, resetSettingsForTests } from '../../src/settings';

export interface Harness {
  emulator: AzureEmulator;
  logs: string[];
  /** Deps built from the current process.env (call after changing it). */
  deps(): ActivityDeps;
  /** Sets (or with undefined, deletes) env vars for this file and rebuilds settings and clients. */
  setEnv(values: Record<string, string | undefined>): void;
  stop(): Promise<void>;
}

/**
 * A last test for a file: every exchange recorded so far matches Azure's REST specs (oav). Exchanges the
 * specs do not cover (MLflow, identity, Key Vault management, authorization) are skipped by the check.
 */
export function itMatchesAzureSpecs(harness: () => Harness): void {
  it("sent and received only what Azure's REST specs allow", async () => {
    const report = await assertTrafficMatchesSpecs(harness().emulator.traffic());
    if (!report.skipped) expect(report.checked).toBeGreaterThan(0);
  }, 120_000);
}

/** Accelerator field values that satisfy every required field (secret fields get `marker`-based values). */
export function acceleratorEnv(marker = 'test'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { field, required, secret } of ACCELERATOR_FIELDS) {
    if (secret) env[envNameOf(field)] = `${marker}-${field}`;
    else if (required) env[envNameOf(field)] = field.includes('semantic') ? 'true' : `https://${field}.example`;
  }
  return env;
}

export async function startHarness(options: AzureEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startAzureEmulator({ recordTraffic: true, ...options });
  const saved = new Map<string, string | undefined>();
  const logs: string[] = [];
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (!saved.has(key)) saved.set(key, process.env[key]);
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetSettingsForTests();
    resetClientsForTests();
  };
  // Some accelerator fields are app settings too (AML_SUBSCRIPTION_ID…): the emulator's values win.
  setEnv({ ...acceleratorEnv(), ...emulator.settings });
  return {
    emulator,
    logs,
    setEnv,
    deps: () => ({
      settings: getSettings(),
      clients: getClients(),
      log: (message: string) => logs.push(message),
      lroPollIntervalMs: 50,
    }),
    async stop() {
      await emulator.stop();
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      resetSettingsForTests();
      resetClientsForTests();
    },
  };
}

/** Unwraps an ok result or fails the test with the error. */
export function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}
