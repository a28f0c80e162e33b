/**
 * The request bodies the plan holds are valid against the Azure ML REST spec the SDK speaks (api-version 2022-10-01),
 * checked with Azure's own validator (oav) on the local copy of the spec.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LiveValidator } from 'oav';
import { planExperiment } from '../../src/core/plan';
import { fixture, testSettings } from './helpers';

/** The local copy of azure-rest-api-specs, `shared/azure-specs` beside the repository; override with AZURE_SPECS_DIR. */
const SPECS =
  process.env.AZURE_SPECS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'azure-specs', 'specification');
const MFE = 'machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/mfe.json';
const ARM = 'https://management.azure.com';

// Skipped (and reported as skipped) only on a machine without the spec copy.
(existsSync(SPECS) ? describe : describe.skip)('ARM request bodies (oav, 2022-10-01)', () => {
  let validator: LiveValidator;
  beforeAll(async () => {
    validator = new LiveValidator({
      directory: SPECS,
      swaggerPathsPattern: [MFE],
      excludedSwaggerPathsPattern: ['**/examples/**'],
      git: { shouldClone: false },
      isPathCaseSensitive: false,
    });
    await validator.initialize();
  });
  // oav keeps an internal timer alive for about a second after a validation; let it lapse so the worker exits cleanly.
  afterAll(() => new Promise((resolve) => setTimeout(resolve, 1200)));

  const validate = async (path: string, body: unknown) => {
    const result = await validator.validateLiveRequest({
      url: `${ARM}${path}?api-version=2022-10-01`,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: body as Record<string, unknown>,
    });
    return { operation: result.operationInfo.operationId, errors: result.errors.map((e) => e.message) };
  };

  it('accepts every PipelineJob and component body of a plan, and would catch a wrong one', async () => {
    const settings = testSettings();
    const result = planExperiment({
      config: fixture('multi'),
      experimentId: 'exp-1',
      inputs: {
        data: 'azureml://datastores/workspaceblobstore/paths/docs/',
        evalData: 'https://acct.blob.core.windows.net/eval/qa.jsonl',
      },
      settings,
      submittedAt: '2026-11-27T03:04:05Z',
    });
    if (!result.ok) throw new Error('fixture is invalid');
    const ws =
      '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-rag/providers/Microsoft.MachineLearningServices/workspaces/ws-rag';
    for (const pipeline of result.plan.pipelines.slice(0, 3)) {
      expect(await validate(`${ws}/jobs/${pipeline.jobName}`, pipeline.job)).toEqual({
        operation: 'Jobs_CreateOrUpdate',
        errors: [],
      });
    }
    for (const component of result.plan.components) {
      expect(
        await validate(`${ws}/components/${component.name}/versions/${component.version}`, component.body),
      ).toEqual({ operation: 'ComponentVersions_CreateOrUpdate', errors: [] });
    }
    // The check is not vacuous: an input without its uri is refused.
    const job = result.plan.pipelines[0]?.job.properties as Record<string, unknown>;
    const broken = { properties: { ...job, inputs: { data_input: { jobInputType: 'uri_folder' } } } };
    expect((await validate(`${ws}/jobs/broken`, broken)).errors).not.toEqual([]);
  });
});
