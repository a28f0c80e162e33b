/**
 * `npx tsx bench/host-http.ts [requests] [concurrency]`: HTTP requests per second through the local Functions host
 * for a trivial function (the fixture app's `hello`), with invocation logging on (default level) and off (warning).
 * Each host runs in its own process, as in use.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnLocalHost } from '@rag-orchestrator/functions-local-host';

const ROOT = path.resolve(__dirname, '..');
const REQUESTS = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 16);

async function startHost(logLevel: string): Promise<{ url: string; stop(): Promise<void> }> {
  const host = await spawnLocalHost({
    appDir: path.join(ROOT, 'packages/functions-local-host/test/fixtures/host-app'),
    dataDir: mkdtempSync(path.join(tmpdir(), 'bench-host-')),
    env: { ...process.env, TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '', LOCAL_HOST_LOG_LEVEL: logLevel },
  });
  return { url: host.url, stop: () => host.stop() };
}

function get(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function run(logLevel: string): Promise<void> {
  const host = await startHost(logLevel);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = `${host.url}/api/hello/bench?x=1`;
  for (let i = 0; i < 200; i++) await get(agent, target); // warm-up
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        if ((await get(agent, target)) !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  await host.stop();
  console.log(
    `   log level ${logLevel.padEnd(11)} ${REQUESTS} requests, concurrency ${CONCURRENCY}: ` +
      `${Math.round(REQUESTS / seconds)} requests/s (${((seconds * 1000) / REQUESTS).toFixed(2)} ms each on average)` +
      (failures ? `, ${failures} failed` : ''),
  );
  if (failures) process.exitCode = 1;
}

async function main(): Promise<void> {
  console.log(`local host HTTP throughput (GET /api/hello/{name}, Node ${process.version})`);
  await run('information');
  await run('warning');
}

void main();
