/** registerComponents: registers the plan's component versions (content-hash versions: a GET finds them). */
import type { ComponentVersion } from '@azure/arm-machinelearning';
import { type ActivityResult, type RegisterComponentsInput, type RegisterComponentsOutput } from '../core/contracts';
import { type ActivityDeps } from './deps';
import { CHECK_WORKSPACE, mlTarget } from './mlTargets';
import { ok, permanentOrThrow, statusOf } from './result';

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runRegisterComponents(
  input: RegisterComponentsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<RegisterComponentsOutput>> {
  const { settings, clients, log } = deps;
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
