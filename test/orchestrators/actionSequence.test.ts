/**
 * The exact sequence of durable calls each orchestrator makes, pinned for representative scenarios. Running
 * instances replay their history against new code (host.json has no orchestration version bump), so a refactor
 * must not add, drop, reorder or change any action (activities, sub-orchestrations, timers, event waits, Task.any
 * groups, continue-as-new) nor the custom status and outputs. The transcripts live in the snapshot next to this
 * file: a change there is a change of behaviour for running instances, to be made on purpose only.
 */
import {
  ActionType,
  type OrchestratorStateJson,
  type HistoryEvent,
} from '@rag-orchestrator/functions-local-host/durable';
import type { MonitorPipelineInput, PipelineResult, RunExperimentInput } from '../../src/core/experiment';
import { monitorPipeline } from '../../src/orchestrators/monitorPipeline';
import { runExperiment } from '../../src/orchestrators/runExperiment';
import { experimentInput, monitorInput, SETUP } from './inputs';
import { Replay, type Scheduled } from './replay';

/** What one episode decided: the actions added since the previous one, the custom status, the end. */
interface Step {
  actions: unknown[];
  customStatus?: unknown;
  isDone: boolean;
  output?: unknown;
  error?: string;
}

/** A Replay that keeps a transcript of every episode. */
class Recorded {
  readonly transcript: Step[] = [];
  private seen = 0;
  constructor(readonly r: Replay) {}

  async start(): Promise<void> {
    this.note(await settled(this.r.start()));
  }

  async episode(events: (r: Replay) => HistoryEvent[], at?: number): Promise<void> {
    this.note(await settled(this.r.episode(events(this.r), at)));
  }

  private note(state: OrchestratorStateJson): void {
    // Action lists are cumulative (V2+: one array, compound Task.any/Task.all kept as such).
    const all = state.actions.flat();
    const step: Step = { actions: all.slice(this.seen), isDone: state.isDone };
    this.seen = all.length;
    if (state.customStatus !== undefined) step.customStatus = state.customStatus;
    if (state.output !== undefined) step.output = state.output;
    if (state.error !== undefined) step.error = firstLine(state.error);
    this.transcript.push(step);
  }
}

const firstLine = (s: string): string => s.split('\n')[0] ?? s;

/** The episode's state; an orchestrator that throws still returns it, inside the error (as the extension reads it). */
async function settled(episode: Promise<OrchestratorStateJson>): Promise<OrchestratorStateJson> {
  try {
    return await episode;
  } catch (e) {
    const marker = '$OutOfProcData$:';
    const message = e instanceof Error ? e.message : String(e);
    const at = message.indexOf(marker);
    if (at < 0) throw e;
    return JSON.parse(message.slice(at + marker.length)) as OrchestratorStateJson;
  }
}

const ok = (value: unknown): unknown => ({ ok: true, value });
const permanent = {
  ok: false,
  error: { resource: 'cluster cpu-1', reason: 'Quota exceeded', action: 'Ask for more.' },
};

// --- runExperiment ------------------------------------------------------------------------------------------------

async function experiment(chunkSizes: number[], maxParallel: number, setUpSteps = SETUP.length): Promise<Recorded> {
  const x = new Recorded(
    new Replay(runExperiment, 'runExperiment', experimentInput(chunkSizes, maxParallel), { instanceId: 'exp-1' }),
  );
  await x.start();
  for (const name of SETUP.slice(0, setUpSteps)) {
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, name)), ok({}))]);
  }
  return x;
}

function only(list: Scheduled[]): Scheduled {
  expect(list).toHaveLength(1);
  return list[0]!;
}

/** The index-th pipeline's sub-orchestration, answered or not. */
const child = (r: Replay, index: number): Scheduled =>
  only(r.scheduled.filter((c) => c.instanceId === `exp-1:p${String(index).padStart(4, '0')}`));

function pipelineResult(r: Replay, c: Scheduled, status: PipelineResult['status']): PipelineResult {
  const input = c.input as { index: number; indexName: string; jobName: string };
  return {
    index: input.index,
    indexName: input.indexName,
    jobName: input.jobName,
    status,
    ...(status === 'Completed' ? { metrics: { fuzzy_score: 70 + input.index } } : {}),
  };
}

