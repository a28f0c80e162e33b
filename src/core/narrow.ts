/**
 * The per-pipeline config: the user's config with the index section narrowed to one combination (one-element
 * lists), so the accelerator's query step, which queries every index its config file expands to, queries only the
 * pipeline's own index. Every other key is kept as given, in the given order.
 *
 * Speed: the parts that do not change are shared between the per-pipeline configs (one deep-frozen copy of the
 * user's config), so 1,000 pipelines do not deep-copy the config 1,000 times; shared parts are frozen, so nothing can
 * change one pipeline's config through another. The config hash is the hash of the canonical JSON of the narrowed
 * config, assembled from canonical pieces computed once (the result is the same text `stableJson` would give).
 */
import type { ExpandedCombination } from './expand';
import { hash64, shortHash } from './hash';
import { stableJson } from './stableJson';
import type { AcceleratorConfig } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
  }
  return value;
}

type Piece = string | ((e: ExpandedCombination) => string);

/**
 * `stableJson` of `obj` with some members replaced per combination: fixed members are serialized once, replaced
 * ones by their function. Members whose replacement returns undefined are dropped, as `stableJson` drops them.
 */
function canonicalTemplate(
  obj: Record<string, unknown>,
  replaced: Record<string, (e: ExpandedCombination) => string>,
): (e: ExpandedCombination) => string {
  const keys = [...new Set([...Object.keys(obj), ...Object.keys(replaced)])].sort();
  const pieces: Piece[] = [];
  for (const key of keys) {
    const prefix = JSON.stringify(key) + ':';
    const fn = replaced[key];
    if (fn) pieces.push(prefix, fn);
    else if (obj[key] !== undefined && typeof obj[key] !== 'function') pieces.push(prefix + stableJson(obj[key]));
    else continue;
    pieces.push(',');
  }
  if (pieces[pieces.length - 1] === ',') pieces.pop();
  return (e) => {
    let out = '{';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(e);
    return out + '}';
  };
}

export interface Narrower {
  /** The config for one combination and its short content hash. */
  narrow(e: ExpandedCombination): { config: AcceleratorConfig; configHash: string };
}

/** Prepares narrowing for one user config (copied and frozen once). */
export function configNarrower(config: AcceleratorConfig): Narrower {
  const base = deepFreeze(structuredClone(config));
  const index = isRecord(base.index) ? base.index : {};
  const chunking = isRecord(index.chunking) ? index.chunking : undefined;
  const sampling = isRecord(index.sampling) ? index.sampling : undefined;
  const models = Array.isArray(index.embedding_model) ? (index.embedding_model as unknown[]) : [];

  // Canonical JSON of the narrowed index section, from pieces computed once.
  const modelJson = models.map((m) => '[' + stableJson(m) + ']');
  const num = (n: number): string => stableJson(n);
  const indexReplaced: Record<string, (e: ExpandedCombination) => string> = {
    ef_construction: (e) => '[' + num(e.combination.efConstruction) + ']',
    ef_search: (e) => '[' + num(e.combination.efSearch) + ']',
  };
  if (chunking) {
    indexReplaced.chunking = canonicalTemplate(chunking, {
      chunk_size: (e) => '[' + num(e.combination.chunkSize) + ']',
      overlap_size: (e) => '[' + num(e.combination.overlapSize) + ']',
    });
  }
  if (models.length > 0) indexReplaced.embedding_model = (e) => modelJson[e.modelIndex] ?? '[null]';
  if (sampling) {
    indexReplaced.sampling = canonicalTemplate(sampling, { percentage: (e) => num(e.combination.samplingPercentage) });
  }
  const indexJson = canonicalTemplate(index, indexReplaced);
  // Hash of everything but the index section, computed once; each config hash adds its own index section.
  const restHash = hash64(stableJson({ ...base, index: undefined }));

  return {
    narrow(e) {
      const { combination: c, modelIndex, modelItem } = e;
      const narrowedIndex: Record<string, unknown> = {
        ...index,
        ef_construction: [c.efConstruction],
        ef_search: [c.efSearch],
      };
      if (chunking) {
        narrowedIndex.chunking = { ...chunking, chunk_size: [c.chunkSize], overlap_size: [c.overlapSize] };
      }
      if (modelIndex >= 0) narrowedIndex.embedding_model = [modelItem];
      if (sampling) narrowedIndex.sampling = { ...sampling, percentage: c.samplingPercentage };
      const narrowed = { ...base, index: narrowedIndex } as AcceleratorConfig;
      return { config: narrowed, configHash: shortHash(restHash + '\n' + indexJson(e), 12) };
    },
  };
}

/** The config hash computed the slow, obvious way (tests check the fast way against it). */
export function configHashOf(narrowed: AcceleratorConfig): string {
  return shortHash(hash64(stableJson({ ...narrowed, index: undefined })) + '\n' + stableJson(narrowed.index), 12);
}
