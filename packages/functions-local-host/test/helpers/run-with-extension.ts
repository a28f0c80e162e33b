/**
 * Child-process entry for the extension-contract tests: starts the host on the app in EXT_APP with a small test
 * extension that exposes `FunctionInvoker.invokeTrigger` over HTTP (POST /runtime/webhooks/test/invoke/<fn>),
 * provides `testInput` bindings and checks its system key on GET /runtime/webhooks/test/secure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtensionContext, HostExtension } from '../../src/contracts';
import { startHost } from '../../src/host';

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      resolve(text ? JSON.parse(text) : undefined);
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) ?? 'null';
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

function testExtension(ctx: ExtensionContext): HostExtension {
  return {
    routePrefix: '/runtime/webhooks/test',
    triggerTypes: ['activityTrigger', 'testTrigger'],
    inputBindingTypes: ['testInput'],
    inputBindingValue: (binding) => ({ providedFor: binding.name, setting: binding.setting, baseUrl: ctx.baseUrl }),
    async handleRequest(req, res, url) {
      const rest = url.pathname.slice('/runtime/webhooks/test'.length);
      if (rest === '/secure') {
        return send(res, ctx.keys.authorize(req, url, 'system', 'test_extension') ? 200 : 401, {});
      }
      if (rest === '/functions') {
        return send(
          res,
          200,
          ctx.invoker.functions().map((f) => ({ name: f.name, triggerType: f.triggerType })),
        );
      }
      const m = /^\/invoke\/([^/]+)$/.exec(rest);
      if (!m || req.method !== 'POST') return send(res, 404, { error: 'not found' });
      const body = (await readJson(req)) as { value?: unknown; invocationId?: string };
      try {
        const result = await ctx.invoker.invokeTrigger(decodeURIComponent(m[1] as string), body.value, {
          invocationId: body.invocationId,
        });
        send(res, 200, { result: result === undefined ? '__undefined__' : result });
      } catch (err) {
        send(res, 500, { error: (err as Error).message });
      }
    },
    async start() {
      ctx.logger.log(
        'information',
        `test extension started (system key configured: ${Boolean(ctx.keys.systemKey('test_extension'))})`,
      );
    },
    async stop() {
      ctx.logger.log('information', 'test extension stopped');
    },
  };
}

async function main(): Promise<void> {
  const host = await startHost({
    appDir: process.env.EXT_APP as string,
    port: 0,
    dataDir: process.env.EXT_DATA_DIR,
    extensions: [testExtension],
  });
  const stop = (): void => void host.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`could not start: ${(err as Error).message}`);
  process.exit(1);
});
