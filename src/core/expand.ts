/**
 * The accelerator's `IndexConfig.flatten()`: one index configuration per element of the cartesian product
 * `ef_construction × ef_search × chunk_size × overlap_size × embedding_model` (declaration order of the accelerator's
 * dataclasses, not key order of the JSON), with the accelerator's defaults for absent fields.
 * Expects a config that passed the schema; never throws on odd input (a non-list stays a single value, as in Python).
 */
import type { IndexCombination } from './types';

/** The accelerator's defaults (`IndexConfig`, `ChunkingConfig`, `EmbeddingModelConfig`, `SamplingConfig`). */
export const INDEX_DEFAULTS = {
  indexNamePrefix: 'idx',
  efConstruction: 400,
  efSearch: 400,
  preprocess: false,
  chunkSize: 512,
  overlapSize: 128,
  generateTitle: false,
  generateSummary: false,
  overrideContentWithSummary: false,
  chunkingStrategy: 'basic',
  azureDocumentIntelligenceModel: 'prebuilt-read',
  embeddingModelType: 'sentence-transformer',
  embeddingModelName: 'all-mpnet-base-v2',
  samplingPercentage: 5,
} as const;

/** A combination and where its varying values come from in the config (for the per-pipeline config). */
export interface ExpandedCombination {
  combination: IndexCombination;
  /** Position in the `embedding_model` list, or -1 when the config has no list (accelerator default model). */
  modelIndex: number;
  /** The user's `embedding_model` item, as given (undefined for the default model). */
  modelItem: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Python's `setattr` from `from_dict`: the given value when the key is present, else the default. */
function field<T>(obj: Record<string, unknown>, key: string, fallback: T): T {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj[key] as T) : fallback;
}

/** A list is varied; anything else is one value (as in `BaseConfig.flatten`). */
function variations<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [value as T];
}

/** Every index combination with its source, in the accelerator's order. */
export function expandWithSources(config: unknown): ExpandedCombination[] {
  const root = isRecord(config) ? config : {};
  const index = isRecord(root.index) ? root.index : {};
  const chunking = isRecord(index.chunking) ? index.chunking : {};
  const sampling = isRecord(index.sampling) ? index.sampling : {};
  const d = INDEX_DEFAULTS;

  const prefix = field<string>(index, 'index_name_prefix', d.indexNamePrefix);
  const efcs = variations<number>(field(index, 'ef_construction', d.efConstruction));
  const efss = variations<number>(field(index, 'ef_search', d.efSearch));
  const chunkSizes = variations<number>(field(chunking, 'chunk_size', d.chunkSize));
  const overlaps = variations<number>(field(chunking, 'overlap_size', d.overlapSize));
  const preprocess = field<boolean>(chunking, 'preprocess', d.preprocess);
  const generateTitle = field<boolean>(chunking, 'generate_title', d.generateTitle);
  const generateSummary = field<boolean>(chunking, 'generate_summary', d.generateSummary);
  const override = field<boolean>(chunking, 'override_content_with_summary', d.overrideContentWithSummary);
  const strategy = field<string>(chunking, 'chunking_strategy', d.chunkingStrategy);
  const diModel = field<string>(chunking, 'azure_document_intelligence_model', d.azureDocumentIntelligenceModel);
  const percentage = field<number>(sampling, 'percentage', d.samplingPercentage);

  const rawModels = field<unknown>(index, 'embedding_model', undefined);
  const models: { modelIndex: number; modelItem: unknown; model: IndexCombination['embeddingModel'] }[] = [];
  if (Array.isArray(rawModels)) {
    rawModels.forEach((item, modelIndex) => {
      const m = isRecord(item) ? item : {};
      const model: IndexCombination['embeddingModel'] = {
        type: field<string>(m, 'type', d.embeddingModelType),
        modelName: field<string>(m, 'model_name', d.embeddingModelName),
      };
      const dimension = m.dimension;
      if (typeof dimension === 'number') model.dimension = dimension;
      models.push({ modelIndex, modelItem: item, model });
    });
  } else {
    models.push({
      modelIndex: -1,
      modelItem: undefined,
      model: { type: d.embeddingModelType, modelName: d.embeddingModelName },
    });
  }

  const out: ExpandedCombination[] = [];
  for (const efConstruction of efcs) {
    for (const efSearch of efss) {
      for (const chunkSize of chunkSizes) {
        for (const overlapSize of overlaps) {
          for (const { modelIndex, modelItem, model } of models) {
            out.push({
              modelIndex,
              modelItem,
              combination: {
                indexNamePrefix: prefix,
                efConstruction,
                efSearch,
                preprocess,
                chunkSize,
                overlapSize,
                generateTitle,
                generateSummary,
                overrideContentWithSummary: override,
                chunkingStrategy: strategy,
                azureDocumentIntelligenceModel: diModel,
                embeddingModel: { ...model },
                samplingPercentage: percentage,
              },
            });
          }
        }
      }
    }
  }
  return out;
}

/** The index configurations exactly as the accelerator's `IndexConfig.flatten()` yields them (same order). */
export function expandIndexConfigs(config: unknown): IndexCombination[] {
  return expandWithSources(config).map((e) => e.combination);
}
