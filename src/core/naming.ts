/**
 * Index names and job names.
 *
 * `indexName` is the accelerator's `IndexConfig.index_name()`, `parseIndexName` its `IndexConfig.from_index_name()`
 * (the only thing the index step receives), and `roundTripProblems` says, field by field, why a name would not parse
 * back to its combination. `jobNameFor` gives the deterministic AzureML job name.
 */
import { shortHash } from './hash';
import { pyBoolInt, pyNumber } from './pyFormat';
import type { IndexCombination } from './types';

/** The accelerator cuts index names to this many characters (Python slicing: code points). */
export const INDEX_NAME_MAX = 127;

/** The key/value pairs of an index name, in the accelerator's fixed order (`idx efc efs em sp p cs st o t s oc [d]`). */
export function indexNameFields(c: IndexCombination): [string, string][] {
  const fields: [string, string][] = [
    ['idx', c.indexNamePrefix],
    ['efc', pyNumber(c.efConstruction)],
    ['efs', pyNumber(c.efSearch)],
    ['em', c.embeddingModel.modelName.toLowerCase()],
    ['sp', pyNumber(c.samplingPercentage)],
    ['p', pyBoolInt(c.preprocess)],
    ['cs', pyNumber(c.chunkSize)],
    ['st', c.chunkingStrategy],
    ['o', pyNumber(c.overlapSize)],
    ['t', pyBoolInt(c.generateTitle)],
    ['s', pyBoolInt(c.generateSummary)],
    ['oc', pyBoolInt(c.overrideContentWithSummary)],
  ];
  // Python: `if self.embedding_model.dimension:` (None and 0 are left out).
  if (c.embeddingModel.dimension) fields.push(['d', pyNumber(c.embeddingModel.dimension)]);
  return fields;
}

/** The name before the 127-character cut. */
export function fullIndexName(c: IndexCombination): string {
  let name = '';
  for (const [key, value] of indexNameFields(c)) name += (name ? '_' : '') + key + '-' + value;
  if (name.startsWith('_') || name.startsWith('-')) name = 'i' + name;
  return name;
}

/** Length in code points (Python's `len`). */
export function pyLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff || i + 1 >= text.length) n++;
    else {
      const next = text.charCodeAt(i + 1);
      n++;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return n;
}

/** The first `n` code points (Python's `text[:n]`). */
export function pySlice(text: string, n: number): string {
  if (text.length <= n) return text;
  return Array.from(text).slice(0, n).join('');
}

/** The accelerator's `IndexConfig.index_name()`, byte for byte. */
export function indexName(c: IndexCombination): string {
  return pySlice(fullIndexName(c), INDEX_NAME_MAX);
}

/** What `IndexConfig.from_index_name()` rebuilds from a name (only the fields the name carries). */
export interface ParsedIndexName {
  indexNamePrefix: string;
  efConstruction: number;
  efSearch: number;
  /** The name's `em` value: lower-cased at naming time. */
  modelName: string;
  /** Kept as text: `from_index_name` does not convert it. */
  samplingPercentage: string;
  preprocess: boolean;
  chunkSize: number;
  chunkingStrategy: string;
  overlapSize: number;
  generateTitle: boolean;
  generateSummary: boolean;
  overrideContentWithSummary: boolean;
  /** Absent when the name has no `d` part. */
  dimension?: number;
}

export type ParseResult = { ok: true; value: ParsedIndexName } | { ok: false; error: string };

