/**
 * `npm run sdk-oracle [-- module …]`: writes the app's plans, starts the emulator (when the `client` checks run),
 * then lets azure-ai-ml judge both. Prints one line per check and ends with `N passed, N failed` for the whole run;
 * exits non-zero on any failure.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EmulatorContext } from './emulatorContext';
import { startEmulatorContext } from './emulatorContext';
import { writePlans } from './plans';
import { findPython, runOracle } from './python';

/** The module whose checks need the emulator and a job the app submitted to it. */
const CLIENT_MODULE = 'client';

async function main(): Promise<number> {
  const modules = process.argv.slice(2);
  const python = findPython();
  const work = path.resolve(process.cwd(), '.local', 'sdk-oracle');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await writePlans(work);
  const needsEmulator = modules.length === 0 || modules.includes(CLIENT_MODULE);
  const emulator: EmulatorContext | undefined = needsEmulator ? await startEmulatorContext(work) : undefined;
  try {
    let { passed, failed } = await runOracle(python, work, emulator?.env ?? {}, modules);
    for (const outcome of (await emulator?.afterChecks()) ?? []) {
      if (outcome.ok) passed += 1;
      else failed += 1;
      console.log(`${outcome.ok ? 'ok  ' : 'FAIL'} ${outcome.name}: ${outcome.detail}`);
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed > 0 || passed === 0 ? 1 : 0;
  } finally {
    await emulator?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
