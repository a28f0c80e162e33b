/** Step identification against AzureML's recorded child-run listing (test/fixtures/aml/SOURCES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestEvalRun } from '../../src/activities/evalRun';
import { metricsRunIdOf } from '../../src/activities/evalRun';
import { blobAccountUrlOf } from '../../src/activities/diagnosis/artifactStore';
import { dataPlaneScope } from '../../src/azure/clients';
import { dataPlaneEndpointOf } from '../../src/azure/dataPlane';
import { nextPagePath, parseChildRun } from '../../src/azure/runHistory';
import { COMPONENT_NAMES } from '../../src/core/components';
import type { Settings } from '../../src/core/settings';
import { identifyStep, stepOfRun, stepRank, stepsByNodeName } from '../../src/core/steps';

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
    // Its files are in a data container of its own, not one named after the run id.
    expect(runs[1]?.dataContainerId).toBe('dcid.762637b5-7414-45e8-aae1-fe77a5861521');
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

  it("falls back to the node's display name, and says when the two keys disagree", () => {
    const [raw] = recorded as Record<string, unknown>[];
    const nodes = stepsByNodeName({
      index: { display_name: 'Index documents for exp experiment' },
      query: {},
      eval: { display_name: 'Evaluate experiment' },
      other: { display_name: 'Someone else' },
    });
    expect([...nodes]).toEqual([
      ['Index documents for exp experiment', 'index'],
      ['query', 'query'],
      ['Evaluate experiment', 'eval'],
    ]);
    // The recorded run ran an anonymous component: its display name finds the step, with a note.
    const anonymous = identifyStep(parseChildRun({ ...raw, displayName: 'Evaluate experiment' })!, nodes);
    expect(anonymous.step).toBe('eval');
    expect(anonymous.note).toContain('component azureml_anonymous');
    expect(anonymous.note).toContain('identified as eval by its display name');
    // Both keys name a step, different ones: the component wins, and the note says so.
    const run = parseChildRun({
      ...raw,
      displayName: 'Evaluate experiment',
      name: COMPONENT_NAMES.query,
      properties: { 'azureml.moduleName': COMPONENT_NAMES.query },
    })!;
    expect(identifyStep(run, nodes)).toEqual({ step: 'query', note: expect.stringContaining('taking query') });
    // Agreeing keys, or a run of neither: no note.
    expect(identifyStep({ ...run, displayName: 'query' }, nodes)).toEqual({ step: 'query' });
    expect(identifyStep(parseChildRun(raw)!, nodes)).toEqual({});
    // A display name two nodes share names no step.
    expect(stepsByNodeName({ query: { display_name: 'Step' }, eval: { display_name: 'Step' } }).size).toBe(0);
  });

  it('pages as the run-history client does: nextLink first, else $continuationtoken', () => {
    const first = '/history/v1.0/subscriptions/s/runs/job/children';
    expect(nextPagePath(first, { value: [] })).toBeUndefined();
    expect(nextPagePath(first, { continuationToken: 'a b' })).toBe(`${first}?$continuationtoken=a%20b`);
    // The link's path and query only: the token stays on the data-plane host the app chose.
    expect(
      nextPagePath(first, {
        continuationToken: 'ignored',
        nextLink: `https://elsewhere.example${first}?$continuationtoken=xyz&$top=2`,
      }),
    ).toBe(`${first}?$continuationtoken=xyz&$top=2`);
  });

  it('names the eval step run that started last, and the run that holds its metrics', () => {
    const runs = [
      { name: 'index', runId: 'i', startTime: '2026-01-01T00:00:00.000Z' },
      { name: 'eval', runId: 'e2', startTime: '2026-01-01T02:00:00.000Z', metricsRunId: 'e2', displayName: 'Eval' },
      { name: 'eval', runId: 'e1', startTime: '2026-01-01T01:00:00.000Z', metricsRunId: 'earlier' },
    ];
    expect(latestEvalRun(runs)).toEqual({ runId: 'e2', metricsRunId: 'e2', displayName: 'Eval' });
    expect(latestEvalRun(runs.slice(2))).toEqual({ runId: 'e1', metricsRunId: 'earlier' });
    expect(latestEvalRun(runs.slice(0, 1))).toBeUndefined();
    expect(latestEvalRun([])).toBeUndefined();
  });

  it('reads a reused run through the run it reuses', () => {
    const run = { runId: 'step', properties: { 'azureml.isreused': 'true', 'azureml.reusedrunid': 'earlier' } };
    expect(metricsRunIdOf(run)).toBe('earlier');
    expect(metricsRunIdOf({ ...run, properties: { 'azureml.reusedrunid': 'earlier' } })).toBe('step');
    expect(metricsRunIdOf({ runId: 'step', properties: { 'azureml.isreused': 'true' } })).toBe('step');
  });

  it("takes the data-plane token and the blob host from the cloud's own endpoints", () => {
    const china = { endpoints: { resourceManagerAudience: 'https://management.chinacloudapi.cn/' } } as Settings;
    expect(dataPlaneScope(china)).toBe('https://management.chinacloudapi.cn/.default');
    const store = {
      datastoreType: 'AzureBlob',
      accountName: 'acct',
      endpoint: 'core.chinacloudapi.cn',
      protocol: 'https',
    };
    expect(blobAccountUrlOf(store as Parameters<typeof blobAccountUrlOf>[0])).toBe(
      'https://acct.blob.core.chinacloudapi.cn',
    );
  });
});
