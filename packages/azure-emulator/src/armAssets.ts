/**
 * ARM code and environment versions (api-version 2022-10-01, `mfe.json` CodeVersion / EnvironmentVersion):
 * `PUT/GET …/workspaces/{ws}/codes/{name}/versions/{version}` and `…/environments/{name}/versions/{version}`.
 * Versions are immutable, as in AzureML: the same body again → 200 with the existing version, a different one →
 * 409 `Conflict`. A code version needs `properties.codeUri`; an environment version needs `properties.image`.
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS, workspaceId } from './ids';
import { canonical, rx, systemData } from './armMl';

export interface AssetVersion {
  body: Record<string, unknown>;
  created: string;
}

type Kind = 'codes' | 'environments';
const TYPE: Record<Kind, string> = {
  codes: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
  environments: 'Microsoft.MachineLearningServices/workspaces/environments/versions',
};
const REQUIRED: Record<Kind, string> = { codes: 'codeUri', environments: 'image' };

function view(kind: Kind, name: string, version: string, entry: AssetVersion): Record<string, unknown> {
  const props = (entry.body.properties ?? {}) as Record<string, unknown>;
  const common = {
    description: (props.description as string | undefined) ?? null,
    tags: (props.tags as Record<string, string> | undefined) ?? {},
    properties: (props.properties as Record<string, string> | undefined) ?? {},
    isArchived: false,
    isAnonymous: props.isAnonymous === true,
  };
  const own =
    kind === 'codes'
      ? { codeUri: props.codeUri }
      : {
          image: props.image,
          ...(props.condaFile !== undefined ? { condaFile: props.condaFile } : {}),
          osType: (props.osType as string | undefined) ?? 'Linux',
          environmentType: 'UserCreated',
        };
  return {
    id: `${workspaceId()}/${kind}/${name}/versions/${version}`,
    name: version,
    type: TYPE[kind],
    properties: { ...common, ...own },
    systemData: systemData(entry.created),
  };
}

export function assetVersionRoutes(deps: {
  clock: Clock;
  guarded: (
    h: (req: EmuRequest, m: RegExpMatchArray) => EmuResponse,
  ) => (req: EmuRequest, m: RegExpMatchArray) => EmuResponse | Promise<EmuResponse>;
  versions: Map<string, AssetVersion>;
}): Route[] {
  const routes: Route[] = [];
  for (const kind of ['codes', 'environments'] as const) {
    const pattern = rx(`/${kind}/([^/]+)/versions/([^/]+)`);
    const key = (m: RegExpMatchArray): { name: string; version: string; id: string } => {
      const name = decode(m[4]);
      const version = decode(m[5]);
      return { name, version, id: `${kind}/${name}/${version}` };
    };
    routes.push(
      {
        method: 'GET',
        pattern,
        handler: deps.guarded((_req, m) => {
          const { name, version, id } = key(m);
          const entry = deps.versions.get(id);
          return entry
            ? json(200, view(kind, name, version, entry))
            : armError(
                404,
                'ResourceNotFound',
                `The ${kind === 'codes' ? 'code' : 'environment'} version '${name}:${version}' was not found in workspace '${IDS.workspaceName}'.`,
              );
        }),
      },
      {
        method: 'PUT',
        pattern,
        handler: deps.guarded((req, m) => {
          const { name, version, id } = key(m);
          const body = (req.body ?? {}) as Record<string, unknown>;
          const props = (body.properties ?? {}) as Record<string, unknown>;
          if (typeof props[REQUIRED[kind]] !== 'string' || !props[REQUIRED[kind]]) {
            return armError(400, 'UserError', `${name}:${version}: properties.${REQUIRED[kind]} is required.`);
          }
          const existing = deps.versions.get(id);
          if (existing) {
            if (canonical(existing.body.properties) !== canonical(body.properties)) {
              return armError(
                409,
                'Conflict',
                `${kind === 'codes' ? 'Code' : 'Environment'} '${name}' version '${version}' already exists with different properties. Versions are immutable: register the change under a new version.`,
              );
            }
            return json(200, view(kind, name, version, existing));
          }
          const entry = { body, created: new Date(deps.clock.now()).toISOString() };
          deps.versions.set(id, entry);
          return json(201, view(kind, name, version, entry));
        }),
      },
    );
  }
  return routes;
}
