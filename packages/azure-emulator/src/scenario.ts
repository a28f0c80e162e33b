/** Scriptable behaviour: job scenarios, injected faults, failed provisioning, Key Vault permission model. */
import type { FaultInjection, JobScenario, ScenarioControl } from './contracts';

export interface ScenarioState extends ScenarioControl {
  /** The scenario that applies to a new job of this name. */
  scenarioFor(jobName: string): JobScenario;
  /** The fault that applies to this request (consumes one use), if any. */
  takeFault(method: string, path: string): FaultInjection | undefined;
  /** Message of the scripted compute provisioning failure (consumed), if any. */
  takeComputeFailure(): string | undefined;
  keyVaultModel(): 'accessPolicy' | 'rbac';
  /** Log Analytics queries answer with a PartialError (alongside the tables) while set. */
  logAnalyticsPartialError(): string | undefined;
}

export function createScenarioState(): ScenarioState {
  let jobScenarios: { match: string | RegExp; scenario: JobScenario }[] = [];
  let defaultScenario: JobScenario = {};
  let faults: (FaultInjection & { left: number })[] = [];
  let computeFailure: string | undefined;
  let kvModel: 'accessPolicy' | 'rbac' = 'accessPolicy';
  let partialError: string | undefined;

  const matches = (pattern: string | RegExp, value: string): boolean =>
    typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);

  return {
    setJobScenario(match, scenario) {
      jobScenarios.push({ match, scenario });
    },
    setDefaultJobScenario(scenario) {
      defaultScenario = scenario;
    },
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    failNextComputeProvisioning(message) {
      computeFailure = message;
    },
    setKeyVaultPermissionModel(model) {
      kvModel = model;
    },
    setLogAnalyticsPartialError(message) {
      partialError = message ?? undefined;
    },
    reset() {
      jobScenarios = [];
      defaultScenario = {};
      faults = [];
      computeFailure = undefined;
      partialError = undefined;
    },
    scenarioFor(jobName) {
      for (let i = jobScenarios.length - 1; i >= 0; i--) {
        const entry = jobScenarios[i]!;
        if (matches(entry.match, jobName)) return entry.scenario;
      }
      return defaultScenario;
    },
    takeFault(method, path) {
      const fault = faults.find(
        (f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && matches(f.path, path),
      );
      if (!fault) return undefined;
      fault.left -= 1;
      faults = faults.filter((f) => f.left > 0);
      return fault;
    },
    takeComputeFailure() {
      const message = computeFailure;
      computeFailure = undefined;
      return message;
    },
    keyVaultModel: () => kvModel,
    logAnalyticsPartialError: () => partialError,
  };
}
