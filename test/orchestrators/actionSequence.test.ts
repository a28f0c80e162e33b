/**
 * The exact sequence of durable calls each orchestrator makes, pinned for representative scenarios. Running
 * instances replay their history against new code (an instance keeps the orchestration version it started with:
 * unversioned, 1.0 and 2.0 stories below must never change; 2.0 ones are the push stories, 3.0 ones the push stories
 * where a run event's status says whether to read and fetchMetrics is given the eval run, and the scheduled run
 * compared with its baseline), so a refactor
 * must not add, drop, reorder or change any action (activities, sub-orchestrations, timers, event waits, Task.any
 * groups, continue-as-new) nor the custom status and outputs. Each story's transcript (`transcript.ts`: one line per
 * action) is inline below: a change there is a change of behaviour for running instances, to be made on purpose only.
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
import { transcript, type Step } from './transcript';

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
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       any(activity syncSecrets {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status {"phase":"syncingSecrets","pipelines":"PPP","total":3}
     2:
       any(activity ensureCompute {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"ensuringCompute"
     3:
       any:
         activity registerComponents {components:[#d2230d73,#df967a4a,#acd079cb]} retry(5, 10s, ×2, ≤120s)
         wait cancel
       status ~ phase:"registeringComponents"
     4:
       any:
         activity stageConfig {items:[#4ac1a810,#4d2c54f8,#178125ba]} retry(5, 10s, ×2, ≤120s)
         wait cancel
       status ~ phase:"stagingConfigs"
     5:
       any:
         sub monitorPipeline exp-1:p0000 {experimentId:"exp-1",index:0,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-500_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#4aee5fae},jobName:"demo-89e871a3cab1",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         sub monitorPipeline exp-1:p0001 {experimentId:"exp-1",index:1,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-700_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#462b6fc4},jobName:"demo-4a3d7bd9ed8b",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         wait pipelineFinished
         timer 2026-01-01T00:05:00.000Z
         wait cancel
       status ~ phase:"running",pipelines:"RRP"
     6:
       any:
         sub monitorPipeline exp-1:p0002 {experimentId:"exp-1",index:2,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-900_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#05d99a80},jobName:"demo-75463dcd92f5",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         wait pipelineFinished
         timer 2026-01-01T00:05:01.000Z
         wait cancel
       status ~ pipelines:"CRR"
     7:
     8:
     9:
       any(wait pipelineFinished | timer 2026-01-01T00:10:01.000Z | wait cancel)
       status ~ pipelines:"CFR"
     10:
       status ~ phase:"done",pipelines:"CFC"
       done {comparison:{best:#e387510d,metrics:["fuzzy_score"],rows:#a50575ac},experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:05:02.000Z",pipelines:[#0e0640a7,#81cf51dd,#c431d363],startedAt:"2026-01-01T00:00:00.000Z",status:"Failed"}"
    `);
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
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       any(activity syncSecrets {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status {"phase":"syncingSecrets","pipelines":"PP","total":2}
     2:
       any(activity ensureCompute {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"ensuringCompute"
     3:
       any:
         activity registerComponents {components:[#d2230d73,#df967a4a,#acd079cb]} retry(5, 10s, ×2, ≤120s)
         wait cancel
       status ~ phase:"registeringComponents"
     4:
       any(activity stageConfig {items:[#4ac1a810,#4d2c54f8]} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"stagingConfigs"
     5:
       any:
         sub monitorPipeline exp-1:p0000 {experimentId:"exp-1",index:0,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-500_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#4aee5fae},jobName:"demo-89e871a3cab1",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         wait pipelineFinished
         timer 2026-01-01T00:05:00.000Z
         wait cancel
       status ~ phase:"running",pipelines:"RP"
     6:
       any:
         sub monitorPipeline exp-1:p0001 {experimentId:"exp-1",index:1,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-700_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#462b6fc4},jobName:"demo-4a3d7bd9ed8b",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         wait pipelineFinished
         timer 2026-01-01T00:05:01.000Z
         wait cancel
       status ~ pipelines:"FR"
     7:
       any(wait pipelineFinished | timer 2026-01-01T00:05:02.000Z | wait cancel)
     8:
       status ~ phase:"done",pipelines:"FC"
       done {comparison:{best:#30abf936,metrics:["fuzzy_score"],rows:#521aa932},experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:00:03.000Z",pipelines:[#ce5c4547,#e9d121c1],startedAt:"2026-01-01T00:00:00.000Z",status:"Failed"}"
    `);
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
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       any(activity syncSecrets {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status {"phase":"syncingSecrets","pipelines":"PPP","total":3}
     2:
       any(activity ensureCompute {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"ensuringCompute"
     3:
       any:
         activity registerComponents {components:[#d2230d73,#df967a4a,#acd079cb]} retry(5, 10s, ×2, ≤120s)
         wait cancel
       status ~ phase:"registeringComponents"
     4:
       any:
         activity stageConfig {items:[#4ac1a810,#4d2c54f8,#178125ba]} retry(5, 10s, ×2, ≤120s)
         wait cancel
       status ~ phase:"stagingConfigs"
     5:
       any:
         sub monitorPipeline exp-1:p0000 {experimentId:"exp-1",index:0,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-500_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#4aee5fae},jobName:"demo-89e871a3cab1",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         sub monitorPipeline exp-1:p0001 {experimentId:"exp-1",index:1,indexName:"idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-700_st-basic_o-128_t-0_s-0_oc-0",job:{properties:#462b6fc4},jobName:"demo-4a3d7bd9ed8b",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20}}
         wait pipelineFinished
         timer 2026-01-01T00:05:00.000Z
         wait cancel
       status ~ phase:"running",pipelines:"RRP"
     6:
       all:
         activity raiseEvent {data:{"reason":"experiment canceled"},eventName:"cancel",instanceId:"exp-1:p0000"} retry(5, 10s, ×2, ≤120s)
         activity cancelPipeline {"jobName":"demo-89e871a3cab1"} retry(5, 10s, ×2, ≤120s)
         activity raiseEvent {data:{"reason":"experiment canceled"},eventName:"cancel",instanceId:"exp-1:p0001"} retry(5, 10s, ×2, ≤120s)
         activity cancelPipeline {"jobName":"demo-4a3d7bd9ed8b"} retry(5, 10s, ×2, ≤120s)
       status ~ phase:"canceling"
     7:
       any(wait pipelineFinished | timer 2026-01-01T00:05:02.000Z)
     8:
       any(wait pipelineFinished | timer 2026-01-01T00:05:03.000Z)
       status ~ pipelines:"XRP"
     9:
       status ~ phase:"done",pipelines:"XXX"
       done {comparison:{"best":{},"metrics":[],"rows":[]},experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:00:04.000Z",pipelines:[#fdeb1d9f,#cb84fd8d,#ca8f073b],startedAt:"2026-01-01T00:00:00.000Z",status:"Canceled"}"
    `);
  });

  it('cancel during set-up: no pipeline starts', async () => {
    const x = await experiment([500, 700], 2, 1);
    await x.episode((r) => [r.raised('cancel', { reason: 'user' })], x.r.now + 1000);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       any(activity syncSecrets {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status {"phase":"syncingSecrets","pipelines":"PP","total":2}
     2:
       any(activity ensureCompute {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"ensuringCompute"
     3:
       status ~ phase:"done",pipelines:"XX"
       done {comparison:{"best":{},"metrics":[],"rows":[]},experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:00:01.000Z",pipelines:[#545a5bf0,#a99b636b],startedAt:"2026-01-01T00:00:00.000Z",status:"Canceled"}"
    `);
  });

  it('a permanent set-up failure fails the experiment with the resource and the fix', async () => {
    const x = await experiment([500], 1, 1);
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'ensureCompute')), permanent)]);
    expect(x.transcript.slice(-1)[0]?.error).toMatch(/cluster cpu-1/);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       any(activity syncSecrets {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status {"phase":"syncingSecrets","pipelines":"P","total":1}
     2:
       any(activity ensureCompute {} retry(5, 10s, ×2, ≤120s) | wait cancel)
       status ~ phase:"ensuringCompute"
     3:
       status ~ error:"ensureCompute failed on cluster cpu-1: Quota exceeded. Ask for more.",phase:"done"
       failed (not done): ensureCompute failed on cluster cpu-1: Quota exceeded. Ask for more."
    `);
  });

  it('an invalid plan fails at once', async () => {
    const input = experimentInput([500], 1);
    const broken = { ...input, request: { ...input.request, config: {} } } as unknown as RunExperimentInput;
    const x = new Recorded(new Replay(runExperiment, 'runExperiment', broken, { instanceId: 'exp-1' }));
    await x.start();
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       failed (not done): The experiment's config is invalid: /experiment_name: Add the required key "experiment_name".; /job_name: Add the required key "job_name".; /job_description: Add the required key "job_description".; /data_formats: Add the required key "data_formats".; /main_instruction: Add the required key "main_instruction".; /use_checkpoints: Add the required key "use_checkpoints".; /path: Add the required key "path".; /index: Add the required key "index".; /language: Add the required key "language".; /rerank: Add the required key "rerank".; /search: Add the required key "search".; /openai: Add the required key "openai".; /eval: Add the required key "eval"."
    `);
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
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       any(timer 2026-01-01T00:01:00.000Z | wait cancel)
       status ~ polls:1,status:"Running",step:"query"
     5:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     6:
       any(timer 2026-01-01T00:01:45.000Z | wait cancel)
     7:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     8:
       activity raiseEvent {data:{durationSeconds:105,error:"getPipelineStatus failed on job exp-1-aaaa: gone. Resubmit.",finishedAt:"2026-01-01T00:01:45.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,polls:2,status:"Failed",-step,-unchangedPolls
     9:
       done {durationSeconds:105,error:"getPipelineStatus failed on job exp-1-aaaa: gone. Resubmit.",finishedAt:"2026-01-01T00:01:45.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"}"
    `);
  });

  it('completed, then metrics and the event', async () => {
    const x = await monitor();
    await poll(x, status('Completed', 'Completed'));
    await answer(x, 'fetchMetrics', ok({ metrics: { fuzzy_score: 71 }, warning: 'one metric missing' }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       activity fetchMetrics {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:1,status:"Completed"
     5:
       activity raiseEvent {data:{durationSeconds:30,finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",metrics:{"fuzzy_score":71},status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",warning:"one metric missing"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,-unchangedPolls
     6:
       done {durationSeconds:30,finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",metrics:{"fuzzy_score":71},status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",warning:"one metric missing"}"
    `);
  });

  it('failed, then a diagnosis; and a failed diagnosis', async () => {
    const x = await monitor();
    await poll(x, status('Failed', 'Failed'));
    await answer(x, 'diagnoseFailure', ok({ summary: 'out of memory' }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    const y = await monitor();
    await poll(y, status('Failed', 'Failed'));
    await answer(y, 'diagnoseFailure', permanent);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       activity diagnoseFailure {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:1,status:"Failed"
     5:
       activity raiseEvent {data:{diagnosis:{"summary":"out of memory"},durationSeconds:30,finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,-unchangedPolls
     6:
       done {diagnosis:{"summary":"out of memory"},durationSeconds:30,finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"}"
    `);
    expect(transcript(y.transcript.slice(-1), y.transcript.length)).toMatchInlineSnapshot(`
     "5:
       activity raiseEvent {data:{durationSeconds:30,error:"the job failed; diagnosis unavailable: diagnoseFailure failed on cluster cpu-1: Quota exceeded. Ask for more.",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status {generation:0,jobName:"exp-1-aaaa",polls:1,status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"}"
    `);
  });

  it('canceled in AML, and a metrics failure after completion', async () => {
    const x = await monitor();
    await poll(x, status('Canceled', 'Canceled'));
    const y = await monitor();
    await poll(y, status('Completed', 'Completed'));
    await answer(y, 'fetchMetrics', permanent);
    expect(transcript(x.transcript.slice(-2), x.transcript.length - 1)).toMatchInlineSnapshot(`
     "3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     4:
       activity raiseEvent {data:{durationSeconds:30,error:"the AML job was canceled",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Canceled",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,polls:1,status:"Canceled",-unchangedPolls"
    `);
    expect(transcript(y.transcript.slice(-2), y.transcript.length - 1)).toMatchInlineSnapshot(`
     "4:
       activity fetchMetrics {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:1,status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     5:
       activity raiseEvent {data:{durationSeconds:30,error:"metrics unavailable: fetchMetrics failed on cluster cpu-1: Quota exceeded. Ask for more.",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,-unchangedPolls"
    `);
  });

  it('a cancel event while waiting cancels the AML job', async () => {
    const x = await monitor();
    await x.episode((r) => [r.raised('cancel', { reason: 'experiment canceled' })], x.r.now + 1000);
    await answer(x, 'cancelPipeline', ok({ canceled: true }));
    await answer(x, 'raiseEvent', ok({ instanceId: 'exp-1' }));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity cancelPipeline {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       activity raiseEvent {data:{durationSeconds:1,error:"canceled by request",finishedAt:"2026-01-01T00:00:01.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Canceled",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,status:"Canceled",-unchangedPolls
     5:
       done {durationSeconds:1,error:"canceled by request",finishedAt:"2026-01-01T00:00:01.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Canceled",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"}"
    `);
  });

  it('past its deadline, cancels the job and fails (the cancel failing too)', async () => {
    const x = await monitor({ ...monitorInput, policy: { ...monitorInput.policy, deadlineHours: 0.005 } });
    const timer = only(x.r.find(ActionType.CreateTimer));
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await answer(x, 'cancelPipeline', permanent);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:18.000Z | wait cancel)
       status {deadlineAt:"2026-01-01T00:00:18.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity cancelPipeline {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       activity raiseEvent {data:{durationSeconds:18,error:"deadline exceeded: still NotStarted after 0.005 hours (PIPELINE_DEADLINE_HOURS); the AML job was cancelled; cancelling the AML job failed: cancelPipeline failed on cluster cpu-1: Quota exceeded. Ask for more.",finishedAt:"2026-01-01T00:00:18.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,status:"Failed",-unchangedPolls"
    `);
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
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       any(timer 2026-01-01T00:01:00.000Z | wait cancel)
       status ~ polls:1,status:"Running"
     5:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     6:
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:2},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:2,status:"Running",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:1}}
       done null"
    `);
    expect(transcript(next.transcript)).toMatchInlineSnapshot(`
     "1:
       any(timer 2026-01-01T00:00:45.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,jobName:"exp-1-aaaa",polls:2,status:"Running",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:1}
     2:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     3:
       activity fetchMetrics {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:3,status:"Completed",unchangedPolls:0"
    `);
  });

  it('a cancel that arrives while a status is being read is heard before the next wait', async () => {
    const x = await monitor();
    const timer = only(x.r.find(ActionType.CreateTimer));
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await x.episode((r) => [r.raised('cancel', { reason: 'experiment canceled' })]);
    await answer(x, 'getPipelineStatus', status('Running'));
    await answer(x, 'cancelPipeline', ok({ canceled: true }));
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
     5:
       activity cancelPipeline {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:1,status:"Running"
     6:
       activity raiseEvent {data:{durationSeconds:30,error:"canceled by request",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Canceled",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,status:"Canceled",-unchangedPolls"
    `);
  });

  it('a submission failure, and a watch that throws, are reported to the experiment', async () => {
    const x = await monitor(monitorInput, permanent);
    const y = await monitor();
    await poll(y, ok({ jobName: 'exp-1-aaaa', status: 'Running' }));
    await answer(y, 'raiseEvent', permanent);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       activity raiseEvent {data:{error:"submission failed: submitPipeline failed on cluster cpu-1: Quota exceeded. Ask for more.",finishedAt:"2026-01-01T00:00:00.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status {"jobName":"exp-1-aaaa","status":"Failed"}"
    `);
    expect(transcript(y.transcript.slice(-3), y.transcript.length - 2)).toMatchInlineSnapshot(`
     "3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     4:
       activity raiseEvent {data:{error:"monitoring failed: Cannot read properties of undefined (reading 'find')",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,error:"monitoring failed: Cannot read properties of undefined (reading 'find')",-generation,-polls,status:"Failed",-studioUrl,-submittedAt,-unchangedPolls
     5:
       done {error:"monitoring failed: Cannot read properties of undefined (reading 'find')",finishedAt:"2026-01-01T00:00:30.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",status:"Failed"}"
    `);
  });
});

// --- runExperiment 3.0: a scheduled run ends compared with its schedule's baseline --------------------------------

/** A two-pipeline run of schedule `nightly` (or a run by HTTP) of `version`, both pipelines Completed. */
async function scheduledRun(version: string | undefined, trigger: RunExperimentInput['trigger'] = 'schedule') {
  const input: RunExperimentInput = { ...experimentInput([500, 700], 2), trigger, schedule: 'nightly' };
  const ids = { instanceId: 'exp-1', ...(version ? { version } : {}) };
  const x = new Recorded(new Replay(runExperiment, 'runExperiment', input, ids));
  await x.start();
  for (const name of SETUP) await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, name)), ok({}))]);
  const t0 = x.r.now;
  await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 0), 'Completed'))], t0 + 1000);
  await x.episode((r) => [r.raised('pipelineFinished', pipelineResult(r, child(r, 1), 'Completed'))], t0 + 2000);
  return x;
}

