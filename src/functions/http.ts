/**
 * Small helpers shared by the HTTP triggers: reading a JSON body safely, and answering with errors users can act on.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { duplicateKeys } from '../core/duplicateKeys';
import { publicBase } from '../core/publicBase';
import type { Problem } from '../core/types';
import { getSettings } from '../settings';
import { readBodyWithin } from './readBody';

export interface ErrorBody {
  error: { code: string; message: string; problems?: Problem[] };
}

/** A JSON answer; `nosniff` so that no browser reads a body echoing the caller's input as anything but JSON. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
  };
}

export function error(status: number, code: string, message: string, problems?: Problem[]): HttpResponseInit {
  const body: ErrorBody = { error: { code, message, ...(problems ? { problems } : {}) } };
  return json(status, body);
}

export type JsonBody = { ok: true; value: unknown; text: string } | { ok: false; response: HttpResponseInit };

/**
 * Reads the request's JSON body: 415 when it is not JSON, 413 when it is larger than `maxBytes` (declared, or seen
 * while streaming: never buffered past the limit), 400 when it does not parse (with the parser's message) or writes
 * a key twice in one object (each such key's path).
 */
export async function readJsonBody(
  request: Pick<HttpRequest, 'headers' | 'body'>,
  maxBytes: number,
): Promise<JsonBody> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    return {
      ok: false,
      response: error(
        415,
        'UnsupportedMediaType',
        `Send the experiment as JSON with 'Content-Type: application/json' (got '${contentType || 'none'}').`,
      ),
    };
  }
  const tooLarge = (): JsonBody => ({
    ok: false,
    response: error(
      413,
      'PayloadTooLarge',
      `The request body is larger than ${maxBytes} bytes (MAX_REQUEST_BODY_BYTES). Send only the accelerator's config.json and input URIs.`,
    ),
  });
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return tooLarge();
  const read = await readBodyWithin(request.body, maxBytes);
  if (!read.ok) return tooLarge();
  // A UTF-8 byte order mark (Windows editors, PowerShell's Set-Content) is not JSON, but it is not the user's mistake.
  const text = read.bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    return { ok: false, response: error(400, 'InvalidJson', 'The request body is empty: send a JSON object.') };
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    return {
      ok: false,
      response: error(400, 'InvalidJson', `The request body is not valid JSON: ${(e as Error).message}.`),
    };
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    const message = 'The request body writes a key twice in the same object (each path below); nothing was started.';
    return { ok: false, response: error(400, 'DuplicateJsonKey', message, duplicates) };
  }
  return { ok: true, value, text };
}

/** The base URL callers used to reach us (scheme, host and the `/api` prefix): see `src/core/publicBase.ts`. */
export function apiBase(request: HttpRequest): string {
  return publicBase(request.url, (name) => request.headers.get(name), getSettings().http.forwardedHosts);
}

const failed = (request: HttpRequest, context: InvocationContext, e: unknown): HttpResponseInit => {
  context.error(`${request.method} ${new URL(request.url).pathname} failed: ${(e as Error)?.stack ?? String(e)}`);
  return error(
    500,
    'InternalError',
    `The request failed unexpectedly (invocation ${context.invocationId}). Retry it (with the same ` +
      'Idempotency-Key, a retried start never starts a second experiment); the app logs under that invocation id say why.',
  );
};

/**
 * Wraps an HTTP handler so that an unexpected error is a JSON 500 naming the invocation (for the logs), never an
 * empty body. The error itself is logged, not returned: it may carry URLs of the durable API (with the system key).
 */
export function answersErrors(
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (e) {
      return failed(request, context, e);
    }
  };
}

/** `answersErrors` for handlers with a durable client. */
export function clientAnswersErrors(
  handler: (request: HttpRequest, client: DurableClient, context: InvocationContext) => Promise<HttpResponseInit>,
): (request: HttpRequest, client: DurableClient, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, client, context) => {
    try {
      return await handler(request, client, context);
    } catch (e) {
      return failed(request, context, e);
    }
  };
}
