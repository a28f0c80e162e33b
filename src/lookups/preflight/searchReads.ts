/**
 * The preflight's Search reads (data plane, api-version 2023-11-01, with the accelerator's admin key): the service's
 * index counter (`GET /servicestats`: `counters.indexesCount.usage`/`quota`, Azure/azure-rest-api-specs
 * `specification/search/data-plane/Azure.Search/stable/2023-11-01/searchservice.json`, GetServiceStatistics) and
 * the names of its indexes (`GET /indexes?$select=name`, ListIndexes). A 401/403 is the key's fault: a problem, not
 * "cannot tell".
 */
import type { Client } from '@azure-rest/core-client';
import type { Read, SearchFacts, SearchKeyRejected } from '../../core/preflight';
import type { Settings } from '../../core/settings';
import { failed } from './azureMlReads';

export const SEARCH_API_VERSION = '2023-11-01';

type Counter = { usage?: number; quota?: number | null };

/** Reads the index counter and names of the Search service the accelerator uses. */
export async function readSearch(settings: Settings, client: Client): Promise<Read<SearchFacts | SearchKeyRejected>> {
  const endpoint = settings.accelerator.azure_search_service_endpoint ?? '';
  const service = hostOf(endpoint);
  const secrets = [settings.accelerator.azure_search_admin_key];
  const query = { queryParameters: { 'api-version': SEARCH_API_VERSION } };
  try {
    const [stats, list] = await Promise.all([
      client.pathUnchecked('/servicestats').get(query),
      client.pathUnchecked('/indexes').get({ queryParameters: { ...query.queryParameters, $select: 'name' } }),
    ]);
    for (const r of [stats, list]) {
      if (r.status === '401' || r.status === '403') return { ok: true, value: { service, status: Number(r.status) } };
      if (r.status !== '200') return { ok: false, reason: `Search service ${service} answered HTTP ${r.status}.` };
    }
    const counter = ((stats.body as { counters?: { indexesCount?: Counter } }).counters?.indexesCount ?? {}) as Counter;
    if (typeof counter.usage !== 'number') {
      return { ok: false, reason: `Search service ${service} reported no index counter.` };
    }
    const names = ((list.body as { value?: { name?: string }[] }).value ?? []).map((i) => i.name ?? '');
    return {
      ok: true,
      value: { service, usage: counter.usage, quota: counter.quota ?? null, indexNames: names.filter(Boolean) },
    };
  } catch (err) {
    return failed(`Search service ${service}`, err, secrets);
  }
}

export const hostOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
};
