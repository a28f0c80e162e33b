/**
 * Log Analytics query API (v1): POST/GET /v1/workspaces/{id}/query over the emulator's event tables with the KQL
 * subset in kql.ts; 400 BadArgumentError shaped like the service's; optional scripted PartialError.
 */
import { randomUUID } from 'node:crypto';
import { TABLES, type Row } from './events';
import { decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS } from './ids';
import { KqlError, runKql, type Table } from './kql';

/** Parses an ISO 8601 timespan (`PT1H`, `P7D`, `start/end`, `start/PT1H`) into [from, to] ms. */
function parseTimespan(span: string, now: number): [number, number] | undefined {
  const duration = (d: string): number | undefined => {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
    if (!m) return undefined;
    return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
  };
  const parts = span.split('/');
  if (parts.length === 1) {
    const d = duration(parts[0]!);
    return d === undefined ? undefined : [now - d, now];
  }
  const [a, b] = parts as [string, string];
  const start = Date.parse(a);
  const endDate = Date.parse(b);
  if (!Number.isNaN(start) && !Number.isNaN(endDate)) return [start, endDate];
  const d = duration(b);
  if (!Number.isNaN(start) && d !== undefined) return [start, start + d];
  return undefined;
}

const badArgument = (inner: { code: string; message: string; innerCode: string; innerMessage: string }): EmuResponse =>
  json(400, {
    error: {
      message: 'The request had some invalid properties',
      code: 'BadArgumentError',
      correlationId: randomUUID(),
      innererror: {
        code: inner.code,
        message: inner.message,
        innererror: { code: inner.innerCode, message: inner.innerMessage },
      },
    },
  });

const workspaceNotFound = (workspace: string): EmuResponse =>
  json(404, {
    error: {
      message: `The workspace could not be found`,
      code: 'WorkspaceNotFoundError',
      correlationId: randomUUID(),
      innererror: { code: 'WorkspaceNotFoundError', message: `Workspace '${workspace}' was not found.` },
    },
  });

/** The tables, with only the rows of the query's time window if it has one. */
function tablesWithin(all: Record<string, Row[]>, window: [number, number] | undefined): Record<string, Table> {
  const tables: Record<string, Table> = {};
  for (const [name, columns] of Object.entries(TABLES)) {
    const rows = (all[name] ?? []).filter((r) => {
      if (!window) return true;
      const t = Date.parse(String(r.TimeGenerated));
      return t >= window[0] && t <= window[1];
    });
    tables[name] = { columns, rows };
  }
  return tables;
}

/** The query API's answer: one PrimaryResult table, plus the scripted partial error if any. */
function answer(result: Table, partial: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    tables: [
      {
        name: 'PrimaryResult',
        columns: result.columns,
        rows: result.rows.map((r) => result.columns.map((c) => r[c.name] ?? null)),
      },
    ],
  };
  if (partial !== undefined) {
    out.error = {
      code: 'PartialError',
      message: 'There were some errors when processing your query.',
      details: [
        {
          code: 'EngineError',
          message: 'Something went wrong processing your query on the server.',
          innererror: { code: '-2133196788', message: partial, severity: 2, severityName: 'Error' },
        },
      ],
    };
  }
  return out;
}

export function logAnalyticsRoutes(deps: {
  now: () => number;
  rows: () => Record<string, Row[]>;
  partialError: () => string | undefined;
}): Route[] {
  const query = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const workspace = decode(m[1]);
    if (workspace.toLowerCase() !== IDS.logAnalyticsWorkspaceId) {
      return workspaceNotFound(workspace);
    }
    const body = (
      req.method === 'GET'
        ? { query: req.url.searchParams.get('query'), timespan: req.url.searchParams.get('timespan') }
        : req.body
    ) as { query?: unknown; timespan?: unknown } | undefined;
    if (!body || typeof body.query !== 'string' || body.query.trim() === '') {
      return badArgument({
        code: 'QueryValidationError',
        message: 'The query is missing.',
        innerCode: 'QueryMissing',
        innerMessage: "The request body must contain a 'query' string.",
      });
    }
    const now = deps.now();
    const all = deps.rows();
    let window: [number, number] | undefined;
    if (typeof body.timespan === 'string' && body.timespan) {
      window = parseTimespan(body.timespan, now);
      if (!window) {
        return badArgument({
          code: 'QueryValidationError',
          message: 'Invalid timespan.',
          innerCode: 'InvalidTimespan',
          innerMessage: `'${body.timespan}' is not an ISO 8601 timespan.`,
        });
      }
    }
    const tables = tablesWithin(all, window);
    let result: Table;
    try {
      result = runKql(body.query, tables, now);
    } catch (err) {
      if (!(err instanceof KqlError)) throw err;
      const semantic = err.code === 'SEM0100';
      return badArgument({
        code: semantic ? 'SemanticError' : 'SyntaxError',
        message: semantic ? 'A semantic error occurred.' : 'A recognition error occurred in the query.',
        innerCode: err.code,
        innerMessage: err.message,
      });
    }
    return json(200, answer(result, deps.partialError()));
  };
  return [
    { method: 'POST', pattern: /^\/v1\/workspaces\/([^/]+)\/query\/?$/, handler: query },
    { method: 'GET', pattern: /^\/v1\/workspaces\/([^/]+)\/query\/?$/, handler: query },
  ];
}