/** Python's `str.strip()`: JS whitespace plus the separators Python also counts (U+001C..U+001F, U+0085). */
const PY_SPACE = new Set(['\u001c', '\u001d', '\u001e', '\u001f', '\u0085']);
const isPySpace = (ch: string): boolean => PY_SPACE.has(ch) || /\s/.test(ch);
function pyStrip(s: string): string {
  if (s.length === 0) return s;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return s; // the usual case: nothing to strip
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charAt(start))) start++;
  while (end > start && isPySpace(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Python's `int(text)` for the texts an index name can hold; undefined where Python raises ValueError. */
function pyInt(text: string): number | undefined {
  const t = pyStrip(text);
  return /^[+-]?[0-9]+$/.test(t) ? Number(t) : undefined;
}

/**
 * The accelerator's `IndexConfig.from_index_name()`: split on `_`, each part on its first `-`, values stripped, later
 * keys win; then the required keys and `int()` conversions. Returns the error Python would raise instead of throwing.
 */
export function parseIndexName(name: string): ParseResult {
  const properties = new Map<string, string>();
  for (const part of name.split('_')) {
    const dash = part.indexOf('-');
    if (dash < 0) return { ok: false, error: `part "${part}" has no "-" (IndexError in from_index_name)` };
    properties.set(part.slice(0, dash), pyStrip(part.slice(dash + 1)));
  }
  const missing = REQUIRED_KEYS.filter((key) => !properties.has(key));
  if (missing.length > 0) return { ok: false, error: `missing ${missing.map((k) => `"${k}"`).join(', ')} (KeyError)` };
  const ints = new Map<string, number>();
  const bad: string[] = [];
  for (const key of INT_KEYS) {
    const raw = properties.get(key);
    if (raw === undefined) continue;
    const value = pyInt(raw);
    if (value === undefined) bad.push(`${key}-${raw}`);
    else ints.set(key, value);
  }
  if (bad.length > 0)
    return { ok: false, error: `${bad.map((b) => `"${b}"`).join(', ')} is not an integer (ValueError)` };
  const value: ParsedIndexName = {
    indexNamePrefix: properties.get('idx') ?? '',
    efConstruction: ints.get('efc') ?? 0,
    efSearch: ints.get('efs') ?? 0,
    preprocess: (ints.get('p') ?? 0) !== 0,
    chunkSize: ints.get('cs') ?? 0,
    chunkingStrategy: properties.get('st') ?? '',
    overlapSize: ints.get('o') ?? 0,
    generateTitle: (ints.get('t') ?? 0) !== 0,
    generateSummary: (ints.get('s') ?? 0) !== 0,
    overrideContentWithSummary: (ints.get('oc') ?? 0) !== 0,
    modelName: properties.get('em') ?? '',
    samplingPercentage: properties.get('sp') ?? '',
  };
  const dimension = ints.get('d');
  if (dimension !== undefined) value.dimension = dimension;
  return { ok: true, value };
}

/** Keys `__from_label_properties` reads unconditionally (a missing one is a KeyError). */
const REQUIRED_KEYS = ['idx', 'efc', 'efs', 'p', 'cs', 'st', 'o', 't', 's', 'oc', 'em', 'sp'] as const;
/** Keys it converts with `int()` (a non-integer is a ValueError). */
const INT_KEYS = ['efc', 'efs', 'p', 'cs', 'o', 't', 's', 'oc', 'd'] as const;

/** One field that does not survive the round trip. */
export interface RoundTripMismatch {
  /** Combination field, e.g. `embeddingModel.dimension`. */
  field: string;
  /** Value as the combination has it, as the name prints it. */
  expected: string;
  /** Value the index step would see, or undefined when the name no longer parses / the field is gone. */
  actual: string | undefined;
}

/**
 * Compares what `from_index_name(name)` rebuilds with the combination, for every field the name carries.
 * An empty list means the index step gets exactly this combination. `parseError` is set when the name does not parse.
 */
export function roundTrip(c: IndexCombination, name: string): { parseError?: string; mismatches: RoundTripMismatch[] } {
  const parsed = parseIndexName(name);
  if (!parsed.ok) return { parseError: parsed.error, mismatches: [] };
  const p = parsed.value;
  const mismatches: RoundTripMismatch[] = [];
  const n = pyNumber;
  const b = pyBoolInt;
  if (c.indexNamePrefix !== p.indexNamePrefix) {
    mismatches.push({ field: 'indexNamePrefix', expected: c.indexNamePrefix, actual: p.indexNamePrefix });
  }
  if (c.efConstruction !== p.efConstruction) {
    mismatches.push({ field: 'efConstruction', expected: n(c.efConstruction), actual: n(p.efConstruction) });
  }
  if (c.efSearch !== p.efSearch) {
    mismatches.push({ field: 'efSearch', expected: n(c.efSearch), actual: n(p.efSearch) });
  }
  // The index step looks the model up by this name in the config (`config.get_embedding_model`): case matters.
  if (c.embeddingModel.modelName !== p.modelName) {
    mismatches.push({ field: 'embeddingModel.modelName', expected: c.embeddingModel.modelName, actual: p.modelName });
  }
  const sp = n(c.samplingPercentage);
  if (sp !== p.samplingPercentage) {
    mismatches.push({ field: 'samplingPercentage', expected: sp, actual: p.samplingPercentage });
  }
  if (c.preprocess !== p.preprocess) {
    mismatches.push({ field: 'preprocess', expected: b(c.preprocess), actual: b(p.preprocess) });
  }
  if (c.chunkSize !== p.chunkSize) {
    mismatches.push({ field: 'chunkSize', expected: n(c.chunkSize), actual: n(p.chunkSize) });
  }
  if (c.chunkingStrategy !== p.chunkingStrategy) {
    mismatches.push({ field: 'chunkingStrategy', expected: c.chunkingStrategy, actual: p.chunkingStrategy });
  }
  if (c.overlapSize !== p.overlapSize) {
    mismatches.push({ field: 'overlapSize', expected: n(c.overlapSize), actual: n(p.overlapSize) });
  }
  if (c.generateTitle !== p.generateTitle) {
    mismatches.push({ field: 'generateTitle', expected: b(c.generateTitle), actual: b(p.generateTitle) });
  }
  if (c.generateSummary !== p.generateSummary) {
    mismatches.push({ field: 'generateSummary', expected: b(c.generateSummary), actual: b(p.generateSummary) });
  }
  if (c.overrideContentWithSummary !== p.overrideContentWithSummary) {
    mismatches.push({
      field: 'overrideContentWithSummary',
      expected: b(c.overrideContentWithSummary),
      actual: b(p.overrideContentWithSummary),
    });
  }
  const dimension = c.embeddingModel.dimension ? c.embeddingModel.dimension : undefined;
  if (dimension !== p.dimension) {
    mismatches.push({
      field: 'embeddingModel.dimension',
      expected: dimension === undefined ? '(none)' : n(dimension),
      actual: p.dimension === undefined ? undefined : n(p.dimension),
    });
  }
  return { mismatches };
}

/** AzureML job names (ARM): a letter or digit, then up to 254 letters, digits, `-` or `_`. */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

/** The readable part of a job name: the experiment name with anything outside `[a-zA-Z0-9-_]` turned into `-`. */
export function jobNameStem(experimentName: string): string {
  const stem = experimentName
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 40)
    .replace(/[-_]+$/, '');
  return stem || 'rag';
}

/**
 * Deterministic AzureML job name: `<experiment name, ≤40 chars>-<12 hex>`, the hex being a hash of the experiment id
 * and the canonical combination. Same experiment + same combination → same name (a retried submission finds the job
 * instead of creating a second one); a different combination or experiment → a different name.
 */
export function jobNameFor(experimentName: string, experimentId: string, c: IndexCombination): string {
  return `${jobNameStem(experimentName)}-${shortHash(experimentId + '\n' + combinationKey(c), 12)}`;
}

/**
 * Canonical text of a combination: every field, in a fixed order (a JSON array, so values cannot run into each
 * other). Equal combinations give equal keys; any differing field gives a different key.
 */
export function combinationKey(c: IndexCombination): string {
  return JSON.stringify([
    c.indexNamePrefix,
    c.efConstruction,
    c.efSearch,
    c.preprocess,
    c.chunkSize,
    c.overlapSize,
    c.generateTitle,
    c.generateSummary,
    c.overrideContentWithSummary,
    c.chunkingStrategy,
    c.azureDocumentIntelligenceModel,
    c.embeddingModel.type,
    c.embeddingModel.modelName,
    c.embeddingModel.dimension ?? null,
    c.samplingPercentage,
  ]);
}
