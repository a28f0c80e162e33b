/** Step identification against AzureML's recorded child-run listing (test/fixtures/aml/SOURCES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPlaneEndpointOf } from '../../src/azure/dataPlane';
import { parseChildRun } from '../../src/azure/runHistory';
import { COMPONENT_NAMES } from '../../src/core/components';
import { stepOfRun, stepRank } from '../../src/core/steps';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../fixtures/aml', name), 'utf8'));
const recorded = (fixture('runHistoryChildren.json') as { value: unknown[] }).value;

describe('step runs as AzureML records them', () => {
  it('parses the recorded child runs: GUID ids, display names, component names', () => {
    const runs = recorded.map(parseChildRun);
    expect(runs.map((r) => r?.runId)).toEqual([
      '963d5430-390c-4802-a4b3-9d2b97738fee',
      '3b1793b9-f785-41d9-8490-6eb4398bf6b7',
    ]);
    expect(runs[1]).toMatchObject({
      displayName: 'hello_world_inline_commandjob_1',
      name: 'azureml_anonymous',
      status: 'Completed',
      startTimeUtc: '2023-02-23T21:45:21.7310003+00:00',
    });
    expect(runs[1]?.properties['azureml.moduleName']).toBe('azureml_anonymous');
    // The node id AzureML records is an opaque graph id, not the node's key.
    expect(runs[1]?.properties['azureml.nodeid']).toBe('241c62e1');
  });

  it('names a step by the component it ran, never by run id, display name or node id', () => {
    const [raw] = recorded as Record<string, unknown>[];
    for (const [step, component] of Object.entries(COMPONENT_NAMES)) {
      const run = parseChildRun({
        ...raw,
        displayName: 'Evaluate experiment',
        name: component,
        properties: { ...(raw!.properties as object), 'azureml.moduleName': component },
      })!;
      expect(stepOfRun(run)).toBe(step);
    }
    // A recorded run of someone else's component is no step of ours, whatever its display name.
    expect(stepOfRun(parseChildRun({ ...raw, displayName: 'eval' })!)).toBeUndefined();
    expect(stepRank('index')).toBeLessThan(stepRank('query'));
    expect(stepRank('query')).toBeLessThan(stepRank('eval'));
    expect(stepRank('Evaluate experiment')).toBe(3);
  });

  it("finds the data-plane host in the workspace's recorded tracking URI", () => {
    const ws = fixture('workspace.json') as { properties: { mlFlowTrackingUri: string } };
    expect(dataPlaneEndpointOf(ws.properties.mlFlowTrackingUri)).toBe('https://eastus2.api.azureml.ms');
    expect(dataPlaneEndpointOf('azureml://ws.privatelink.api.azureml.ms/mlflow/v1.0/x')).toBe(
      'https://ws.privatelink.api.azureml.ms',
    );
    expect(dataPlaneEndpointOf('file:///tmp/mlruns')).toBeUndefined();
    expect(dataPlaneEndpointOf(undefined)).toBeUndefined();
  });
});
