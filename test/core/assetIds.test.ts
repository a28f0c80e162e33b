import { assetArmId } from '../../src/core/assetIds';
import { planComponents } from '../../src/core/components';
import { testSettings } from './helpers';

const settings = testSettings();
const WS =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-rag/providers/Microsoft.MachineLearningServices/workspaces/ws-rag';

describe('assetArmId: code and environment ids as azure-ai-ml sends them', () => {
  it('turns the short id publish-accelerator prints into the versioned ARM id of the workspace', () => {
    expect(assetArmId(settings, 'codes', 'azureml:rag-experiment-accelerator:0123abcd')).toBe(
      `azureml:${WS}/codes/rag-experiment-accelerator/versions/0123abcd`,
    );
    expect(assetArmId(settings, 'environments', 'azureml:rag-experiment-accelerator-env:7')).toBe(
      `azureml:${WS}/environments/rag-experiment-accelerator-env/versions/7`,
    );
  });

  it('keeps ARM ids (prefixing a bare one) and leaves forms it cannot resolve for AzureML to refuse', () => {
    const other = '/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w';
    expect(assetArmId(settings, 'codes', `azureml:${other}/codes/c/versions/1`)).toBe(
      `azureml:${other}/codes/c/versions/1`,
    );
    expect(assetArmId(settings, 'codes', `${other}/codes/c/versions/1`)).toBe(`azureml:${other}/codes/c/versions/1`);
    for (const id of ['azureml:env@latest', 'azureml:env', '<AML_ENVIRONMENT_ID>', 'azureml:AzureML-sklearn-1.5:3']) {
      expect(assetArmId(settings, 'environments', id)).toBe(id);
    }
  });

  it('gives the component specs versioned ARM ids whichever form the settings hold', () => {
    const short = planComponents(settings);
    const arm = planComponents(
      testSettings({
        AML_CODE_ASSET_ID: `azureml:${WS}/codes/rag-accelerator-code/versions/1`,
        AML_ENVIRONMENT_ID: `${WS}/environments/rag-accelerator-env/versions/1`,
      }),
    );
    expect(arm).toEqual(short);
    expect(short.query.body.properties.componentSpec).toMatchObject({
      code: `azureml:${WS}/codes/rag-accelerator-code/versions/1`,
      environment: `azureml:${WS}/environments/rag-accelerator-env/versions/1`,
    });
  });
});
