/**
 * The local Durable Functions extension: plugs into the local Functions host (see `../contracts.ts`).
 *
 * - `orchestrationTrigger` / `activityTrigger` functions are run by the engine (`engine.ts`) from durable state in
 *   `ExtensionContext.dataDir` (SQLite), orchestrations replayed from their full history on every episode;
 * - `durableClient` input bindings get the JSON the real extension gives the `durable-functions` client, whose
 *   `rpcBaseUrl` points at a loopback-only listener of this extension (no key needed there);
 * - the public management API is served under `/runtime/webhooks/durabletask/` on the host's port.
 *
 * Settings (environment): `LOCAL_DURABLE_TASK_HUB` (task hub name, default `TestHubName`),
 * `LOCAL_DURABLE_RPC_PORT` (loopback listener port, default any free port),
 * `LOCAL_DURABLE_MAX_ACTIVITIES` (concurrent activities, default 10).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BindingInfo, ExtensionContext, ExtensionFactory, HostExtension } from '../contracts';
import { DurableEngine } from './engine';
import { DurableHttpApi } from './http-api';
import { defaultVersionFrom } from './versioning';
import {
  INSTANCE_ID_PLACEHOLDER,
  ROUTE_PREFIX,
  creationUrls,
  managementUrls,
  webhookBase,
  type UrlContext,
} from './urls';

const RPC_PREFIX = '/durabletask/';

/** The loopback-only listener the durable-functions client calls (`rpcBaseUrl`), no key needed. */
async function startRpcServer(handler: DurableHttpApi): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (!url.pathname.startsWith(RPC_PREFIX)) {
      res.writeHead(404);
      res.end();
      return;
    }
    void handler.handle(req, res, url, RPC_PREFIX);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.LOCAL_DURABLE_RPC_PORT) || 0, '127.0.0.1', () => resolve());
  });
  return server;
}

export const createDurableExtension: ExtensionFactory = (context: ExtensionContext): HostExtension => {
  const taskHub = process.env.LOCAL_DURABLE_TASK_HUB || 'TestHubName';
  const maxActivities = Number(process.env.LOCAL_DURABLE_MAX_ACTIVITIES) || 10;
  let engine: DurableEngine | undefined;
  let api: DurableHttpApi | undefined;
  let rpcServer: http.Server | undefined;
  let rpcBaseUrl: string | undefined;

  const urls = (): UrlContext => ({
    baseUrl: context.baseUrl,
    taskHub,
    systemKey: context.keys.systemKey('durabletask_extension'),
  });

  const started = (): { engine: DurableEngine; api: DurableHttpApi } => {
    if (!engine || !api) throw new Error('The Durable Functions extension is not started.');
    return { engine, api };
  };

  return {
    routePrefix: ROUTE_PREFIX,
    triggerTypes: ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'],
    inputBindingTypes: ['durableClient', 'orchestrationClient'],

    inputBindingValue(_binding: BindingInfo): unknown {
      const u = urls();
      return {
        taskHubName: taskHub,
        creationUrls: creationUrls(u),
        managementUrls: managementUrls(u, INSTANCE_ID_PLACEHOLDER),
        baseUrl: webhookBase(u),
        requiredQueryStringParameters: `taskHub=${encodeURIComponent(taskHub)}&connection=Storage${u.systemKey ? `&code=${encodeURIComponent(u.systemKey)}` : ''}`,
        rpcBaseUrl,
        httpBaseUrl: `${webhookBase(u)}/`,
        maxGrpcMessageSizeInBytes: 0,
        grpcHttpClientTimeout: '00:01:40',
      };
    },

    async handleRequest(req, res, url) {
      const { api: handler } = started();
      if (!context.keys.authorize(req, url, 'system', 'durabletask_extension')) {
        res.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({ Message: 'A valid system key (durabletask_extension) or the master key is required.' }),
        );
        return;
      }
      await handler.handle(req, res, url, ROUTE_PREFIX);
    },

    async start() {
      engine = new DurableEngine(context.dataDir, context.invoker, context.clock, context.logger, {
        maxConcurrentActivities: maxActivities,
        defaultVersion: defaultVersionFrom(process.cwd()),
      });
      api = new DurableHttpApi(engine, urls);
      rpcServer = await startRpcServer(api);
      rpcBaseUrl = `http://127.0.0.1:${(rpcServer.address() as AddressInfo).port}${RPC_PREFIX}`;
      engine.start();
      context.logger.log(
        'information',
        `Durable Functions extension started (task hub ${taskHub}, state in ${context.dataDir}).`,
      );
    },

    async stop() {
      const server = rpcServer;
      rpcServer = undefined;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      if (engine) await engine.stop();
      engine = undefined;
    },
  };
};

export default createDurableExtension;
