/**
 * What azure-ai-ml 1.4.0 (the Python SDK, run by `npm run sdk-oracle -- client`) needs of the emulator besides what
 * the app calls: its api-versions (2022-10-01-preview for workspaces, computes and jobs; 2022-05-01 for code and
 * environments), the list routes of datastores, assets and components, and component containers. Driven here with the
 * JS SDK at 2022-10-01 (every exchange checked against the REST spec with oav) and with raw requests at the other
 * api-versions (which the spec check counts as not covered).
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { AzureEmulator } from '../src';
import { checkTrafficAgainstSpecs } from '../src/specCheck';
import { credential, itMatchesAzureSpecs, startForTest } from './helpers';

let emulator: AzureEmulator;
let ml: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
let token: string;

beforeAll(async () => {
  emulator = await startForTest();
  ml = new AzureMachineLearningWorkspaces(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.url,
    credentialScopes: ['https://management.azure.com/.default'],
  });
  rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  ws = emulator.settings.AML_WORKSPACE_NAME!;
  token = (await credential().getToken('https://management.azure.com/.default')).token;
});
afterAll(async () => {
  await emulator?.stop();
});

const workspacePath = (): string =>
  `/subscriptions/${emulator.settings.AML_SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;

/** A request as azure-ai-ml sends it: bearer token, its api-version. */
async function arm(method: string, tail: string, apiVersion: string, body?: unknown) {
  const res = await fetch(`${emulator.url}${workspacePath()}${tail}?api-version=${apiVersion}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe("azure-ai-ml's api-versions", () => {
  it('answers workspaces, computes and jobs at 2022-10-01-preview, and code and environments at 2022-05-01', async () => {
    expect((await arm('GET', '', '2022-10-01-preview')).body).toMatchObject({ name: ws });
    expect((await arm('GET', '/computes/nope', '2022-10-01-preview')).status).toBe(404);
    expect((await arm('GET', '/jobs/nope', '2022-10-01-preview')).body).toMatchObject({
      error: { code: 'ResourceNotFound' },
    });
    const env = { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' } };
    expect((await arm('PUT', '/environments/preview-env/versions/1', '2022-05-01', env)).status).toBe(201);
    expect((await arm('GET', '/environments/preview-env/versions/1', '2022-05-01')).body).toMatchObject({
      name: '1',
      properties: { image: env.properties.image },
    });
  });

  it("cancels a job at 2022-10-01-preview with an operation URL at the request's api-version", async () => {
    await ml.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'rag-cluster',
      { location: 'westeurope', properties: { computeType: 'AmlCompute', properties: { vmSize: 'STANDARD_DS3_V2' } } },
      { updateIntervalInMs: 20 },
    );
    const job = {
      properties: {
        jobType: 'Pipeline',
        experimentName: 'sdk',
        settings: { default_compute: `${workspacePath()}/computes/rag-cluster` },
        computeId: `${workspacePath()}/computes/rag-cluster`,
        jobs: {},
      },
    };
    expect((await arm('PUT', '/jobs/sdk-preview-job', '2022-10-01-preview', job)).status).toBe(201);
    const cancel = await arm('POST', '/jobs/sdk-preview-job/cancel', '2022-10-01-preview');
    expect(cancel.status).toBe(202);
    expect(cancel.headers.get('location')).toMatch(/\/mfeOperationResults\/jc:[^?]+\?api-version=2022-10-01-preview$/);
  });

  it('refuses any other api-version, naming those it serves', async () => {
    const res = await arm('GET', '', '2021-01-01');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'InvalidApiVersionParameter' } });
    expect(JSON.stringify(res.body)).toContain("'2022-10-01', '2022-10-01-preview', '2022-05-01'");
  });
});

describe('datastores list', () => {
  it('lists both datastores, the default one when asked for the default only, and by name', async () => {
    const names = async (options = {}) => (await collect(ml.datastores.list(rg, ws, options))).map((d) => d.name);
    expect(await names()).toEqual(['workspaceblobstore', 'workspaceartifactstore']);
    expect(await names({ isDefault: false })).toEqual(['workspaceartifactstore']);
    expect(await names({ isDefault: true })).toEqual(['workspaceblobstore']);
    expect(await names({ names: ['workspaceblobstore'] })).toEqual(['workspaceblobstore']);
    expect(await names({ names: ['other'] })).toEqual([]);
  });
});

describe('asset lists', () => {
  beforeAll(async () => {
    for (const version of ['1', '2', '3']) {
      await ml.dataVersions.createOrUpdate(rg, ws, 'eval_data', version, {
        properties: {
          dataType: 'uri_file',
          dataUri: `azureml://datastores/workspaceblobstore/paths/qa-${version}.jsonl`,
        },
      });
    }
    await ml.codeVersions.createOrUpdate(rg, ws, 'accelerator', 'abc', {
      properties: { codeUri: 'https://devstoreaccount1.blob.core.windows.net/c/LocalUpload/abc' },
    });
    await ml.environmentVersions.createOrUpdate(rg, ws, 'accelerator-env', 'def', {
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' },
    });
  });

  it('lists data versions newest first a page at a time, as data.get(label="latest") reads them', async () => {
    const pages = ml.dataVersions.list(rg, ws, 'eval_data', { orderBy: 'createdtime desc', top: 1 }).byPage();
    const first = await pages.next();
    expect((first.value as { name: string }[]).map((v) => v.name)).toEqual(['3']);
    const rest: string[] = [];
    for await (const page of pages) rest.push(...page.map((v) => v.name!));
    expect(rest).toEqual(['2', '1']);
    const oldestFirst = await collect(ml.dataVersions.list(rg, ws, 'eval_data', { orderBy: 'createdtime asc' }));
    expect(oldestFirst.map((v) => [v.name, v.properties.dataUri])).toEqual([
      ['1', 'azureml://datastores/workspaceblobstore/paths/qa-1.jsonl'],
      ['2', 'azureml://datastores/workspaceblobstore/paths/qa-2.jsonl'],
      ['3', 'azureml://datastores/workspaceblobstore/paths/qa-3.jsonl'],
    ]);
    expect(await collect(ml.dataVersions.list(rg, ws, 'no_such_data'))).toEqual([]);
    expect(await collect(ml.dataVersions.list(rg, ws, 'eval_data', { listViewType: 'ArchivedOnly' }))).toEqual([]);
  });

  it('refuses a filter or order it cannot apply instead of ignoring it', async () => {
    await expect(collect(ml.dataVersions.list(rg, ws, 'eval_data', { tags: 'stage=qa' }))).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(collect(ml.dataVersions.list(rg, ws, 'eval_data', { orderBy: 'name asc' }))).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('lists the containers of data, code and environments with their latest and next versions', async () => {
    const data = await collect(ml.dataContainers.list(rg, ws));
    expect(data.map((c) => [c.name, c.properties.latestVersion, c.properties.nextVersion])).toEqual([
      ['eval_data', '3', '4'],
    ]);
    const envs = await collect(ml.environmentContainers.list(rg, ws));
    // The emulator starts with the code and environment its own settings name (AML_CODE_ASSET_ID, AML_ENVIRONMENT_ID).
    expect(envs.map((c) => [c.name, c.properties.latestVersion])).toEqual([
      ['rag-experiment-accelerator-env', '1'],
      ['preview-env', '1'],
      ['accelerator-env', 'def'],
    ]);
    expect((await ml.environmentContainers.get(rg, ws, 'accelerator-env')).properties.nextVersion).toBe('1');
    expect((await collect(ml.environmentVersions.list(rg, ws, 'accelerator-env'))).map((v) => v.name)).toEqual(['def']);
    expect((await collect(ml.codeContainers.list(rg, ws))).map((c) => c.name)).toEqual([
      'rag-experiment-accelerator',
      'accelerator',
    ]);
    expect((await collect(ml.codeVersions.list(rg, ws, 'accelerator'))).map((v) => v.name)).toEqual(['abc']);
    await expect(ml.codeContainers.get(rg, ws, 'nope')).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('component containers', () => {
  const spec = (command: string) => ({
    properties: {
      componentSpec: {
        $schema: 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json',
        name: 'check_data',
        type: 'command',
        command,
        // As azure-ai-ml sends it (the emulator refuses short ids, as AzureML does: componentRules.ts).
        environment: `azureml:${workspacePath()}/environments/accelerator-env/versions/def`,
      },
    },
  });

  it('gives the next version of a component (what create_or_update without a version reads), 404 before any', async () => {
    await expect(ml.componentContainers.get(rg, ws, 'check_data')).rejects.toMatchObject({ statusCode: 404 });
    await ml.componentVersions.createOrUpdate(rg, ws, 'check_data', '1', spec('echo one'));
    await ml.componentVersions.createOrUpdate(rg, ws, 'check_data', '2', spec('echo two'));
    const container = await ml.componentContainers.get(rg, ws, 'check_data');
    expect(container.properties).toMatchObject({ latestVersion: '2', nextVersion: '3', isArchived: false });
    expect((await collect(ml.componentContainers.list(rg, ws))).map((c) => c.name)).toContain('check_data');
    const versions = await collect(ml.componentVersions.list(rg, ws, 'check_data', { orderBy: 'createdtime desc' }));
    expect(versions.map((v) => [v.name, (v.properties.componentSpec as { command: string }).command])).toEqual([
      ['2', 'echo two'],
      ['1', 'echo one'],
    ]);
  });
});

describe('the spec check', () => {
  it('counts the exchanges at api-versions without a spec here as not covered', async () => {
    const report = await checkTrafficAgainstSpecs(emulator.traffic());
    if (report.skipped) return;
    expect(report.notCovered['AzureML api-version 2022-10-01-preview (no spec here)']).toBeGreaterThanOrEqual(3);
    expect(report.notCovered['AzureML api-version 2022-05-01 (no spec here)']).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

itMatchesAzureSpecs(() => emulator);
