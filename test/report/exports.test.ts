/** The comparison downloads: CSV and JSON, one row per pipeline. */
import { comparisonCsv, comparisonJson } from '../../src/report/exports';
import { reportModel } from '../../src/report/model';
import { completedView, name } from './views';

describe('downloads', () => {
  it('writes the comparison as CSV: parts and metrics as columns, full precision, failed rows empty', () => {
    const csv = comparisonCsv(reportModel(completedView()));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'index_name,job_name,status,cs,o,st,em,efc,efs,sp,p,t,s,oc,idx,fuzzy_score,llm_answer_relevance',
    );
    expect(lines[2]).toBe(
      `${name(1000)},tuning-2026-bbbbbbbbbbbb,Completed,1000,100,basic,all-mpnet-base-v2,400,400,5,no,no,no,no,tune,71.23456,0.8`,
    );
    expect(lines[3]).toMatch(/,Failed,1500,.*,tune,,$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });

  it('writes the comparison as JSON with the best configuration per metric', () => {
    const json = comparisonJson(reportModel(completedView())) as {
      best: Record<string, { indexName: string; value: number }>;
      rows: { status: string; parts: Record<string, string> }[];
    };
    expect(json.best.fuzzy_score).toEqual({ indexName: name(1000), value: 71.23456 });
    expect(json.rows.map((r) => r.status)).toEqual(['Completed', 'Completed', 'Failed']);
    expect(json.rows[0]?.parts.cs).toBe('500');
  });
});
