/**
 * The per-pipeline config: the user's config with the index section narrowed to one combination (one-element
 * lists), so the accelerator's query step, which queries every index its config file expands to, queries only the
 * pipeline's own index. Every other key is kept as given, in the given order.
 *
 * Speed: the parts that do not change are shared between the per-pipeline configs (one deep-frozen copy of the
 * user's config), so 1,000 pipelines do not deep-copy the config 1,000 times; shared parts are frozen, so nothing can
 * change one pipeline's config through another. The config hash hashes the shared part once and, per pipeline, only
 * the values that differ (see `hashOf`).
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

/** The config without the members a narrowed config sets per combination (the part all pipelines share). */
function withoutVaryingMembers(config: Record<string, unknown>): Record<string, unknown> {
  const index = isRecord(config.index) ? config.index : undefined;
  if (!index) return config;
  const chunking = isRecord(index.chunking)
    ? { ...index.chunking, chunk_size: undefined, overlap_size: undefined }
    : index.chunking;
  const sampling = isRecord(index.sampling) ? { ...index.sampling, percentage: undefined } : index.sampling;
  return {
    ...config,
    index: {
      ...index,
      ef_construction: undefined,
      ef_search: undefined,
      embedding_model: undefined,
      chunking,
      sampling,
    },
  };
}

/**
 * The config hash: a hash of the shared part's canonical JSON and of the varying values. A narrowed config is
 * exactly its shared part plus these values, so equal staged content always gets an equal hash (whatever config it
 * came from), and any difference in content gives another hash.
 */
function hashOf(
  sharedHash: string,
  efc: unknown,
  efs: unknown,
  cs: unknown,
  o: unknown,
  model: string,
  sp: unknown,
): string {
  return shortHash(sharedHash + '\n' + JSON.stringify([efc, efs, cs, o, sp]) + model, 12);
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

  const modelJson = models.map((m) => stableJson(m));
  const sharedHash = hash64(stableJson(withoutVaryingMembers(base)));

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
      const configHash = hashOf(
        sharedHash,
        c.efConstruction,
        c.efSearch,
        chunking ? c.chunkSize : undefined,
        chunking ? c.overlapSize : undefined,
        modelIndex >= 0 ? (modelJson[modelIndex] ?? '') : '',
        sampling ? c.samplingPercentage : undefined,
      );
      return { config: narrowed, configHash };
    },
  };
}

/** The config hash of a per-pipeline config, computed from the config alone (tests check the planner against it). */
export function configHashOf(narrowed: Record<string, unknown>): string {
  const index = isRecord(narrowed.index) ? narrowed.index : {};
  const chunking = isRecord(index.chunking) ? index.chunking : undefined;
  const sampling = isRecord(index.sampling) ? index.sampling : undefined;
  const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : undefined);
  const models = Array.isArray(index.embedding_model) ? index.embedding_model : [];
  return hashOf(
    hash64(stableJson(withoutVaryingMembers(narrowed))),
    first(index.ef_construction),
    first(index.ef_search),
    chunking ? first(chunking.chunk_size) : undefined,
    chunking ? first(chunking.overlap_size) : undefined,
    models.length > 0 ? stableJson(models[0]) : '',
    sampling ? sampling.percentage : undefined,
  );
}
