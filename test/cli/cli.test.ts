/** The CLI: in-process for the cases, two real processes end to end. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Io } from '../../src/cli/main';
import { FIXTURES } from '../core/helpers';

const ROOT = join(__dirname, '..', '..');

function cli(argv: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: (p) => readFileSync(p, 'utf8'),
  };
  const code = run(argv, env, io);
  return { code, stdout, stderr };
}

const sample = join(FIXTURES, 'sample.json');
const invalid = join(FIXTURES, 'invalid.json');

describe('cli (in process)', () => {
  it('plans with placeholders on a fresh machine and says so on stderr', () => {
    const { code, stdout, stderr } = cli(['plan', sample]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { pipelines: Record<string, unknown>[]; components: unknown[] };
    expect(Object.keys(out)).toEqual(['pipelines', 'components']);
    expect(Object.keys(out.pipelines[0] ?? {})).toEqual(['indexName', 'jobName', 'config', 'job']);
    expect(out.components).toHaveLength(3);
    expect(stdout).toContain('<AML_SUBSCRIPTION_ID>');
    expect(stdout).toContain('azureml://datastores/workspaceblobstore/paths/<DATA_FOLDER>');
    expect(stderr).toMatch(/^note: .*AML_SUBSCRIPTION_ID.*--data, --eval-data\n$/);
    // Same file, same plan (the default experiment id comes from the config's content).
    expect(cli(['plan', sample]).stdout).toBe(stdout);
  });

  it('uses the options and the settings from the environment', () => {
    const { code, stdout, stderr } = cli(
      [
        'plan',
        sample,
        '--experiment-id',
        'exp-42',
        '--data',
        'https://acct.blob.core.windows.net/docs',
        '--eval-data=azureml://x/y.jsonl',
      ],
      { AML_SUBSCRIPTION_ID: 'sub-1', AML_COMPUTE_NAME: 'gpu-cluster' },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('rag-orchestrator/exp-42/');
    expect(stdout).toContain('https://acct.blob.core.windows.net/docs');
    expect(stdout).toContain('/subscriptions/sub-1/');
    expect(stdout).toContain('/computes/gpu-cluster');
    expect(stderr).not.toContain('--data');
    expect(stderr).not.toContain('AML_SUBSCRIPTION_ID');
  });

  it('exits 2 with every problem, one per line, for an invalid config, a bad JSON file or a missing file', () => {
    const bad = cli(['validate', invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines).toContain('/job_name: Add the required key "job_name".');
    const notJson = cli(['plan', __filename]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^\(root\): .*cli\.test\.ts is not valid JSON/);
    const missing = cli(['validate', '/no/such/config.json']);
    expect(missing).toMatchObject({ code: 2, stderr: '(root): Cannot read /no/such/config.json: no such file.\n' });
  });

  it('notes the numbers of the index name written as floats (where the accelerator itself would differ)', () => {
    const text = readFileSync(sample, 'utf8')
      .replace('"percentage": 5', '"percentage": 5.0')
      .replace('"ef_construction": [400]', '"ef_construction": [400.0]');
    let stderr = '';
    let stdout = '';
    const code = run(
      ['plan', 'config.json'],
      {},
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        readFile: () => text,
      },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('note: /index/ef_construction/0 is written as a float');
    expect(stderr).toContain('note: /index/sampling/percentage is written as a float');
    expect(stdout).toContain('idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000');
  });

  it('validates and lists the index names', () => {
    const { code, stdout } = cli(['validate', sample]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      valid: true,
      indexNames: ['idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000_st-basic_o-200_t-0_s-0_oc-0'],
    });
  });

  it('exits 64 with the usage on usage errors, 0 on --help', () => {
    for (const argv of [
      [],
      ['frob', sample],
      ['plan'],
      ['plan', sample, '--bogus'],
      ['plan', sample, '--data'],
      ['validate', sample, '--data', 'x'],
      ['plan', sample, '--data', 'C:\\docs'],
      ['plan', sample, '--eval-data', 'http://insecure/qa.jsonl'],
    ]) {
      const { code, stderr } = cli(argv);
      expect({ argv, code }).toEqual({ argv, code: 64 });
      expect(stderr).toContain('Usage: npm run --silent cli');
    }
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
  });
});

describe('cli (real process)', () => {
  const spawn = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });

  it('prints the plan as JSON on stdout and exits 0', () => {
    const result = spawn(['plan', sample]);
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout) as { pipelines: { indexName: string }[] };
    expect(out.pipelines.map((p) => p.indexName)).toEqual([
      'idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000_st-basic_o-200_t-0_s-0_oc-0',
    ]);
  });

  it('exits 2 and prints every problem with its JSON path on stderr', () => {
    const result = spawn(['plan', invalid]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('/index/chunking/overlap_size: ');
    expect(result.stderr).toContain('/index/sampling/sample_data: ');
  });

  it('publish-accelerator refuses secret-looking files (exit 5) unless --allow-secret-files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-publish-'));
    cpSync(join(ROOT, 'test/fixtures/aml/accelerator-checkout'), dir, { recursive: true });
    writeFileSync(join(dir, 'rag_experiment_accelerator/secrets.json'), '{}');
    const refused = spawn(['publish-accelerator', dir]);
    expect(refused.status).toBe(5);
    expect(refused.stderr).toContain('rag_experiment_accelerator/secrets.json');
    // Allowed, it goes on to the next check: the workspace settings (unset here, exit 3, nothing uploaded).
    const allowed = spawn(['publish-accelerator', '--allow-secret-files', dir]);
    expect(allowed.stderr).toContain('uploading files that look like secret stores, as asked');
    expect(allowed.status).toBe(3);
  });
});

describe('cli plan with a POST /api/experiments body (issue 18)', () => {
  it("plans the README's examples/experiment.json: its config, with its inputs", () => {
    const example = join(ROOT, 'examples', 'experiment.json');
    const { code, stdout, stderr } = cli(['plan', example]);
    expect(stderr).toContain('is a POST /api/experiments body');
    expect(code).toBe(0);
    const body = JSON.parse(readFileSync(example, 'utf8')) as { inputs: { data: string } };
    const out = JSON.parse(stdout) as { pipelines: unknown[] };
    expect(out.pipelines).toHaveLength(2);
    expect(stdout).toContain(body.inputs.data);
    expect(stderr).not.toContain('--data');
  });

  it('refuses a file that writes a key twice, naming its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-dup-'));
    const file = join(dir, 'dup.json');
    writeFileSync(file, '{"config":{"experiment_name":"a","experiment_name":"b"}}');
    const { code, stderr } = cli(['plan', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('/config/experiment_name: The key');
  });

  it('reports config problems of a body under /config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-bad-'));
    const file = join(dir, 'bad.json');
    const config = JSON.parse(readFileSync(invalid, 'utf8')) as unknown;
    writeFileSync(file, JSON.stringify({ config }));
    const { code, stderr } = cli(['plan', file]);
    expect(code).toBe(2);
    expect(
      stderr
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('/config') || l.startsWith('note')),
    ).toBe(true);
  });
});
