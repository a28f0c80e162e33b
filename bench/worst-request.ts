/**
 * Bench: the worst requests the app accepts or refuses, through the real POST /api/plan handler in process:
 * - a config of 1.6 billion combinations (refused by the cap, counted from list lengths);
 * - the largest accepted plan at the default cap (100 pipelines) and at the highest cap the setting allows (1,000),
 *   as a summary and with `?full=true` (job bodies and per-pipeline configs).
 * Prints, per request: median wall time (the handler is synchronous, so this is how long the event loop is held),
 * response size, heap growth, and the process's peak RSS so far. `npm run bench -- worst-request`.
 */
import { HttpRequest } from '@azure/functions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { planEndpoint } from '../src/functions/planExperiment';
import { resetSettingsForTests } from '../src/settings';

const EMULATED_SETTINGS: Record<string, string> = {
  AML_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444',
  AML_RESOURCE_GROUP_NAME: 'rg',
  AML_WORKSPACE_NAME: 'ws',
  AML_WORKSPACE_REGION: 'westeurope',
  AZURE_KEY_VAULT_ENDPOINT: 'https://kv.vault.azure.net',
  AML_CODE_ASSET_ID: 'azureml:code:1',
  AML_ENVIRONMENT_ID: 'azureml:env:1',
};

function body(chunkSizes: number, overlaps: number, efs = 1): string {
  const config = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/e2e/config.sample.json'), 'utf8')) as Record<
    string,
    unknown
  > & { index: Record<string, unknown> & { chunking: Record<string, unknown> } };
  config.index.chunking.chunk_size = Array.from({ length: chunkSizes }, (_, i) => 1000 + i);
  config.index.chunking.overlap_size = Array.from({ length: overlaps }, (_, i) => i);
  config.index.ef_construction = Array.from({ length: efs }, (_, i) => 100 + (i % 900));
  config.index.ef_search = Array.from({ length: efs }, (_, i) => 100 + (i % 900));
  return JSON.stringify({
    config,
    inputs: {
      data: 'azureml://datastores/workspaceblobstore/paths/docs/',
      evalData: 'azureml://datastores/workspaceblobstore/paths/eval.jsonl',
    },
  });
}

export async function main(): Promise<void> {
  const cases = [
    { name: 'refused: 1.6 billion combinations', cap: '100', text: body(200, 200, 200), query: '' },
    { name: 'accepted: 100 pipelines (default cap), summary', cap: '100', text: body(10, 10), query: '' },
    { name: 'accepted: 100 pipelines (default cap), ?full=true', cap: '100', text: body(10, 10), query: '?full=true' },
    { name: 'accepted: 1,000 pipelines (highest cap), summary', cap: '1000', text: body(100, 10), query: '' },
    {
      name: 'accepted: 1,000 pipelines (highest cap), ?full=true',
      cap: '1000',
      text: body(100, 10),
      query: '?full=true',
    },
  ];
  console.log(
    '   request                                              status  median ms  max ms  response  heap +MB  peak RSS MB',
  );
  for (const c of cases) {
    Object.assign(process.env, EMULATED_SETTINGS, { MAX_PIPELINES_PER_EXPERIMENT: c.cap });
    // Settings are read once per process: read them again for this cap.
    resetSettingsForTests();
    const times: number[] = [];
    let status = 0;
    let size = 0;
    let heapGrowth = 0;
    for (let i = 0; i < 15; i++) {
      const request = new HttpRequest({
        method: 'POST',
        url: `http://localhost/api/plan${c.query}`,
        headers: { 'content-type': 'application/json' },
        body: { string: c.text },
      });
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const response = await planEndpoint(request);
      const text = JSON.stringify(response.jsonBody);
      times.push(performance.now() - t0);
      heapGrowth = Math.max(heapGrowth, process.memoryUsage().heapUsed - heapBefore);
      status = response.status ?? 200;
      size = Buffer.byteLength(text);
    }
    times.sort((a, b) => a - b);
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(
      `   ${c.name.padEnd(52)} ${String(status).padEnd(7)} ${times[7]!.toFixed(1).padStart(9)} ${times[14]!
        .toFixed(1)
        .padStart(7)} ${`${(size / 1024).toFixed(0)} KB`.padStart(9)} ${mb(heapGrowth).padStart(9)} ${(
        process.resourceUsage().maxRSS / 1024
      )
        .toFixed(0)
        .padStart(12)}`,
    );
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
