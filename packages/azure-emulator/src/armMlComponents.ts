/** AzureML ARM: component versions (immutable: a second PUT with another spec is a conflict). */
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { workspaceId } from './ids';
import { componentListRoutes } from './armAssetLists';
import { componentProblems } from './componentRules';
import { canonical, guarded, notFound, rx, systemData } from './armMlShared';
import type { MlDeps } from './armMlState';

const componentView = (name: string, version: string, entry: { body: Record<string, unknown>; created: string }) => {
  const props = (entry.body.properties ?? {}) as Record<string, unknown>;
  return {
    id: `${workspaceId()}/components/${name}/versions/${version}`,
    name: version,
    type: 'Microsoft.MachineLearningServices/workspaces/components/versions',
    properties: {
      description: (props.description as string | undefined) ?? null,
      tags: (props.tags as Record<string, string> | undefined) ?? {},
      properties: (props.properties as Record<string, string> | undefined) ?? {},
      isArchived: false,
      isAnonymous: false,
      componentSpec: props.componentSpec ?? {},
    },
    systemData: systemData(entry.created),
  };
};

const putComponent = (deps: MlDeps, req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
  const { state, clock } = deps;
  const name = decode(m[4]);
  const version = decode(m[5]);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const spec = (body.properties as Record<string, unknown> | undefined)?.componentSpec;
  if (!spec || typeof spec !== 'object') {
    return armError(
      400,
      'UserError',
      `Component '${name}' version '${version}': properties.componentSpec is required.`,
    );
  }
  const problems = componentProblems(name, spec as Record<string, unknown>);
  if (problems.length > 0) return armError(400, 'UserError', problems.join(' '));
  const versions = state.components.get(name) ?? new Map();
  const existing = versions.get(version);
  if (existing) {
    const existingSpec = (existing.body.properties as Record<string, unknown> | undefined)?.componentSpec;
    if (canonical(existingSpec) !== canonical(spec)) {
      return armError(
        409,
        'Conflict',
        `Component '${name}' version '${version}' already exists with a different spec. Component versions are immutable: register the change under a new version.`,
      );
    }
    return json(200, componentView(name, version, existing));
  }
  const entry = { body, created: new Date(clock.now()).toISOString() };
  versions.set(version, entry);
  state.components.set(name, versions);
  return json(201, componentView(name, version, entry));
};

export function componentRoutes(deps: MlDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: rx('/components/([^/]+)/versions/([^/]+)'),
      handler: guarded((_req, m) => {
        const entry = state.components.get(decode(m[4]))?.get(decode(m[5]));
        return entry
          ? json(200, componentView(decode(m[4]), decode(m[5]), entry))
          : notFound('component version', `${decode(m[4])}:${decode(m[5])}`);
      }),
    },
    {
      method: 'PUT',
      pattern: rx('/components/([^/]+)/versions/([^/]+)'),
      handler: guarded((req, m) => putComponent(deps, req, m)),
    },
    ...componentListRoutes({ guarded, components: state.components, versionView: componentView, url: deps.url }),
  ];
}
