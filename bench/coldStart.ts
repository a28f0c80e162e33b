/**
 * Bench: what a cold start pays to load the app. Builds the deployment package (`npm run package`), then loads its
 * entry (`dist/main.js`, the bundle) and, side by side in the same run, `durable-functions` alone, each in a fresh
 * Node process, alternating, and prints the median of N (time spent in `require` only, not Node's own start-up).
 * With `dist/src/index.js` present (`npm run build`), the unbundled tsc output is measured too.
 *
 * Both load with a stand-in for the language worker's `@azure/functions-core` (bench/functions-core-stub.cjs), so
 * functions register as in Azure. Goal: the entry costs at most 1.2× `durable-functions` alone.
 *
 * Run: `npm run bench -- cold-start` (or `npx tsx bench/coldStart.ts`); COLD_START_RUNS=N (default 9).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage } from '../scripts/package';

const RUNS = Number(process.env.COLD_START_RUNS ?? 9);
const ROOT = path.resolve(__dirname, '..');
const STUB = path.join(__dirname, 'functions-core-stub.cjs');

interface Target {
  label: string;
  /** What `require` is given. */
  request: string;
  /** Working directory of the child. */
  cwd: string;
}

const CHILD = `
const start = process.hrtime.bigint();
require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms, registered: globalThis.__benchRegisteredFunctions.length }));
`;

function loadOnce(target: Target): { ms: number; registered: number } {
  const run = spawnSync(process.execPath, ['-r', STUB, '-e', CHILD, target.request], {
    cwd: target.cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
  });
  if (run.status !== 0) throw new Error(`${target.label} failed to load:\n${run.stderr}`);
  return JSON.parse(run.stdout) as { ms: number; registered: number };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'cold-start-'));
  try {
    const built = await buildPackage({ outDir });
    const targets: Target[] = [
      { label: 'app entry (bundle)', request: path.join(built.appDir, 'dist', 'main.js'), cwd: built.appDir },
      { label: 'durable-functions alone', request: require.resolve('durable-functions'), cwd: ROOT },
    ];
    const unbundled = path.join(ROOT, 'dist', 'src', 'index.js');
    if (existsSync(unbundled)) targets.push({ label: 'app entry (tsc, unbundled)', request: unbundled, cwd: ROOT });

    const times = new Map<string, number[]>(targets.map((t) => [t.label, []]));
    const registered = new Map<string, number>();
    loadOnce(targets[0] as Target); // warm the file cache once, not measured
    for (let i = 0; i < RUNS; i++) {
      for (const target of targets) {
        const { ms, registered: count } = loadOnce(target);
        times.get(target.label)?.push(ms);
        registered.set(target.label, count);
      }
    }
    console.log(`zip ${(built.zipBytes / 1024 / 1024).toFixed(2)} MB; median of ${RUNS} loads in fresh processes:`);
    const baseline = median(times.get('durable-functions alone') ?? []);
    for (const target of targets) {
      const values = times.get(target.label) ?? [];
      const m = median(values);
      console.log(
        `  ${target.label.padEnd(28)} ${m.toFixed(0).padStart(5)} ms  (${(m / baseline).toFixed(2)}×; ` +
          `min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}; ` +
          `${registered.get(target.label)} functions registered)`,
      );
    }
    const ratio = median(times.get('app entry (bundle)') ?? []) / baseline;
    console.log(`  goal ≤ 1.20×: ${ratio <= 1.2 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