const regression = {
  indexName: 'idx-b',
  metric: 'fuzzy_score',
  value: 60,
  baseline: 71,
  delta: -11,
  relativeDelta: -0.155,
  direction: 'higher',
  tolerance: { kind: 'relative', value: 0.02 },
  verdict: 'regressed',
};
const comparison = {
  schedule: 'nightly',
  baselineId: 'exp-0',
  baselineSource: 'pinned',
  metrics: [regression],
  regressions: [regression],
  regressionCount: 1,
};

describe('runExperiment 3.0: a scheduled run against its baseline', () => {
  it('compares, records, and tells the webhook of a regression (retried); the result carries the baseline', async () => {
    const x = await scheduledRun('3.0');
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'compareWithBaseline')), ok(comparison))]);
    await x.episode((r) => [
      r.completed(only(r.find(ActionType.CallActivity, 'notifyRegression')), ok({ sent: true, statusCode: 204 })),
    ]);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript.slice(-3))).toMatchInlineSnapshot(`
     "1:
       activity compareWithBaseline {record:{experimentId:"exp-1",finishedAt:"2026-01-01T00:00:02.000Z",metrics:#37778893,schedule:"nightly",startedAt:"2026-01-01T00:00:00.000Z",status:"Completed"}} retry(5, 10s, ×2, ≤120s)
       status {"phase":"done","pipelines":"CC","total":2}
     2:
       activity notifyRegression {experimentId:"exp-1",regressionCount:1,schedule:"nightly",status:"Completed",worst:[#864333c5]} retry(5, 10s, ×2, ≤120s)
     3:
       done {baseline:{baselineId:"exp-0",baselineSource:"pinned",metrics:#0b1efcca,regressionCount:1,regressions:#0b1efcca,schedule:"nightly"},comparison:{best:#30abf936,metrics:["fuzzy_score"],rows:#5bf76d9b},experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:00:02.000Z",pipelines:[#0e0640a7,#e9d121c1],startedAt:"2026-01-01T00:00:00.000Z",status:"Completed"}"
    `);
  });

  it("a comparison that cannot be made is the result's error, not a failed run; no regression, no webhook", async () => {
    const x = await scheduledRun('3.0');
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'compareWithBaseline')), permanent)]);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript.slice(-2))).toMatchInlineSnapshot(`
     "1:
       activity compareWithBaseline {record:{experimentId:"exp-1",finishedAt:"2026-01-01T00:00:02.000Z",metrics:#37778893,schedule:"nightly",startedAt:"2026-01-01T00:00:00.000Z",status:"Completed"}} retry(5, 10s, ×2, ≤120s)
       status {"phase":"done","pipelines":"CC","total":2}
     2:
       done {comparison:{best:#30abf936,metrics:["fuzzy_score"],rows:#5bf76d9b},error:"the comparison with schedule nightly's baseline failed: compareWithBaseline failed on cluster cpu-1: Quota exceeded. Ask for more.",experimentId:"exp-1",experimentName:"demo",finishedAt:"2026-01-01T00:00:02.000Z",pipelines:[#0e0640a7,#e9d121c1],startedAt:"2026-01-01T00:00:00.000Z",status:"Completed"}"
    `);
  });

  it('a scheduled run that fails outright is recorded as Failed, then fails with its own error', async () => {
    const input: RunExperimentInput = { ...experimentInput([500], 1), trigger: 'schedule', schedule: 'nightly' };
    const x = new Recorded(new Replay(runExperiment, 'runExperiment', input, { instanceId: 'exp-1', version: '3.0' }));
    await x.start();
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'syncSecrets')), permanent)]);
    await x.episode((r) => [r.completed(only(r.find(ActionType.CallActivity, 'compareWithBaseline')), ok(comparison))]);
    expect(x.transcript.slice(-1)[0]?.error).toMatch(/syncSecrets failed on cluster cpu-1/);
    expect(transcript(x.transcript.slice(-2))).toMatchInlineSnapshot(`
     "1:
       activity compareWithBaseline {record:{experimentId:"exp-1",finishedAt:"2026-01-01T00:00:00.000Z",metrics:{},schedule:"nightly",startedAt:"2026-01-01T00:00:00.000Z",status:"Failed"}} retry(5, 10s, ×2, ≤120s)
       status {error:"syncSecrets failed on cluster cpu-1: Quota exceeded. Ask for more.",phase:"done",pipelines:"P",total:1}
     2:
       failed (not done): syncSecrets failed on cluster cpu-1: Quota exceeded. Ask for more."
    `);
  });

  it.each([
    ['a 2.0 scheduled run', '2.0', 'schedule'],
    ['an unversioned scheduled run', undefined, 'schedule'],
    ['a 3.0 run started by HTTP', '3.0', 'http'],
  ] as const)('%s ends as before: no comparison', async (_name, version, trigger) => {
    const x = await scheduledRun(version, trigger);
    const last = x.transcript.slice(-1)[0];
    expect(last?.isDone).toBe(true);
    expect(last?.actions).toEqual([]);
    expect(Object.keys(last?.output as object)).not.toContain('baseline');
  });
});

