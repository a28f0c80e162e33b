/**
 * runExperiment's decisions, replayed through durable-functions' own Orchestrator: set-up, the sliding window of
 * pipelines, and how it learns that a pipeline ended.
 */
import { ActionType } from '@rag-orchestrator/functions-local-host/durable';
import type { PipelineResult } from '../../src/core/experiment';
import { runExperiment, safetyWakeUpMs } from '../../src/orchestrators/runExperiment';
import { experimentInput, SETUP } from './inputs';
import { Replay, type Scheduled } from './replay';

/** Starts the experiment and completes its four set-up steps. */
async function setUp(chunkSizes: number[], maxParallel: number): Promise<Replay> {
  const r = new Replay(runExperiment, 'runExperiment', experimentInput(chunkSizes, maxParallel), {
    instanceId: 'exp-1',
  });
  await r.start();
  for (const name of SETUP) {
    const [step] = r.find(ActionType.CallActivity, name);
    expect(step).toBeDefined();
    await r.episode([r.completed(step!, { ok: true, value: {} })]);
  }
  return r;
}

const children = (r: Replay): Scheduled[] => r.find(ActionType.CallSubOrchestrator, 'monitorPipeline');

function result(r: Replay, child: Scheduled, status: PipelineResult['status']): PipelineResult {
  const input = child.input as { index: number; indexName: string; jobName: string };
  return { index: input.index, indexName: input.indexName, jobName: input.jobName, status };
}

describe('safetyWakeUpMs', () => {
  it('is two of the longest poll intervals, from 30 s to 5 minutes', () => {
    const policy = { initialPollSeconds: 5, maxPollSeconds: 60, pollsPerGeneration: 20, deadlineHours: 72 };
    expect(safetyWakeUpMs(policy)).toBe(120_000);
    expect(safetyWakeUpMs({ ...policy, maxPollSeconds: 4 })).toBe(30_000);
    expect(safetyWakeUpMs({ ...policy, maxPollSeconds: 3600 })).toBe(300_000);
  });
});

describe('runExperiment', () => {
  it('starts at most maxParallelPipelines pipelines, and the next as soon as one reports its end', async () => {
    const r = await setUp([500, 700, 900], 2);
    const started = children(r);
    expect(started.map((c) => c.instanceId)).toEqual(['exp-1:p0000', 'exp-1:p0001']);
    await r.episode([r.raised('pipelineFinished', result(r, started[0]!, 'Completed'))]);
    expect(children(r).map((c) => c.instanceId)).toContain('exp-1:p0002');
  });

  it('while pipelines run, wakes up at least every few minutes', async () => {
    const r = await setUp([500], 1);
    const [timer] = r.find(ActionType.CreateTimer);
    expect(timer).toBeDefined();
    // Default policy: polls up to every 300 s, so a wake-up every 5 minutes.
    expect(Date.parse(String(timer!.fireAt)) - r.now).toBe(5 * 60_000);
  });

  it('notices a pipeline that failed without raising its event at the next wake-up, and finishes', async () => {
    const r = await setUp([500, 700], 2);
    const [first, second] = children(r);
    // The first pipeline reports its end; the experiment now waits on events and a wake-up timer only.
    await r.episode([r.raised('pipelineFinished', result(r, first!, 'Completed')), r.completed(first!, null)]);
    const [wakeUp] = r.find(ActionType.CreateTimer).slice(-1);
    // The second one fails without a word (terminated, say): nothing to wake the experiment but its timer.
    const failedAt = r.now + 60_000;
    const meanwhile = await r.episode(
      [r.childFailed(second!, "Orchestrator function 'monitorPipeline' failed")],
      failedAt,
    );
    expect(meanwhile.isDone).toBe(false);
    const fireAt = Date.parse(String(wakeUp!.fireAt));
    expect(fireAt - failedAt).toBeLessThanOrEqual(5 * 60_000);
    const done = await r.episode([r.timerFired(wakeUp!)], fireAt);
    expect(done.isDone).toBe(true);
    const output = done.output as { status: string; pipelines: PipelineResult[] };
    expect(output.pipelines.map((p) => p.status)).toEqual(['Completed', 'Failed']);
    expect(output.pipelines[1]?.error).toMatch(/^monitoring failed: /);
    expect(output.status).not.toBe('Completed');
  });

  it('on cancel, tells each running pipeline and cancels its AML job, and never starts the waiting ones', async () => {
    const r = await setUp([500, 700, 900], 2);
    await r.episode([r.raised('cancel', { reason: 'user' })]);
    const told = r.find(ActionType.CallActivity, 'raiseEvent').map((a) => a.input as { instanceId: string });
    expect(told.map((t) => t.instanceId).sort()).toEqual(['exp-1:p0000', 'exp-1:p0001']);
    expect(r.find(ActionType.CallActivity, 'cancelPipeline')).toHaveLength(2);
    expect(children(r)).toHaveLength(2);
  });
});
