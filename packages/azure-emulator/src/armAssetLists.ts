/**
 * ARM list routes of the code, environment and data assets (`mfe.json` 2022-10-01: CodeContainers_List,
 * CodeVersions_List, EnvironmentContainers_List, EnvironmentVersions_List, DataContainers_List, DataVersions_List),
 * which azure-ai-ml 1.4.0 calls: `data.get(name, label="latest")` lists `…/data/{name}/versions` with
 * `$orderBy=createdtime desc&$top=1` and takes the first item (`_utils/_asset_utils.py` `_get_latest`);
 * `environments.list()` and `data.list()` list the containers. Components too (ComponentContainers_Get and _List,
 * ComponentVersions_List): `components.create_or_update` of a component without a version reads its container's
 * `nextVersion` (`_utils/_asset_utils.py` `_get_next_version_from_container`; a 404 means version 1).
 *
 * Query parameters: `$orderBy` `createdtime asc|desc` (versions are immutable, so `modifiedtime` orders the same),
 * `$top` (a page's size; `nextLink` carries `$skip` to the rest), `$skip` (an offset, as this emulator's nextLink
 * gives it), `listViewType` (nothing is ever archived here). Anything else the emulator cannot honour (`$tags`, another
 * order) is refused with 400 rather than ignored. A name with no versions lists nothing.
 */
import { containerView, KINDS, versionsOf, view, type AssetVersion, type Guarded, type Kind } from './armAssets';
import { rx, systemData } from './armMlShared';
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS, workspaceId } from './ids';

/** One page of `items` as `$skip`/`$top` ask, with the `nextLink` to the rest (absent on the last page). */
export function page(req: EmuRequest, items: unknown[], baseUrl: string): EmuResponse {
  const skipParam = req.url.searchParams.get('$skip') ?? '0';
  const topParam = req.url.searchParams.get('$top');
  const skip = Number(skipParam);
  const top = topParam === null ? Infinity : Number(topParam);
  if (!Number.isInteger(skip) || skip < 0) return armError(400, 'BadRequest', `$skip '${skipParam}' is not an offset.`);
  if (topParam !== null && (!Number.isInteger(top) || top < 1)) {
    return armError(400, 'BadRequest', `$top '${topParam}' must be a whole number of at least 1.`);
  }
  const value = items.slice(skip, skip + top);
  if (skip + top >= items.length) return json(200, { value });
  const next = new URL(`${baseUrl}${req.path}${req.url.search}`);
  next.searchParams.set('$skip', String(skip + top));
  return json(200, { value, nextLink: next.toString() });
}

/** The versions in the order `$orderBy` asks, or the refusal of an order or filter the emulator cannot apply. */
export function ordered<T>(req: EmuRequest, items: T[]): T[] | EmuResponse {
  const params = req.url.searchParams;
  if (params.has('$tags')) return armError(400, 'BadRequest', 'The emulator does not filter asset versions by $tags.');
  const orderBy = (params.get('$orderBy') ?? 'createdtime asc').trim().toLowerCase();
  const m = /^(createdtime|modifiedtime)(?:\s+(asc|desc))?$/.exec(orderBy);
  if (!m) {
    return armError(400, 'BadRequest', `$orderBy '${orderBy}': the emulator orders by createdtime (asc or desc).`);
  }
  const shown = params.get('listViewType') === 'ArchivedOnly' ? [] : items;
  return m[2] === 'desc' ? [...shown].reverse() : shown;
}

export function assetListRoutes(deps: {
  guarded: Guarded;
  versions: Map<string, AssetVersion>;
  url: () => string;
}): Route[] {
  const names = (kind: Kind): string[] => [
    ...new Set([...deps.versions.keys()].filter((k) => k.startsWith(`${kind}/`)).map((k) => k.split('/')[1]!)),
  ];
  return KINDS.flatMap((kind): Route[] => [
    {
      method: 'GET',
      pattern: rx(`/${kind}`),
      handler: deps.guarded((req) => {
        const archivedOnly = req.url.searchParams.get('listViewType') === 'ArchivedOnly';
        const containers = archivedOnly ? [] : names(kind).map((name) => containerView(kind, name, deps.versions));
        return page(req, containers, deps.url());
      }),
    },
    {
      method: 'GET',
      pattern: rx(`/${kind}/([^/]+)/versions`),
      handler: deps.guarded((req, m) => {
        const name = decode(m[4]);
        const found = ordered(req, versionsOf(deps.versions, kind, name));
        if (!Array.isArray(found)) return found;
        const views = found.map(({ version, entry }) => view(kind, name, version, entry));
        return page(req, views, deps.url());
      }),
    },
  ]);
}

type ComponentVersions = Map<string, Map<string, { body: Record<string, unknown>; created: string }>>;

/** ComponentContainer: the versions registered under a component name, latest the one created last. */
function componentContainer(name: string, versions: ComponentVersions): Record<string, unknown> | undefined {
  const all = [...(versions.get(name)?.entries() ?? [])];
  const latest = all.at(-1);
  if (!latest) return undefined;
  const numeric = all.map(([version]) => Number(version)).filter(Number.isInteger);
  return {
    id: `${workspaceId()}/components/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/components',
    properties: {
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      latestVersion: latest[0],
      nextVersion: String(Math.max(0, ...numeric) + 1),
    },
    systemData: systemData(all[0]![1].created),
  };
}

export function componentListRoutes(deps: {
  guarded: Guarded;
  components: ComponentVersions;
  /** The component version as its GET answers it. */
  versionView: (name: string, version: string, entry: { body: Record<string, unknown>; created: string }) => unknown;
  url: () => string;
}): Route[] {
  return [
    {
      method: 'GET',
      pattern: rx('/components'),
      handler: deps.guarded((req) => {
        const archivedOnly = req.url.searchParams.get('listViewType') === 'ArchivedOnly';
        const names = archivedOnly ? [] : [...deps.components.keys()];
        return page(req, names.map((name) => componentContainer(name, deps.components)).filter(Boolean), deps.url());
      }),
    },
    {
      method: 'GET',
      pattern: rx('/components/([^/]+)'),
      handler: deps.guarded((_req, m) => {
        const name = decode(m[4]);
        const container = componentContainer(name, deps.components);
        return container
          ? json(200, container)
          : armError(
              404,
              'ResourceNotFound',
              `The component '${name}' was not found in workspace '${IDS.workspaceName}'.`,
            );
      }),
    },
    {
      method: 'GET',
      pattern: rx('/components/([^/]+)/versions'),
      handler: deps.guarded((req, m) => {
        const name = decode(m[4]);
        const found = ordered(req, [...(deps.components.get(name)?.entries() ?? [])]);
        if (!Array.isArray(found)) return found;
        return page(
          req,
          found.map(([version, entry]) => deps.versionView(name, version, entry)),
          deps.url(),
        );
      }),
    },
  ];
}
