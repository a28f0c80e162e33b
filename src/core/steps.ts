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
