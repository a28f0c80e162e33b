import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { AzureEmulator } from '../src';
import { componentProblems } from '../src/componentRules';
import { credential, startForTest } from './helpers';

let emulator: AzureEmulator;
let ml: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
let wsId: string;

beforeAll(async () => {
  emulator = await startForTest();
  ml = new AzureMachineLearningWorkspaces(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.url,
    credentialScopes: ['https://management.azure.com/.default'],
  });
  rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  ws = emulator.settings.AML_WORKSPACE_NAME!;
  wsId = `/subscriptions/${emulator.settings.AML_SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
});
afterAll(async () => {
  await emulator?.stop();
});

const command = (name: string, code: string, environment: string) => ({
  properties: { componentSpec: { name, version: '1', type: 'command', command: 'python q.py', code, environment } },
});
const parallel = (name: string, code: string, environment: string) => ({
  properties: {
    componentSpec: { name, version: '1', type: 'parallel', task: { type: 'run_function', code, environment } },
  },
});

describe('component versions: what AzureML refuses', () => {
  it('accepts names and versioned ARM ids as azure-ai-ml sends them', async () => {
    const code = `azureml:${wsId}/codes/rag-experiment-accelerator/versions/1`;
    const env = `azureml:${wsId}/environments/rag-experiment-accelerator-env/versions/1`;
    await expect(
      ml.componentVersions.createOrUpdate(
        rg,
        ws,
        'rag_accelerator_query',
        '1',
        command('rag_accelerator_query', code, env),
      ),
    ).resolves.toMatchObject({ name: '1' });
    await expect(
      ml.componentVersions.createOrUpdate(
        rg,
        ws,
        'rag_accelerator_index',
        '1',
        parallel('rag_accelerator_index', code, env),
      ),
    ).resolves.toMatchObject({ name: '1' });
  });

  it('refuses a name outside the documented pattern, with the rule', async () => {
    const code = `azureml:${wsId}/codes/c/versions/1`;
    const env = `azureml:${wsId}/environments/e/versions/1`;
    for (const name of ['rag-accelerator-index', 'Rag_index', '_index', '9index']) {
      await expect(
        ml.componentVersions.createOrUpdate(rg, ws, name, '1', command(name, code, env)),
      ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('lower-case letter') });
    }
    await expect(ml.componentVersions.get(rg, ws, 'rag-accelerator-index', '1')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('refuses short azureml:<name>:<version> code and environment ids, naming the field', async () => {
    const code = `azureml:${wsId}/codes/c/versions/1`;
    const env = `azureml:${wsId}/environments/e/versions/1`;
    await expect(
      ml.componentVersions.createOrUpdate(rg, ws, 'q', '1', command('q', 'azureml:c:1', env)),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("componentSpec.code 'azureml:c:1'") });
    await expect(
      ml.componentVersions.createOrUpdate(rg, ws, 'p', '1', parallel('p', code, 'azureml:e:1')),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("componentSpec.task.environment 'azureml:e:1'"),
    });
  });

  it('checks the kind of asset each field names', () => {
    const code = `azureml:${wsId}/codes/c/versions/1`;
    const env = `azureml:${wsId}/environments/e/versions/1`;
    expect(componentProblems('q', command('q', code, env).properties.componentSpec)).toEqual([]);
    expect(componentProblems('q', command('q', env, code).properties.componentSpec)).toHaveLength(2);
    expect(componentProblems('a'.repeat(256), {})).toHaveLength(1);
    // a curated environment keeps its short form (the service expands it); a curated-looking code does not
    expect(
      componentProblems('q', command('q', code, 'azureml:AzureML-sklearn-1.5:3').properties.componentSpec),
    ).toEqual([]);
    expect(componentProblems('q', command('q', 'azureml:AzureML-x:1', env).properties.componentSpec)).toHaveLength(1);
  });
});
