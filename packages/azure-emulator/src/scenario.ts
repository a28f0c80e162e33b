/** Scriptable behaviour: job scenarios, injected faults, failed provisioning, Key Vault permission model. */
import { defaultCapacity } from './capacity';
import type { Capacity, FaultInjection, JobMatch, JobScenario, RandomFaults, ScenarioControl } from './contracts';

/** A random fault for one request: its status, and whether it is answered after the request took effect. */
export interface RandomFault {
  status: number;
  retryAfterSeconds?: number;
  afterEffect: boolean;
}

const DEFAULT_FAULT_SERVICES = ['arm', 'keyvault', 'loganalytics', 'mlflow'];

/** mulberry32: a small seeded generator, so a chaos run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScenarioState extends ScenarioControl {
  /** The scenario that applies to a new job of this name and tags. */
  scenarioFor(jobName: string, tags?: Readonly<Record<string, string>>): JobScenario;
  /** The fault that applies to this request (consumes one use), if any. */
  takeFault(method: string, path: string): FaultInjection | undefined;
  /** Message of the scripted compute provisioning failure (consumed), if any. */
  takeComputeFailure(): string | undefined;
  keyVaultModel(): 'accessPolicy' | 'rbac';
  /** Log Analytics queries answer with a PartialError (alongside the tables) while set. */
  logAnalyticsPartialError(): string | undefined;
  /** The random fault for this request of `service`, if the dice say so. */
  takeRandomFault(service: string, method: string): RandomFault | undefined;
  /** What the preflight reads now (capacity.ts). */
  capacity(): Capacity;
  keyVaultSecretsDenied(): boolean;
}

/** Whether a job of this name and tags is one `match` names. */
const jobMatches = (match: JobMatch, name: string, tags: Readonly<Record<string, string>>): boolean =>
  typeof match === 'string' || match instanceof RegExp
    ? matches(match, name)
    : Object.entries(match.tags).every(([key, want]) => {
        const value = tags[key];
        return value !== undefined && (typeof want === 'string' ? value === want : want.test(value));
      });

const matches = (pattern: string | RegExp, value: string): boolean =>
  typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);

type RandomDraw = { spec: RandomFaults; next: () => number; turn: number };

/** The next random fault for a request to `service`, if the dice say so (advances the draw). */
function drawRandomFault(
  random: RandomDraw,
  service: Parameters<ScenarioState['takeRandomFault']>[0],
  method: string,
): ReturnType<ScenarioState['takeRandomFault']> {
  if (random.spec.statuses.length === 0) return undefined;
  if (!(random.spec.services ?? DEFAULT_FAULT_SERVICES).includes(service)) return undefined;
  if (random.next() >= random.spec.rate) return undefined;
  const status = random.spec.statuses[random.turn++ % random.spec.statuses.length]!;
  const write = method !== 'GET' && method !== 'HEAD';
  return {
    status,
    ...(random.spec.retryAfterSeconds !== undefined ? { retryAfterSeconds: random.spec.retryAfterSeconds } : {}),
    afterEffect: write && random.next() < (random.spec.afterEffectShare ?? 0.5),
  };
}

export function createScenarioState(): ScenarioState {
  let jobScenarios: { match: JobMatch; scenario: JobScenario }[] = [];
  let defaultScenario: JobScenario = {};
  let faults: (FaultInjection & { left: number })[] = [];
  let computeFailure: string | undefined;
  let kvModel: 'accessPolicy' | 'rbac' = 'accessPolicy';
  let partialError: string | undefined;
  let random: RandomDraw | undefined;
  let randomCount = 0;
  let capacity = defaultCapacity();
  let secretsDenied = false;

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
    setRandomFaults(faults) {
      random = faults ? { spec: faults, next: seeded(faults.seed ?? 1), turn: 0 } : undefined;
    },
    randomFaultCount: () => randomCount,
    takeRandomFault(service, method) {
      const fault = random && drawRandomFault(random, service, method);
      if (fault) randomCount += 1;
      return fault;
    },
    setCapacity(changes) {
      capacity = { ...capacity, ...changes };
    },
    capacity: () => capacity,
    setKeyVaultSecretsDenied(denied) {
      secretsDenied = denied;
    },
    keyVaultSecretsDenied: () => secretsDenied,
    reset() {
      capacity = defaultCapacity();
      secretsDenied = false;
      random = undefined;
      jobScenarios = [];
      defaultScenario = {};
      faults = [];
      computeFailure = undefined;
      partialError = undefined;
    },
    scenarioFor(jobName, tags = {}) {
      // The latest scenario set for a matching job wins.
      return jobScenarios.findLast((entry) => jobMatches(entry.match, jobName, tags))?.scenario ?? defaultScenario;
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
