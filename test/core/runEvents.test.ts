import { monitorInstanceId } from '../../src/core/experiment';
import { TAGS } from '../../src/core/pipelineJob';
import {
  jobStatusChangedData,
  PIPELINE_INDEX_TAG,
  runEventHint,
  runEventTarget,
  withPipelineIndexTag,
} from '../../src/core/runEvents';

/** A RunStatusChanged event in the shape of azure-rest-api-specs' example (examples/run_status_changed.json). */
function runStatusChanged(runTags: Record<string, unknown>, runStatus = 'Completed') {
  return {
    topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
    subject: 'experiments/0fa9dfaa-cba3-4fa7-b590-23e48548f5c1/runs/demo-89e871a3cab1',
    eventType: 'Microsoft.MachineLearningServices.RunStatusChanged',
    eventTime: '2026-01-01T00:00:00Z',
    id: '831e1650-001e-001b-66ab-eeb76e069631',
    data: {
      experimentId: '0fa9dfaa-cba3-4fa7-b590-23e48548f5c1',
      experimentName: 'demo',
      runId: 'demo-89e871a3cab1',
      runType: 'azureml.PipelineRun',
      runTags,
      runProperties: {},
      runStatus,
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}

const ours = { [TAGS.experimentId]: 'exp-abc', [PIPELINE_INDEX_TAG]: '7' };

describe('runEventTarget', () => {
  it("maps one of our pipelines' run events to its monitor", () => {
    expect(runEventTarget(runStatusChanged(ours))).toEqual({
      wake: true,
      instanceId: monitorInstanceId('exp-abc', 7),
      runId: 'demo-89e871a3cab1',
      eventType: 'Microsoft.MachineLearningServices.RunStatusChanged',
      status: 'Completed',
    });
    const completed = { ...runStatusChanged(ours), eventType: 'Microsoft.MachineLearningServices.RunCompleted' };
    expect(runEventTarget(completed)).toMatchObject({ wake: true, instanceId: 'exp-abc:p0007' });
  });

  it('wakes on Running and final statuses (any case), on RunCompleted, and on an event without a status', () => {
    for (const status of ['Running', 'failed', 'Canceled', 'Completed'])
      expect(runEventTarget(runStatusChanged(ours, status))).toMatchObject({ wake: true, status });
    for (const status of ['NotStarted', 'Queued', 'Preparing', 'Finalizing'])
      expect(runEventTarget(runStatusChanged(ours, status))).toMatchObject({ wake: false });
    const { runStatus: _omitted, ...noStatus } = runStatusChanged(ours).data;
    expect(runEventTarget({ ...runStatusChanged(ours), data: noStatus })).toMatchObject({ wake: true });
  });

  it('ignores other event types, runs that are not ours, steps and bad tags', () => {
    const other = { ...runStatusChanged(ours), eventType: 'Microsoft.MachineLearningServices.ModelRegistered' };
    expect(runEventTarget(other)).toEqual({ wake: false, reason: 'not a run event' });
    expect(runEventTarget(runStatusChanged({}))).toMatchObject({ wake: false, reason: 'not one of our pipelines' });
    expect(runEventTarget(runStatusChanged({ [TAGS.experimentId]: 'exp-abc' }))).toMatchObject({ wake: false });
    for (const bad of [
      { [TAGS.experimentId]: 'x/../y', [PIPELINE_INDEX_TAG]: '1' },
      { ...ours, [PIPELINE_INDEX_TAG]: '-1' },
    ])
      expect(runEventTarget(runStatusChanged(bad))).toMatchObject({ wake: false });
    expect(runEventTarget({ eventType: 'Microsoft.MachineLearningServices.RunCompleted', data: null })).toMatchObject({
      wake: false,
    });
    expect(runEventTarget({ eventType: 'Microsoft.MachineLearningServices.RunCompleted', data: [ours] })).toMatchObject(
      {
        wake: false,
      },
    );
  });
});

describe('the hint a woken monitor (3.0) takes from the events', () => {
  const changed = 'Microsoft.MachineLearningServices.RunStatusChanged';
  const completed = 'Microsoft.MachineLearningServices.RunCompleted';

  it('the trigger passes the event type and status, and nothing else of the event', () => {
    const target = runEventTarget(runStatusChanged(ours, 'Running'));
    if (!target.wake) throw new Error('expected a wake');
    expect(jobStatusChangedData(target)).toEqual({ runId: 'demo-89e871a3cab1', eventType: changed, status: 'Running' });
    const { runStatus: _omitted, ...noStatus } = runStatusChanged(ours).data;
    const bare = runEventTarget({ ...runStatusChanged(ours), eventType: completed, data: noStatus });
    if (!bare.wake) throw new Error('expected a wake');
    expect(jobStatusChangedData(bare)).toEqual({ runId: 'demo-89e871a3cab1', eventType: completed });
  });

  it('no read only when every event says the job still runs', () => {
    const running = { runId: 'r', eventType: changed, status: 'Running' };
    expect(runEventHint([running])).toBe('running');
    expect(runEventHint([running, { ...running, status: 'finalizing' }])).toBe('running');
    for (const status of ['Completed', 'failed', 'Canceled', 'Cancelled', 'Unknown', 'Whatever'])
      expect(runEventHint([running, { ...running, status }])).toBe('read');
    expect(runEventHint([{ runId: 'r', eventType: completed }])).toBe('read');
    expect(runEventHint([{ ...running, eventType: completed }])).toBe('read');
    expect(runEventHint([{ runId: 'r', eventType: changed }])).toBe('read');
    // 2.0's payload, no payload, nothing taken: read.
    for (const payloads of [[{ runId: 'r' }], [undefined], [null], ['Running'], []])
      expect(runEventHint(payloads)).toBe('read');
  });
});

describe('withPipelineIndexTag', () => {
  it('adds the index tag and keeps the others, without touching the given body', () => {
    const job = { properties: { jobType: 'Pipeline', tags: { [TAGS.experimentId]: 'exp-abc' } } };
    expect(withPipelineIndexTag(job, 12).properties.tags).toEqual({
      ...job.properties.tags,
      [PIPELINE_INDEX_TAG]: '12',
    });
    expect(job.properties.tags).toEqual({ [TAGS.experimentId]: 'exp-abc' });
  });
});
