/**
 * The Node side of the conformance harness: loads the app (built into dist/) the way the local host's worker does
 * and serves its handlers to the .NET harness over loopback HTTP.
 *
 * - `POST /orchestrator/<name>`: the body is the orchestration trigger's context JSON, exactly as the extension
 *   produced it; the answer is the durable-functions handler's OrchestratorState JSON.
 * - `POST /activity/<name>`: `{ instanceId, input, client }`; `client` is the extension's durable client binding
 *   JSON (its local RPC endpoint); the answer is the activity's return value as JSON.
 * A handler's failure answers 500 with `{ message, stack }`, which the harness words as the Functions host does.
 *
 * The app must be the only one loaded in this process (one programming model per process).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostLogger, LogLevel } from '@rag-orchestrator/functions-local-host';
import {
  installCoreApi,
  indexFunctions,
  fromTypedData,
  Invoker,
  toTypedData,
  type LoadedFunction,
  resolveEntryFiles,
} from '@rag-orchestrator/functions-local-host/embed';
import { durableFunctionNames, type DurableFunctionNames } from './appFunctions';
import { createHolds, episodeOf, type BridgeCall, type Episode, type Hold } from './episodes';

export interface Bridge {
  url: string;
  /** The app's orchestrators and activities, from its registrations (what the harness registers with the engine). */
  durableFunctions: DurableFunctionNames;
  /** Invocations per function name so far. */
  calls: Map<string, number>;
  /** The app's and the bridge's log lines so far. */
  logs: string[];
  /** Every orchestrator episode so far (episodes.ts). */
  episodes: Episode[];
  /** Holds the next call that matches until released (episodes.ts). */
  hold(match: (call: BridgeCall) => boolean): Hold;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The bridge's HTTP server: `POST /orchestrator/<name>` and `POST /activity/<name>`, answered by `run`. */
function serve(run: (kind: string, name: string, text: string) => Promise<unknown>): Server {
  return createServer((req, res) => {
    const match = /^\/(orchestrator|activity)\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const [, kind = '', name = ''] = match;
    readBody(req)
      .then((text) => run(kind, name, text))
      .then(
        (value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(value === undefined ? '' : JSON.stringify(value));
        },
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: e.message, stack: e.stack ?? '' }));
        },
      );
  });
}

export async function startBridge(appDir: string, verbose: boolean): Promise<Bridge> {
  const logs: string[] = [];
  const logger: HostLogger = {
    log(level: LogLevel, message: string) {
      const line = `[${level}] ${message}`;
      logs.push(line);
      if (verbose || level === 'error') console.log(`  [bridge] ${line}`);
    },
  };
  const registry = installCoreApi();
  for (const file of resolveEntryFiles(appDir)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
  }
  registry.acceptingRegistrations = false;
  const functions = indexFunctions(registry.registrations, process.env, logger);
  const byName = (name: string): LoadedFunction => {
    const fn = functions.find((f) => f.name === name);
    if (!fn) throw new Error(`the app registers no function '${name}'`);
    return fn;
  };
  const calls = new Map<string, number>();
  const episodes: Episode[] = [];
  const holds = createHolds();

  const run = async (kind: string, name: string, text: string): Promise<unknown> => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    if (kind === 'orchestrator') {
      await holds.gate({ kind, name, instanceId: (JSON.parse(text) as { instanceId?: string }).instanceId ?? '' });
      const invoker = new Invoker(registry, logger, () => undefined, {});
      const t0 = performance.now();
      const { response } = await invoker.invoke(byName(name), { triggerData: { json: text }, reason: 'conformance' });
      const answer = fromTypedData(response.returnValue);
      episodes.push(episodeOf(name, text, answer, performance.now() - t0));
      return answer;
    }
    const { instanceId, input, client } = JSON.parse(text) as { instanceId: string; input: unknown; client: unknown };
    await holds.gate({ kind: 'activity', name, instanceId });
    const invoker = new Invoker(
      registry,
      logger,
      (binding) => (String(binding.type).toLowerCase() === 'durableclient' ? toTypedData(client) : undefined),
      {},
    );
    const { response } = await invoker.invoke(byName(name), {
      triggerData: input === undefined || input === null ? undefined : { json: JSON.stringify(input) },
      reason: 'conformance',
    });
    return fromTypedData(response.returnValue);
  };

  const server = serve(run);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    durableFunctions: durableFunctionNames(functions),
    calls,
    logs,
    episodes,
    hold: holds.hold,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
