/** Guard rails: the cost cap, values Azure would refuse later, and the input-URI policy. */
import { performance } from 'node:perf_hooks';
import { inputUriProblem } from '../../src/core/inputUris';
import { countCombinations } from '../../src/core/limits';
import { planExperimentRequest } from '../../src/core/request';
import { validateConfig } from '../../src/core/validate';
import { fixture, INPUTS, testSettings } from './helpers';

const paths = (problems: { path: string }[]): string[] => problems.map((p) => p.path);
const chunking = (config: ReturnType<typeof fixture>): Record<string, unknown> =>
  config.index.chunking as Record<string, unknown>;

describe('the cost cap (MAX_PIPELINES_PER_EXPERIMENT)', () => {
  it('counts combinations from list lengths', () => {
    const config = fixture('sample');
    config.index.ef_construction = [100, 200, 300];
    Object.assign(chunking(config), { chunk_size: [200, 300], overlap_size: [0, 10, 20, 30] });
    expect(countCombinations(config)).toBe(3 * 1 * 2 * 4 * (config.index.embedding_model as unknown[]).length);
    expect(countCombinations({})).toBe(1);
  });

  it('refuses 5,000 chunk sizes with the count, the limit and the setting, and starts nothing', () => {
    const config = fixture('sample');
    chunking(config).chunk_size = Array.from({ length: 5000 }, (_, i) => i + 100);
    const planned = planExperimentRequest(
      { config, inputs: INPUTS },
      { experimentId: 'exp-x', settings: testSettings() },
    );
    expect(planned.ok).toBe(false);
    const [problem] = !planned.ok ? planned.problems : [];
    expect(problem?.path).toBe('/config/index');
    expect(problem?.message).toMatch(/5,000 index configurations/);
    expect(problem?.message).toMatch(/limit is 100 \(app setting MAX_PIPELINES_PER_EXPERIMENT\)/);
  });

  it('refuses billions of combinations without expanding them (well under 100 ms)', () => {
    const config = fixture('sample');
    const list = Array.from({ length: 200 }, (_, i) => 100 + i);
    Object.assign(config.index, { ef_construction: list, ef_search: list });
    Object.assign(chunking(config), { chunk_size: list, overlap_size: list });
    const started = performance.now();
    const planned = planExperimentRequest(
      { config, inputs: INPUTS },
      { experimentId: 'exp-x', settings: testSettings() },
    );
    expect(performance.now() - started).toBeLessThan(100);
    expect(!planned.ok && planned.problems[0]?.message).toMatch(/1,600,000,000 index configurations/);
  });

  it('takes the limit from the setting', () => {
    const config = fixture('sample');
    chunking(config).chunk_size = [500, 600, 700];
    const settings = testSettings({ MAX_PIPELINES_PER_EXPERIMENT: '2' });
    const planned = planExperimentRequest({ config, inputs: INPUTS }, { experimentId: 'exp-x', settings });
    expect(!planned.ok && planned.problems[0]?.message).toMatch(/3 index configurations.*limit is 2/);
    const raised = testSettings({ MAX_PIPELINES_PER_EXPERIMENT: '3' });
    expect(planExperimentRequest({ config, inputs: INPUTS }, { experimentId: 'exp-x', settings: raised }).ok).toBe(
      true,
    );
  });
});

