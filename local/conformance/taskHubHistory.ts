/**
 * What the task hub stores of an instance's history: the rows of DurableTask.AzureStorage's `<hub>History` table
 * (partition key: the instance id) in Azurite, read over the Table service's REST API with the development
 * account's shared key (SharedKeyLite). For the long scenario's figures (longScenario.ts).
 */
import { createHmac } from 'node:crypto';

export interface StoredHistory {
  /** Rows (one per history event) of the instance. */
  rows: number;
  /** Distinct executions (generations) the rows belong to. */
  executions: number;
  /** The rows' JSON size, in bytes. */
  bytes: number;
}

function parseConnectionString(connectionString: string): { account: string; key: string; tableEndpoint: string } {
  const parts = new Map(
    connectionString
      .split(';')
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
  );
  const account = parts.get('AccountName');
  const key = parts.get('AccountKey');
  const tableEndpoint = parts.get('TableEndpoint');
  if (!account || !key || !tableEndpoint) throw new Error('the task hub connection string has no table endpoint');
  return { account, key, tableEndpoint };
}

/** One page of a table query; the continuation headers, when there is more. */
async function queryPage(
  storage: ReturnType<typeof parseConnectionString>,
  table: string,
  filter: string,
  next: Record<string, string>,
) {
  const url = new URL(`${storage.tableEndpoint.replace(/\/$/, '')}/${table}()`);
  url.searchParams.set('$filter', filter);
  for (const [k, v] of Object.entries(next)) url.searchParams.set(k, v);
  const date = new Date().toUTCString();
  const signed = `${date}\n/${storage.account}${url.pathname}`;
  const signature = createHmac('sha256', Buffer.from(storage.key, 'base64')).update(signed, 'utf8').digest('base64');
  const res = await fetch(url, {
    headers: {
      'x-ms-date': date,
      'x-ms-version': '2019-02-02',
      accept: 'application/json;odata=nometadata',
      authorization: `SharedKeyLite ${storage.account}:${signature}`,
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`reading table ${table} answered ${res.status}: ${text.slice(0, 300)}`);
  const continuation: Record<string, string> = {};
  const pk = res.headers.get('x-ms-continuation-NextPartitionKey');
  const rk = res.headers.get('x-ms-continuation-NextRowKey');
  if (pk) continuation.NextPartitionKey = pk;
  if (rk) continuation.NextRowKey = rk;
  return { rows: (JSON.parse(text) as { value: Record<string, unknown>[] }).value, continuation };
}

/** The stored history rows of one instance of the task hub. */
export async function storedHistory(connectionString: string, hub: string, instanceId: string): Promise<StoredHistory> {
  const storage = parseConnectionString(connectionString);
  const filter = `PartitionKey eq '${instanceId.replace(/'/g, "''")}'`;
  const result = { rows: 0, executions: 0, bytes: 0 };
  const executions = new Set<unknown>();
  let next: Record<string, string> = {};
  do {
    const page = await queryPage(storage, `${hub}History`, filter, next);
    for (const row of page.rows) {
      result.rows += 1;
      result.bytes += Buffer.byteLength(JSON.stringify(row));
      executions.add(row.ExecutionId);
    }
    next = page.continuation;
  } while (Object.keys(next).length > 0);
  return { ...result, executions: executions.size };
}
