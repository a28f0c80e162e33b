/**
 * The host's HTTP front door: extension routes (e.g. `/runtime/webhooks/durabletask/…`), a few admin routes, and
 * HTTP triggers under the route prefix with their methods, route parameters and auth levels. Like the Functions
 * host: no matching route or method → 404, missing/wrong key → 401, handler error → 500, body over the limit → 413.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostExtension, HostKeys, HostLogger } from './contracts';
import type { RpcHttpData } from './core-types';
import {
  BodyTooLargeError,
  httpTriggerMetadata,
  readBody,
  toRpcHttpRequest,
  writeRpcHttpResponse,
} from './http-convert';
import type { InvokeResult, LoadedFunction } from './invoke';
import { compileRoute, comparePrecedence, matchRoute, type CompiledRoute } from './routes';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HttpRoute {
  fn: LoadedFunction;
  route: CompiledRoute;
  /** Upper-case methods; empty means every method. */
  methods: string[];
  authLevel: AuthLevel;
}

export function httpRouteOf(fn: LoadedFunction): HttpRoute {
  const t = fn.trigger;
  const template = typeof t.route === 'string' && t.route.trim() ? t.route.trim() : fn.name;
  const methods = Array.isArray(t.methods) ? t.methods.map((m) => String(m).toUpperCase()) : [];
  const level = typeof t.authLevel === 'string' ? t.authLevel.toLowerCase() : 'function';
  const authLevel: AuthLevel = level === 'anonymous' || level === 'admin' ? level : 'function';
  return { fn, route: compileRoute(template), methods, authLevel };
}

export interface DispatcherOptions {
  routePrefix: string;
  routes: HttpRoute[];
  extensions: () => HostExtension[];
  keys: HostKeys;
  logger: HostLogger;
  maxBodyBytes: number;
  invoke(fn: LoadedFunction, http: RpcHttpData): Promise<InvokeResult>;
  hostStatus(): Record<string, unknown>;
  /** Runs a non-HTTP function now (admin API `POST /admin/functions/{name}`); false when it cannot be run that way. */
  invokeAdmin(name: string, input: unknown): boolean;
}

function send(res: ServerResponse, status: number, body?: string, type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (body === undefined) res.writeHead(status, { 'content-length': '0' }).end();
  else res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

const HOME_PAGE =
  '<!DOCTYPE html><html><head><title>Local Functions host</title></head><body>' +
  '<h1>Your Functions 4.0 app is up and running (local host)</h1></body></html>';

function requestUrl(req: IncomingMessage, baseUrl: string): URL {
  try {
    return new URL(req.url ?? '/', req.headers.host ? `http://${req.headers.host}` : baseUrl);
  } catch {
    return new URL(req.url ?? '/', baseUrl);
  }
}

/** `POST /admin/functions/<name>` with `{"input": …}`: runs a non-HTTP function now (202), as the host's admin API. */
async function adminInvoke(
  options: DispatcherOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
): Promise<void> {
  if (!options.keys.authorize(req, url, 'admin')) return send(res, 401);
  let input: unknown;
  try {
    const text = (await readBody(req, options.maxBodyBytes)).toString('utf8');
    input = text ? (JSON.parse(text) as { input?: unknown }).input : undefined;
  } catch {
    return send(res, 400, 'the body must be JSON like {"input": …}');
  }
  return send(res, options.invokeAdmin(name, input) ? 202 : 404);
}

export function createDispatcher(options: DispatcherOptions) {
  const routes = [...options.routes].sort((a, b) => comparePrecedence(a.route, b.route));
  const prefix = options.routePrefix ? `/${options.routePrefix.toLowerCase()}` : '';

  function findRoute(path: string, method: string): { route: HttpRoute; params: Record<string, string> } | undefined {
    for (const route of routes) {
      if (route.methods.length > 0 && !route.methods.includes(method)) continue;
      const params = matchRoute(route.route, path);
      if (params) return { route, params };
    }
    return undefined;
  }

  return async function dispatch(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
    // like the Functions host, the request URL the app sees carries the Host header the client used
    const url = requestUrl(req, baseUrl);
    const path = url.pathname;
    const lower = path.toLowerCase();
    const method = (req.method ?? 'GET').toUpperCase();

    for (const ext of options.extensions()) {
      const extPrefix = ext.routePrefix.toLowerCase().replace(/\/+$/, '');
      if (lower === extPrefix || lower.startsWith(extPrefix + '/')) {
        await ext.handleRequest(req, res, url);
        return;
      }
    }

    if (path === '/' && (method === 'GET' || method === 'HEAD')) return send(res, 200, HOME_PAGE, 'text/html');
    if (lower === '/admin/host/status' && method === 'GET') {
      if (!options.keys.authorize(req, url, 'admin')) return send(res, 401);
      return send(res, 200, JSON.stringify(options.hostStatus()), 'application/json; charset=utf-8');
    }

    const admin = /^\/admin\/functions\/([^/]+)$/i.exec(path);
    if (admin && method === 'POST') {
      return adminInvoke(options, req, res, url, decodeURIComponent(admin[1] as string));
    }

    let rest: string;
    if (!prefix) rest = path;
    else if (lower === prefix || lower.startsWith(prefix + '/')) rest = path.slice(prefix.length) || '/';
    else return send(res, 404);

    const found = findRoute(rest, method);
    if (!found) return send(res, 404);
    const { route, params } = found;
    if (!options.keys.authorize(req, url, route.authLevel)) return send(res, 401);

    let body: Buffer;
    try {
      body = await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        options.logger.log('warning', `Request to ${path} rejected: ${err.message}.`);
        res.setHeader('connection', 'close');
        return send(res, 413);
      }
      throw err;
    }
    const http = toRpcHttpRequest(req, url, params, body);
    let result: InvokeResult;
    try {
      result = await options.invoke(route.fn, http);
    } catch {
      return send(res, 500); // logged by the invoker
    }
    const { response } = result;
    let out: RpcHttpData | undefined;
    if (response.returnValue?.http) out = response.returnValue.http;
    else {
      const outputBinding = Object.entries(route.fn.bindings).find(
        ([, b]) => b.direction === 'out' && String(b.type).toLowerCase() === 'http',
      );
      const data = response.outputData?.find((o) => o.name === outputBinding?.[0])?.data;
      out = data?.http ?? undefined;
    }
    writeRpcHttpResponse(res, out, method);
  };
}

export { httpTriggerMetadata };
