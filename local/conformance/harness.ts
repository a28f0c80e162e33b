/**
 * The .NET harness process (local/conformance/harness): built with `dotnet build`, started with the Azurite
 * connection and the bridge's URL, and driven through the extension's own local RPC endpoint — the HTTP API a Node
 * app's durable client uses — to start instances, raise events and read status.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const PROJECT = path.join(__dirname, 'harness');
const DLL = path.join(PROJECT, 'bin', 'Release', 'net10.0', 'conformance-harness.dll');
/** The extension's local RPC endpoint (fixed by the extension: DurableTaskOptions.LocalRpcEndpointEnabled). */
export const RPC_BASE = 'http://127.0.0.1:17071/durabletask/';

/** Restores from NuGet and builds the harness (incremental: quick when nothing changed). */
export function buildHarness(): void {
  execFileSync('dotnet', ['build', PROJECT, '-c', 'Release', '-v', 'q', '-nologo', '--tl:off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
}

export interface HarnessProcess {
  /** The versions line the harness printed. */
  versions: string;
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
  return {
    versions: /\[harness\] (Microsoft\.Azure\.WebJobs\.Extensions\.DurableTask .*)/.exec(output)?.[1] ?? 'unknown',
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
  history?: { EventType: string; [k: string]: unknown }[];
}

/** The management calls the scenarios need, as durable-functions' DurableClient makes them over rpcBaseUrl. */
export const management = {
  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    const res = await fetch(new URL(`orchestrators/${orchestrator}/${encodeURIComponent(instanceId)}`, RPC_BASE), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    if (res.status !== 202) throw new Error(`starting ${orchestrator} answered ${res.status}: ${await res.text()}`);
  },
  async status(instanceId: string, history = false): Promise<InstanceStatus | undefined> {
    const query = history ? '?showHistory=true&showHistoryOutput=true&showInput=true' : '?showInput=true';
    const res = await fetch(new URL(`instances/${encodeURIComponent(instanceId)}${query}`, RPC_BASE));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`status of ${instanceId} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as InstanceStatus;
  },
  async terminate(instanceId: string, reason: string): Promise<void> {
    const url = new URL(
      `instances/${encodeURIComponent(instanceId)}/terminate?reason=${encodeURIComponent(reason)}`,
      RPC_BASE,
    );
    const res = await fetch(url, { method: 'POST' });
    if (res.status !== 202) throw new Error(`terminating ${instanceId} answered ${res.status}: ${await res.text()}`);
  },
  async raise(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const res = await fetch(new URL(`instances/${encodeURIComponent(instanceId)}/raiseEvent/${eventName}`, RPC_BASE), {
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
