/**
 * The parts of an index name as readable columns: `idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000_…`
 * becomes chunk size 1000, overlap 200, model all-mpnet-base-v2… The name is read back with the accelerator's own
 * parser (`parseIndexName`); a name that does not parse (cut at 127 characters, say) is split on `_` and `-`.
 */
import { parseIndexName } from '../core/naming';

export interface PartColumn {
  /** The key in the index name (`cs`, `o`, `em`…). */
  key: string;
  label: string;
  /** Numbers sort as numbers. */
  numeric: boolean;
}

/** Every part an index name can carry, in the order the report shows them. */
export const PART_COLUMNS: readonly PartColumn[] = [
  { key: 'cs', label: 'Chunk size', numeric: true },
  { key: 'o', label: 'Overlap', numeric: true },
  { key: 'st', label: 'Chunking', numeric: false },
  { key: 'em', label: 'Embedding model', numeric: false },
  { key: 'd', label: 'Dimension', numeric: true },
  { key: 'efc', label: 'ef construction', numeric: true },
  { key: 'efs', label: 'ef search', numeric: true },
  { key: 'sp', label: 'Sampling %', numeric: false },
  { key: 'p', label: 'Preprocess', numeric: false },
  { key: 't', label: 'Title', numeric: false },
  { key: 's', label: 'Summary', numeric: false },
  { key: 'oc', label: 'Summary as content', numeric: false },
  { key: 'idx', label: 'Prefix', numeric: false },
];

/** Always shown, even when every pipeline has the same value: what people tune first. */
const ALWAYS = new Set(['cs', 'o', 'em', 'efc', 'efs']);

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** The parts of one index name, by key; values as people read them. */
export function indexParts(indexName: string): Record<string, string> {
  const parsed = parseIndexName(indexName);
  if (!parsed.ok) {
    const parts: Record<string, string> = {};
    for (const part of indexName.split('_')) {
      const dash = part.indexOf('-');
      if (dash > 0) parts[part.slice(0, dash)] = part.slice(dash + 1);
    }
    return parts;
  }
  const v = parsed.value;
  const parts: Record<string, string> = {
    idx: v.indexNamePrefix,
    efc: String(v.efConstruction),
    efs: String(v.efSearch),
    em: v.modelName,
    sp: v.samplingPercentage,
    p: yesNo(v.preprocess),
    cs: String(v.chunkSize),
    st: v.chunkingStrategy,
    o: String(v.overlapSize),
    t: yesNo(v.generateTitle),
    s: yesNo(v.generateSummary),
    oc: yesNo(v.overrideContentWithSummary),
  };
  if (v.dimension !== undefined) parts.d = String(v.dimension);
  return parts;
}

/** The columns worth showing for these pipelines: the usual ones, plus any other part whose value differs. */
export function partColumnsFor(parts: readonly Record<string, string>[]): PartColumn[] {
  return PART_COLUMNS.filter((column) => {
    const values = new Set(parts.map((p) => p[column.key]).filter((v) => v !== undefined));
    if (values.size === 0) return false;
    return ALWAYS.has(column.key) || values.size > 1;
  });
}

/**
 * A short label per pipeline for charts: the parts that differ between pipelines ("cs 500 · o 100"), or the
 * pipeline's number when nothing differs.
 */
export function shortLabels(parts: readonly Record<string, string>[]): string[] {
  const varying = PART_COLUMNS.filter((c) => new Set(parts.map((p) => p[c.key])).size > 1);
  return parts.map((p, i) => {
    const text = varying.map((c) => `${c.key} ${p[c.key] ?? '?'}`).join(' · ');
    return text || `#${i + 1}`;
  });
}
