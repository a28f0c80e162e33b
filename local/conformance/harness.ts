/**
 * The .NET harness process (local/conformance/harness): built with `dotnet build`, started with the Azurite
 * connection and the bridge's URL, and driven through the extension's own local RPC endpoint — the HTTP API a Node
 * app's durable client uses — to start instances, raise events and read status.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { writeAppFunctions, type DurableFunctionNames } from './appFunctions';

const PROJECT = path.join(__dirname, 'harness');
const DLL = path.join(PROJECT, 'bin', 'Release', 'net10.0', 'conformance-harness.dll');
/**
 * The harness the management calls drive: its local RPC endpoint (the extension tries 17071, then a random port:
 * the harness prints the one it listens on) and its task hub (every answer to a start must name it, so a run never
 * drives another run's harness).
 */
let driven: { rpcBase: string; hub: string } | undefined;

function rpcUrl(relative: string): URL {
  if (!driven) throw new Error('no harness is running');
  return new URL(relative, driven.rpcBase);
}

/** Generates its functions from the app's, restores from NuGet and builds the harness (incremental). */
export function buildHarness(app: DurableFunctionNames): void {
  writeAppFunctions(PROJECT, app);
  execFileSync('dotnet', ['build', PROJECT, '-c', 'Release', '-v', 'q', '-nologo', '--tl:off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
}

export interface HarnessProcess {
  /** The versions line the harness printed. */
  versions: string;
  /** The extension's options from host.json, as the harness applied them. */
  options: string;
  /** Its local RPC endpoint. */
  rpcBase: string;
  output(): string;
  /** A clean stop (stdin closed), waiting for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: nothing flushed, leases left to expire. */
  kill(): Promise<void>;
}

export async function startHarness(env: Record<string, string>, verbose: boolean): Promise<HarnessProcess> {
  const child: ChildProcess = spawn('dotnet', [DLL], {
    // FUNCTIONS_WORKER_RUNTIME=node: what the Functions host sets for a Node app (the extension reads it).
    env: { ...process.env, ...env, FUNCTIONS_WORKER_RUNTIME: 'node', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    output += text;
    if (verbose) process.stdout.write(text.replace(/^/gm, '  [harness] '));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the harness did not start in 120 s:\n${output}`)), 120_000);
    const check = (): void => {
      if (output.includes('[harness] ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the harness exited (${code}) before it was ready:\n${output}`));
    });
  });
  const end = async (how: 'stop' | 'kill'): Promise<void> => {
    process.removeListener('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      if (how === 'kill') child.kill('SIGKILL');
      else child.stdin?.end();
    }
    await exited;
  };
  const rpcBase = /\[harness\] rpc (\S+)/.exec(output)?.[1];
  const hub = env.CONFORMANCE_TASK_HUB;
  if (!rpcBase || !hub) throw new Error(`the harness named no RPC endpoint or task hub:\n${output}`);
  driven = { rpcBase, hub };
  return {
    versions: /\[harness\] (Microsoft\.Azure\.WebJobs\.Extensions\.DurableTask .*)/.exec(output)?.[1] ?? 'unknown',
    options: /\[harness\] options (.*)/.exec(output)?.[1] ?? 'unknown',
    rpcBase,
    output: () => output,
    stop: () => end('stop'),
    kill: () => end('kill'),
  };
}

export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  /** With showHistory: the extension's summary of the history (TaskCompleted events name their FunctionName). */
  historyEvents?: { EventType: string; FunctionName?: string; [k: string]: unknown }[];
}

/** Every instance id started in this run: a scenario that reuses one would read another scenario's instance. */
const startedIds = new Set<string>();

/** The management calls the scenarios need, as durable-functions' DurableClient makes them over rpcBaseUrl. */
export const management = {
  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    if (startedIds.has(instanceId)) throw new Error(`instance id ${instanceId} was already started in this run`);
    startedIds.add(instanceId);
    const res = await fetch(rpcUrl(`orchestrators/${orchestrator}/${encodeURIComponent(instanceId)}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`starting ${orchestrator} answered ${res.status}: ${text}`);
    const links = JSON.parse(text) as { statusQueryGetUri?: string };
    const hub = new URL(links.statusQueryGetUri ?? 'http://none').searchParams.get('taskHub');
    if (hub !== driven?.hub)
      throw new Error(`${driven?.rpcBase} is another harness's (task hub ${hub}, ours ${driven?.hub})`);
  },
  async status(instanceId: string, history = false): Promise<InstanceStatus | undefined> {
    const query = history ? '?showHistory=true&showHistoryOutput=true&showInput=true' : '?showInput=true';
    const res = await fetch(rpcUrl(`instances/${encodeURIComponent(instanceId)}${query}`));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`status of ${instanceId} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as InstanceStatus;
  },
  async terminate(instanceId: string, reason: string): Promise<void> {
    const url = rpcUrl(`instances/${encodeURIComponent(instanceId)}/terminate?reason=${encodeURIComponent(reason)}`);
    const res = await fetch(url, { method: 'POST' });
    if (res.status !== 202) throw new Error(`terminating ${instanceId} answered ${res.status}: ${await res.text()}`);
  },
  async raise(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const res = await fetch(rpcUrl(`instances/${encodeURIComponent(instanceId)}/raiseEvent/${eventName}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    if (res.status !== 202)
      throw new Error(`raising ${eventName} on ${instanceId} answered ${res.status}: ${await res.text()}`);
  },
};

/** Waits until the instance reaches a terminal state (or `timeoutMs` passes). */
export async function waitForEnd(instanceId: string, timeoutMs: number): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await management.status(instanceId).catch(() => undefined);
    if (s && ['Completed', 'Failed', 'Terminated', 'Canceled'].includes(s.runtimeStatus)) return s;
    if (Date.now() > deadline) {
      throw new Error(
        `${instanceId} did not end within ${timeoutMs / 1000} s (last: ${s?.runtimeStatus ?? 'unknown'})`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
