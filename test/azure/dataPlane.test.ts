/**
 * The AzureML data plane (run history, MLflow, run files) read as azure-ai-ml reads it, against the emulator:
 * ARM-audience tokens, refusals that name the role, paging, reused step runs, the second step key, and step logs
 * under the run's data container in the workspace's artifact store.
 */
import type { AzureBlobDatastore } from '@azure/arm-machinelearning';
import { createClock } from '@rag-orchestrator/virtual-clock';
import type { ScriptedCause } from '@rag-orchestrator/azure-emulator';
import {
  diagnoseFailure,
  ensureCompute,
  fetchMetrics,
  getPipelineStatus,
  submitPipeline,
} from '../../src/activities/handlers';
import type { GetPipelineStatusOutput } from '../../src/core/contracts';
import { blobAccountUrlOf } from '../../src/activities/diagnosis/artifactStore';
import type { ActivityDeps } from '../../src/activities/deps';
import type { PipelinePlan } from '../../src/core/types';
import { itMatchesAzureSpecs, startHarness, valueOf, type Harness } from '../activities/emulatorHarness';
import { planFor } from '../activities/plans';

let h: Harness;
let pipeline: PipelinePlan;
beforeAll(async () => {
  h = await startHarness({ clock: createClock({ speed: 600 }) });
  pipeline = planFor(h.deps().settings, 'exp-dataplane').pipelines[0] as PipelinePlan;
  valueOf(await ensureCompute({}, h.deps()));
});
afterAll(async () => h?.stop());
afterEach(() => h.emulator.scenario.reset());

type Scenario = Parameters<Harness['emulator']['scenario']['setJobScenario']>[1];

