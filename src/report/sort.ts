/**
 * Sorting the comparison table on the server (`?sort=metric:fuzzy_score&order=desc`), so it sorts without
 * JavaScript. Keys: `n` (plan order), `status`, `part:<key>` (an index name part), `metric:<name>`.
 */
import type { ReportModel, ReportRow } from './model';

export type SortOrder = 'asc' | 'desc';
export interface Sort {
  key: string;
  order: SortOrder;
}

export const DEFAULT_SORT: Sort = { key: 'n', order: 'asc' };

/** The sort asked for, when it names a column of this report; otherwise plan order. */
export function parseSort(model: ReportModel, key: string | null, order: string | null): Sort {
  if (!key) return DEFAULT_SORT;
  const valid =
    key === 'n' ||
    key === 'status' ||
    (key.startsWith('part:') && model.columns.some((c) => `part:${c.key}` === key)) ||
    (key.startsWith('metric:') && model.metrics.includes(key.slice('metric:'.length)));
  if (!valid) return DEFAULT_SORT;
  return { key, order: order === 'desc' ? 'desc' : 'asc' };
}

type Value = number | string | undefined;

function valueOf(model: ReportModel, row: ReportRow, key: string): Value {
  if (key === 'n') return row.n;
  if (key === 'status') return row.status;
  if (key.startsWith('metric:')) return row.metrics[key.slice('metric:'.length)];
  const partKey = key.slice('part:'.length);
  const raw = row.parts[partKey];
  const column = model.columns.find((c) => c.key === partKey);
  if (raw !== undefined && column?.numeric && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** The rows in that order; rows without a value (a failed pipeline's metrics) always come last; ties keep plan order. */
export function sortRows(model: ReportModel, sort: Sort): ReportRow[] {
  const sign = sort.order === 'desc' ? -1 : 1;
  return [...model.rows].sort((a, b) => {
    const va = valueOf(model, a, sort.key);
    const vb = valueOf(model, b, sort.key);
    if (va === undefined || vb === undefined) {
      if (va === vb) return a.n - b.n;
      return va === undefined ? 1 : -1;
    }
    const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return cmp !== 0 ? sign * cmp : a.n - b.n;
  });
}

/** The order a click on a column header asks for: metrics start with the highest, other columns with the lowest. */
export function nextOrder(current: Sort, key: string): SortOrder {
  if (current.key === key) return current.order === 'asc' ? 'desc' : 'asc';
  return key.startsWith('metric:') ? 'desc' : 'asc';
}
