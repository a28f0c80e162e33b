/**
 * What AzureML refuses in a component version PUT, beyond the REST spec (which types `componentSpec` as a plain
 * object): a name outside the documented pattern (CLI v2 component YAML reference: a lower-case letter, then
 * lower-case letters, digits and `_`, at most 255; azure-ai-ml 1.4.0 `_schema/core/fields.py` refuses the same), and
 * a code or environment named by a short `azureml:<name>:<version>` where the service takes the versioned ARM id
 * (`azureml:/subscriptions/…/codes/<name>/versions/<version>`: azure-ai-ml resolves every asset to that form before
 * it registers a component; it keeps only a curated environment's short form, `azureml:AzureML-…`, which the service
 * expands).
 */
const NAME = /^[a-z][a-z0-9_]{0,254}$/;
const ARM_ID =
  /^azureml:\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(codes|environments)\/[^/]+\/versions\/[^/]+$/i;

type Spec = Record<string, unknown>;

/** Where a spec names its code and environment: top level (command) or under `task` (parallel). */
function assetRefs(spec: Spec): { path: string; kind: 'codes' | 'environments'; value: unknown }[] {
  const task = spec.task && typeof spec.task === 'object' ? (spec.task as Spec) : undefined;
  const at = task ? { holder: task, prefix: 'componentSpec.task' } : { holder: spec, prefix: 'componentSpec' };
  return [
    { path: `${at.prefix}.code`, kind: 'codes', value: at.holder.code },
    { path: `${at.prefix}.environment`, kind: 'environments', value: at.holder.environment },
  ];
}

/** Every reason AzureML would refuse this component version (empty when it accepts it). */
export function componentProblems(name: string, spec: Spec): string[] {
  const problems: string[] = [];
  if (!NAME.test(name)) {
    problems.push(
      `Component name '${name}' is invalid: it must start with a lower-case letter and contain only lower-case ` +
        'letters, digits and underscores (at most 255 characters).',
    );
  }
  for (const ref of assetRefs(spec)) {
    if (typeof ref.value !== 'string' || !ref.value.startsWith('azureml:')) continue; // inline or absent
    if (ref.kind === 'environments' && ref.value.startsWith('azureml:AzureML-')) continue; // curated
    const match = ARM_ID.exec(ref.value);
    if (!match || match[1]?.toLowerCase() !== ref.kind) {
      problems.push(
        `${ref.path} '${ref.value}' is not a versioned ARM id: name it as ` +
          `azureml:/subscriptions/…/workspaces/<workspace>/${ref.kind}/<name>/versions/<version>.`,
      );
    }
  }
  return problems;
}
