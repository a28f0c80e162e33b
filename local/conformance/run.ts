/**
 * npm run conformance: runs the app's orchestrators on Microsoft's Durable Functions extension (see
 * local/conformance/README.md). Azurite + the Azure emulator + the Node bridge in this
 * process, the .NET harness as a child process; prints the extension's version, each scenario, then
 * `N passed, N failed` (a known failure that fails as known counts as passed; it is also named on the line before, so
 * it stays visible). Options:
 * `--only <substring>` to run some scenarios, `--verbose` for every log line, `--long` for the long scenario with
 * 600 wake-ups instead of 200 (or CONFORMANCE_LONG_WAKES=<n>).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzureEmulator, startDevelopmentStorage } from '@rag-orchestrator/azure-emulator';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { ACCELERATOR_SETTINGS } from '../stack';
import { startBridge } from './bridge';
import { experimentInputFor, type Scenario, type ScenarioContext } from './context';
import { buildHarness, startHarness, type HarnessProcess } from './harness';
import { KNOWN_FAILURES, SCENARIOS } from './scenarios';
import { startUpgradedApp, type UpgradedApp } from './upgrade';
import { UPGRADE_SCENARIOS } from './upgradeScenarios';
import { PUSH_SCENARIOS } from './pushScenarios';
import { BOUNDARY_SCENARIOS } from './boundaryScenarios';
import { LONG_SCENARIOS } from './longScenario';

const ROOT = path.resolve(__dirname, '..', '..');

/** Short polling and generations, so every scenario takes seconds to a minute or two. */
const APP_SETTINGS: Record<string, string> = {
  ...ACCELERATOR_SETTINGS,
  MONITOR_INITIAL_POLL_SECONDS: '2',
  MONITOR_MAX_POLL_SECONDS: '4',
  MONITOR_POLLS_PER_GENERATION: '3',
  MAX_PARALLEL_PIPELINES: '2',
  // Polling, the fallback; the push scenarios (pushScenarios.ts) turn push on in their own experiments.
  AML_EVENTS_PUSH: 'false',
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  // The long scenario's bigger count (longScenario.ts), for a run by hand; CI runs the default.
  if (args.includes('--long')) process.env.CONFORMANCE_LONG_WAKES ??= '600';
  const started = Date.now();

  const azurite = await startDevelopmentStorage();
  // Real time: the real engine's timers run on the wall clock, so the emulated jobs do too (scripted short).
  const emulator = await startAzureEmulator({
    clock: createClock({ speed: 1 }),
    dataDir: mkdtempSync(path.join(tmpdir(), 'conformance-emulator-')),
  });
  emulator.scenario.setDefaultJobScenario({ queueSeconds: 2, stepSeconds: { index: 3, query: 3, eval: 3 } });
  Object.assign(process.env, APP_SETTINGS, emulator.settings);
  const bridge = await startBridge(ROOT, verbose);
  buildHarness(bridge.durableFunctions);
  console.log(
    `app: orchestrators ${bridge.durableFunctions.orchestrators.join(', ')}; ${bridge.durableFunctions.activities.length} activities`,
  );
  const harnessEnv = {
    AzureWebJobsStorage: azurite.connectionString,
    CONFORMANCE_BRIDGE_URL: bridge.url,
    CONFORMANCE_HOST_JSON: path.join(ROOT, 'host.json'),
    // One task hub per run: two runs on one machine never share instances.
    CONFORMANCE_TASK_HUB: `conformance${Date.now().toString(36)}${process.pid.toString(36)}`,
    ...(verbose ? { CONFORMANCE_VERBOSE: '1' } : {}),
  };
  let harness: HarnessProcess = await startHarness(harnessEnv, verbose);
  console.log(`engine: ${harness.versions}`);
  console.log(`host.json: ${harness.options}; local RPC endpoint ${harness.rpcBase}`);
  let upgraded: UpgradedApp | undefined;

  const ctx: ScenarioContext = {
    emulator,
    bridge,
    harness: () => harness,
    taskHub: { connectionString: azurite.connectionString, name: harnessEnv.CONFORMANCE_TASK_HUB },
    async restartHarness() {
      await harness.kill();
      harness = await startHarness(harnessEnv, verbose);
    },
    async switchApp(app) {
      await harness.stop();
      await upgraded?.stop();
      upgraded = app === 'current' ? undefined : await startUpgradedApp(ROOT, app, verbose);
      const env = upgraded
        ? { ...harnessEnv, CONFORMANCE_BRIDGE_URL: upgraded.url, CONFORMANCE_HOST_JSON: upgraded.hostJson }
        : harnessEnv;
      harness = await startHarness(env, verbose);
    },
    experimentInput: experimentInputFor(ROOT),
  };
  const selected = (list: Scenario[]) => list.filter((s) => !only || s.name.includes(only));
  const counts = await runScenarios(
    ctx,
    selected([...SCENARIOS, ...PUSH_SCENARIOS, ...BOUNDARY_SCENARIOS, ...LONG_SCENARIOS, ...UPGRADE_SCENARIOS]),
    false,
  );
  const known = await runScenarios(ctx, selected(KNOWN_FAILURES), true);
  await harness.stop();
  await upgraded?.stop();
  await bridge.close();
  await emulator.stop();
  await azurite.stop();
  console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const passed = counts.passed + known.passed + known.expected;
  const failed = counts.failed + known.failed;
  console.log(`${known.expected} known failure(s) failed as expected (counted as passed below)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/**
 * Runs scenarios one after the other. A known failure (`expectFailure`) counts as `expected` when it fails with its
 * known error, and as failed when it passes (fixed: move it to SCENARIOS and update docs/durable.md) or fails otherwise.
 */
async function runScenarios(ctx: ScenarioContext, scenarios: Scenario[], expectFailure: boolean) {
  const counts = { passed: 0, failed: 0, expected: 0 };
  for (const scenario of scenarios) {
    const t0 = Date.now();
    const took = () => `(${((Date.now() - t0) / 1000).toFixed(1)} s)`;
    try {
      await scenario.run(ctx);
      counts[expectFailure ? 'failed' : 'passed'] += 1;
      console.log(
        expectFailure
          ? `  FAIL ${scenario.name} ${took()}\n       a known failure passed: it is fixed`
          : `  ok   ${scenario.name} ${took()}`,
      );
    } catch (e) {
      if (expectFailure && scenario.knownFailure?.test(String(e))) {
        counts.expected += 1;
        console.log(`  xfail ${scenario.name} ${took()}\n       as known: ${String(e)}`);
        continue;
      }
      counts.failed += 1;
      console.log(`  FAIL ${scenario.name} ${took()}\n       ${String(e)}`);
      const warnings = ctx
        .harness()
        .output()
        .split('\n')
        .filter((l) => /\[(Warning|Error|Critical)\]/.test(l));
      if (warnings.length) console.log(`       harness warnings:\n${warnings.slice(-10).join('\n')}`);
    }
  }
  return counts;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
