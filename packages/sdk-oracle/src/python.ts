/** Finds Debian's Python with azure-ai-ml, and runs the oracle's Python with the pydash stand-in on its path. */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
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

export interface OracleCounts {
  passed: number;
  failed: number;
}

/**
 * Runs `python/oracle.py WORK [modules…]`, its output passed through except its closing `N passed, N failed` line,
 * which is returned (the runner prints the closing line of the whole run). A run that printed no counts failed.
 */
export function runOracle(
  python: string,
  work: string,
  env: NodeJS.ProcessEnv,
  modules: string[],
): Promise<OracleCounts> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(PYTHON_DIR, 'oracle.py'), work, ...modules], {
      env: { ...process.env, ...env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let counts: OracleCounts | undefined;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^(\d+) passed, (\d+) failed$/.exec(line);
      if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
      else console.log(line);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (counts && !signal)
        resolve(code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 });
      else reject(new Error(`the oracle's Python ended with ${signal ?? `exit code ${code}`} before its counts`));
    });
  });
}
