/**
 * `npm run sdk-oracle [-- module …]`: writes the app's plans, starts the emulator, then lets azure-ai-ml judge both.
 * Prints one line per check and ends with `N passed, N failed`; exits non-zero on any failure.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEmulatorContext } from './emulatorContext';
import { writePlans } from './plans';
import { findPython, runOracle } from './python';

async function main(): Promise<number> {
  const modules = process.argv.slice(2);
  const python = findPython();
  const work = path.resolve(process.cwd(), '.local', 'sdk-oracle');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await writePlans(work);
  const emulator = await startEmulatorContext(work);
  try {
    return await runOracle(python, work, emulator.env, modules);
  } finally {
    await emulator.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
