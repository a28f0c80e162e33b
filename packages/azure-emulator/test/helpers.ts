/** Shared helpers for the emulator tests: start one emulator per file with its settings in process.env. */
import { DefaultAzureCredential } from '@azure/identity';
import { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from '../src';
import { checkTrafficAgainstSpecs, formatViolations } from '../src/specCheck';

const AZURE_ENV = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_FEDERATED_TOKEN_FILE',
  'MSI_ENDPOINT',
];

export async function startForTest(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error(
      'Run the emulator tests with `npm run jest` (it sets NODE_EXTRA_CA_CERTS to the emulator certificate).',
    );
  }
  const emulator = await startAzureEmulator({ port: 0, recordTraffic: true, ...options });
  for (const name of AZURE_ENV) delete process.env[name];
  Object.assign(process.env, emulator.settings);
  return emulator;
}

export const credential = (): DefaultAzureCredential => new DefaultAzureCredential();

/** Registers a last test in the file: every exchange so far matches Azure's REST specs (oav). */
export function itMatchesAzureSpecs(get: () => AzureEmulator): void {
  it('answered every request as Azure’s REST specs say (oav)', async () => {
    const report = await checkTrafficAgainstSpecs(get().traffic());
    if (report.skipped) {
      console.warn(report.skipped);
      return;
    }
    expect(formatViolations(report.violations)).toBe('');
    expect(report.checked).toBeGreaterThan(0);
  }, 120_000);
}
