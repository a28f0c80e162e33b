/**
 * The emulator's HTTPS front door: picks the service by path, applies injected faults, checks the bearer token
 * (audience per service; Key Vault answers the recorded 401 challenge first), dispatches and records exchanges.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RecordedExchange } from './contracts';
import { findRoute, readRequest, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS } from './ids';
import type { ScenarioState } from './scenario';
import { audienceMatches, type TokenIssuer } from './tokens';

export interface Service {
  name: string;
  prefix: RegExp;
  /** Token audiences accepted; none: no bearer token needed (the identity endpoint). */
  audiences?: string[];
  /** Key Vault style: a request without a token gets the WWW-Authenticate challenge. */
  challenge?: boolean;
  routes: Route[];
  /** Answer when no route matches. */
  notFound: (req: EmuRequest) => EmuResponse;
}

export interface EmulatorServer {
  url: string;
  traffic: RecordedExchange[];
  armRequests: number;
  close(): Promise<void>;
}

const errorBody = (code: string, message: string): unknown => ({ error: { code, message } });

/** An injected fault's answer: ARM's error shape, with Retry-After when given. */
function faultResponse(status: number, retryAfterSeconds: number | undefined): EmuResponse {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  const code = status === 429 ? 'TooManyRequests' : status >= 500 ? 'InternalServerError' : 'InjectedFault';
  const message =
    status === 429
      ? 'The request is being throttled (injected by the emulator). Retry after the Retry-After delay.'
      : `Injected fault: HTTP ${status}.`;
  return { status, headers, body: errorBody(code, message) };
}

/** Key Vault's challenge, exactly as recorded. */
const kvChallenge = `Bearer authorization="https://login.microsoftonline.com/${IDS.tenantId}", resource="https://vault.azure.net"`;

/** The bearer token check of a service that wants one: an error answer, or undefined when the token is good. */
function authorize(issuer: TokenIssuer, service: Service, req: EmuRequest): EmuResponse | undefined {
  if (!service.audiences) return undefined;
  const header = req.headers['authorization'] ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    if (service.challenge) {
      return {
        status: 401,
        headers: {
          'WWW-Authenticate': kvChallenge,
        },
        body: errorBody('Unauthorized', 'AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.'),
      };
    }
    return {
      status: 401,
      headers: { 'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${IDS.tenantId}"` },
      body: errorBody('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
    };
  }
  const verified = issuer.verify(match[1]!);
  if ('reason' in verified) {
    return {
      status: 401,
      ...(service.challenge ? { headers: { 'WWW-Authenticate': kvChallenge } } : {}),
      body: errorBody(
        service.challenge ? 'Unauthorized' : 'InvalidAuthenticationToken',
        `The access token is invalid: ${verified.reason}.`,
      ),
    };
  }
  if (!service.audiences.some((aud) => audienceMatches(verified.claims.aud, aud))) {
    return {
      status: 401,
      body: errorBody(
        'InvalidAuthenticationTokenAudience',
        `The access token has an invalid audience '${verified.claims.aud}'; this API (${service.name}) expects ${service.audiences.join(' or ')}.`,
      ),
    };
  }
  return undefined;
}

/** The answer's headers (request ids, content type and length) and its payload text. */
function wireAnswer(req: EmuRequest, response: EmuResponse): { headers: Record<string, string>; payload: string } {
  const headers: Record<string, string> = {
    'x-ms-request-id': randomUUID(),
    ...(req.headers['x-ms-client-request-id']
      ? { 'x-ms-client-request-id': req.headers['x-ms-client-request-id'] }
      : {}),
    ...(response.headers ?? {}),
  };
  let payload = '';
  if (response.body !== undefined) {
    payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] =
        typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    }
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  return { headers, payload };
}

/** One exchange as recorded, its bearer token redacted. */
function recorded(
  req: EmuRequest,
  response: EmuResponse,
  headers: Record<string, string>,
  service: string,
): RecordedExchange {
  const requestHeaders = { ...req.headers };
  if (requestHeaders['authorization']) requestHeaders['authorization'] = 'Bearer <redacted>';
  return {
    method: req.method,
    url: req.url.toString(),
    requestHeaders,
    requestBody: req.body,
    status: response.status,
    responseHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    responseBody: response.body,
    service,
  };
}

export async function startServer(options: {
  port: number;
  certPath: string;
  keyPath: string;
  services: Service[];
  issuer: TokenIssuer;
  scenario: ScenarioState;
  record: boolean;
  /**
   * Runs after a PUT, POST, PATCH or DELETE was answered, before the answer is sent: `npm start` saves the state
   * there, so whatever a client was told exists is on disk even if the process is killed the next moment.
   */
  afterChange?: () => void;
}): Promise<EmulatorServer> {
  const { services, issuer, scenario } = options;
  const state: EmulatorServer = { url: '', traffic: [], armRequests: 0, close: async () => undefined };

  const handle = async (req: EmuRequest): Promise<{ service: string; response: EmuResponse }> => {
    const service = services.find((s) => s.prefix.test(req.path));
    if (!service) {
      return {
        service: 'unknown',
        response: { status: 404, body: errorBody('NotFound', `The emulator serves no API at ${req.path}.`) },
      };
    }
    const fault = scenario.takeFault(req.method, req.path);
    if (fault) {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.status) {
        return { service: service.name, response: faultResponse(fault.status, fault.retryAfterSeconds) };
      }
    }
    const chaos = scenario.takeRandomFault(service.name, req.method);
    if (chaos && !chaos.afterEffect) {
      return { service: service.name, response: faultResponse(chaos.status, chaos.retryAfterSeconds) };
    }
    const denied = authorize(issuer, service, req);
    if (denied) return { service: service.name, response: denied };
    const found = findRoute(service.routes, req);
    if (!found) return { service: service.name, response: service.notFound(req) };
    try {
      const response = await found.route.handler(req, found.match);
      // The change is made, the answer lost: the caller sees only the fault.
      if (chaos) return { service: service.name, response: faultResponse(chaos.status, chaos.retryAfterSeconds) };
      return { service: service.name, response };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { service: service.name, response: { status: 500, body: errorBody('InternalServerError', message) } };
    }
  };

  const server = https.createServer(
    { cert: readFileSync(options.certPath), key: readFileSync(options.keyPath) },
    (rawReq, res) => {
      void (async () => {
        const base = state.url || 'https://127.0.0.1';
        const req = await readRequest(rawReq, base);
        const { service, response } = await handle(req);
        if (service === 'arm') state.armRequests += 1;
        if (req.method !== 'GET' && req.method !== 'HEAD') options.afterChange?.();
        const { headers, payload } = wireAnswer(req, response);
        if (options.record && service !== 'unknown') {
          state.traffic.push(recorded(req, response, headers, service));
        }
        res.writeHead(response.status, headers);
        res.end(payload);
      })().catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(errorBody('InternalServerError', err instanceof Error ? err.message : String(err))));
      });
    },
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.url = `https://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
