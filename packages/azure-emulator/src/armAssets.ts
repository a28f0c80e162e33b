/**
 * ARM code, environment and data versions (api-version 2022-10-01, `mfe.json` CodeVersion / EnvironmentVersion /
 * DataVersionBase): `PUT/GET …/workspaces/{ws}/codes|environments|data/{name}/versions/{version}`, and the
 * containers `GET …/codes|environments|data/{name}` (`latestVersion`, `nextVersion`; a DataContainer adds `dataType`),
 * which azure-ai-ml reads for the next version of an asset created without one, and later versions of it to resolve
 * `azureml:<name>@latest` (`_utils/_asset_utils.py` `_get_latest_version_from_container`; 1.4.0's
 * `data.get(label="latest")` lists the versions instead, see armAssetLists.ts).
 * Versions are immutable, as in AzureML: the same body again → 200 with the existing version, a different one →
 * 409 `Conflict`. A code version needs `properties.codeUri`, an environment version `properties.image`, a data
 * version `properties.dataUri` and `properties.dataType`. The latest version is the one created last.
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS, workspaceId } from './ids';
import { canonical, rx, systemData } from './armMlShared';

export interface AssetVersion {
  body: Record<string, unknown>;
  created: string;
}

export type Kind = 'codes' | 'environments' | 'data';
export const KINDS: readonly Kind[] = ['codes', 'environments', 'data'];
const TYPE: Record<Kind, string> = {
  codes: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
  environments: 'Microsoft.MachineLearningServices/workspaces/environments/versions',
  data: 'Microsoft.MachineLearningServices/workspaces/data/versions',
};
const REQUIRED: Record<Kind, readonly string[]> = {
  codes: ['codeUri'],
  environments: ['image'],
  data: ['dataUri', 'dataType'],
};
const NOUN: Record<Kind, string> = { codes: 'code', environments: 'environment', data: 'data' };

/** What each kind's version holds besides the common asset fields. */
function ownProperties(kind: Kind, props: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'codes') return { codeUri: props.codeUri };
  if (kind === 'data') return { dataType: props.dataType, dataUri: props.dataUri };
  return {
    image: props.image,
    ...(props.condaFile !== undefined ? { condaFile: props.condaFile } : {}),
    osType: (props.osType as string | undefined) ?? 'Linux',
    environmentType: 'UserCreated',
  };
}

export function view(kind: Kind, name: string, version: string, entry: AssetVersion): Record<string, unknown> {
  const props = (entry.body.properties ?? {}) as Record<string, unknown>;
  const common = {
    description: (props.description as string | undefined) ?? null,
    tags: (props.tags as Record<string, string> | undefined) ?? {},
    properties: (props.properties as Record<string, string> | undefined) ?? {},
    isArchived: false,
    isAnonymous: props.isAnonymous === true,
  };
  return {
    id: `${workspaceId()}/${kind}/${name}/versions/${version}`,
    name: version,
    type: TYPE[kind],
    properties: { ...common, ...ownProperties(kind, props) },
    systemData: systemData(entry.created),
  };
}

/** The versions registered under `kind`/`name`, oldest first (the order they were created in). */
export function versionsOf(
  versions: Map<string, AssetVersion>,
  kind: Kind,
  name: string,
): { version: string; entry: AssetVersion }[] {
  const prefix = `${kind}/${name}/`;
  return [...versions.entries()]
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, entry]) => ({ version: key.slice(prefix.length), entry }));
}

/**
 * A container (`GET …/{kind}/{name}`, AssetContainer: `latestVersion`, `nextVersion`; a data container adds its
 * `dataType`), from the versions registered under it; undefined when it has none.
 */
export function containerView(
  kind: Kind,
  name: string,
  versions: Map<string, AssetVersion>,
): Record<string, unknown> | undefined {
  const all = versionsOf(versions, kind, name);
  const latest = all.at(-1);
  if (!latest) return undefined;
  const numeric = all.map(({ version }) => Number(version)).filter(Number.isInteger);
  return {
    id: `${workspaceId()}/${kind}/${name}`,
    name,
    type: TYPE[kind].replace(/\/versions$/, ''),
    properties: {
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      ...(kind === 'data' ? { dataType: (latest.entry.body.properties as Record<string, unknown>).dataType } : {}),
      latestVersion: latest.version,
      nextVersion: String(Math.max(0, ...numeric) + 1),
    },
    systemData: systemData(all[0]!.entry.created),
  };
}

/**
 * A container (`GET …/{kind}/{name}`); for data, what the AzureML SDK reads to resolve `azureml:<name>@latest`, and
 * for every kind, what it reads for the next version of an asset created without one.
 */
function containerRoute(kind: Kind, deps: { guarded: Guarded; versions: Map<string, AssetVersion> }): Route {
  return {
    method: 'GET',
    pattern: rx(`/${kind}/([^/]+)`),
    handler: deps.guarded((_req, m) => {
      const name = decode(m[4]);
      const container = containerView(kind, name, deps.versions);
      return container
        ? json(200, container)
        : armError(
            404,
            'ResourceNotFound',
            `The ${NOUN[kind]} asset '${name}' was not found in workspace '${IDS.workspaceName}'.`,
          );
    }),
  };
}

export type Guarded = (
  h: (req: EmuRequest, m: RegExpMatchArray) => EmuResponse,
) => (req: EmuRequest, m: RegExpMatchArray) => EmuResponse | Promise<EmuResponse>;

export function assetVersionRoutes(deps: {
  clock: Clock;
  guarded: Guarded;
  versions: Map<string, AssetVersion>;
}): Route[] {
  const routes: Route[] = KINDS.map((kind) => containerRoute(kind, deps));
  for (const kind of KINDS) {
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
                `The ${NOUN[kind]} version '${name}:${version}' was not found in workspace '${IDS.workspaceName}'.`,
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
          const missing = REQUIRED[kind].find((field) => typeof props[field] !== 'string' || !props[field]);
          if (missing) return armError(400, 'UserError', `${name}:${version}: properties.${missing} is required.`);
          const existing = deps.versions.get(id);
          if (existing) {
            if (canonical(existing.body.properties) !== canonical(body.properties)) {
              return armError(
                409,
                'Conflict',
                `The ${NOUN[kind]} asset '${name}' version '${version}' already exists with different properties. Versions are immutable: register the change under a new version.`,
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
