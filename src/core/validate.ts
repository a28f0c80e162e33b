/**
 * Validation with the accelerator's rules, all problems at once, each with a JSON pointer and a sentence to act on:
 * - its JSON schema (`config.schema.json`, draft-06);
 * - `Config.validate_inputs`: the largest `overlap_size` must not exceed the smallest `chunk_size`, and (when the
 *   setting is known) semantic search types need `AZURE_SEARCH_USE_SEMANTIC_SEARCH=true`;
 * - `azureml/pipeline.py`: no `index.sampling.sample_data = true` on AzureML;
 * - the index name round trip (`index_name()` → `from_index_name()`), the only thing the index step receives;
 * - what else makes a run fail: index names Azure AI Search rejects, two combinations with the same index;
 * - what the step scripts would break on with the staged config (`./stepChecks.ts`).
 */
import { expandWithSources, type ExpandedCombination } from './expand';
import { normalisedInputUri } from './datastoreInputs';
import { inputUriProblem } from './inputUris';
import { capProblem, valueProblems } from './limits';
import { fullIndexName, INDEX_NAME_MAX, pyLength, pySlice, roundTrip, type RoundTripMismatch } from './naming';
import { pyNumber } from './pyFormat';
import { pointerSegment, schemaProblems } from './schema';
import { stepProblems } from './stepChecks';
import type { ExperimentInputs, ExperimentRequest, Problem } from './types';

export interface ValidateOptions {
  /**
   * The accelerator's `AZURE_SEARCH_USE_SEMANTIC_SEARCH` when known (`true` / `false`); undefined skips the check.
   */
  useSemanticSearch?: boolean;
  /**
   * MAX_PIPELINES_PER_EXPERIMENT: a config expanding to more index configurations is refused, counted from the list
   * lengths before anything is expanded (other checks are skipped then). Undefined: no cap.
   */
  maxPipelines?: number;
  /** INPUT_URI_ALLOWED_HOSTS: https hosts accepted for inputs besides Azure Storage. */
  allowedInputHosts?: readonly string[];
}

/** A validated config: its combinations and their index names (reused by the planner). */
export interface ConfigAnalysis {
  problems: Problem[];
  expanded: ExpandedCombination[];
  names: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numbers = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;

class Problems {
  readonly list: Problem[] = [];
  private readonly seen = new Set<string>();
  add(path: string, message: string): void {
    const key = path + '\n' + message;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ path, message });
  }
}

/** Every problem of an accelerator config. An empty list means `planExperiment` will plan it. */
export function validateConfig(config: unknown, options: ValidateOptions = {}): Problem[] {
  return analyzeConfig(config, options).problems;
}

/** AzureML experiment names: a letter or digit, then letters, digits, "_" or "-" (at most 255 characters). */
function experimentNameProblems(experimentName: unknown, problems: Problems): void {
  if (
    typeof experimentName === 'string' &&
    experimentName &&
    !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(experimentName)
  ) {
    problems.add(
      '/experiment_name',
      `experiment_name "${experimentName}" is not a valid AzureML experiment name: use a letter or digit first, then ` +
        `only letters, digits, "_" and "-" (at most 255 characters), e.g. "${suggestExperimentName(experimentName)}".`,
    );
  }
}

/** Config.validate_inputs: max(overlap_size) > min(chunk_size) is refused. */
function overlapProblems(chunking: Record<string, unknown> | undefined, problems: Problems): void {
  const chunkSizes = numbers(chunking?.chunk_size);
  const overlaps = numbers(chunking?.overlap_size);
  // Only between sizes that are themselves valid: advice like "at most -5" helps nobody.
  if (chunkSizes && overlaps && chunkSizes.every((c) => c >= 1) && overlaps.every((o) => o >= 0)) {
    const maxOverlap = overlaps.reduce((a, b) => (b > a ? b : a));
    const minChunk = chunkSizes.reduce((a, b) => (b < a ? b : a));
    if (maxOverlap > minChunk) {
      const tooBig = overlaps.filter((o) => o > minChunk).map(pyNumber);
      problems.add(
        '/index/chunking/overlap_size',
        `The largest overlap_size (${pyNumber(maxOverlap)}) is above the smallest chunk_size (${pyNumber(minChunk)}); ` +
          `the accelerator refuses this ("overlap_size must be less than chunk_size"). Make every overlap_size at most ` +
          `${pyNumber(minChunk)} (remove or lower ${tooBig.join(', ')}) or remove chunk sizes below ${pyNumber(maxOverlap)}.`,
      );
    }
  }
}

