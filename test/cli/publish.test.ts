/**
 * `publish-accelerator` end to end against the emulator: code snapshot to the datastore (Azurite), code and
 * environment versions through ARM (checked against the REST specs), content-hashed so a rerun uploads nothing.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publishAccelerator, PUBLISH_EXIT, type PublishOptions } from '../../src/cli/publish';
import { BASE_IMAGE } from '../../src/core/publish';
import { itMatchesAzureSpecs, startHarness, type Harness } from '../activities/emulatorHarness';

const FIXTURE = join(__dirname, '../fixtures/aml/accelerator-checkout');
let h: Harness;
let checkout: string;
beforeAll(async () => {
  h = await startHarness();
  checkout = mkdtempSync(join(tmpdir(), 'accelerator-'));
  cpSync(FIXTURE, checkout, { recursive: true });
});
afterAll(async () => {
  rmSync(checkout, { recursive: true, force: true });
  await h?.stop();
});

async function publish(
  dir: string,
  options: PublishOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
  const code = await publishAccelerator(dir, process.env, io, options);
  return { code, stdout, stderr };
}

/** Every blob under LocalUpload/ in the datastore's container, with its etag. */
async function snapshotBlobs(): Promise<Record<string, string>> {
  const { clients, settings } = h.deps();
  const { resourceGroup: rg, workspaceName: ws } = settings;
  const store = (await clients.ml().datastores.get(rg, ws, 'workspaceblobstore')).properties as {
    containerName: string;
  };
  const container = clients.blobService(settings.endpoints.blob!).getContainerClient(store.containerName);
  const out: Record<string, string> = {};
  for await (const b of container.listBlobsFlat({ prefix: 'LocalUpload/' })) out[b.name] = b.properties.etag ?? '';
  return out;
}

const writes = (from: number) =>
  h.emulator
    .traffic()
    .slice(from)
    .filter((x) => x.method === 'PUT');

