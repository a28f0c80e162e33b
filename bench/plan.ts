/**
 * Bench: validate and plan a 1,000-combination config (10 chunk sizes × 10 overlaps × 10 embedding models), job
 * bodies, per-pipeline configs and components included. Prints the median and spread over the timed runs and the
 * peak memory. Run: `npx tsx bench/plan.ts` (or `npm run bench -- plan`).
 *
 * Reference: the accelerator's own Python planner needs about 30 ms for the names alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planExperiment } from '../src/core/plan';
import { parseSettings } from '../src/core/settings';
import { validateConfig } from '../src/core/validate';

const WARM_UP = 10;
const RUNS = 50;

/** The accelerator's sample config (test fixture), found from the source or the compiled location. */
function sampleConfigPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'configs', 'sample.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('test/fixtures/configs/sample.json not found');
}

export function benchConfig(): Record<string, unknown> {
  const sample = JSON.parse(readFileSync(sampleConfigPath(), 'utf8')) as Record<string, unknown> & {
    index: Record<string, unknown>;
  };
  const chunking = sample.index.chunking as Record<string, unknown>;
  chunking.chunk_size = [256, 384, 512, 640, 768, 896, 1024, 1536, 2048, 4096];
  chunking.overlap_size = [0, 16, 32, 48, 64, 80, 96, 112, 128, 256];
  sample.index.embedding_model = Array.from({ length: 10 }, (_, i) =>
    i % 2 === 0
      ? { type: 'azure', model_name: `text-embedding-3-small-${i}`, dimension: 512 + i }
      : { type: 'sentence-transformer', model_name: `all-mpnet-base-v${i}` },
  );
  return sample;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export interface PlanBenchResult {
  combinations: number;
  runs: number;
  medianMs: number;
  /** CPU time of this process per run (user + system): steadier than wall time on a busy machine. */
  cpuMedianMs: number;
  p90Ms: number;
  minMs: number;
  validateOnlyMedianMs: number;
  peakRssMb: number;
  heapUsedMb: number;
  planJsonMb: number;
}

export function main(): PlanBenchResult {
  const { settings } = parseSettings({
    AML_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444',
    AML_RESOURCE_GROUP_NAME: 'rg',
    AML_WORKSPACE_NAME: 'ws',
    AML_WORKSPACE_REGION: 'westeurope',
    AZURE_KEY_VAULT_ENDPOINT: 'https://kv.vault.azure.net',
    AML_CODE_ASSET_ID: 'azureml:code:1',
    AML_ENVIRONMENT_ID: 'azureml:env:1',
    // 1,000 combinations: the highest cap the app allows.
    MAX_PIPELINES_PER_EXPERIMENT: '1000',
  });
  const inputs = { data: 'azureml://datastores/ws/paths/docs', evalData: 'azureml://datastores/ws/paths/eval.jsonl' };
  const config = benchConfig();

  const once = (): number => {
    const result = planExperiment({ config, experimentId: 'bench', inputs, settings });
    if (!result.ok) throw new Error(`bench config is invalid: ${JSON.stringify(result.problems)}`);
    return result.plan.pipelines.length;
  };
  const combinations = once();
  for (let i = 0; i < WARM_UP; i++) once();

  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    once();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  const validateTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    validateConfig(config);
    validateTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const last = planExperiment({ config, experimentId: 'bench', inputs, settings });
  const planJsonMb = Buffer.byteLength(JSON.stringify(last)) / 2 ** 20;
  const sorted = [...times].sort((a, b) => a - b);
  const memory = process.memoryUsage();
  return {
    combinations,
    runs: RUNS,
    medianMs: median(times),
    cpuMedianMs: median(cpuTimes),
    p90Ms: sorted[Math.floor(sorted.length * 0.9)] ?? 0,
    minMs: sorted[0] ?? 0,
    validateOnlyMedianMs: median(validateTimes),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: memory.heapUsed / 2 ** 20,
    planJsonMb,
  };
}

if (require.main === module) {
  const r = main();
  const f = (n: number): string => n.toFixed(1);
  console.log(`validate + plan, ${r.combinations} combinations (job bodies, configs, components), ${r.runs} runs:`);
  console.log(
    `  median ${f(r.medianMs)} ms   p90 ${f(r.p90Ms)} ms   min ${f(r.minMs)} ms   (CPU median ${f(r.cpuMedianMs)} ms)`,
  );
  console.log(`  validate only: median ${f(r.validateOnlyMedianMs)} ms`);
  console.log(`  peak RSS ${f(r.peakRssMb)} MB   heap used ${f(r.heapUsedMb)} MB   plan as JSON ${f(r.planJsonMb)} MB`);
  console.log('  (reference: the accelerator Python planner, names only: ~30 ms)');
}
