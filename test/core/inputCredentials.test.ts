/** Issue 18 item 6: credentials and path tricks in input URIs, datastore paths normalised, unknown datastores. */
import {
  datastoreInputs,
  normalisedInputUri,
  parseDatastoreUri,
  unknownDatastores,
} from '../../src/core/datastoreInputs';
import { inputUriProblem } from '../../src/core/inputUris';
import { validateExperimentRequest } from '../../src/core/validate';
import { fixture, testSettings } from './helpers';

describe('credentials in input URIs', () => {
  it.each([
    'https://acct.blob.core.windows.net/c/docs?sv=2022-11-02&ss=b&sp=rl&se=2030-01-01&sig=abc%3D',
    'https://acct.blob.core.windows.net/c/docs?SIG=abc',
    'https://acct.dfs.core.windows.net/c/docs?si%67=abc',
    'azureml://datastores/workspaceblobstore/paths/docs/?sig=abc',
  ])('refuses a SAS token in %s, pointing to datastores or identity-based access', (uri) => {
    const problem = inputUriProblem(uri);
    expect(problem).toContain('SAS token');
    expect(problem).toContain('azureml://datastores/');
    expect(problem).toContain('identity-based access');
  });

  it('accepts a query that is not a signature', () => {
    expect(inputUriProblem('https://acct.blob.core.windows.net/c/docs?design=1')).toBeUndefined();
  });
});

describe('datastore paths', () => {
  it.each([
    'azureml://datastores/workspaceblobstore/paths/docs/../secrets/',
    'azureml://datastores/workspaceblobstore/paths/docs/%2e%2E/x',
    'azureml://datastores/workspaceblobstore/paths/..',
    'https://acct.blob.core.windows.net/c/docs/../other',
  ])("refuses '..' in %s", (uri) => expect(inputUriProblem(uri)).toContain("'..' segment"));

  it("keeps names that merely contain dots, and normalises '//' and '.' segments", () => {
    expect(inputUriProblem('azureml://datastores/ds/paths/v1..2/a.b/')).toBeUndefined();
    expect(normalisedInputUri('azureml://datastores/ds/paths//rag/./documents//')).toBe(
      'azureml://datastores/ds/paths/rag/documents/',
    );
    expect(normalisedInputUri('azureml://datastores/ds/paths/qa.jsonl')).toBe('azureml://datastores/ds/paths/qa.jsonl');
    expect(normalisedInputUri('https://acct.blob.core.windows.net//x')).toBe('https://acct.blob.core.windows.net//x');
  });

  it('puts the normalised path into the request the jobs are built from', () => {
    const { request } = validateExperimentRequest({
      config: fixture('sample'),
      inputs: {
        data: 'azureml://datastores/workspaceblobstore/paths/./rag//documents/',
        evalData: 'azureml://datastores/workspaceblobstore/paths/eval/qa.jsonl',
      },
    });
    expect(request?.inputs.data).toBe('azureml://datastores/workspaceblobstore/paths/rag/documents/');
  });
});

describe('datastores of the workspace', () => {
  const settings = testSettings();
  const ws = `azureml://subscriptions/${settings.subscriptionId}/resourcegroups/${settings.resourceGroup}/workspaces/${settings.workspaceName}`;

  it("names the datastores of the app's own workspace only", () => {
    expect(parseDatastoreUri('azureml://datastores/a/paths/x')).toEqual({ datastore: 'a', path: 'x' });
    const inputs = {
      data: `${ws}/datastores/docsstore/paths/d/`,
      evalData: 'azureml://subscriptions/other/resourcegroups/rg/workspaces/ws/datastores/elsewhere/paths/q.jsonl',
    };
    expect(datastoreInputs(inputs, settings)).toEqual([{ key: 'data', datastore: 'docsstore' }]);
    expect(
      datastoreInputs({ data: 'azureml:eval_data:1', evalData: 'https://a.blob.core.windows.net/c' }, settings),
    ).toEqual([]);
  });

  it('refuses an unknown datastore at its input, listing those the workspace has', () => {
    const problems = unknownDatastores(
      [
        { key: 'data', datastore: 'WorkspaceBlobStore' },
        { key: 'evalData', datastore: 'typo' },
      ],
      ['workspaceblobstore', 'workspaceartifactstore'],
      'workspace ws',
    );
    expect(problems).toEqual([
      {
        path: '/inputs/evalData',
        message: expect.stringContaining(
          "datastore 'typo' does not exist in workspace ws; its datastores are workspaceartifactstore, workspaceblobstore",
        ),
      },
    ]);
  });
});