describe('publish-accelerator', () => {
  it('refuses a folder that is not an accelerator checkout, uploading nothing', async () => {
    const before = h.emulator.traffic().length;
    const out = await publish(join(FIXTURE, 'azureml'));
    expect(out.code).toBe(PUBLISH_EXIT.notCheckout);
    expect(out.stderr).toContain('is not a RAG Experiment Accelerator checkout');
    expect(out.stderr).toContain('requirements.txt');
    expect(out.stdout).toBe('');
    expect(h.emulator.traffic().length).toBe(before);
  });

  it('uploads the code snapshot, registers code and environment versions, and prints the settings', async () => {
    const before = h.emulator.traffic().length;
    const out = await publish(checkout);
    expect(out.stderr).not.toContain('failed');
    expect(out.code).toBe(PUBLISH_EXIT.ok);
    const settings = Object.fromEntries(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect(settings.AML_CODE_ASSET_ID).toMatch(/^azureml:rag-experiment-accelerator:[0-9a-f]{16}$/);
    expect(settings.AML_ENVIRONMENT_ID).toMatch(/^azureml:rag-experiment-accelerator-env:[0-9a-f]{16}$/);

    const [, codeName, codeVersion] = settings.AML_CODE_ASSET_ID!.split(':');
    const [, envName, envVersion] = settings.AML_ENVIRONMENT_ID!.split(':');
    const ml = h.deps().clients.ml();
    const { resourceGroup: rg, workspaceName: ws } = h.deps().settings;
    const code = await ml.codeVersions.get(rg, ws, codeName!, codeVersion!);
    expect(code.properties.codeUri).toMatch(new RegExp(`/LocalUpload/${codeVersion}/rag-experiment-accelerator$`));
    const env = await ml.environmentVersions.get(rg, ws, envName!, envVersion!);
    expect(env.properties.image).toBe(BASE_IMAGE);
    expect(env.properties.condaFile).toContain('  - python=3.11\n');
    expect(env.properties.condaFile).toContain('  - spacy-model-en_core_web_lg==3.5.0\n');
    expect(env.properties.condaFile).toContain('    - mlflow==2.16.1\n    - openai==1.45.0\n');
    expect(env.properties.condaFile).not.toContain('fixture requirements');

    // The snapshot holds the step scripts and the package, not data, caches or other files.
    expect(writes(before).map((x) => new URL(x.url).pathname.split('/').slice(-4).join('/'))).toEqual([
      `codes/${codeName}/versions/${codeVersion}`,
      `environments/${envName}/versions/${envVersion}`,
    ]);
    const blobs = Object.keys(await snapshotBlobs()).map((n) => n.replace(/^.*\/rag-experiment-accelerator\//, ''));
    expect(blobs.sort()).toEqual([
      'azureml/eval.py',
      'azureml/index.py',
      'azureml/pipeline.py',
      'azureml/query.py',
      'rag_experiment_accelerator/__init__.py',
      'rag_experiment_accelerator/evaluation/eval.py',
      'requirements.txt',
    ]);
  });

  it('uploads nothing the second time; a changed source file gives a new code version only', async () => {
    const first = await publish(checkout);
    const before = h.emulator.traffic().length;
    const blobsBefore = await snapshotBlobs();
    const again = await publish(checkout);
    expect(again.code).toBe(PUBLISH_EXIT.ok);
    expect(again.stdout).toBe(first.stdout);
    expect(writes(before)).toEqual([]);
    expect(await snapshotBlobs()).toEqual(blobsBefore);
    expect(again.stderr).toContain('nothing uploaded');

    writeFileSync(join(checkout, 'azureml/eval.py'), '# changed\nprint("eval v2")\n');
    const changed = await publish(checkout);
    const line = (text: string, key: string) => text.split('\n').find((l) => l.startsWith(key));
    expect(line(changed.stdout, 'AML_CODE_ASSET_ID')).not.toBe(line(first.stdout, 'AML_CODE_ASSET_ID'));
    expect(line(changed.stdout, 'AML_ENVIRONMENT_ID')).toBe(line(first.stdout, 'AML_ENVIRONMENT_ID'));
  });
});

describe('publish-accelerator and ignore files (issue 18)', () => {
  /** A fresh copy of the fixture checkout with `extra` files (checkout-relative path → content). */
  function checkoutWith(extra: Record<string, string | Buffer>): string {
    const dir = mkdtempSync(join(tmpdir(), 'accelerator-ignore-'));
    cpSync(FIXTURE, dir, { recursive: true });
    for (const [path, content] of Object.entries(extra)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }
  const uploadedUnder = async (out: { stdout: string }): Promise<string[]> => {
    const version = /AML_CODE_ASSET_ID=azureml:[^:]+:(\w+)/.exec(out.stdout)?.[1] ?? 'none';
    return Object.keys(await snapshotBlobs())
      .filter((n) => n.startsWith(`LocalUpload/${version}/`))
      .map((n) => n.replace(/^.*\/rag-experiment-accelerator\//, ''))
      .sort();
  };

  it('leaves out what .amlignore (else .gitignore) excludes in every folder, and says what it used and uploaded', async () => {
    const dir = checkoutWith({
      '.amlignore': '# the root: .amlignore wins over .gitignore\nrag_experiment_accelerator/junk.bin\n',
      '.gitignore': 'azureml/pipeline.py\n',
      'rag_experiment_accelerator/junk.bin': Buffer.alloc(1024 * 1024, 1),
      'rag_experiment_accelerator/.gitignore': 'secrets.json\nbig/\n*.log\n!keep.log\n',
      'rag_experiment_accelerator/secrets.json': '{"key":"do-not-upload"}',
      'rag_experiment_accelerator/big/model.bin': 'weights',
      'rag_experiment_accelerator/run.log': 'log',
      'rag_experiment_accelerator/keep.log': 'kept',
      'rag_experiment_accelerator/sub/.amlignore': '/only-here.py\n',
      'rag_experiment_accelerator/sub/only-here.py': 'x = 1\n',
      'rag_experiment_accelerator/sub/deeper/only-here.py': 'x = 2\n',
    });
    try {
      const out = await publish(dir);
      expect(out.stderr).not.toContain('failed');
      expect(out.code).toBe(PUBLISH_EXIT.ok);
      expect(out.stderr).toContain(
        'ignore files: .amlignore, rag_experiment_accelerator/.gitignore, rag_experiment_accelerator/sub/.amlignore',
      );
      const uploaded = await uploadedUnder(out);
      expect(uploaded).toEqual([
        'azureml/eval.py',
        'azureml/index.py',
        'azureml/pipeline.py',
        'azureml/query.py',
        'rag_experiment_accelerator/__init__.py',
        'rag_experiment_accelerator/evaluation/eval.py',
        'rag_experiment_accelerator/keep.log',
        'rag_experiment_accelerator/sub/deeper/only-here.py',
        'requirements.txt',
      ]);
      const bytes = uploaded.reduce((n, p) => n + readFileSync(join(dir, p)).length, 0);
      expect(out.stderr).toContain(`: ${uploaded.length} files (${bytes} bytes) uploaded to datastore`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses files that look like secret stores unless asked, uploading nothing', async () => {
    const dir = checkoutWith({
      'rag_experiment_accelerator/secrets.yaml': 'key: value',
      'rag_experiment_accelerator/certs/client.pem': '-----BEGIN PRIVATE KEY-----',
    });
    try {
      const before = h.emulator.traffic().length;
      const refused = await publish(dir);
      expect(refused.code).toBe(PUBLISH_EXIT.secretFiles);
      expect(refused.stderr).toContain(
        'rag_experiment_accelerator/certs/client.pem, rag_experiment_accelerator/secrets.yaml',
      );
      expect(refused.stderr).toContain('--allow-secret-files');
      expect(refused.stdout).toBe('');
      expect(h.emulator.traffic().length).toBe(before);
      const allowed = await publish(dir, { allowSecretFiles: true });
      expect(allowed.code).toBe(PUBLISH_EXIT.ok);
      expect(await uploadedUnder(allowed)).toContain('rag_experiment_accelerator/secrets.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

itMatchesAzureSpecs(() => h);