/** Submits `job` (the plan's by default) as `<plan job>-<suffix>` with `scenario`, waits until it is final. */
async function finishedJob(
  suffix: string,
  scenario: Scenario,
  job: PipelinePlan['job'] = pipeline.job,
): Promise<{ jobName: string; status: GetPipelineStatusOutput }> {
  const jobName = `${pipeline.jobName}-${suffix}`;
  h.emulator.scenario.setJobScenario(jobName, { queueSeconds: 10, ...scenario });
  valueOf(await submitPipeline({ jobName, job }, h.deps()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = valueOf(await getPipelineStatus({ jobName }, h.deps()));
    if (status.final) return { jobName, status };
    if (Date.now() > deadline) throw new Error(`job ${jobName} did not end`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The child runs the emulator last listed for `jobName` (from the recorded traffic). */
function listedChildren(jobName: string): { runId: string; properties: Record<string, string> }[] {
  const pages = h.emulator
    .traffic()
    .filter((x) => x.service === 'history' && x.url.includes(`/runs/${jobName}/children`) && x.status === 200);
  return pages.flatMap(
    (x) => (x.responseBody as { value: { runId: string; properties: Record<string, string> }[] }).value,
  );
}

describe('the data-plane token', () => {
  it('is for the ARM audience, as azure-ai-ml asks for it: run history and MLflow answer, never 401', async () => {
    const before = h.emulator.traffic().length;
    const { jobName, status } = await finishedJob('audience', { metrics: { fuzzy_score: 50 } });
    expect(status.steps.map((s) => s.name)).toEqual(['index', 'query', 'eval']);
    expect(valueOf(await fetchMetrics({ jobName }, h.deps())).metrics).toEqual({ fuzzy_score: 50 });
    const dataPlane = h.emulator
      .traffic()
      .slice(before)
      .filter((x) => x.service === 'history' || x.service === 'mlflow');
    expect(dataPlane.length).toBeGreaterThan(0);
    expect(dataPlane.filter((x) => x.status === 401)).toEqual([]);
  });

  it.each([401, 403])('refused (%i): the step list and the metrics fail naming the role to grant', async (code) => {
    const { jobName } = await finishedJob(`refused-${code}`, {});
    h.emulator.scenario.inject({ path: /^\/(history|mlflow)\//, status: code, times: 100 });
    for (const result of [await getPipelineStatus({ jobName }, h.deps()), await fetchMetrics({ jobName }, h.deps())]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.statusCode).toBe(code);
      expect(result.error.action).toContain("'AzureML Data Scientist' role on AzureML workspace");
    }
    const d = valueOf(await diagnoseFailure({ jobName }, h.deps()));
    expect(d.partialReasons.join(' ')).toContain("'AzureML Data Scientist' role");
  });
});

describe('the tracking URI', () => {
  it('is read once per process, however many activities ask at once; a failed read is tried again', async () => {
    let dataPlane: typeof import('../../src/azure/dataPlane') | undefined;
    jest.isolateModules(() => {
      dataPlane = jest.requireActual<typeof import('../../src/azure/dataPlane')>('../../src/azure/dataPlane');
    });
    const fresh = dataPlane!;
    const { settings, clients } = h.deps();
    const workspaceReads = (): number =>
      h.emulator.traffic().filter((x) => x.method === 'GET' && /\/workspaces\/[^/]+\?/.test(x.url)).length;
    h.emulator.scenario.inject({ path: /\/workspaces\/[^/]+$/, status: 404, times: 1 });
    const before = workspaceReads();
    await expect(fresh.trackingUri(settings, () => clients.ml())).rejects.toThrow();
    const uris = await Promise.all(Array.from({ length: 8 }, () => fresh.trackingUri(settings, () => clients.ml())));
    expect(new Set(uris).size).toBe(1);
    expect(uris[0]).toMatch(/^azureml:\/\//);
    expect(workspaceReads() - before).toBe(2);
  });
});

describe('run-history paging', () => {
  it('follows nextLink page after page, as the service client does', async () => {
    const before = h.emulator.traffic().length;
    const { jobName, status } = await finishedJob('paged', { childRunsPerPage: 1 });
    expect(status.steps.map((s) => s.name)).toEqual(['index', 'query', 'eval']);
    const urls = h.emulator
      .traffic()
      .slice(before)
      .filter((x) => x.url.includes(`/runs/${jobName}/children`))
      .map((x) => new URL(x.url));
    expect(urls.some((u) => u.searchParams.has('$continuationtoken'))).toBe(true);
    expect(urls.some((u) => u.searchParams.has('$continuationToken'))).toBe(false);
  });
});

describe('a reused eval step run', () => {
  it('reads the metrics of the run it reuses (azureml.reusedrunid), not its own (it logged none)', async () => {
    const { jobName, status } = await finishedJob('reused', { reusedSteps: ['eval'], metrics: { fuzzy_score: 61.5 } });
    const evalRun = listedChildren(jobName).find((r) => r.properties['azureml.isreused'] === 'true');
    const reusedId = evalRun?.properties['azureml.reusedrunid'];
    expect(reusedId).toMatch(/^[0-9a-f-]{36}$/);
    const out = valueOf(await fetchMetrics({ jobName }, h.deps()));
    expect(out.metrics).toEqual({ fuzzy_score: 61.5 });
    expect(out.runId).toBe(reusedId);
    expect(out.warning).toBeUndefined();
    // The final status read names the eval run and the run it reuses: given that, fetchMetrics reads the same.
    expect(status.evalRun).toEqual({
      runId: evalRun?.runId,
      metricsRunId: reusedId,
      displayName: 'Evaluate experiment',
    });
    const before = h.emulator.traffic().length;
    expect(valueOf(await fetchMetrics({ jobName, evalRun: status.evalRun }, h.deps()))).toEqual(out);
    expect(
      h.emulator
        .traffic()
        .slice(before)
        .map((x) => `${x.service} ${x.method}`),
    ).toEqual(['mlflow GET']);
  });
});

describe('the second step key', () => {
  /** The plan's job with the eval node running a component whose name is not one of ours. */
  function withForeignEvalComponent(): PipelinePlan['job'] {
    const job = JSON.parse(JSON.stringify(pipeline.job)) as {
      properties: { jobs: Record<string, { componentId: string }> };
    };
    job.properties.jobs.eval!.componentId = job.properties.jobs.eval!.componentId.replace(
      /\/components\/[^/]+\//,
      '/components/azureml_anonymous/',
    );
    return job as unknown as PipelinePlan['job'];
  }

  it("finds a step by its node's display name when its component name is not ours, and logs it", async () => {
    h.logs.length = 0;
    const { jobName, status } = await finishedJob(
      'foreign',
      { metrics: { fuzzy_score: 12 } },
      withForeignEvalComponent(),
    );
    expect(status.steps.map((s) => [s.name, s.displayName])).toEqual([
      ['index', expect.stringMatching(/^Index documents for /)],
      ['query', 'Query documents for the experiment'],
      ['eval', 'Evaluate experiment'],
    ]);
    expect(valueOf(await fetchMetrics({ jobName }, h.deps())).metrics).toEqual({ fuzzy_score: 12 });
    const notes = h.logs.filter((l) => l.includes(jobName) && l.includes('azureml_anonymous'));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]).toContain('identified as eval by its display name');
  });
});

describe('step logs', () => {
  it("are read under the run's dataContainerId, on the account URL the artifact store's datastore gives", async () => {
    const cause: ScriptedCause = 'codeError';
    const { jobName } = await finishedJob('logs', { failAt: { step: 'eval', cause } });
    const { settings, clients } = h.deps();
    const store = (
      await clients.ml().datastores.get(settings.resourceGroup, settings.workspaceName, 'workspaceartifactstore')
    ).properties as AzureBlobDatastore;
    const azurite = settings.endpoints.blob!;
    h.setEnv({ AZURE_STORAGE_BLOB_ENDPOINT: undefined });
    try {
      const base = h.deps();
      const accountUrls: string[] = [];
      // The datastore's host is not reachable here: the container is read from Azurite, the URL asked for is kept.
      const deps: ActivityDeps = {
        ...base,
        clients: {
          ...base.clients,
          blobService: (url: string) => {
            accountUrls.push(url);
            return base.clients.blobService(azurite);
          },
        },
      };
      const d = valueOf(await diagnoseFailure({ jobName }, deps));
      expect(accountUrls).toEqual([blobAccountUrlOf(store)]);
      expect(accountUrls[0]).not.toContain('core.windows.net');
      expect(d.cause).toBe(cause);
      expect(d.steps.find((s) => s.step === 'eval')?.logFiles).toEqual(
        expect.arrayContaining(['user_logs/std_log.txt', 'logs/user/error.txt']),
      );
    } finally {
      h.setEnv({ AZURE_STORAGE_BLOB_ENDPOINT: azurite });
    }
  });
});

itMatchesAzureSpecs(() => h);