describe('values Azure or the accelerator would refuse later', () => {
  it('refuses chunk sizes of 0, 1e12 and below zero, naming the rule, without nonsense overlap advice', () => {
    const config = fixture('sample');
    Object.assign(chunking(config), { chunk_size: [0, 1e12, -5], overlap_size: [10] });
    const problems = validateConfig(config);
    expect(paths(problems)).toEqual([
      '/index/chunking/chunk_size/0',
      '/index/chunking/chunk_size/1',
      '/index/chunking/chunk_size/2',
    ]);
    expect(problems[0]?.message).toMatch(/chunk_size 0 is outside 1–100,000/);
    expect(problems.some((p) => /at most -5/.test(p.message))).toBe(false);
  });

  it('refuses negative overlaps and embedding dimensions Azure AI Search does not accept', () => {
    const config = fixture('sample');
    chunking(config).overlap_size = [-1];
    config.index.embedding_model = [
      { type: 'azure', model_name: 'text-embedding-3-large', dimension: 4096 },
      { type: 'azure', model_name: 'text-embedding-ada-002', dimension: 1 },
      { type: 'azure', model_name: 'text-embedding-3-small', dimension: 0 },
    ];
    const problems = validateConfig(config);
    expect(paths(problems)).toEqual([
      '/index/chunking/overlap_size/0',
      '/index/embedding_model/0/dimension',
      '/index/embedding_model/1/dimension',
    ]);
    expect(problems[1]?.message).toMatch(/dimension 4096 is outside 2–3072.*Azure AI Search/);
  });

  it('refuses ef values outside the range Azure AI Search allows', () => {
    const config = fixture('sample');
    Object.assign(config.index, { ef_construction: [99], ef_search: [1001] });
    expect(paths(validateConfig(config))).toEqual(['/index/ef_construction/0', '/index/ef_search/0']);
  });

  it('refuses over-long strings and job names', () => {
    const config = fixture('sample');
    config.job_name = 'j'.repeat(256);
    config.job_description = 'd'.repeat(3000);
    const problems = validateConfig(config);
    expect(paths(problems)).toEqual(expect.arrayContaining(['/job_name', '/job_description']));
    expect(problems.find((p) => p.path === '/job_name')?.message).toMatch(/at most 255/);
  });
});

describe('input URIs', () => {
  it.each([
    'azureml://datastores/workspaceblobstore/paths/rag/docs/',
    'azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/a.jsonl',
    'azureml:rag-docs:3',
    'azureml:rag-docs@latest',
    'https://account.blob.core.windows.net/container/docs/',
    'https://account.dfs.core.windows.net/fs/eval.jsonl',
  ])('accepts %s', (uri) => expect(inputUriProblem(uri)).toBeUndefined());

  it.each([
    ['http://account.blob.core.windows.net/c/x', /azureml:\/\/datastores/],
    ['https://169.254.169.254/metadata/identity', /link-local/],
    ['https://127.0.0.1/x', /loopback/],
    ['https://2130706433/x', /loopback/],
    ['https://[::1]/x', /loopback/],
    ['https://10.1.2.3/x', /private/],
    ['https://192.168.0.10/x', /private/],
    ['https://localhost/x', /loopback/],
    ['https://user:pass@account.blob.core.windows.net/c/x', /password/],
    ['https://example.com/data.jsonl', /INPUT_URI_ALLOWED_HOSTS/],
    ['azureml:rag docs:1', /whitespace/],
    ['azureml:rag-docs', /azureml:<name>:<version>/],
    ['azureml://datastores/ws/other/x', /datastore path/],
    [`https://account.blob.core.windows.net/${'a'.repeat(2100)}`, /at most 2048/],
  ])('refuses %s', (uri, reason) => expect(inputUriProblem(uri)).toMatch(reason));

  it('accepts allow-listed hosts, but never internal addresses', () => {
    expect(inputUriProblem('https://data.contoso.com/x', ['data.contoso.com'])).toBeUndefined();
    expect(inputUriProblem('https://eu.data.contoso.com/x', ['.contoso.com'])).toBeUndefined();
    expect(inputUriProblem('https://contoso.com.evil.net/x', ['.contoso.com'])).toMatch(/not an Azure Storage/);
    expect(inputUriProblem('https://10.0.0.1/x', ['10.0.0.1'])).toMatch(/private/);
  });

  it('are checked by the request validation with the allow-list setting', () => {
    const config = fixture('sample');
    const inputs = { data: 'https://169.254.169.254/latest', evalData: 'https://files.contoso.com/qa.jsonl' };
    const refused = planExperimentRequest({ config, inputs }, { experimentId: 'exp-x', settings: testSettings() });
    expect(!refused.ok && paths(refused.problems)).toEqual(['/inputs/data', '/inputs/evalData']);
    const settings = testSettings({ INPUT_URI_ALLOWED_HOSTS: 'files.contoso.com' });
    const partly = planExperimentRequest({ config, inputs }, { experimentId: 'exp-x', settings });
    expect(!partly.ok && paths(partly.problems)).toEqual(['/inputs/data']);
  });
});
