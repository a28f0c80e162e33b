/**
 * Data assets as inputs over real HTTP: `azureml:eval_data@latest` is pinned to the version registered last before
 * the experiment starts (the answer says which, every AML job reads it), and an asset the workspace does not have
 * is a 400 at its input's path with nothing started.
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { DefaultAzureCredential } from '@azure/identity';
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

let stack: Stack;
const call = (...args: Parameters<typeof api> extends [string, ...infer R] ? R : never) =>
  api(`${stack.host.url}/api`, ...args);

beforeAll(async () => {
  stack = await startStack();
  // Register `eval_data` versions 1 and 2 as the accelerator's QA generation does, with the real client.
  const s = stack.emulator.settings;
  for (const name of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET']) delete process.env[name];
  Object.assign(process.env, s);
  const ml = new AzureMachineLearningWorkspaces(new DefaultAzureCredential(), s.AML_SUBSCRIPTION_ID!, {
    endpoint: s.AZURE_RESOURCE_MANAGER_ENDPOINT,
    $host: s.AZURE_RESOURCE_MANAGER_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
  });
  for (const version of ['1', '2']) {
    await ml.dataVersions.createOrUpdate(s.AML_RESOURCE_GROUP_NAME!, s.AML_WORKSPACE_NAME!, 'eval_data', version, {
      properties: {
        dataType: 'uri_file',
        dataUri: `azureml://datastores/workspaceblobstore/paths/qa-${version}.jsonl`,
      },
    });
  }
});

afterAll(async () => {
  await stack?.close();
});

const withInputs = (name: string, evalData: string) => {
  const b = body(name, [600, 900]);
  return { ...b, inputs: { ...b.inputs, evalData } };
};

it('pins @latest to the version registered last: the answer says which, and every AML job reads it', async () => {
  const res = await call('POST', '/experiments', withInputs('e2e-latest', 'azureml:eval_data@latest'));
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ dataAssets: { evalData: 'azureml:eval_data:2' } });
  const jobNames = (res.body as { pipelines: { jobName: string }[] }).pipelines.map((p) => p.jobName);
  const puts = await waitFor(async () => {
    const found = stack.emulator
      .traffic()
      .filter((x) => x.method === 'PUT' && jobNames.some((j) => x.url.includes(`/jobs/${j}?`)));
    return found.length === jobNames.length ? found : undefined;
  }, 'both AML jobs submitted');
  for (const put of puts) {
    const text = JSON.stringify(put.requestBody);
    expect(text).toContain('/data/eval_data/versions/2');
    expect(text).not.toContain('labels/latest');
  }
});

it('refuses an asset or a version the workspace does not have, at its input, starting nothing', async () => {
  const jobsBefore = stack.emulator.state.jobs().length;
  for (const [evalData, expected] of [
    ['azureml:qa_data@latest', 'data asset qa_data does not exist'],
    ['azureml:eval_data:9', 'data asset eval_data:9 does not exist'],
  ] as const) {
    const res = await call('POST', '/experiments', withInputs('e2e-missing-asset', evalData));
    expect(res.status).toBe(400);
    expect((res.body as { error: { problems: unknown[] } }).error.problems).toEqual([
      { path: '/inputs/evalData', message: expect.stringContaining(expected) },
    ]);
  }
  expect(stack.emulator.state.jobs()).toHaveLength(jobsBefore);
});

it('refuses an unknown datastore (listing those the workspace has) and a SAS token, starting nothing', async () => {
  const jobsBefore = stack.emulator.state.jobs().length;
  const b = body('e2e-datastore', [600]);
  const typo = await call('POST', '/experiments', {
    ...b,
    inputs: { ...b.inputs, data: 'azureml://datastores/workspaceblobstor/paths/docs/' },
  });
  expect(typo.status).toBe(400);
  expect((typo.body as { error: { problems: unknown[] } }).error.problems).toEqual([
    {
      path: '/inputs/data',
      message: expect.stringContaining('its datastores are workspaceartifactstore, workspaceblobstore'),
    },
  ]);
  const sas = await call('POST', '/experiments', {
    ...b,
    inputs: { ...b.inputs, data: 'https://acct.blob.core.windows.net/docs/?sv=2022-11-02&sig=c2VjcmV0' },
  });
  expect(sas.status).toBe(400);
  expect(sas.text).toContain('SAS token');
  expect(sas.text).not.toContain('c2VjcmV0');
  expect(stack.emulator.state.jobs()).toHaveLength(jobsBefore);
});
