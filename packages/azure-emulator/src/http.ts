/** Request/response plumbing shared by the emulator's services. */
import type { IncomingMessage } from 'node:http';

export interface EmuRequest {
  method: string;
  url: URL;
  /** Path without query, percent-decoding left to each route. */
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  body: unknown;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string. */
  body?: unknown;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: (req: EmuRequest, match: RegExpMatchArray) => EmuResponse | Promise<EmuResponse>;
}

export function findRoute(routes: Route[], req: EmuRequest): { route: Route; match: RegExpMatchArray } | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const match = req.path.match(route.pattern);
    if (!match) continue;
    pathMatched = true;
    if (route.method === req.method) return { route, match };
  }
  void pathMatched;
  return undefined;
}

export async function readRequest(req: IncomingMessage, base: string): Promise<EmuRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  let body: unknown = undefined;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  // `//subscriptions/...` (a scope with a leading slash after `/`) must stay a path, not become a host.
  const raw = req.url ?? '/';
  const url = new URL(`${base}${raw.startsWith('/') ? '' : '/'}${raw}`);
  url.pathname = url.pathname.replace(/\/{2,}/g, '/');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: (req.method ?? 'GET').toUpperCase(), url, path: url.pathname, headers, rawBody, body };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse => ({
  status,
  body,
  headers,
});

/** ARM error shape `{ error: { code, message } }`. */
export const armError = (status: number, code: string, message: string): EmuResponse =>
  json(status, { error: { code, message } });

export const decode = (s: string | undefined): string => decodeURIComponent(s ?? '');