/** Search types that need semantic search, when the Search service is not set up for it. */
function semanticSearchProblems(searchBlock: unknown, options: ValidateOptions, problems: Problems): void {
  const search = isRecord(searchBlock) ? searchBlock : undefined;
  if (options.useSemanticSearch === false && Array.isArray(search?.search_type)) {
    const semantic = (search.search_type as unknown[]).filter(
      (t) => t === 'search_for_match_semantic' || t === 'search_for_manual_hybrid',
    );
    if (semantic.length > 0) {
      problems.add(
        '/search/search_type',
        `${semantic.map((t) => `"${String(t)}"`).join(' and ')} need semantic search, but the app setting ` +
          'AZURE_SEARCH_USE_SEMANTIC_SEARCH is not "true": the accelerator refuses the config at the start of each ' +
          'step. Remove these search types or enable semantic search on the Search service and set the setting to true.',
      );
    }
  }
}

/** Each embedding_model item is an object; false (with a problem each) when one is not. */
function embeddingModelItemsWellFormed(models: unknown, problems: Problems): boolean {
  let wellFormed = true;
  if (Array.isArray(models)) {
    models.forEach((item, i) => {
      if (!isRecord(item)) {
        wellFormed = false;
        problems.add(
          `/index/embedding_model/${i}`,
          `Each embedding_model item must be an object like {"type": "azure", "model_name": "text-embedding-ada-002"}; ` +
            `got ${describe(item)}.`,
        );
      }
    });
  }
  return wellFormed;
}

/** Validates and, when the config is well-formed enough, expands it (the planner uses the result). */
export function analyzeConfig(config: unknown, options: ValidateOptions = {}): ConfigAnalysis {
  const problems = new Problems();
  if (!isRecord(config)) {
    problems.add('', `The config must be a JSON object (the accelerator's config.json); got ${describe(config)}.`);
    return { problems: problems.list, expanded: [], names: [] };
  }
  // The cost cap first, from list lengths: a config of millions of combinations is refused in microseconds.
  const cap = options.maxPipelines === undefined ? undefined : capProblem(config, options.maxPipelines);
  if (cap) return { problems: [cap], expanded: [], names: [] };
  const schema = schemaProblems(config);
  for (const p of schema) problems.add(p.path, p.message);
  for (const p of stepProblems(config)) problems.add(p.path, p.message);
  // Name checks need the values an index name is built from, with the right types; otherwise they would only echo
  // the schema's problems. Other schema problems (a value out of range, a wrong enum) do not stop them.
  let indexWellFormed = nameInputsWellTyped(config.index);

  experimentNameProblems(config.experiment_name, problems);

  const index = isRecord(config.index) ? config.index : undefined;
  const chunking = index && isRecord(index.chunking) ? index.chunking : undefined;
  const sampling = index && isRecord(index.sampling) ? index.sampling : undefined;

  // Config.validate_inputs: max(overlap_size) > min(chunk_size) is refused.
  const values = valueProblems(config);
  for (const p of values) problems.add(p.path, p.message);
  // A refused size or dimension would only show up again as a malformed index name ("cs--5").
  if (values.some((p) => p.path.startsWith('/index/'))) indexWellFormed = false;
  overlapProblems(chunking, problems);

  if (sampling?.sample_data === true) {
    problems.add(
      '/index/sampling/sample_data',
      'sample_data is true, but the accelerator cannot sample documents in an AzureML pipeline (its pipeline.py ' +
        'refuses and submits nothing). Set sample_data to false, or sample locally and upload the sample as the ' +
        'data folder.',
    );
  }
  semanticSearchProblems(config.search, options, problems);
  if (!embeddingModelItemsWellFormed(index?.embedding_model, problems)) indexWellFormed = false;

  if (!indexWellFormed) return { problems: problems.list, expanded: [], names: [] };
  const expanded = expandWithSources(config);
  const fullNames = expanded.map((e) => fullIndexName(e.combination));
  const names = fullNames.map((full) => pySlice(full, INDEX_NAME_MAX));
  checkNames(expanded, fullNames, names, problems);
  return { problems: problems.list, expanded, names };
}