const lastTimer = (r: Replay): Scheduled => r.find(ActionType.CreateTimer).slice(-1)[0]!;

describe('runExperiment: the sequence of durable calls', () => {
  it('three pipelines in a window of two: events, a silent failure noticed at the wake-up, the comparison', async () => {
    const x = await experiment([500, 700, 900], 2);
    const t0 = x.r.now;
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 0), 'Completed'))], t0 + 1000);
    await x.episode((r) => [r.completed(child(r, 0), pipelineResult(r, child(r, 0), 'Completed'))], t0 + 2000);
    await x.episode((r) => [r.childFailed(child(r, 1), "Orchestrator function 'monitorPipeline' failed")], t0 + 3000);
    await x.episode((r) => [r.timerFired(lastTimer(r))], Date.parse(String(lastTimer(x.r).fireAt)));
    const t1 = x.r.now;
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 2), 'Completed'))], t1 + 1000);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('a repeated event and a child ending right after it are recorded once', async () => {
    const x = await experiment([500, 700], 1);
    const t0 = x.r.now;
    await x.episode((r) => {
      const c = child(r, 0);
      return [
        r.raised('pipelineFinished', pipelineResult(r, c, 'Failed')),
        r.completed(c, pipelineResult(r, c, 'Failed')),
      ];
    }, t0 + 1000);
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 0), 'Failed'))], t0 + 2000);
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 1), 'Completed'))], t0 + 3000);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('cancel while pipelines run: tells them, cancels their jobs, never starts the waiting one', async () => {
    const x = await experiment([500, 700, 900], 2);
    const t0 = x.r.now;
    await x.episode((r) => [r.raised('cancel', { reason: 'user' })], t0 + 1000);
    await x.episode(
      (r) => r.find(ActionType.CallActivity).map((a) => r.completed(a, ok({ instanceId: 'x', canceled: true }))),
      t0 + 2000,
    );
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 0), 'Canceled'))], t0 + 3000);
    await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 1), 'Canceled'))], t0 + 4000);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('cancel during set-up: no pipeline starts', async () => {
    const x = await experiment([500, 700], 2, 1);
    await x.episode((r) => [r.raised('cancel', { reason: 'user' })], x.r.now + 1000);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('a permanent set-up failure fails the experiment with the resource and the fix', async () => {
    const x = await experiment([500], 1, 1);
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'ensureCompute')), permanent)]);
    expect(x.transcript.slice(-1)[0]?.error).toMatch(/cluster cpu-1/);
    expect(x.transcript).toMatchSnapshot();
  });

  it('an invalid plan fails at once', async () => {
    const input = experimentInput([500], 1);
    const broken = { ...input, request: { ...input.request, config: {} } } as unknown as RunExperimentInput;
    const x = new Recorded(new Replay(runExperiment, 'runExperiment', broken, { instanceId: 'exp-1' }));
    await x.start();
    expect(x.transcript).toMatchSnapshot();
  });
});

// --- monitorPipeline ----------------------------------------------------------------------------------------------

const submittedValue = { jobName: 'exp-1-aaaa', created: true, status: 'NotStarted', studioUrl: 'https://ml/x' };
const status = (s: string, final?: string, steps: unknown[] = []): unknown =>
  ok({ jobName: 'exp-1-aaaa', status: s, ...(final ? { final } : {}), steps });

async function monitor(input: MonitorPipelineInput = monitorInput, submit: unknown = ok(submittedValue)) {
  const x = new Recorded(
    new Replay(monitorPipeline, 'monitorPipeline', input, { instanceId: 'exp-1:p0000', parentInstanceId: 'exp-1' }),
  );
  await x.start();
  await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'submitPipeline')), submit)]);
  return x;
}

async function poll(x: Recorded, answer: unknown): Promise<void> {
  const timer = only(x.r.find(ActionType.CreateTimer));
  await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
  await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'getPipelineStatus')), answer)]);
}

async function answer(x: Recorded, activity: string, value: unknown): Promise<void> {
  await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, activity)), value)]);
}

