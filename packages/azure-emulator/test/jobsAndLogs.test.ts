import type { JobScenario, ScriptedCause } from '../src/contracts';
import { eventRows } from '../src/events';
import { stepLogFiles } from '../src/jobLogs';
import { dataContainerOf, timeline, type JobRecord } from '../src/jobs';

const T0 = Date.parse('2026-11-27T00:00:00Z');
const job = (scenario: JobScenario, extra: Partial<JobRecord> = {}): JobRecord => ({
  name: 'job-1',
  body: { properties: { jobType: 'Pipeline', experimentName: 'exp', computeId: 'azureml:rag-cluster' } },
  createdAt: T0,
  createdCount: 1,
  scenario,
  steps: ['index', 'query', 'eval'],
  ...extra,
});
const at = (seconds: number): number => T0 + seconds * 1000;

describe('the job timeline', () => {
  it('walks the states by virtual time with the default durations', () => {
    const j = job({});
    expect([0, 20, 45, 61, 200, 300, 419, 420].map((s) => timeline(j, at(s)).status)).toEqual([
      'NotStarted',
      'Queued',
      'Preparing',
      'Running',
      'Running',
      'Running',
      'Running',
      'Completed',
    ]);
    expect(timeline(j, at(200)).steps.map((s) => s.status)).toEqual(['Completed', 'Running', 'NotStarted']);
    expect(timeline(j, at(420)).endTime).toBe(at(420));
  });

  it('fails at the scripted step and never starts the later ones', () => {
    const j = job({ queueSeconds: 10, stepSeconds: { index: 50 }, failAt: { step: 'index', cause: 'searchQuota' } });
    const t = timeline(j, at(1000));
    expect(t.status).toBe('Failed');
    expect(t.endTime).toBe(at(60));
    expect(t.failure).toEqual({ step: 'index', cause: 'searchQuota' });
    expect(t.steps.map((s) => s.status)).toEqual(['Failed', 'NotStarted', 'NotStarted']);
  });

  it('is CancelRequested until the cancel lands, then Canceled with the running step', () => {
    const j = job({ queueSeconds: 10 }, { cancelRequestedAt: at(100) });
    expect(timeline(j, at(105)).status).toBe('CancelRequested');
    const t = timeline(j, at(200));
    expect(t.status).toBe('Canceled');
    expect(t.steps.map((s) => s.status)).toEqual(['Canceled', 'NotStarted', 'NotStarted']);
    expect(timeline({ ...j, cancelLandedAt: at(101) }, at(102)).status).toBe('Canceled');
  });
});

describe('job logs per cause', () => {
  const expected: Record<ScriptedCause, RegExp> = {
    openAiQuota: /openai\.RateLimitError: Error code: 429/,
    keyVaultAccess: /\(Forbidden\) The user, group or application .* does not have secrets get permission on key vault/,
    searchQuota:
      /IndexerQuotaExceeded[\s\S]*Storage quota has been exceeded|Storage quota has been exceeded[\s\S]*IndexerQuotaExceeded/,
    environmentBuild: /ResolvePackageNotFound[\s\S]*Conda environment build failed/,
    clusterQuota: /AllocationFailed.*QuotaExceeded/,
    codeError: /KeyError: 'chunking'/,
  };

  it.each(Object.keys(expected) as ScriptedCause[])('%s: the failing step logs say so', (cause) => {
    for (const step of ['index', 'eval'] as const) {
      const j = job({ queueSeconds: 10, failAt: { step, cause } });
      const failed = timeline(j, at(10_000)).steps.find((s) => s.name === step)!;
      const files = stepLogFiles(j, failed);
      const all = Object.values(files).join('\n');
      expect(all).toMatch(expected[cause]);
      const base = `ExperimentRun/${dataContainerOf(j, step)}`;
      if (cause === 'clusterQuota') expect(Object.keys(files)).toEqual([`${base}/logs/user/error.txt`]);
      else if (step === 'index')
        expect(files[`${base}/logs/user/error/10.0.0.5/process000.txt`]).toMatch(expected[cause]);
      else expect(files[`${base}/user_logs/std_log_process_0.txt`]).toMatch(expected[cause]);
    }
  });

  it('uses the scenario node logs when given', () => {
    const j = job({ failAt: { step: 'index', cause: 'codeError', nodeLogs: { '10.0.0.9': ['ValueError: boom'] } } });
    const failed = timeline(j, at(10_000)).steps[0]!;
    const files = stepLogFiles(j, failed);
    expect(files[`ExperimentRun/${dataContainerOf(j, 'index')}/logs/user/error/10.0.0.9/process000.txt`]).toBe(
      'ValueError: boom\n',
    );
    const rows = eventRows([j], [], at(10_000)).AmlComputeJobEvent!.filter((r) => r.EventType === 'JobFailed');
    expect(rows.map((r) => r.ErrorDetails)).toEqual(['ValueError: boom']);
  });
});

describe('events', () => {
  it('appear only once their time has come', () => {
    const j = job({ queueSeconds: 10 });
    const early = eventRows([j], [], at(5)).AmlRunStatusChangedEvent!;
    expect(early.map((r) => r.Status)).toEqual(['NotStarted', 'Queued']);
    const late = eventRows([j], [], at(10_000)).AmlRunStatusChangedEvent!.filter((r) => r.RunId === 'job-1');
    expect(late.map((r) => r.Status)).toEqual(['NotStarted', 'Queued', 'Preparing', 'Running', 'Completed']);
  });
});