/** Round trip, Azure AI Search's index-name rule, and duplicates; one problem per cause, not per combination. */
function checkNames(expanded: ExpandedCombination[], fullNames: string[], names: string[], problems: Problems): void {
  let longest:
    { excess: number; full: string; cut: string; mismatches: RoundTripMismatch[]; parseError?: string } | undefined;
  const byName = new Map<string, number>();
  const duplicates: [number, number, string][] = [];

  expanded.forEach(({ combination: c, modelIndex }, i) => {
    const name = names[i] ?? '';
    const full = fullNames[i] ?? '';
    const result = roundTrip(c, name);
    // Code points never outnumber UTF-16 units: count them only for long names.
    const excess = full.length > INDEX_NAME_MAX ? pyLength(full) - INDEX_NAME_MAX : 0;
    const modelPath = modelIndex >= 0 ? `/index/embedding_model/${modelIndex}/model_name` : '/index/embedding_model';

    if (result.parseError !== undefined || result.mismatches.length > 0) {
      // Say every cause: the fields that cannot survive the round trip, and the cut at 127 characters.
      const explained = explainFields(c.indexNamePrefix, c.embeddingModel.modelName, modelPath, problems);
      if (excess > 0) {
        if (!longest || excess > longest.excess) {
          longest = { excess, full, cut: name, mismatches: result.mismatches, parseError: result.parseError };
        }
      } else if (!explained) {
        const detail = result.parseError
          ? `it does not parse (${result.parseError})`
          : result.mismatches
              .map((m) => `${m.field} ${m.expected} comes back as ${m.actual ?? '(nothing)'}`)
              .join('; ');
        problems.add(
          '/index',
          `The index name "${name}" does not parse back to its configuration (${detail}); the index step would ` +
            'build the wrong index. Change the values so that no field contains "_".',
        );
      }
    }

    // Azure AI Search index names: lower case letters, digits, "-" and "_", a letter or digit first, no "--" or "__"
    // (https://learn.microsoft.com/rest/api/searchservice/naming-rules). The Search service refuses anything else.
    if (!SEARCH_INDEX_NAME.test(name) || /--|__/.test(name)) {
      const bad = [...new Set(name.replace(/[a-z0-9_-]/g, ''))].map((ch) => `"${ch}"`);
      const what = bad.length > 0 ? bad.join(' ') : '"--" or "__"';
      const where = badCharSource(c, modelPath);
      problems.add(
        where.path,
        `The index names would contain ${what}, which Azure AI Search refuses in index names (lower-case ` +
          `letters, digits, "-" and "_", no "--" or "__"): ${where.fix}`,
      );
    }

    const first = byName.get(name);
    if (first !== undefined) duplicates.push([first, i, name]);
    else byName.set(name, i);
  });

  const [firstDuplicate] = duplicates;
  if (firstDuplicate) {
    const [a, b, name] = firstDuplicate;
    const more = duplicates.length > 1 ? ` (${duplicates.length} configurations repeat an earlier one)` : '';
    problems.add(
      '/index',
      `Index configurations #${a + 1} and #${b + 1} both get the index name "${name}"${more}, so pipelines would ` +
        'build and query the same Azure AI Search index. Remove the duplicate value (or make the model names differ ' +
        'in more than letter case).',
    );
  }

  if (longest) {
    const { excess, full, cut, mismatches, parseError } = longest;
    const lost = parseError
      ? `the index step cannot parse it (${parseError})`
      : mismatches
          .map((m) =>
            m.actual === undefined
              ? `${m.field} ${m.expected} vanishes`
              : `${m.field} silently becomes ${m.actual} instead of ${m.expected}`,
          )
          .join('; ');
    problems.add(
      '/index/index_name_prefix',
      `The index name "${full}" is ${pyLength(full)} characters; the accelerator cuts names to ${INDEX_NAME_MAX}, ` +
        `giving "${cut}", so ${lost}. Shorten index_name_prefix by ${excess} character${excess === 1 ? '' : 's'} ` +
        '(or use shorter embedding model names).',
    );
  }
}

