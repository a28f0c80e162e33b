/**
 * The chaos bench, small: 3 experiments × 2 pipelines while 20 % of Azure calls fail (429/500/503 with Retry-After,
 * half of the failed writes applied before the answer is lost) and the host is SIGKILLed and restarted mid-run.
 * Every experiment must finish, no AML job may be submitted twice, none may be lost.
 */
import { runChaos } from '../../bench/chaos';

jest.setTimeout(300_000);

it('finishes every experiment with no duplicate job and none lost, through faults and a host kill', async () => {
  const figures = await runChaos({
    experiments: 3,
    pipelinesPerExperiment: 2,
    faultRate: 0.2,
    kills: 1,
    killEverySeconds: 6,
    timeoutSeconds: 240,
    speed: 600,
  });
  expect(figures.faultsInjected).toBeGreaterThan(0);
  expect(figures.kills).toBe(1);
  // A lost experiment shows the last answer its status gave.
  expect({ failures: figures.failures, lost: figures.lostDetails, duplicates: figures.duplicateSubmissions }).toEqual({
    failures: [],
    lost: [],
    duplicates: 0,
  });
  expect(figures.lost).toBe(0);
  expect(figures.finishedShare).toBe(1);
  expect(figures.jobsCreated).toBe(6);
});
