/** Every refusal: the schema, the accelerator's own checks, the index-name round trip, and the HTTP body. */
import { validateConfig, validateExperimentRequest } from '../../src/core/validate';
import { fixture, INPUTS } from './helpers';

const paths = (problems: { path: string }[]): string[] => problems.map((p) => p.path);

describe('validateConfig', () => {
  it('accepts the accelerator sample config and the realistic fixtures', () => {
    for (const name of ['sample', 'multi', 'defaults']) expect(validateConfig(fixture(name))).toEqual([]);
  });

  it('reports every problem at once, each with its JSON path and a sentence to act on', () => {
    const problems = validateConfig(fixture('invalid'));
    expect(paths(problems)).toEqual(
      expect.arrayContaining([
        '/job_name',
        '/data_formats/1',
        '/index/ef_construction/0',
        '/index/sampling/optimum_k',
        '/language/analyzer',
        '/rerank/type',
        '/openai/temperature',
        '/index/chunking/overlap_size',
        '/index/sampling/sample_data',
      ]),
    );
    expect(problems).toHaveLength(9);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath['/job_name']).toBe('Add the required key "job_name".');
    expect(byPath['/data_formats/1']).toBe(
      '"doc" is not allowed here; use one of: "*", "pdf", "html", "markdown", "json", "text", "docx".',
    );
    expect(byPath['/rerank/type']).toContain('"llm", "cross_encoder"');
    expect(byPath['/index/ef_construction/0']).toBe('Must be at least 100; got 50.');
    expect(byPath['/index/sampling/optimum_k']).toContain('"auto" or a whole number');
    expect(byPath['/language/analyzer']).toContain('either analyzer_name');
    expect(byPath['/index/chunking/overlap_size']).toContain(
      'largest overlap_size (1500) is above the smallest chunk_size (1000)',
    );
    expect(byPath['/index/sampling/sample_data']).toContain('Set sample_data to false');
  });

  it('reports type errors with what was found', () => {
    const config = fixture('sample');
    config.use_checkpoints = 'yes';
    (config.index.chunking as Record<string, unknown>).chunk_size = ['1000'];
    expect(validateConfig(config)).toEqual([
      { path: '/use_checkpoints', message: 'Must be a boolean; got a string ("yes").' },
      { path: '/index/chunking/chunk_size/0', message: 'Must be an integer; got a string ("1000").' },
    ]);
  });

  it('refuses an overlap above the smallest chunk size even when each pair alone would be fine', () => {
    const config = fixture('sample');
    Object.assign(config.index.chunking as object, { chunk_size: [256, 2048], overlap_size: [128, 512] });
    const problems = validateConfig(config);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('/index/chunking/overlap_size');
    expect(problems[0]?.message).toContain('at most 256 (remove or lower 512)');
  });

  it('refuses sampling on AzureML', () => {
    const config = fixture('sample');
    (config.index.sampling as Record<string, unknown>).sample_data = true;
    expect(paths(validateConfig(config))).toEqual(['/index/sampling/sample_data']);
  });

  it('refuses a name cut at 127 characters and says by how much to shorten the prefix', () => {
    const problems = validateConfig(fixture('long-prefix-cut'));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('/index/index_name_prefix');
    expect(problems[0]?.message).toContain('is 129 characters');
    expect(problems[0]?.message).toContain('embeddingModel.dimension silently becomes 30 instead of 3072');
    expect(problems[0]?.message).toContain('Shorten index_name_prefix by 2 characters');
    // Two characters shorter and the name fits: valid.
    const fixed = fixture('long-prefix-cut');
    fixed.index.index_name_prefix = 'longpre';
    expect(validateConfig(fixed)).toEqual([]);
  });

  it('refuses "_" in the prefix and in a model name, and upper-case model names, naming the field and the fix', () => {
    const problems = validateConfig(fixture('underscores'));
    expect(paths(problems)).toEqual([
      '/index/index_name_prefix',
      '/index/embedding_model/0/model_name',
      '/index/embedding_model/1/model_name',
    ]);
    expect(problems[0]?.message).toContain('Replace "_" with "-" (e.g. "my-idx")');
    expect(problems[1]?.message).toContain('model_name "text_embedding_ada" contains "_"');
    expect(problems[2]?.message).toContain('upper-case letters');
    expect(problems[2]?.message).toContain('"all-mpnet-base-v2"');
  });

  it('refuses index names Azure AI Search rejects', () => {
    const config = fixture('sample');
    config.index.index_name_prefix = 'My.Index';
    const problems = validateConfig(config);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('/index/index_name_prefix');
    expect(problems[0]?.message).toMatch(/contain "M" "\." "I", which Azure AI Search refuses/);

    const fractional = validateConfig(fixture('fractional-percentage'));
    expect(paths(fractional)).toEqual(['/index/sampling/percentage']);
  });

  it('reports the name problems together with the other refusals', () => {
    const config = fixture('underscores');
    (config.index.sampling as Record<string, unknown>).sample_data = true;
    Object.assign(config.index.chunking as object, { overlap_size: [2000] });
    expect(paths(validateConfig(config))).toEqual([
      '/index/chunking/overlap_size',
      '/index/sampling/sample_data',
      '/index/index_name_prefix',
      '/index/embedding_model/0/model_name',
      '/index/embedding_model/1/model_name',
    ]);
  });

  it('reports a cut name and a "_" in the prefix together', () => {
    const config = fixture('long-prefix-cut');
    config.index.index_name_prefix = 'long_pref';
    const problems = validateConfig(config);
    expect(paths(problems)).toEqual(['/index/index_name_prefix', '/index/index_name_prefix']);
    expect(problems[0]?.message).toContain('Replace "_" with "-" (e.g. "long-pref")');
    expect(problems[1]?.message).toContain('Shorten index_name_prefix by 2 characters');
  });

  it('checks the names even when the schema refuses other values of the index section', () => {
    const config = fixture('underscores');
    config.index.ef_construction = [50];
    expect(paths(validateConfig(config))).toEqual([
      '/index/ef_construction/0',
      '/index/index_name_prefix',
      '/index/embedding_model/0/model_name',
      '/index/embedding_model/1/model_name',
    ]);
    // A value of the wrong type stops them (they would only echo the schema).
    config.index.ef_construction = ['400'];
    expect(paths(validateConfig(config))).toEqual(['/index/ef_construction/0']);
  });

  it('refuses an experiment name AzureML does not accept', () => {
    const config = fixture('sample');
    config.experiment_name = 'chunking sweep #1';
    expect(validateConfig(config)).toEqual([
      {
        path: '/experiment_name',
        message: expect.stringContaining('e.g. "chunking-sweep-1"') as string,
      },
    ]);
  });

  it('refuses two combinations that would build the same index', () => {
    const config = fixture('sample');
    config.index.ef_construction = [400, 400];
    const problems = validateConfig(config);
    expect(problems).toEqual([
      { path: '/index', message: expect.stringContaining('#1 and #2 both get the index name') as string },
    ]);
    // Many repeats are one problem.
    Object.assign(config.index.chunking as object, { chunk_size: [300, 400, 500], overlap_size: [10, 20] });
    const many = validateConfig(config);
    expect(many).toHaveLength(1);
    expect(many[0]?.message).toContain('#1 and #7 both get the index name');
    expect(many[0]?.message).toContain('(6 configurations repeat an earlier one)');
  });

  it('refuses semantic search types when the setting says semantic search is off', () => {
    const config = fixture('sample');
    expect(validateConfig(config, { useSemanticSearch: true })).toEqual([]);
    const problems = validateConfig(config, { useSemanticSearch: false });
    expect(paths(problems)).toEqual(['/search/search_type']);
    expect(problems[0]?.message).toContain('"search_for_manual_hybrid" and "search_for_match_semantic"');
  });

  it('refuses what is not a JSON object, and embedding models that are not objects', () => {
    expect(validateConfig([])).toEqual([
      { path: '', message: expect.stringContaining('must be a JSON object') as string },
    ]);
    const config = fixture('sample');
    config.index.embedding_model = ['text-embedding-ada-002'];
    expect(paths(validateConfig(config))).toEqual(['/index/embedding_model/0']);
  });
});

describe('validateExperimentRequest', () => {
  it('accepts a well-formed body and returns the request', () => {
    const body = { config: fixture('sample'), inputs: INPUTS, options: { maxParallelPipelines: 10 } };
    const result = validateExperimentRequest(body);
    expect(result.problems).toEqual([]);
    expect(result.request).toEqual(body);
  });

  it('reports problems with paths relative to the body, config problems included', () => {
    const config = fixture('sample');
    Object.assign(config.index.chunking as object, { overlap_size: [2000] });
    const result = validateExperimentRequest({
      config,
      inputs: { data: 'C:\\docs', extra: 1 },
      options: { maxParallelPipelines: 0, parallel: 3 },
      callback: 'x',
    });
    expect(result.request).toBeUndefined();
    expect(paths(result.problems)).toEqual([
      '/callback',
      '/config/index/chunking/overlap_size',
      '/inputs/extra',
      '/inputs/data',
      '/inputs/evalData',
      '/options/parallel',
      '/options/maxParallelPipelines',
    ]);
  });

  it('requires config and inputs', () => {
    expect(paths(validateExperimentRequest({}).problems)).toEqual(['/config', '/inputs']);
    expect(paths(validateExperimentRequest('x').problems)).toEqual(['']);
  });
});
