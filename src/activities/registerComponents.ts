/** registerComponents: registers the plan's component versions (content-hash versions: a GET finds them). */
import type { ComponentVersion } from '@azure/arm-machinelearning';
import { type ActivityResult, type RegisterComponentsInput, type RegisterComponentsOutput } from './contracts';
import { missingSettings, WORKSPACE_SETTINGS, type ActivityDeps, redacting } from './deps';
import { CHECK_WORKSPACE, mlTarget, workspaceLabel } from './mlTargets';
import { fail, ok, permanentOrThrow, statusOf } from './result';

async function runRegisterComponents(
  input: RegisterComponentsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<RegisterComponentsOutput>> {
  const { settings, clients, log } = deps;
  const missing = missingSettings(settings, WORKSPACE_SETTINGS, workspaceLabel(settings));
  if (missing) return fail(missing);
  const ml = clients.ml();
  const registered: string[] = [];
  const existing: string[] = [];
  for (const component of input.components) {
    const target = mlTarget(settings, `component ${component.name} version ${component.version}`, CHECK_WORKSPACE);
    try {
      await ml.componentVersions.get(settings.resourceGroup, settings.workspaceName, component.name, component.version);
      existing.push(component.id);
      continue;
    } catch (err) {
      if (statusOf(err) !== 404) return permanentOrThrow(err, target);
    }
    try {
      await ml.componentVersions.createOrUpdate(
        settings.resourceGroup,
        settings.workspaceName,
        component.name,
        component.version,
        component.body as unknown as ComponentVersion,
      );
    } catch (err) {
      return permanentOrThrow(err, target);
    }
    registered.push(component.id);
  }
  log(`registerComponents: ${registered.length} registered, ${existing.length} already present`);
  return ok({ registered, existing });
}

/** registerComponents, its logs, failures and errors redacted of secret values. */
export const registerComponents = redacting(runRegisterComponents);