// --- monitorPipeline 2.0: AzureML's run events wake the watch ---------------------------------------------------

const pushInput: MonitorPipelineInput = {
  ...monitorInput,
  policy: { ...monitorInput.policy, safetyTimerSeconds: 3600 },
};
const runEvent = (r: Replay): HistoryEvent => r.raised('jobStatusChanged', { runId: 'exp-1-aaaa' });

function versioned(input: MonitorPipelineInput, version: string | undefined): Recorded {
  const ids = { instanceId: 'exp-1:p0000', parentInstanceId: 'exp-1', ...(version ? { version } : {}) };
  return new Recorded(new Replay(monitorPipeline, 'monitorPipeline', input, ids));
}

async function pushMonitor(input = pushInput, version = '2.0', alsoRaised = 0): Promise<Recorded> {
  const x = versioned(input, version);
  await x.start();
  await x.episode((r) => [
    r.completed(only(r.find(ActionType.CallActivity, 'submitPipeline')), ok(submittedValue)),
    ...Array.from({ length: alsoRaised }, () => runEvent(r)),
  ]);
  return x;
}

/** The input a generation continued as new with. */
function carriedBy(x: Recorded): MonitorPipelineInput {
  const actions = x.transcript.flatMap((s) => s.actions as { actionType: number; input?: unknown }[]);
  const carried = actions.find((a) => a.actionType === ActionType.ContinueAsNew)?.input;
  expect(carried).toBeDefined();
  return carried as MonitorPipelineInput;
}

