/**
 * diagnoseFailure against the emulator: every scripted cause is named with its step and nodes, from Log
 * Analytics and the steps' own logs in the workspace storage; partial sources are reported as partial.
 */
import { createClock } from '@rag-orchestrator/virtual-clock';
import type { ScriptedCause } from '@rag-orchestrator/azure-emulator';
import { diagnoseFailure, ensureCompute, getPipelineStatus, submitPipeline } from '../../src/activities/handlers';
import type { DiagnoseFailureOutput } from '../../src/core/contracts';
import type { PipelinePlan } from '../../src/core/types';
import { itMatchesAzureSpecs, startHarness, valueOf, type Harness } from './emulatorHarness';
import { planFor } from './plans';

let h: Harness;
let pipeline: PipelinePlan;
beforeAll(async () => {
  h = await startHarness({ clock: createClock({ speed: 600 }) });
  const plan = planFor(h.deps().settings, 'exp-diagnose');
  pipeline = plan.pipelines[0] as PipelinePlan;
  valueOf(await ensureCompute({}, h.deps()));
});
afterAll(async () => h?.stop());
afterEach(() => h.emulator.scenario.reset());

/** Submits a job that fails at `step` with `cause`, waits until it is final. */
async function failedJob(name: string, step: 'index' | 'query' | 'eval', cause: ScriptedCause): Promise<string> {
  const jobName = `${pipeline.jobName}-${name}`;
  h.emulator.scenario.setJobScenario(jobName, { failAt: { step, cause } });
  valueOf(await submitPipeline({ jobName, job: pipeline.job }, h.deps()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = valueOf(await getPipelineStatus({ jobName }, h.deps()));
    if (status.final) {
      expect(status.final).toBe('Failed');
      return jobName;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobName} did not end`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const linesOf = (d: DiagnoseFailureOutput, step: string): string =>
  d.steps
    .filter((s) => s.step === step)
    .flatMap((s) => s.nodes.flatMap((n) => n.lines))
    .join('\n');

const cases: { cause: ScriptedCause; step: 'index' | 'query' | 'eval'; expectLine: RegExp }[] = [
  { cause: 'keyVaultAccess', step: 'index', expectLine: /does not have secrets get permission/ },
  { cause: 'openAiQuota', step: 'query', expectLine: /RateLimitError/ },
  { cause: 'searchQuota', step: 'index', expectLine: /quota has been exceeded/i },
  { cause: 'environmentBuild', step: 'eval', expectLine: /ResolvePackageNotFound/ },
  { cause: 'clusterQuota', step: 'index', expectLine: /QuotaExceeded/ },
  { cause: 'codeError', step: 'eval', expectLine: /KeyError: 'chunking'/ },
];

describe('diagnoseFailure', () => {
  it.each(cases)('names $cause at the $step step, its nodes and error lines', async ({ cause, step, expectLine }) => {
    const jobName = await failedJob(cause.toLowerCase(), step, cause);
    const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
    expect(d.cause).toBe(cause);
    expect(d.failedStep).toBe(step);
    expect(d.hint.length).toBeGreaterThan(30);
    expect(d.partial).toBe(false);
    const failed = d.steps.find((s) => s.step === step);
    expect(failed?.status).toBe('Failed');
    expect(failed?.nodes.length).toBeGreaterThan(0);
    expect(linesOf(d, step) + linesOf(d, 'job')).toMatch(expectLine);
    if (step === 'index' && cause !== 'clusterQuota') {
      // The parallel step: per-node error logs, read from the run's artifacts.
      expect(failed?.nodes.map((n) => n.node)).toEqual(expect.arrayContaining(['10.0.0.4', '10.0.0.5']));
      expect(failed?.logFiles).toEqual(expect.arrayContaining(['logs/user/error.txt']));
    }
    for (const s of d.steps) {
      expect(s.nodes.length).toBeLessThanOrEqual(20);
      for (const n of s.nodes) {
        expect(n.lines.length).toBeLessThanOrEqual(50);
        for (const line of n.lines) expect(line.length).toBeLessThanOrEqual(500);
      }
    }
  });

  it('marks the result partial when Log Analytics answers with a PartialError', async () => {
    const jobName = await failedJob('partial', 'query', 'openAiQuota');
    h.emulator.scenario.setLogAnalyticsPartialError('Query exceeded the memory limit');
    const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
    expect(d.partial).toBe(true);
    expect(d.partialReasons.join(' ')).toMatch(/Log Analytics answered .* in part/);
    expect(d.cause).toBe('openAiQuota');
  });

  it('skips Log Analytics without LOG_ANALYTICS_WORKSPACE_ID, still finds the cause in the logs', async () => {
    const jobName = await failedJob('no-la', 'eval', 'codeError');
    h.setEnv({ LOG_ANALYTICS_WORKSPACE_ID: undefined });
    try {
      const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
      expect(d.partial).toBe(true);
      expect(d.partialReasons.join(' ')).toContain('LOG_ANALYTICS_WORKSPACE_ID');
      expect(d.cause).toBe('codeError');
      expect(d.steps.find((s) => s.step === 'eval')?.logFiles.some((f) => f.startsWith('user_logs/std_log'))).toBe(
        true,
      );
    } finally {
      h.setEnv({ LOG_ANALYTICS_WORKSPACE_ID: h.emulator.settings.LOG_ANALYTICS_WORKSPACE_ID });
    }
  });

  it('retries throttled Log Analytics queries: a complete answer', async () => {
    const jobName = await failedJob('throttled', 'query', 'searchQuota');
    h.emulator.scenario.inject({ path: /\/v1\/workspaces\//, status: 429, retryAfterSeconds: 0, times: 2 });
    const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
    expect(d.partial).toBe(false);
    expect(d.cause).toBe('searchQuota');
    expect(d.failedStep).toBe('query');
  });

  it('marks the result partial when a Log Analytics query keeps failing', async () => {
    const jobName = await failedJob('flaky', 'index', 'keyVaultAccess');
    // Every attempt of the three queries fails (1 + 3 SDK retries each): the logs still name the cause.
    h.emulator.scenario.inject({ path: /\/v1\/workspaces\//, status: 500, times: 12 });
    const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
    expect(d.partial).toBe(true);
    expect(d.partialReasons.filter((r) => /^Log Analytics query of \w+ failed: 500/.test(r))).toHaveLength(3);
    expect(d.cause).toBe('keyVaultAccess');
  });

  it('returns a permanent error for a job that does not exist', async () => {
    const result = await diagnoseFailure({ jobName: 'no-such-job' }, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.statusCode).toBe(404);
    expect(result.error.resource).toContain('no-such-job');
  });
});

itMatchesAzureSpecs(() => h);
