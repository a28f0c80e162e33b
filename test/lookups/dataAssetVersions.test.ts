/**
 * The data assets an experiment's inputs name, looked up in the workspace (emulator, real AzureML client, every
 * exchange checked against the REST specs): `@latest` pinned to the data container's `latestVersion`, a pinned
 * version checked to exist, and a missing asset or version reported at its input's path.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { lookUpDataAssets, lookUpDatastores } from '../../src/lookups/dataAssetVersions';
import { dataAssetInputs } from '../../src/core/dataAsset';
import { datastoreInputs } from '../../src/core/datastoreInputs';
import { itMatchesAzureSpecs, startHarness, type Harness } from '../activities/emulatorHarness';

let h: Harness;
let ml: AzureMachineLearningWorkspaces;
beforeAll(async () => {
  h = await startHarness();
  ml = h.deps().clients.ml();
  const { resourceGroup: rg, workspaceName: ws } = h.deps().settings;
  // As the accelerator's QA generation registers its evaluation data: uri_file versions of `eval_data`.
  for (const version of ['1', '2']) {
    await ml.dataVersions.createOrUpdate(rg, ws, 'eval_data', version, {
      properties: {
        dataType: 'uri_file',
        dataUri: `azureml://datastores/workspaceblobstore/paths/eval/qa-v${version}.jsonl`,
      },
    });
  }
});
afterAll(async () => {
  await h?.stop();
});

const lookUp = (inputs: Record<string, string>) => lookUpDataAssets(dataAssetInputs(inputs), h.deps().settings, ml);

describe('data assets named by the inputs', () => {
  it('pins @latest to the version registered last, and accepts a version that exists', async () => {
    const found = await lookUp({
      data: 'azureml://datastores/workspaceblobstore/paths/docs/',
      evalData: 'azureml:eval_data@latest',
    });
    expect(found).toEqual({ ok: true, latest: new Map([['eval_data', '2']]) });
    expect(await lookUp({ data: 'azureml:eval_data:1', evalData: 'azureml:eval_data:2' })).toEqual({
      ok: true,
      latest: new Map(),
    });
  });

  it('reports a missing asset and a missing version at their inputs, with what to do', async () => {
    const found = await lookUp({ data: 'azureml:rag_docs@latest', evalData: 'azureml:eval_data:7' });
    expect(found).toEqual({
      ok: false,
      problems: [
        {
          path: '/inputs/data',
          message: expect.stringContaining('data asset rag_docs does not exist in AzureML workspace'),
        },
        { path: '/inputs/evalData', message: expect.stringContaining('data asset eval_data:7 does not exist') },
      ],
    });
    expect(JSON.stringify(found)).toContain('Register it');
  });

  it('says what to do when the workspace cannot be read, starting nothing', async () => {
    h.emulator.scenario.inject({ method: 'GET', path: /\/data\/eval_data$/, status: 403, times: 1 });
    const found = await lookUp({ data: 'azureml:eval_data@latest', evalData: 'azureml:eval_data:1' });
    expect(found).toEqual({ ok: false, unavailable: expect.stringContaining("'AzureML Data Scientist' role") });
  });

  it("checks the datastores the inputs name against the workspace's list, naming those there are", async () => {
    const { settings } = h.deps();
    const stores = datastoreInputs(
      { data: 'azureml://datastores/WorkspaceBlobStore/paths/docs/', evalData: 'azureml://datastores/typo/paths/q' },
      settings,
    );
    expect(await lookUpDatastores(stores.slice(0, 1), settings, ml)).toEqual({ ok: true, latest: new Map() });
    expect(await lookUpDatastores(stores, settings, ml)).toEqual({
      ok: false,
      problems: [
        {
          path: '/inputs/evalData',
          message: expect.stringContaining("datastore 'typo' does not exist in AzureML workspace"),
        },
      ],
    });
    expect(JSON.stringify(await lookUpDatastores(stores, settings, ml))).toContain(
      'its datastores are workspaceartifactstore, workspaceblobstore',
    );
    h.emulator.scenario.inject({ method: 'GET', path: /\/datastores$/, status: 403, times: 1 });
    expect(await lookUpDatastores(stores, settings, ml)).toEqual({
      ok: false,
      unavailable: expect.stringContaining('Could not list the datastores'),
    });
  });

  itMatchesAzureSpecs(() => h);
});
