/**
 * npm run conformance: runs the app's orchestrators on Microsoft's Durable Functions extension (see
 * docs/durable.md, "Conformance on the real engine"). Azurite + the Azure emulator + the Node bridge in this
 * process, the .NET harness as a child process; prints the extension's version, each scenario, then
 * `N passed, N failed`. Options: `--only <substring>` to run some scenarios, `--known` to add the known
 * failures, `--verbose` for every log line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzureEmulator, startDevelopmentStorage } from '@rag-orchestrator/azure-emulator';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { ACCELERATOR_SETTINGS } from '../stack';
import { startBridge } from './bridge';
import { experimentInputFor, type ScenarioContext } from './context';
import { buildHarness, startHarness, type HarnessProcess } from './harness';
import { KNOWN_FAILURES, SCENARIOS } from './scenarios';

const ROOT = path.resolve(__dirname, '..', '..');

/** Short polling and generations, so every scenario takes seconds to a minute or two. */
const APP_SETTINGS: Record<string, string> = {
  ...ACCELERATOR_SETTINGS,
  MONITOR_INITIAL_POLL_SECONDS: '2',
  MONITOR_MAX_POLL_SECONDS: '4',
  MONITOR_POLLS_PER_GENERATION: '3',
  MAX_PARALLEL_PIPELINES: '2',
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const started = Date.now();

  buildHarness();
  const azurite = await startDevelopmentStorage();
  // Real time: the real engine's timers run on the wall clock, so the emulated jobs do too (scripted short).
  const emulator = await startAzureEmulator({
    clock: createClock({ speed: 1 }),
    dataDir: mkdtempSync(path.join(tmpdir(), 'conformance-emulator-')),
  });
  emulator.scenario.setDefaultJobScenario({ queueSeconds: 2, stepSeconds: { index: 3, query: 3, eval: 3 } });
  Object.assign(process.env, APP_SETTINGS, emulator.settings);
  const bridge = await startBridge(ROOT, verbose);
  const harnessEnv = {
    AzureWebJobsStorage: azurite.connectionString,
    CONFORMANCE_BRIDGE_URL: bridge.url,
    CONFORMANCE_TASK_HUB: `conformance${Date.now().toString(36)}`,
    ...(verbose ? { CONFORMANCE_VERBOSE: '1' } : {}),
  };
  let harness: HarnessProcess = await startHarness(harnessEnv, verbose);
  console.log(`engine: ${harness.versions}`);

  const ctx: ScenarioContext = {
    emulator,
    bridge,
    harness: () => harness,
    async restartHarness() {
      await harness.kill();
      harness = await startHarness(harnessEnv, verbose);
    },
    experimentInput: experimentInputFor(ROOT),
  };
  let passed = 0;
  let failed = 0;
  const all = args.includes('--known') ? [...SCENARIOS, ...KNOWN_FAILURES] : SCENARIOS;
  for (const scenario of all.filter((s) => !only || s.name.includes(only))) {
    const t0 = Date.now();
    try {
      await scenario.run(ctx);
      passed += 1;
      console.log(`  ok   ${scenario.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed += 1;
      console.log(`  FAIL ${scenario.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n       ${String(e)}`);
      const warnings = harness
        .output()
        .split('\n')
        .filter((l) => /\[(Warning|Error|Critical)\]/.test(l));
      if (warnings.length) console.log(`       harness warnings:\n${warnings.slice(-10).join('\n')}`);
    }
  }
  await harness.stop();
  await bridge.close();
  await emulator.stop();
  await azurite.stop();
  console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