const count = (x: Recorded, activity: string): number =>
  x.r.scheduled.filter((a) => a.functionName === activity).length;

describe('monitorPipeline 2.0 with push: the sequence of durable calls', () => {
  it('a run event ends the generation; the next one reads the status first and ends on Completed', async () => {
    const x = await pushMonitor();
    await x.episode((r) => [runEvent(r)], Date.parse('2026-01-01T00:05:00Z'));
    const next = versioned(carriedBy(x), '2.0');
    await next.start();
    await answer(next, 'getPipelineStatus', status('Completed', 'Completed'));
    await answer(next, 'fetchMetrics', ok({ metrics: { fuzzy_score: 71 } }));
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {job:{"properties":{"tags":{"ragOrchestratorPipelineIndex":"0"}}},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20,safetyTimerSeconds:3600},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}}
       done null"
    `);
    expect(transcript(next.transcript)).toMatchInlineSnapshot(`
     "1:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     2:
       activity fetchMetrics {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:1,status:"Completed"
     3:
       activity raiseEvent {data:{durationSeconds:0,finishedAt:"2026-01-01T00:00:00.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",metrics:{"fuzzy_score":71},status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,-unchangedPolls"
    `);
  });

  it('a storm of 100 events costs one continue-as-new, then one read', async () => {
    const x = await pushMonitor();
    await x.episode((r) => Array.from({ length: 100 }, () => runEvent(r)), Date.parse('2026-01-01T00:05:00Z'));
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(count(x, 'getPipelineStatus')).toBe(0);
    const next = versioned(carriedBy(x), '2.0');
    await next.start();
    await answer(next, 'getPipelineStatus', status('Running'));
    expect(count(next, 'getPipelineStatus')).toBe(1);
    expect(transcript(x.transcript.slice(-1), x.transcript.length)).toMatchInlineSnapshot(`
     "3:
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20,safetyTimerSeconds:3600},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}}
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
       done null"
    `);
    expect(transcript(next.transcript)).toMatchInlineSnapshot(`
     "1:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status ~ polls:1,status:"Running""
    `);
  });

  it('an event raised before the first wait wakes it at once', async () => {
    const x = await pushMonitor(pushInput, '2.0', 1);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {job:{"properties":{"tags":{"ragOrchestratorPipelineIndex":"0"}}},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T01:00:00.000Z canceled | wait cancel | wait jobStatusChanged)
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20,safetyTimerSeconds:3600},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}}
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
       done null"
    `);
  });

  it('no event: the safety timer reads the status, then waits again', async () => {
    const x = await pushMonitor();
    const timer = only(x.r.find(ActionType.CreateTimer));
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await answer(x, 'getPipelineStatus', status('Running'));
    expect(transcript(x.transcript.slice(1), 2)).toMatchInlineSnapshot(`
     "2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     4:
       any(timer 2026-01-01T02:00:00.000Z | wait cancel | wait jobStatusChanged)
       status ~ polls:1,status:"Running""
    `);
  });

  it('2.0 with push off polls as before, with the pipeline index tag on the job', async () => {
    const x = await pushMonitor(monitorInput);
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {job:{"properties":{"tags":{"ragOrchestratorPipelineIndex":"0"}}},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}"
    `);
  });

  it('a 1.0 instance given a push policy polls as before, its job untagged', async () => {
    const x = await pushMonitor(pushInput, '1.0');
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {"job":{"properties":{}},"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T00:00:30.000Z | wait cancel)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}"
    `);
  });
});

