/**
 * `npm run bench -- body-limit`: 10 concurrent 90 MB bodies (chunked, no Content-Length, so nothing can refuse them
 * on their declared size) to `POST /api/plan` of the app (dist/) in the local host, which runs in its own process.
 * Prints the host process's peak RSS (VmHWM) and the answers, with the host's body limit as it was (the Functions
 * host's default, 100 MB: every body is buffered before the app refuses it) and as `npm start` sets it now
 * (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 4 MiB: refused while streaming). Linux only (reads /proc).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalHost } from '@rag-orchestrator/functions-local-host';
import { hostBodyLimit } from '../local/bodyLimit';

const ROOT = join(__dirname, '..');
const BODIES = 10;
const BODY_BYTES = 90 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x20);

const kib = (pid: number, field: 'VmHWM' | 'VmRSS'): number =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** Streams one 90 MB body; resolves with the status, or the socket error if the host closed it first. */
function send(url: string): Promise<string> {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = http.request(`${url}/api/plan`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!answered) resolve(e.code ?? e.message);
    });
    const pump = (): void => {
      while (sent < BODY_BYTES && !req.destroyed) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

async function run(label: string, limit: string): Promise<void> {
  const host = await spawnLocalHost({
    appDir: ROOT,
    dataDir: mkdtempSync(join(tmpdir(), 'bench-body-')),
    env: { ...process.env, FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: limit, LOCAL_HOST_LOG_LEVEL: 'warning' },
  });
  const pid = host.child.pid as number;
  try {
    const idle = kib(pid, 'VmRSS');
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: BODIES }, () => send(host.url)));
    const counts = Object.entries(
      answers.reduce<Record<string, number>>((n, a) => ({ ...n, [a]: (n[a] ?? 0) + 1 }), {}),
    ).map(([a, n]) => `${n}× ${a}`);
    const peak = kib(pid, 'VmHWM');
    console.log(
      `   ${label.padEnd(44)} ${String(Math.round(idle / 1024)).padStart(7)}  ${String(
        Math.round(peak / 1024),
      ).padStart(11)}  ${String(Date.now() - started).padStart(7)}  ${counts.join(', ')}`,
    );
  } finally {
    await host.stop();
  }
}

async function main(): Promise<void> {
  console.log(`   ${BODIES} concurrent chunked bodies of ${BODY_BYTES / 1024 / 1024} MB to POST /api/plan`);
  console.log(`   ${'host body limit'.padEnd(44)} idle MB  peak RSS MB  wall ms  answers`);
  await run('100 MB (the Functions host default: before)', '104857600');
  const now = hostBodyLimit({});
  await run(`${Number(now) / 1024 / 1024} MiB (npm start, Azure: now)`, now);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
