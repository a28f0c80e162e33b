/** Finds Debian's Python with azure-ai-ml, and runs the oracle's Python with the pydash stand-in on its path. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const PYTHON_DIR = path.resolve(__dirname, '..', 'python');

/** Debian's interpreter: python3-azure installs into its dist-packages, which another python3 on PATH lacks. */
const CANDIDATES = ['/usr/bin/python3', 'python3'];

export function findPython(): string {
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['-c', 'import azure.ai.ml'], {
      env: { ...process.env, PYTHONPATH: PYTHON_DIR },
      encoding: 'utf8',
    });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    'azure-ai-ml is not installed: run `bash packages/sdk-oracle/install.sh` (Debian python3-azure, as root) first',
  );
}

/** Runs `python/oracle.py WORK [modules…]` with its output passed through; resolves with its exit code. */
export function runOracle(python: string, work: string, env: NodeJS.ProcessEnv, modules: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(PYTHON_DIR, 'oracle.py'), work, ...modules], {
      env: { ...process.env, ...env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}
