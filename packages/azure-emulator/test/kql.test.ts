import type { Row } from '../src/events';
import { KqlError, runKql, type Table } from '../src/kql';

const now = Date.parse('2026-11-27T12:00:00Z');
const tables: Record<string, Table> = {
  Runs: {
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'RunId', type: 'string' },
      { name: 'Status', type: 'string' },
      { name: 'Message', type: 'string' },
    ],
    rows: [
      { TimeGenerated: '2026-11-27T11:00:00.000Z', RunId: 'job-a', Status: 'Running', Message: '' },
      {
        TimeGenerated: '2026-11-27T11:30:00.000Z',
        RunId: 'job-a',
        Status: 'Failed',
        Message: 'openai.RateLimitError: Error code: 429',
      },
      { TimeGenerated: '2026-11-20T08:00:00.000Z', RunId: 'job-b', Status: 'Completed', Message: '' },
    ] as Row[],
  },
  Cluster: {
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'ClusterName', type: 'string' },
      { name: 'EventType', type: 'string' },
    ],
    rows: [
      { TimeGenerated: '2026-11-27T11:10:00.000Z', ClusterName: 'rag-cluster', EventType: 'ResizeFailed' },
    ] as Row[],
  },
};
const q = (query: string): Table => runKql(query, tables, now);
const ids = (t: Table): unknown[] => t.rows.map((r) => r.RunId ?? r.ClusterName);

describe('KQL subset', () => {
  it('filters with comparison, string and list predicates', () => {
    expect(ids(q("Runs | where Status == 'Failed'"))).toEqual(['job-a']);
    expect(ids(q("Runs | where Status != 'Failed'"))).toEqual(['job-a', 'job-b']);
    expect(ids(q("Runs | where Status =~ 'failed'"))).toEqual(['job-a']);
    expect(ids(q("Runs | where Status in ('Completed', 'Failed')"))).toEqual(['job-a', 'job-b']);
    expect(ids(q("Runs | where Status !in ('Completed', 'Failed')"))).toEqual(['job-a']);
    expect(ids(q("Runs | where Message has 'RateLimit'"))).toEqual([]);
    expect(ids(q("Runs | where Message has 'RateLimitError'"))).toEqual(['job-a']);
    expect(ids(q("Runs | where Message has 'openai'"))).toEqual(['job-a']);
    expect(ids(q("Runs | where Message contains 'ratelimit'"))).toEqual(['job-a']);
    expect(ids(q("Runs | where RunId startswith 'job-b'"))).toEqual(['job-b']);
    expect(ids(q('Runs | where isnotempty(Message)'))).toEqual(['job-a']);
  });

  it('combines predicates with and, or, not and parentheses', () => {
    expect(ids(q("Runs | where (Status == 'Failed' or Status == 'Completed') and RunId == 'job-b'"))).toEqual([
      'job-b',
    ]);
    expect(ids(q("Runs | where not(Status == 'Running') | where RunId == 'job-a'"))).toEqual(['job-a']);
  });

  it('filters by time with ago(), between and datetime()', () => {
    expect(q('Runs | where TimeGenerated > ago(1d)').rows).toHaveLength(2);
    expect(q('Runs | where TimeGenerated between (datetime(2026-11-20) .. datetime(2026-11-21))').rows).toHaveLength(1);
    expect(q("Runs | where TimeGenerated >= datetime('2026-11-27T11:30:00Z')").rows).toHaveLength(1);
  });

  it('projects, orders, takes and unions', () => {
    const t = q('Runs | project RunId, Status | order by Status asc | take 2');
    expect(t.columns.map((c) => c.name)).toEqual(['RunId', 'Status']);
    expect(t.rows).toEqual([
      { RunId: 'job-b', Status: 'Completed' },
      { RunId: 'job-a', Status: 'Failed' },
    ]);
    expect(q('Runs | order by TimeGenerated | limit 1').rows[0]?.Status).toBe('Failed');
    const u = q('union Runs, Cluster | where TimeGenerated > ago(2h) | order by TimeGenerated asc');
    expect(u.columns.map((c) => c.name)).toEqual([
      'TimeGenerated',
      'RunId',
      'Status',
      'Message',
      'ClusterName',
      'EventType',
    ]);
    expect(u.rows.map((r) => r.EventType ?? r.Status)).toEqual(['Running', 'ResizeFailed', 'Failed']);
  });

  it('rejects unknown tables, columns and operators', () => {
    expect(() => q('Nope | take 1')).toThrow(KqlError);
    expect(() => q("Runs | where Nope == 'x'")).toThrow(/Failed to resolve scalar expression named 'Nope'/);
    expect(() => q('Runs | summarize count()')).toThrow(/no 'summarize' operator/);
    expect(() => q("Runs | where Status == 'x")).toThrow(/Unterminated/);
  });
});
