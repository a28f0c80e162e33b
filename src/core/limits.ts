/**
 * What Azure AI Search, AzureML and the accelerator accept, checked before anything is expanded or submitted; and the
 * cost cap (MAX_PIPELINES_PER_EXPERIMENT), counted from the list lengths alone, so a config of millions of
 * combinations is refused without expanding one. Sources of every bound: docs/planning.md ("Limits").
 */
import type { Problem } from './types';

/** Default of MAX_PIPELINES_PER_EXPERIMENT: one request may order at most this many AzureML pipeline jobs. */
export const DEFAULT_MAX_PIPELINES = 100;
/** Highest value MAX_PIPELINES_PER_EXPERIMENT may take (validation and planning stay in milliseconds up to it). */
export const MAX_PIPELINES_CEILING = 1000;

/** Azure AI Search vector fields: 2 to 3072 dimensions (Collection(Edm.Single)). */
export const VECTOR_DIMENSIONS = { min: 2, max: 3072 } as const;
/** Chunk sizes: at least 1 character; above 100,000 no embedding model reads the chunk (Azure OpenAI: 8,191 tokens). */
export const CHUNK_SIZE = { min: 1, max: 100_000 } as const;
/** Strings of the config (names, descriptions, model names): at most this many characters. */
export const MAX_CONFIG_STRING = 2048;
/** AzureML job and experiment names: at most 255 characters. */
export const AML_NAME_MAX = 255;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How many values a field varies over: a list's length, 1 for anything else (as `IndexConfig.flatten()` does). */
const width = (value: unknown): number => (Array.isArray(value) ? value.length : 1);

/**
 * The number of index configurations (pipelines) a config expands to, from list lengths only:
 * `ef_construction × ef_search × chunk_size × overlap_size × embedding_model`. Never expands anything.
 */
export function countCombinations(config: unknown): number {
  const index = isRecord(config) && isRecord(config.index) ? config.index : {};
  const chunking = isRecord(index.chunking) ? index.chunking : {};
  return (
    width(index.ef_construction) *
    width(index.ef_search) *
    width(chunking.chunk_size) *
    width(chunking.overlap_size) *
    width(index.embedding_model)
  );
}

/** The cap problem, or undefined when the config stays within `maxPipelines`. */
export function capProblem(config: unknown, maxPipelines: number): Problem | undefined {
  const count = countCombinations(config);
  if (count <= maxPipelines) return undefined;
  return {
    path: '/index',
    message:
      `This config expands to ${count.toLocaleString('en-US')} index configurations, i.e. ${count.toLocaleString('en-US')} ` +
      `AzureML pipeline jobs; the limit is ${maxPipelines} (app setting MAX_PIPELINES_PER_EXPERIMENT). Shorten the ` +
      'lists of ef_construction, ef_search, chunk_size, overlap_size or embedding_model (their lengths multiply), ' +
      'split the experiment, or raise the setting.',
  };
}

const integers = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isInteger(x)) : [];

/**
 * Values the schema lets through but Azure or the accelerator would refuse later: chunk and overlap sizes,
 * embedding dimensions, over-long strings. Each message names the rule.
 */
export function valueProblems(config: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const index = isRecord(config.index) ? config.index : {};
  const chunking = isRecord(index.chunking) ? index.chunking : {};

  integers(chunking.chunk_size).forEach((size, i) => {
    if (size < CHUNK_SIZE.min || size > CHUNK_SIZE.max) {
      problems.push({
        path: `/index/chunking/chunk_size/${i}`,
        message:
          `chunk_size ${size} is outside ${CHUNK_SIZE.min}–${CHUNK_SIZE.max.toLocaleString('en-US')}: a chunk is a ` +
          'positive number of characters, and no embedding model reads a chunk larger than that (Azure OpenAI ' +
          'embeddings take at most 8,191 tokens).',
      });
    }
  });
  integers(chunking.overlap_size).forEach((size, i) => {
    if (size < 0) {
      problems.push({
        path: `/index/chunking/overlap_size/${i}`,
        message: `overlap_size ${size} is negative: the overlap between chunks is 0 or more characters.`,
      });
    }
  });
  if (Array.isArray(index.embedding_model)) {
    index.embedding_model.forEach((model, i) => {
      const dimension = isRecord(model) ? model.dimension : undefined;
      // 0 is the accelerator's "not set" (`if dimension:` leaves it out of the index name): the model's own size.
      if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension === 0) return;
      if (dimension < VECTOR_DIMENSIONS.min || dimension > VECTOR_DIMENSIONS.max) {
        problems.push({
          path: `/index/embedding_model/${i}/dimension`,
          message:
            `dimension ${dimension} is outside ${VECTOR_DIMENSIONS.min}–${VECTOR_DIMENSIONS.max}, the vector ` +
            'dimensions Azure AI Search accepts: the index step could not create the index. Use the dimension ' +
            'of the model (text-embedding-ada-002: 1536; text-embedding-3-large: up to 3072), or 0 for its default.',
        });
      }
    });
  }
  const jobName = config.job_name;
  if (typeof jobName === 'string' && jobName.length > AML_NAME_MAX) {
    problems.push({
      path: '/job_name',
      message: `job_name is ${jobName.length} characters; AzureML names are at most ${AML_NAME_MAX}.`,
    });
  }
  longStrings(config, '', problems);
  return problems;
}

/** Every string longer than MAX_CONFIG_STRING, reported at its path (one problem per string, at most 10). */
function longStrings(value: unknown, path: string, problems: Problem[]): void {
  if (problems.length >= 10) return;
  if (typeof value === 'string') {
    if (value.length > MAX_CONFIG_STRING) {
      problems.push({
        path,
        message: `This string is ${value.length.toLocaleString('en-US')} characters; config values are at most ${MAX_CONFIG_STRING} (names, paths, model names).`,
      });
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => longStrings(item, `${path}/${i}`, problems));
  else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      longStrings(item, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, problems);
    }
  }
}
