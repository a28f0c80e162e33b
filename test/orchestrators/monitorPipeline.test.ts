/**
 * monitorPipeline's decisions, replayed through durable-functions' own Orchestrator: how it watches a job and what
 * it tells its experiment, failures included.
 */
import { ActionType } from '@rag-orchestrator/functions-local-host/durable';
import type { MonitorPipelineInput } from '../../src/core/experiment';
import { monitorPipeline } from '../../src/orchestrators/monitorPipeline';
import { monitorInput } from './inputs';
import { Replay } from './replay';

const input = monitorInput;

async function submitted(): Promise<Replay> {
  const r = new Replay(monitorPipeline, 'monitorPipeline', input, {
    instanceId: 'exp-1:p0000',
    parentInstanceId: 'exp-1',
  });
  await r.start();
  const [submit] = r.find(ActionType.CallActivity, 'submitPipeline');
  expect(submit).toBeDefined();
  const value = { jobName: input.jobName, created: true, status: 'NotStarted', studioUrl: 'https://ml.azure.com/x' };
  await r.episode([r.completed(submit!, { ok: true, value })]);
  return r;
}

async function pollOnce(r: Replay, status: unknown): Promise<void> {
  const [timer] = r.find(ActionType.CreateTimer);
  expect(timer).toBeDefined();
  await r.episode([r.timerFired(timer!)], Date.parse(String(timer!.fireAt)));
  const [poll] = r.find(ActionType.CallActivity, 'getPipelineStatus');
  expect(poll).toBeDefined();
  await r.episode([r.completed(poll!, status)]);
}

function raisedToExperiment(r: Replay): { instanceId: string; eventName: string; data: Record<string, unknown> } {
  const [raise] = r.find(ActionType.CallActivity, 'raiseEvent');
  expect(raise).toBeDefined();
  return raise!.input as { instanceId: string; eventName: string; data: Record<string, unknown> };
}

describe('monitorPipeline', () => {
  it('polls after the initial interval, then reports a completed job with its metrics to the experiment', async () => {
    const r = await submitted();
    const [timer] = r.find(ActionType.CreateTimer);
    expect(Date.parse(String(timer!.fireAt)) - r.now).toBe(30_000);
    await pollOnce(r, {
      ok: true,
      value: { jobName: input.jobName, status: 'Completed', final: 'Completed', steps: [] },
    });
    const [metrics] = r.find(ActionType.CallActivity, 'fetchMetrics');
    await r.episode([r.completed(metrics!, { ok: true, value: { metrics: { fuzzy_score: 71 } } })]);
    const event = raisedToExperiment(r);
    expect(event).toMatchObject({ instanceId: 'exp-1', eventName: 'pipelineFinished' });
    expect(event.data).toMatchObject({ status: 'Completed', metrics: { fuzzy_score: 71 }, jobName: input.jobName });
  });

  it('tells the experiment at once when watching itself fails, instead of failing silently', async () => {
    const r = await submitted();
    // A status without its steps: the watch throws while reading it.
    await pollOnce(r, { ok: true, value: { jobName: input.jobName, status: 'Running' } });
    const event = raisedToExperiment(r);
    expect(event.eventName).toBe('pipelineFinished');
    expect(event.data.status).toBe('Failed');
    expect(String(event.data.error)).toMatch(/^monitoring failed: /);
    const [raise] = r.find(ActionType.CallActivity, 'raiseEvent');
    const state = await r.episode([r.completed(raise!, { ok: true, value: { instanceId: 'exp-1' } })]);
    expect(state.isDone).toBe(true);
    expect(state.output).toMatchObject({ status: 'Failed', index: 0, jobName: input.jobName });
  });

  it('continues as new after pollsPerGeneration polls, carrying its state', async () => {
    const short = { ...input, policy: { ...input.policy, pollsPerGeneration: 2 } };
    const r = new Replay(monitorPipeline, 'monitorPipeline', short, { instanceId: 'exp-1:p0000' });
    await r.start();
    const [submit] = r.find(ActionType.CallActivity, 'submitPipeline');
    const value = { jobName: input.jobName, created: true, status: 'NotStarted', studioUrl: 'https://ml.azure.com/x' };
    await r.episode([r.completed(submit!, { ok: true, value })]);
    const running = { ok: true, value: { jobName: input.jobName, status: 'Running', steps: [] } };
    await pollOnce(r, running);
    await pollOnce(r, running);
    const actions = r.state!.actions.flat();
    const next = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
    expect(next).toBeDefined();
    expect((next!.input as MonitorPipelineInput).state).toMatchObject({ generation: 1, polls: 2, status: 'Running' });
  });
});
