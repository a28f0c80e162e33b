/**
 * `npm run bench`: runs every benchmark, each in its own process (so peak memory is its own), and prints their
 * figures. `npm run bench -- plan` runs one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCHES = [
  { name: 'plan', file: 'plan.ts', what: 'validate and plan a 1,000-combination config' },
  {
    name: 'worst-request',
    file: 'worst-request.ts',
    what: 'POST /api/plan: the largest accepted plans and a refused billion-combination config',
  },
  { name: 'host', file: 'host.ts', what: 'local durable host: fan-out of 1,000 activities, replay of 2,000 events' },
  { name: 'host-http', file: 'host-http.ts', what: 'local host: HTTP requests per second for a trivial function' },
  { name: 'body-limit', file: 'body-limit.ts', what: '10 concurrent 90 MB bodies: the host’s peak memory' },
  { name: 'experiment', file: 'experiment.ts', what: 'a simulated 24-pipeline experiment, end to end' },
  {
    name: 'chaos',
    file: 'chaos.ts',
    what: '20 experiments × 6 pipelines with 20 % of Azure calls failing and 3 host SIGKILLs',
  },
  { name: 'report', file: 'report.ts', what: 'render the report page and CSV of a 500-pipeline experiment' },
  {
    name: 'evaluation',
    file: 'evaluation.ts',
    what: '52 weekly reruns of a 24-configuration schedule: trend page, downloads, stored history',
  },
  { name: 'cold-start', file: 'coldStart.ts', what: 'loading the deployed entry vs durable-functions alone' },
];

const wanted = process.argv.slice(2);
let failed = false;
for (const bench of BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  const file = join(__dirname, bench.file);
  console.log(`\n== ${bench.name}: ${bench.what}`);
  if (!existsSync(file)) {
    console.log(`   (missing: ${file})`);
    failed = true;
    continue;
  }
  const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), file], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
