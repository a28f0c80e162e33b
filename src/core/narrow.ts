/**
 * The per-pipeline config: the user's config with the index section narrowed to one combination (one-element
 * lists), so the accelerator's query step, which queries every index its config file expands to, queries only the
 * pipeline's own index. Every other key is kept as given, in the given order.
 *
 * Speed: the parts that do not change are shared between the per-pipeline configs (one deep-frozen copy of the
 * user's config), so 1,000 pipelines do not deep-copy the config 1,000 times. Shared parts are frozen: nothing can
 * change one pipeline's config through another.
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
  // Hash of everything but the index section, computed once; each config hash adds its own index section.
  const restHash = hash64(stableJson({ ...base, index: undefined }));

  return {
    narrow({ combination: c, modelIndex, modelItem }) {
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
      return { config: narrowed, configHash: shortHash(restHash + '\n' + stableJson(narrowedIndex), 12) };
    },
  };
}
