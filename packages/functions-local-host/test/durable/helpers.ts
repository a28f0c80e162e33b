/**
 * Runs the real local Functions host (`src/cli.ts`) with the durable fixture app as a child process, and
 * small HTTP helpers for its durable management API.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnLocalHost, type SpawnedHost } from '../../src/spawn';

/** The package's folder. */
export const REPO = path.resolve(__dirname, '../..');
export const FIXTURE_APP = path.join(REPO, 'test/fixtures/durable-app');
export const DURABLE = '/runtime/webhooks/durabletask';

export interface HostProcess extends SpawnedHost {
  proc: ChildProcess;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts the host on a free port and waits until it has started (its durable extension first). */
export async function startHost(options: {
  dataDir: string;
  speed?: number;
  env?: Record<string, string>;
}): Promise<HostProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOCAL_CLOCK_SPEED: String(options.speed ?? 1),
    ...options.env,
  };
  delete env.LOCAL_CLOCK_EPOCH;
  const host = await spawnLocalHost({ appDir: FIXTURE_APP, dataDir: options.dataDir, env, startTimeoutMs: 30_000 });
  return { ...host, proc: host.child };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Sends `body` as JSON (`rawBody` as is). */
export async function request(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  rawBody?: string,
): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined || rawBody !== undefined) {
    init.body = rawBody ?? JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export async function startOrchestration(
  host: HostProcess,
  name: string,
  input?: unknown,
  instanceId?: string,
  query = '',
): Promise<string> {
  const res = await request(
    'POST',
    `${host.url}${DURABLE}/orchestrators/${name}${instanceId ? '/' + instanceId : ''}${query}`,
    input,
  );
  if (res.status !== 202) throw new Error(`start ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

export async function getStatus(
  host: HostProcess,
  id: string,
  query = '',
  headers: Record<string, string> = {},
): Promise<Status> {
  const res = await request(
    'GET',
    `${host.url}${DURABLE}/instances/${encodeURIComponent(id)}${query}`,
    undefined,
    headers,
  );
  if (res.status !== 200 && res.status !== 202)
    throw new Error(`status of ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Status;
}

const TERMINAL = ['Completed', 'Failed', 'Terminated'];

/** Polls until the instance reaches a terminal state (or `until` says so). */
export async function waitFor(
  host: HostProcess,
  id: string,
  until: (s: Status) => boolean = (s) => TERMINAL.includes(s.runtimeStatus),
  timeoutMs = 30000,
  query = '',
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await getStatus(host, id, query).catch(() => undefined);
    if (s && until(s)) return s;
    if (Date.now() > deadline) {
      throw new Error(
        `instance ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(s)}\n${host.logs().slice(-3000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