/** The causes a prefix or model name gives for a broken round trip; true when there is one. */
function explainFields(prefix: string, modelName: string, modelPath: string, problems: Problems): boolean {
  let explained = false;
  if (prefix.includes('_')) {
    problems.add(
      '/index/index_name_prefix',
      `index_name_prefix "${prefix}" contains "_", which separates the fields of the index name: the index step ` +
        `would not get this prefix back from the index name. Replace "_" with "-" (e.g. "${prefix.replace(/_/g, '-')}").`,
    );
    explained = true;
  }
  if (prefix !== prefix.trim()) {
    problems.add(
      '/index/index_name_prefix',
      `index_name_prefix "${prefix}" starts or ends with spaces, which the index step strips when it reads the index ` +
        'name back. Remove the spaces.',
    );
    explained = true;
  }
  if (modelName.includes('_')) {
    problems.add(
      modelPath,
      `model_name "${modelName}" contains "_", which separates the fields of the index name: the index step could ` +
        `not read the index name back. Use a model (or Azure OpenAI deployment) name without "_".`,
    );
    explained = true;
  }
  if (modelName !== modelName.toLowerCase()) {
    problems.add(
      modelPath,
      `model_name "${modelName}" has upper-case letters. The index name holds it lower-cased ("${modelName.toLowerCase()}") ` +
        'and the index step looks the model up by that name, so it would not find it. Use the lower-case name (for ' +
        'Azure OpenAI, a deployment whose name is lower-case).',
    );
    explained = true;
  }
  if (modelName !== modelName.trim()) {
    problems.add(modelPath, `model_name "${modelName}" starts or ends with spaces; remove them.`);
    explained = true;
  }
  return explained;
}

const SEARCH_INDEX_NAME = /^[a-z0-9][a-z0-9_-]*$/;

function badCharSource(c: ExpandedCombination['combination'], modelPath: string): { path: string; fix: string } {
  const ok = (s: string): boolean => /^[a-z0-9_-]*$/.test(s) && !/--|__|^-|-$/.test(s);
  if (!ok(c.indexNamePrefix)) {
    return {
      path: '/index/index_name_prefix',
      fix: 'use lower-case letters, digits and single "-" in index_name_prefix, starting and ending with a letter or digit.',
    };
  }
  if (!ok(c.embeddingModel.modelName.toLowerCase())) {
    return { path: modelPath, fix: 'use a model name of letters, digits and single "-" only.' };
  }
  if (!ok(pyNumber(c.samplingPercentage))) {
    return { path: '/index/sampling/percentage', fix: 'use a whole-number percentage.' };
  }
  return { path: '/index', fix: 'use whole numbers and names of letters, digits and "-" only.' };
}

/** True when every value an index name is built from is absent (default) or of the type the accelerator expects. */
function nameInputsWellTyped(index: unknown): boolean {
  if (index === undefined) return true;
  if (!isRecord(index)) return false;
  const absentOr = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
  const str = (x: unknown): boolean => typeof x === 'string';
  const bool = (x: unknown): boolean => typeof x === 'boolean';
  const num = (x: unknown): boolean => typeof x === 'number';
  const nums = (x: unknown): boolean => Array.isArray(x) && x.length > 0 && x.every(num);
  const chunking = index.chunking;
  const sampling = index.sampling;
  const models = index.embedding_model;
  return (
    absentOr(index.index_name_prefix, str) &&
    absentOr(index.ef_construction, nums) &&
    absentOr(index.ef_search, nums) &&
    absentOr(chunking, (c) =>
      isRecord(c)
        ? absentOr(c.chunk_size, nums) &&
          absentOr(c.overlap_size, nums) &&
          absentOr(c.chunking_strategy, str) &&
          ['preprocess', 'generate_title', 'generate_summary', 'override_content_with_summary'].every((k) =>
            absentOr(c[k], bool),
          )
        : false,
    ) &&
    absentOr(sampling, (x) => isRecord(x) && absentOr(x.percentage, num)) &&
    absentOr(
      models,
      (m) =>
        Array.isArray(m) &&
        m.length > 0 &&
        m.every((item) => isRecord(item) && absentOr(item.model_name, str) && absentOr(item.dimension, num)),
    )
  );
}

function suggestExperimentName(name: string): string {
  const fixed = name
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 255)
    .replace(/-+$/, '');
  return fixed || 'experiment-1';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

