/**
 * What every scenario gets: the emulator (to script jobs and faults), the bridge (call counts), the harness (to
 * kill and restart it) and helpers to build the app's orchestration inputs the way its HTTP trigger does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AzureEmulator } from '@rag-orchestrator/azure-emulator';
import type { RunExperimentInput } from '../../src/core/experiment';
import { withFixedPlan } from '../../src/core/fixedPlan';
import { planExperimentRequest } from '../../src/core/request';
import { parseSettings, withoutSecrets } from '../../src/core/settings';
import type { Bridge } from './bridge';
import type { HarnessProcess } from './harness';
import type { UpgradeVariant } from './upgrade';

export interface ScenarioContext {
  emulator: AzureEmulator;
  bridge: Bridge;
  harness(): HarnessProcess;
  /** The task hub's storage (Azurite) and name: to read what the engine stored (taskHubHistory.ts). */
  taskHub: { connectionString: string; name: string };
  /** Kills the harness (SIGKILL) and starts a new one on the same task hub. */
  restartHarness(): Promise<void>;
  /**
   * Stops the harness cleanly (the host going down for a deployment) and starts it again on the same task hub with
   * another version of the app: `current` (this build) or an N+1 build (local/conformance/upgrade.ts).
   */
  switchApp(app: 'current' | UpgradeVariant): Promise<void>;
  /** A runExperiment input for the example config with one pipeline per chunk size. */
  experimentInput(experimentId: string, chunkSizes: number[], maxParallelPipelines?: number): ExperimentInput;
}

export interface ExperimentInput {
  input: RunExperimentInput;
  jobNames: string[];
}

export interface Scenario {
  name: string;
  /** Throws (an assertion) when the engine did not do what a user would expect. */
  run(ctx: ScenarioContext): Promise<void>;
  /** For a known failure: the error it fails with today (any other error, or a pass, fails the run). */
  knownFailure?: RegExp;
}

export function experimentInputFor(root: string) {
  const example = JSON.parse(readFileSync(path.join(root, 'examples', 'experiment.json'), 'utf8')) as {
    config: { experiment_name: string; index: { chunking: { chunk_size: number[] } } };
  };
  return (experimentId: string, chunkSizes: number[], maxParallelPipelines?: number): ExperimentInput => {
    const body = JSON.parse(JSON.stringify(example)) as typeof example & { options?: Record<string, unknown> };
    body.config.experiment_name = experimentId;
    body.config.index.chunking.chunk_size = chunkSizes;
    if (maxParallelPipelines) body.options = { maxParallelPipelines };
    const settings = withoutSecrets(parseSettings(process.env).settings);
    const planned = planExperimentRequest(body, { experimentId, settings });
    if (!planned.ok) throw new Error(`the example config does not plan: ${JSON.stringify(planned.problems)}`);
    return {
      // As the triggers start it: the plan fixed in the input (src/core/fixedPlan.ts).
      input: withFixedPlan({
        experimentId,
        request: planned.request,
        settings,
        submittedAt: new Date().toISOString(),
        trigger: 'http',
        requestHash: 'conformance',
      }),
      jobNames: planned.plan.pipelines.map((p) => p.jobName),
    };
  };
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
