/**
 * The extension's HTTP API, served twice as in the real extension: publicly under
 * `/runtime/webhooks/durabletask/` on the host's port (system key `durabletask_extension` or the master key
 * required when the host has keys), and on a loopback-only listener (`rpcBaseUrl`) that the `durable-functions`
 * client calls without a key. Routes, status codes and bodies follow the Durable Functions HTTP API reference.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DurableEngine } from './engine';
import { InstanceExistsError, NotAnOrchestratorError } from './engine';
import { errorMessage } from './invocation';
import { RewindError } from './rewind';
import { fromJsonText, toJsonText } from './history';
import { statusPayload, statusTime } from './status';
import { TERMINAL_STATUSES, isTerminal, type InstanceQuery, type RuntimeStatus } from './store';
import { managementUrls, type UrlContext } from './urls';

const STATUSES: readonly RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Terminated',
  'Suspended',
];
const MAX_BODY = 32 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON text of a request body (empty → null); 400 on invalid JSON. */
function jsonBody(text: string): string | null {
  if (text.trim() === '') return null;
  try {
    return toJsonText(JSON.parse(text));
  } catch {
    throw new HttpError(400, 'Invalid JSON content');
  }
}

function bool(url: URL, name: string): boolean | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  return undefined;
}

function time(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `'${name}' is not a valid date-time: ${v}`);
  return t;
}

function statuses(url: URL): RuntimeStatus[] | undefined {
  const raw = url.searchParams.getAll('runtimeStatus').flatMap((v) => v.split(','));
  const out: RuntimeStatus[] = [];
  for (const r of raw) {
    const s = STATUSES.find((x) => x.toLowerCase() === r.trim().toLowerCase());
    if (s) out.push(s);
  }
  return out.length ? out : undefined;
}

/** Instance ids as the extension accepts them. */
function validateInstanceId(id: string): void {
  if (id.length > 256) throw new HttpError(400, 'Instance ID must not exceed 256 characters.');
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(id)) {
    throw new HttpError(
      400,
      `Instance ID '${id}' contains invalid characters ('/', '\\', '#', '?' or control characters).`,
    );
  }
}

