import { dataAssetInputs, jobInputUri, parseDataAssetRef, withPinnedInputs } from '../../src/core/dataAsset';
import { planExperiment } from '../../src/core/plan';
import { validateExperimentRequest } from '../../src/core/validate';
import { fixture, testSettings } from './helpers';

const WS =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-rag/providers/Microsoft.MachineLearningServices/workspaces/ws-rag';

describe('data assets as inputs', () => {
  it('accepts azureml:<name>:<version> and azureml:<name>@latest beside URIs', () => {
    const body = {
      config: fixture('sample'),
      inputs: { data: 'azureml:rag_docs@latest', evalData: 'azureml:eval_data:1' },
    };
    expect(validateExperimentRequest(body).problems).toEqual([]);
    expect(parseDataAssetRef('azureml:eval_data:1')).toEqual({ name: 'eval_data', version: '1' });
    expect(parseDataAssetRef('azureml:rag_docs@latest')).toEqual({ name: 'rag_docs', label: 'latest' });
  });

  it('refuses malformed references with the input path', () => {
    for (const bad of ['azureml:eval data:1', 'azureml:eval_data', 'azureml:eval_data@newest', 'azureml::1']) {
      const result = validateExperimentRequest({
        config: fixture('sample'),
        inputs: { data: 'azureml://datastores/workspaceblobstore/paths/docs/', evalData: bad },
      });
      expect(result.problems.map((p) => p.path)).toEqual(['/inputs/evalData']);
      expect(result.problems[0]!.message).toContain(
        bad.includes(' ') ? 'contains whitespace' : 'azureml:<name>:<version>',
      );
    }
  });

  it('puts the asset into the job body as AzureML takes it; URIs stay as they are', () => {
    const settings = testSettings();
    expect(jobInputUri('azureml:eval_data:1', settings)).toBe(`azureml:${WS}/data/eval_data/versions/1`);
    expect(jobInputUri('azureml:rag_docs@latest', settings)).toBe(
      'azureml://locations/westeurope/workspaces/ws-rag/data/rag_docs/versions/labels/latest',
    );
    const uri = 'azureml://datastores/workspaceblobstore/paths/docs/';
    expect(jobInputUri(uri, settings)).toBe(uri);

    const planned = planExperiment({
      config: fixture('sample'),
      experimentId: 'exp-assets',
      settings,
      inputs: { data: uri, evalData: 'azureml:eval_data:1' },
    });
    if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
    const inputs = (planned.plan.pipelines[0]!.job as { properties: { inputs: Record<string, unknown> } }).properties
      .inputs;
    expect(inputs.eval_data_input).toEqual({
      jobInputType: 'uri_file',
      uri: `azureml:${WS}/data/eval_data/versions/1`,
      mode: 'ReadOnlyMount',
    });
    expect(inputs.data_input).toMatchObject({ jobInputType: 'uri_folder', uri });
  });
});

describe('pinning @latest', () => {
  it('lists the inputs that name data assets, and pins only the @latest ones', () => {
    const inputs = {
      evalData: 'azureml:eval_data@latest',
      data: 'azureml:rag_docs:4',
      other: 'azureml://datastores/workspaceblobstore/paths/docs/',
    };
    expect(dataAssetInputs(inputs)).toEqual([
      { key: 'data', ref: { name: 'rag_docs', version: '4' } },
      { key: 'evalData', ref: { name: 'eval_data', label: 'latest' } },
    ]);
    const body = { config: { a: 1 }, inputs };
    const pinned = withPinnedInputs(body, new Map([['eval_data', '2']]));
    expect(pinned).toEqual({ config: { a: 1 }, inputs: { ...inputs, evalData: 'azureml:eval_data:2' } });
    expect(body.inputs.evalData).toBe('azureml:eval_data@latest');
  });
});