describe('monitorPipeline: the sequence of durable calls', () => {
  it('steps change (status published), unchanged polls back off, a permanent status failure ends it', async () => {
    const x = await monitor();
    const steps = [
      { name: 'index', status: 'Completed', startTime: 't1' },
      { name: 'query', status: 'Running', startTime: 't2' },
    ];
    await poll(x, status('Running', undefined, steps));
    await poll(x, status('Running', undefined, steps));
    await poll(x, { ok: false, error: { resource: 'job exp-1-aaaa', reason: 'gone', action: 'Resubmit.' } });
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('completed, then metrics and the event', async () => {
    const x = await monitor();
    await poll(x, status('Completed', 'Completed'));
    await answer(x, 'fetchMetrics', ok({ metrics: { fuzzy_score: 71 }, warning: 'one metric missing' }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('failed, then a diagnosis; and a failed diagnosis', async () => {
    const x = await monitor();
    await poll(x, status('Failed', 'Failed'));
    await answer(x, 'diagnoseFailure', ok({ summary: 'out of memory' }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    const y = await monitor();
    await poll(y, status('Failed', 'Failed'));
    await answer(y, 'diagnoseFailure', permanent);
    expect([x.transcript, y.transcript.slice(-1)]).toMatchSnapshot();
  });

  it('canceled in AML, and a metrics failure after completion', async () => {
    const x = await monitor();
    await poll(x, status('Canceled', 'Canceled'));
    const y = await monitor();
    await poll(y, status('Completed', 'Completed'));
    await answer(y, 'fetchMetrics', permanent);
    expect([x.transcript.slice(-2), y.transcript.slice(-2)]).toMatchSnapshot();
  });

  it('a cancel event while waiting cancels the AML job', async () => {
    const x = await monitor();
    await x.episode((r) => [r.raised('cancel', { reason: 'experiment canceled' })], x.r.now + 1000);
    await answer(x, 'cancelPipeline', ok({ canceled: true }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.transcript).toMatchSnapshot();
  });

  it('past its deadline, cancels the job and fails (the cancel failing too)', async () => {
    const x = await monitor({ ...monitorInput, policy: { ...monitorInput.policy, deadlineHours: 0.005 } });
    const timer = only(x.r.find(ActionType.CreateTimer));
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await answer(x, 'cancelPipeline', permanent);
    expect(x.transcript).toMatchSnapshot();
  });

  it('continues as new after pollsPerGeneration polls, and the next generation resumes without submitting', async () => {
    const short = { ...monitorInput, policy: { ...monitorInput.policy, pollsPerGeneration: 2 } };
    const x = await monitor(short);
    await poll(x, status('Running'));
    await poll(x, status('Running'));
    const carried = x.transcript
      .flatMap((s) => s.actions as { actionType: number; input?: unknown }[])
      .find((a) => a.actionType === ActionType.ContinueAsNew)?.input as MonitorPipelineInput;
    expect(carried.state).toMatchObject({ generation: 1, polls: 2 });
    const next = new Recorded(
      new Replay(monitorPipeline, 'monitorPipeline', carried, { instanceId: 'exp-1:p0000', parentInstanceId: 'exp-1' }),
    );
    await next.start();
    await poll(next, status('Completed', 'Completed'));
    expect([x.transcript, next.transcript]).toMatchSnapshot();
  });

  it('a cancel that arrives while a status is being read is heard before the next wait', async () => {
    const x = await monitor();
    const timer = only(x.r.find(ActionType.CreateTimer));
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await x.episode((r) => [r.raised('cancel', { reason: 'experiment canceled' })]);
    await answer(x, 'getPipelineStatus', status('Running'));
    await answer(x, 'cancelPipeline', ok({ canceled: true }));
    expect(x.transcript).toMatchSnapshot();
  });

  it('a submission failure, and a watch that throws, are reported to the experiment', async () => {
    const x = await monitor(monitorInput, permanent);
    const y = await monitor();
    await poll(y, ok({ jobName: 'exp-1-aaaa', status: 'Running' }));
    await answer(y, 'raiseEvent', permanent);
    expect([x.transcript, y.transcript.slice(-3)]).toMatchSnapshot();
  });
});
