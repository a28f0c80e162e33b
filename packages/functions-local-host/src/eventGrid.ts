/**
 * The Event Grid trigger's webhook, at the path the Functions host serves it:
 * `POST /runtime/webhooks/eventgrid?functionName=<name>` with the `aeg-event-type` header Event Grid sends.
 * `SubscriptionValidation` answers the validation code; `Notification` invokes the function once per event (an
 * Event Grid schema array, or one event) and answers 202, or 500 when an invocation failed (Event Grid then retries
 * the delivery); an unknown function is 404. Function keys are not checked here (the local host's keys guard HTTP
 * functions only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtensionContext, HostExtension } from './contracts';
import { readBody } from './http-convert';

const MAX_BODY = 1024 * 1024; // Event Grid delivers at most 1 MB per request

function answer(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Whether the app registered an Event Grid trigger. */
export const usesEventGrid = (triggerTypes: string[]): boolean =>
  triggerTypes.some((t) => t.toLowerCase() === 'eventgridtrigger');

export function createEventGridExtension(context: ExtensionContext): HostExtension {
  const { invoker, logger } = context;
  return {
    routePrefix: '/runtime/webhooks/eventgrid',
    triggerTypes: ['eventGridTrigger'],
    inputBindingTypes: [],
    inputBindingValue: () => undefined,
    async handleRequest(req: IncomingMessage, res: ServerResponse, url: URL) {
      if (req.method !== 'POST') return answer(res, 405);
      const name = url.searchParams.get('functionName') ?? '';
      const fn = invoker.functions().find((f) => f.name.toLowerCase() === name.toLowerCase());
      if (!fn || fn.triggerType.toLowerCase() !== 'eventgridtrigger')
        return answer(res, 404, { error: `No Event Grid function '${name}'.` });
      let events: unknown[];
      try {
        const parsed = JSON.parse((await readBody(req, MAX_BODY)).toString('utf8')) as unknown;
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return answer(res, 400, { error: 'The body is not JSON.' });
      }
      const kind = String(req.headers['aeg-event-type'] ?? '');
      if (kind === 'SubscriptionValidation') {
        const data = (events[0] as { data?: { validationCode?: unknown } } | undefined)?.data;
        return answer(res, 200, { validationResponse: data?.validationCode });
      }
      if (kind !== 'Notification') return answer(res, 400, { error: "Missing or unknown 'aeg-event-type' header." });
      let failed = 0;
      for (const event of events) {
        try {
          await invoker.invokeTrigger(fn.name, event);
        } catch (err) {
          failed += 1;
          logger.log('error', `Event Grid function '${fn.name}' failed: ${String(err)}`);
        }
      }
      return answer(res, failed > 0 ? 500 : 202);
    },
    start: async () => undefined,
    stop: async () => undefined,
  };
}
