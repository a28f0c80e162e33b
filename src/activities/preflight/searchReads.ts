/**
 * The preflight's Search reads (data plane, api-version 2023-11-01, with the accelerator's admin key): the service's
 * index counter (`GET /servicestats`: `counters.indexesCount.usage`/`quota`, Azure/azure-rest-api-specs
 * `specification/search/data-plane/Azure.Search/stable/2023-11-01/searchservice.json`, GetServiceStatistics) and
 * the names of its indexes (`GET /indexes?$select=name`, ListIndexes).
 */
import type { Client } from '@azure-rest/core-client';
import type { Read, SearchFacts } from '../../core/preflight';
import type { Settings } from '../../core/settings';
import { failed } from './azureMlReads';

export const SEARCH_API_VERSION = '2023-11-01';

type Counter = { usage?: number; quota?: number | null };

/** Reads the index counter and names of the Search service the accelerator uses. */
export async function readSearch(settings: Settings, client: Client): Promise<Read<SearchFacts>> {
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
      if (r.status !== '200') {
        const action = r.status === '403' || r.status === '401' ? ' (check AZURE_SEARCH_ADMIN_KEY)' : '';
        return { ok: false, reason: `Search service ${service} answered HTTP ${r.status}${action}.` };
      }
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