export class DurableHttpApi {
  constructor(
    private readonly engine: DurableEngine,
    private readonly urls: () => UrlContext,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, basePath: string): Promise<void> {
    try {
      await this.route(req, res, url, basePath);
    } catch (err) {
      if (err instanceof HttpError) send(res, err.status, { Message: err.message });
      else
        send(res, 500, {
          Message: 'Something went wrong while processing your request',
          ExceptionMessage: errorMessage(err),
        });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, basePath: string): Promise<void> {
    const rest = url.pathname.slice(basePath.length).replace(/^\/+|\/+$/g, '');
    const parts = rest === '' ? [] : rest.split('/').map((p) => decodeURIComponent(p));
    const method = (req.method ?? 'GET').toUpperCase();
    const [head, a, b, c] = parts;

    if (head === 'orchestrators' && a && parts.length <= 3) {
      if (method !== 'POST') return send(res, 404);
      return this.start(req, res, url, a, b);
    }
    if (head === 'entities' && a && parts.length <= 3) return this.entity(req, res, url, method, a, b);
    if (head !== 'instances' || parts.length > 4) return send(res, 404);
    if (a === undefined) {
      if (method === 'GET') return this.list(req, res, url);
      if (method === 'DELETE') return this.purgeBy(res, url);
      return send(res, 404);
    }
    if (b === undefined) {
      if (method === 'GET') return this.status(res, url, a);
      if (method === 'DELETE') return this.purgeOne(res, a);
      return send(res, 404);
    }
    if (method !== 'POST') return send(res, 404);
    if (b === 'raiseEvent' && c) return this.raiseEvent(req, res, a, c);
    if (c !== undefined) return send(res, 404);
    switch (b.toLowerCase()) {
      case 'terminate':
      case 'suspend':
      case 'resume':
        return this.control(res, url, a, b.toLowerCase() as 'terminate' | 'suspend' | 'resume');
      case 'rewind':
        try {
          this.engine.rewind(a, url.searchParams.get('reason'));
        } catch (err) {
          if (err instanceof RewindError) throw new HttpError(err.status, err.message);
          throw err;
        }
        return send(res, 202);
      case 'restart':
        return this.restart(res, a);
      default:
        return send(res, 404);
    }
  }

  /** `GET entities/{name}/{key}` (state), `POST entities/{name}/{key}?op=` (signal), `GET entities/{name}` (list). */
  private async entity(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    name: string,
    key: string | undefined,
  ): Promise<void> {
    if (key === undefined || key === '') {
      if (method !== 'GET') return send(res, 404);
      const rows = this.engine.store.queryInstances(
        { entities: true, instanceIdPrefix: `@${name.toLowerCase()}@` },
        0,
        10000,
      );
      const fetchState = bool(url, 'fetchState') === true;
      return send(
        res,
        200,
        rows
          .filter((r) => r.input !== null)
          .map((r) => ({
            entityId: { name: name.toLowerCase(), key: r.instance_id.slice(name.length + 2) },
            lastOperationTime: statusTime(r.updated_at),
            ...(fetchState ? { state: fromJsonText(r.input) } : {}),
          })),
      );
    }
    const entityKey = key === '$' ? '' : key;
    if (method === 'GET') {
      const found = this.engine.readEntity(name, entityKey);
      if (!found) return send(res, 404);
      return send(res, 200, fromJsonText(found.state));
    }
    if (method === 'POST' || method === 'DELETE') {
      const text = await readBody(req);
      const op = method === 'DELETE' ? 'delete' : (url.searchParams.get('op') ?? '');
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const input = text.trim() === '' ? null : type === 'application/json' ? jsonBody(text) : toJsonText(text);
      this.engine.signalEntity(name, entityKey, op, input);
      return send(res, 202);
    }
    return send(res, 404);
  }

  private checkStatusResponse(res: ServerResponse, id: string): void {
    const links = managementUrls(this.urls(), id);
    send(res, 202, links, { Location: links.statusQueryGetUri, 'Retry-After': '10' });
  }

  private async start(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    instanceId: string | undefined,
  ): Promise<void> {
    const input = jsonBody(await readBody(req));
    if (instanceId !== undefined) validateInstanceId(instanceId);
    let id: string;
    try {
      id = this.engine.startNew(name, instanceId || undefined, input);
    } catch (err) {
      if (err instanceof InstanceExistsError) throw new HttpError(409, err.message);
      if (err instanceof NotAnOrchestratorError) throw new HttpError(400, err.message);
      throw err;
    }
    // Create-and-wait (`?timeout=<s>&pollingInterval=<s>`): the output when it completes in time, else the links.
    const timeout = Number(url.searchParams.get('timeout'));
    const interval = Number(url.searchParams.get('pollingInterval'));
    if (timeout > 0 && interval > 0) {
      const deadline = Date.now() + timeout * 1000;
      for (;;) {
        const row = this.engine.getInstance(id);
        if (row && isTerminal(row.status)) {
          if (row.status === 'Completed') return send(res, 200, fromJsonText(row.output));
          return send(res, 200, statusPayload(row, undefined, {}));
        }
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, Math.min(interval * 1000, Math.max(1, deadline - Date.now()))));
      }
    }
    this.checkStatusResponse(res, id);
  }

  private status(res: ServerResponse, url: URL, id: string): void {
    const row = this.engine.getInstance(id);
    if (!row) return send(res, 404);
    const showHistory = bool(url, 'showHistory') === true;
    const body = statusPayload(row, showHistory ? this.engine.history(id) : undefined, {
      showHistory,
      showHistoryOutput: bool(url, 'showHistoryOutput'),
      showInput: bool(url, 'showInput'),
    });
    if (!isTerminal(row.status)) {
      send(res, 202, body, { Location: url.href, 'Retry-After': '5' });
    } else if (row.status === 'Failed' && bool(url, 'returnInternalServerErrorOnFailure') === true) {
      send(res, 500, body);
    } else {
      send(res, 200, body);
    }
  }

  private list(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const q: InstanceQuery = {
      createdTimeFrom: time(url, 'createdTimeFrom'),
      createdTimeTo: time(url, 'createdTimeTo'),
      runtimeStatus: statuses(url),
      instanceIdPrefix: url.searchParams.get('instanceIdPrefix') ?? undefined,
    };
    const topText = url.searchParams.get('top');
    const top = topText && /^\d+$/.test(topText) && Number(topText) > 0 ? Number(topText) : 100;
    const token = req.headers['x-ms-continuation-token'];
    let offset = 0;
    if (typeof token === 'string' && token !== '' && token !== 'null') {
      const parsed = Number(Buffer.from(token, 'base64').toString('utf8'));
      if (!Number.isInteger(parsed) || parsed < 0) throw new HttpError(400, 'Invalid continuation token.');
      offset = parsed;
    }
    const rows = this.engine.store.queryInstances(q, offset, top + 1);
    const page = rows.slice(0, top);
    const showInput = bool(url, 'showInput');
    const headers: Record<string, string> = {};
    if (rows.length > top) headers['x-ms-continuation-token'] = Buffer.from(String(offset + top)).toString('base64');
    send(
      res,
      200,
      page.map((r) => statusPayload(r, undefined, { showInput })),
      headers,
    );
  }

  private purgeOne(res: ServerResponse, id: string): void {
    const row = this.engine.getInstance(id);
    if (!row) return send(res, 404);
    if (!isTerminal(row.status)) {
      return send(res, 412, {
        Message: `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${id} has status ${row.status}`,
      });
    }
    this.engine.purge(id);
    send(res, 200, { instancesDeleted: 1 });
  }

  private purgeBy(res: ServerResponse, url: URL): void {
    const from = time(url, 'createdTimeFrom');
    if (from === undefined) throw new HttpError(400, "Please provide value for 'createdTimeFrom' parameter.");
    const requested = statuses(url);
    const runtimeStatus = (requested ?? [...TERMINAL_STATUSES]).filter((s) => isTerminal(s));
    if (runtimeStatus.length === 0) return send(res, 404);
    const q: InstanceQuery = {
      createdTimeFrom: from,
      createdTimeTo: time(url, 'createdTimeTo') ?? this.engine.now(),
      runtimeStatus,
    };
    let deleted = 0;
    for (;;) {
      const rows = this.engine.store.queryInstances(q, 0, 500);
      if (rows.length === 0) break;
      for (const r of rows) this.engine.purge(r.instance_id);
      deleted += rows.length;
    }
    if (deleted === 0) return send(res, 404);
    send(res, 200, { instancesDeleted: deleted });
  }

  private async raiseEvent(req: IncomingMessage, res: ServerResponse, id: string, eventName: string): Promise<void> {
    const text = await readBody(req);
    const row = this.engine.getInstance(id);
    if (!row) return send(res, 404);
    if (isTerminal(row.status)) return send(res, 410);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (text.trim() !== '' && type !== 'application/json') {
      throw new HttpError(400, 'Only application/json request content is supported');
    }
    this.engine.raiseEvent(id, eventName, jsonBody(text));
    send(res, 202);
  }

  private control(res: ServerResponse, url: URL, id: string, op: 'terminate' | 'suspend' | 'resume'): void {
    const row = this.engine.getInstance(id);
    if (!row) return send(res, 404);
    if (isTerminal(row.status)) return send(res, 410);
    const reason = url.searchParams.get('reason');
    if (op === 'terminate') this.engine.terminate(id, reason);
    else if (op === 'suspend') this.engine.suspend(id, reason);
    else this.engine.resume(id, reason);
    send(res, 202);
  }

  /** Restart: a new run of a terminal instance with the same id and input. */
  private restart(res: ServerResponse, id: string): void {
    const row = this.engine.getInstance(id);
    if (!row) throw new HttpError(400, 'InstanceId does not match a valid orchestration instance.');
    try {
      this.engine.startNew(row.name, id, row.input);
    } catch (err) {
      if (err instanceof InstanceExistsError)
        throw new HttpError(409, 'A non-terminal instance with this instance ID already exists.');
      throw err;
    }
    this.checkStatusResponse(res, id);
  }
}