// --- monitorPipeline 3.0: a run event's type and status say whether a read is worth it ---------------------------

const hinted = (eventType: 'RunStatusChanged' | 'RunCompleted', status?: string) => (r: Replay) =>
  r.raised('jobStatusChanged', {
    runId: 'exp-1-aaaa',
    eventType: `Microsoft.MachineLearningServices.${eventType}`,
    ...(status ? { status } : {}),
  });
const running = hinted('RunStatusChanged', 'Running');
const evalRun = { runId: 'eval-run', metricsRunId: 'reused-run', displayName: 'eval' };
const completedWithEvalRun = ok({ jobName: 'exp-1-aaaa', status: 'Completed', final: 'Completed', steps: [], evalRun });

describe('monitorPipeline 3.0 with push: the sequence of durable calls', () => {
  it('a Running event costs no read; RunCompleted ends the generation, whose successor reads once and fetches the metrics of the eval run that read found', async () => {
    const x = await pushMonitor(pushInput, '3.0');
    await x.episode((r) => [running(r)], Date.parse('2026-01-01T00:01:00Z'));
    await x.episode((r) => [hinted('RunCompleted')(r)], Date.parse('2026-01-01T00:50:00Z'));
    expect(count(x, 'getPipelineStatus')).toBe(0);
    const next = versioned(carriedBy(x), '3.0');
    await next.start();
    await answer(next, 'getPipelineStatus', completedWithEvalRun);
    await answer(next, 'fetchMetrics', ok({ metrics: { fuzzy_score: 71 } }));
    expect(transcript(x.transcript)).toMatchInlineSnapshot(`
     "1:
       activity submitPipeline {job:{"properties":{"tags":{"ragOrchestratorPipelineIndex":"0"}}},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       any(timer 2026-01-01T01:01:00.000Z | wait cancel | wait jobStatusChanged)
     4:
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20,safetyTimerSeconds:3600},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}}
       done null"
    `);
    expect(transcript(next.transcript)).toMatchInlineSnapshot(`
     "1:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     2:
       activity fetchMetrics {evalRun:{"displayName":"eval","metricsRunId":"reused-run","runId":"eval-run"},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status ~ polls:1,status:"Completed"
     3:
       activity raiseEvent {data:{durationSeconds:0,finishedAt:"2026-01-01T00:00:00.000Z",index:0,indexName:"idx-512",jobName:"exp-1-aaaa",metrics:{"fuzzy_score":71},status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z"},eventName:"pipelineFinished",instanceId:"exp-1"} retry(5, 10s, ×2, ≤120s)
       status ~ -deadlineAt,-unchangedPolls"
    `);
  });

  it('running events keep restarting the safety timer, never more than two periods after the last read; its wake reads in place', async () => {
    const x = await pushMonitor(pushInput, '3.0');
    await x.episode((r) => [running(r)], Date.parse('2026-01-01T00:30:00Z'));
    await x.episode((r) => [hinted('RunStatusChanged', 'Finalizing')(r)], Date.parse('2026-01-01T01:20:00Z'));
    const timer = lastTimer(x.r);
    await x.episode((r) => [r.timerFired(timer)], Date.parse(String(timer.fireAt)));
    await answer(x, 'getPipelineStatus', status('Running'));
    expect(count(x, 'getPipelineStatus')).toBe(1);
    expect(transcript(x.transcript.slice(1), 2)).toMatchInlineSnapshot(`
     "2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     3:
       any(timer 2026-01-01T01:30:00.000Z | wait cancel | wait jobStatusChanged)
     4:
       any(timer 2026-01-01T02:00:00.000Z | wait cancel | wait jobStatusChanged)
     5:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
     6:
       any(timer 2026-01-01T03:00:00.000Z | wait cancel | wait jobStatusChanged)
       status ~ polls:1,status:"Running""
    `);
  });

  it('a storm of 100 Running events costs no read until the generation is spent; the next one reads once', async () => {
    const x = await pushMonitor(pushInput, '3.0');
    await x.episode((r) => Array.from({ length: 100 }, () => running(r)), Date.parse('2026-01-01T00:05:00Z'));
    expect(count(x, 'getPipelineStatus')).toBe(0);
    expect(x.transcript.slice(-1)[0]?.isDone).toBe(true);
    expect(x.r.scheduled.filter((a) => a.actionType === ActionType.CreateTimer)).toHaveLength(20);
    const next = versioned(carriedBy(x), '3.0');
    await next.start();
    await answer(next, 'getPipelineStatus', status('Running'));
    expect(count(next, 'getPipelineStatus')).toBe(1);
    expect(transcript(x.transcript.slice(-1), x.transcript.length)).toMatchInlineSnapshot(`
     "3:
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       any(timer 2026-01-01T01:05:00.000Z canceled | wait cancel | wait jobStatusChanged)
       continue-as-new {experimentId:"exp-1",index:0,indexName:"idx-512",job:{"properties":{}},jobName:"exp-1-aaaa",policy:{deadlineHours:72,initialPollSeconds:30,maxPollSeconds:300,pollsPerGeneration:20,safetyTimerSeconds:3600},state:{deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}}
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
       done null"
    `);
  });

  it('a forged final event costs one read: the job still runs, the watch waits again', async () => {
    const x = await pushMonitor(pushInput, '3.0');
    await x.episode((r) => [hinted('RunStatusChanged', 'Completed')(r)], Date.parse('2026-01-01T00:05:00Z'));
    const next = versioned(carriedBy(x), '3.0');
    await next.start();
    await answer(next, 'getPipelineStatus', status('Running'));
    expect(count(next, 'getPipelineStatus')).toBe(1);
    expect(transcript(next.transcript)).toMatchInlineSnapshot(`
     "1:
       activity getPipelineStatus {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:1,jobName:"exp-1-aaaa",polls:0,status:"NotStarted",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}
     2:
       any(timer 2026-01-01T01:00:00.000Z | wait cancel | wait jobStatusChanged)
       status ~ polls:1,status:"Running""
    `);
  });

  it('polling (push off) also gives fetchMetrics the eval run; a read that found none leaves fetchMetrics to look', async () => {
    const x = versioned(monitorInput, '3.0');
    await x.start();
    await answer(x, 'submitPipeline', ok(submittedValue));
    await poll(x, completedWithEvalRun);
    const y = versioned(monitorInput, '3.0');
    await y.start();
    await answer(y, 'submitPipeline', ok(submittedValue));
    await poll(y, status('Completed', 'Completed'));
    expect(transcript(x.transcript.slice(-1), x.transcript.length)).toMatchInlineSnapshot(`
     "4:
       activity fetchMetrics {evalRun:{"displayName":"eval","metricsRunId":"reused-run","runId":"eval-run"},jobName:"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:1,status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}"
    `);
    expect(transcript(y.transcript.slice(-1), y.transcript.length)).toMatchInlineSnapshot(`
     "4:
       activity fetchMetrics {"jobName":"exp-1-aaaa"} retry(5, 10s, ×2, ≤120s)
       status {deadlineAt:"2026-01-04T00:00:00.000Z",generation:0,jobName:"exp-1-aaaa",polls:1,status:"Completed",studioUrl:"https://ml/x",submittedAt:"2026-01-01T00:00:00.000Z",unchangedPolls:0}"
    `);
  });
});
