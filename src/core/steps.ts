/**
 * Which pipeline step an AzureML step run belongs to. AzureML gives a pipeline's step runs generated ids (GUIDs)
 * and shows the node's display name as their name in MLflow, so neither can name the step. What it does record,
 * and what we control, is the component the node ran: the run history lists each child run with `name` = the
 * component's name and `properties["azureml.moduleName"]` = the same (see docs/activities.md, "Step runs").
 * Pure: no Azure import.
 */
import { COMPONENT_NAMES, type StepName } from './components';

/** Order of the accelerator's steps, for sorting and for naming the step that failed first. */
export const STEP_ORDER: readonly StepName[] = ['index', 'query', 'eval'];

/** Each component name, and its hyphenated form of earlier versions (`rag-accelerator-index`), for jobs already run. */
const STEP_OF_COMPONENT = new Map<string, StepName>(
  (Object.entries(COMPONENT_NAMES) as [StepName, string][]).flatMap(([step, component]) => [
    [component, step],
    [component.replace(/_/g, '-'), step],
  ]),
);

/** What a step run records that can name its step (the run history's child-run fields). */
export interface StepRunIdentity {
  /** Run history `name`: the component's name for a pipeline step run. */
  name?: string;
  properties?: Readonly<Record<string, string>>;
}

/** The step a child run ran, from its component name; undefined for a run of a component that is not ours. */
export function stepOfRun(run: StepRunIdentity): StepName | undefined {
  const component = run.properties?.['azureml.moduleName'] ?? run.name;
  return component === undefined ? undefined : STEP_OF_COMPONENT.get(component);
}

/** Rank of a step name for sorting (unknown names last). */
export const stepRank = (name: string): number => {
  const i = STEP_ORDER.indexOf(name as StepName);
  return i < 0 ? STEP_ORDER.length : i;
};

/**
 * The second key, which the app controls too: the job's own nodes. A node's key is its step (`index`, `query`,
 * `eval`); AzureML shows the node's `display_name` (else its key) as the step run's `displayName`. Maps each such
 * name to its step; a name two nodes share names neither.
 */
export function stepsByNodeName(nodes: unknown): Map<string, StepName> {
  const byName = new Map<string, StepName | null>();
  const note = (name: unknown, step: StepName): void => {
    if (typeof name !== 'string' || !name) return;
    const seen = byName.get(name);
    byName.set(name, seen === undefined || seen === step ? step : null);
  };
  const entries = nodes && typeof nodes === 'object' ? Object.entries(nodes as Record<string, unknown>) : [];
  for (const [key, node] of entries) {
    if (!(STEP_ORDER as readonly string[]).includes(key)) continue;
    const step = key as StepName;
    const displayName = node && typeof node === 'object' ? (node as { display_name?: unknown }).display_name : '';
    note(typeof displayName === 'string' && displayName ? displayName : key, step);
  }
  return new Map([...byName].flatMap(([name, step]) => (step ? [[name, step] as const] : [])));
}

/** A step run's step, and a note when its two keys (component name, node display name) disagree. */
export interface StepIdentification {
  step?: StepName;
  note?: string;
}

/**
 * The step of a child run: by the component it ran (`stepOfRun`), else by its display name among the job's nodes
 * (`stepsByNodeName`). A note says when one key finds no step or the two find different steps (the component
 * wins then).
 */
export function identifyStep(
  run: StepRunIdentity & { runId: string; displayName?: string },
  byNodeName: ReadonlyMap<string, StepName>,
): StepIdentification {
  const byComponent = stepOfRun(run);
  const byName = run.displayName === undefined ? undefined : byNodeName.get(run.displayName);
  const component = run.properties?.['azureml.moduleName'] ?? run.name ?? '(none)';
  const label = `step run ${run.runId} (component ${component}, display name ${run.displayName ?? '(none)'})`;
  if (byComponent && byName && byComponent !== byName) {
    return {
      step: byComponent,
      note: `${label}: its component names step ${byComponent}, its display name step ${byName}; taking ${byComponent}.`,
    };
  }
  if (!byComponent && byName) {
    return {
      step: byName,
      note: `${label}: no step has that component (expected one of ${Object.values(COMPONENT_NAMES).join(', ')}); identified as ${byName} by its display name.`,
    };
  }
  return byComponent ? { step: byComponent } : {};
}
