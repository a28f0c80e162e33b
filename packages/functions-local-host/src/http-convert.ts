/**
 * HTTP ⇄ RPC conversions: an incoming Node request to the `RpcHttpData` the host sends the worker, and the
 * worker's `RpcHttpData` response (status, headers, cookies, body) back onto the Node response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './core-types';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Reads the whole body, failing once more than `limit` bytes arrive. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(`request body of ${declared} bytes exceeds ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return headers;
}

export function toRpcHttpRequest(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: url.toString(),
    headers: flattenHeaders(req),
    query,
    params,
    body: body.length > 0 ? { bytes: body } : null,
  };
}

/** Trigger metadata the host sends along with an HTTP trigger (route params, Query, Headers). */
export function httpTriggerMetadata(http: RpcHttpData): Record<string, RpcTypedData> {
  const meta: Record<string, RpcTypedData> = {
    Query: { json: JSON.stringify(http.query ?? {}) },
    Headers: { json: JSON.stringify(http.headers ?? {}) },
  };
  for (const [k, v] of Object.entries(http.params ?? {})) meta[k] = { string: v };
  return meta;
}

export function formatCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === 'number') parts.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None', none: undefined }[cookie.sameSite ?? 'none'];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (body.stream) return Buffer.from(body.stream);
  if (typeof body.string === 'string') return Buffer.from(body.string);
  if (typeof body.json === 'string') return Buffer.from(body.json);
  if (typeof body.int === 'number') return Buffer.from(String(body.int));
  if (typeof body.double === 'number') return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

/** Writes the worker's HTTP response; no response at all is 204 No Content. */
export function writeRpcHttpResponse(res: ServerResponse, http: RpcHttpData | undefined, method: string): void {
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? 200) || 200;
  const body = bodyBytes(http.body);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(http.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const cookies = (http.cookies ?? []).map(formatCookie);
  if (cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing ? [String(existing)] : []), ...cookies];
  }
  delete headers['transfer-encoding'];
  // HEAD: the headers GET would send, Content-Length included, without the body.
  const noBody = status === 204 || status === 304;
  if (!noBody) headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(noBody || method === 'HEAD' ? undefined : body);
}