// --- the HTTP API body ----------------------------------------------------------------------------------------

const REQUEST_KEYS = new Set(['config', 'inputs', 'options']);
const INPUT_KEYS = ['data', 'evalData'] as const;
const OPTION_KEYS = new Set(['maxParallelPipelines']);

/**
 * Validates the body of `POST /api/experiments`: `{"config": <accelerator config>, "inputs": {"data": <uri>,
 * "evalData": <uri>}, "options": {"maxParallelPipelines"?: 1..500}}`. JSON pointers are relative to the body.
 * `request` and `analysis` (the config's expansion and names, for the planner) are set only when there is no problem,
 * so a request is validated once.
 */
export function validateExperimentRequest(
  body: unknown,
  options: ValidateOptions = {},
): { problems: Problem[]; request?: ExperimentRequest; analysis?: ConfigAnalysis } {
  const problems = new Problems();
  if (!isRecord(body)) {
    problems.add(
      '',
      `The body must be a JSON object {"config": …, "inputs": {"data": …, "evalData": …}}; got ${describe(body)}.`,
    );
    return { problems: problems.list };
  }
  for (const key of Object.keys(body)) {
    if (!REQUEST_KEYS.has(key)) {
      problems.add(`/${pointerSegment(key)}`, `Unknown key "${key}"; the body takes "config", "inputs" and "options".`);
    }
  }

  if (!('config' in body)) problems.add('/config', 'Add the required key "config": the accelerator\'s config.json.');
  let analysis: ConfigAnalysis | undefined;
  if ('config' in body) {
    analysis = analyzeConfig(body.config, options);
    for (const p of analysis.problems) problems.add(`/config${p.path}`, p.message);
  }

  const inputs = body.inputs;
  if (inputs === undefined) {
    problems.add(
      '/inputs',
      'Add the required key "inputs": {"data": <documents folder URI>, "evalData": <eval file URI>}.',
    );
  } else if (!isRecord(inputs)) {
    problems.add('/inputs', `"inputs" must be an object {"data": …, "evalData": …}; got ${describe(inputs)}.`);
  } else {
    for (const key of Object.keys(inputs)) {
      if (!(INPUT_KEYS as readonly string[]).includes(key)) {
        problems.add(`/inputs/${pointerSegment(key)}`, `Unknown input "${key}"; the inputs are "data" and "evalData".`);
      }
    }
    const what = { data: 'the folder of documents to index', evalData: 'the evaluation data file (JSONL)' };
    for (const key of INPUT_KEYS) {
      const value = inputs[key];
      if (value === undefined) problems.add(`/inputs/${key}`, `Add "${key}": the URI of ${what[key]}.`);
      else if (typeof value !== 'string') {
        problems.add(`/inputs/${key}`, `"${key}" must be a URI (string) of ${what[key]}; got ${describe(value)}.`);
      } else {
        const refused = inputUriProblem(value, options.allowedInputHosts);
        if (refused) problems.add(`/inputs/${key}`, `"${key}" (${what[key]}) is refused: ${refused}`);
      }
    }
  }

  const opts = body.options;
  if (opts !== undefined) {
    if (!isRecord(opts)) problems.add('/options', `"options" must be an object; got ${describe(opts)}.`);
    else {
      for (const key of Object.keys(opts)) {
        if (!OPTION_KEYS.has(key)) {
          problems.add(
            `/options/${pointerSegment(key)}`,
            `Unknown option "${key}"; the only option is "maxParallelPipelines".`,
          );
        }
      }
      const max = opts.maxParallelPipelines;
      if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 500)) {
        problems.add(
          '/options/maxParallelPipelines',
          `maxParallelPipelines must be a whole number from 1 to 500; got ${describe(max)}.`,
        );
      }
    }
  }

  if (problems.list.length > 0) return { problems: problems.list };
  const okInputs = body.inputs as unknown as ExperimentInputs;
  const request: ExperimentRequest = {
    config: body.config as Record<string, unknown>,
    inputs: { data: normalisedInputUri(okInputs.data), evalData: normalisedInputUri(okInputs.evalData) },
  };
  if (isRecord(opts)) request.options = { ...opts } as ExperimentRequest['options'];
  return { problems: [], request, analysis };
}
