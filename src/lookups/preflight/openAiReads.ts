/**
 * The preflight's Azure OpenAI read, through ARM (Cognitive Services 2023-05-01, Azure/azure-rest-api-specs
 * `specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2023-05-01/cognitiveservices.json`:
 * `Accounts_List`, `Deployments_List`). The app knows only OPENAI_ENDPOINT, so it finds the account in the
 * workspace's subscription whose `properties.endpoint` is that endpoint, then lists its deployments with their
 * models. ARM rather than the data-plane `GET /openai/deployments`: the deployments list left the data plane after
 * the 2023-03-15-preview authoring API (deployments are managed in ARM), and ARM needs only Reader for the app's
 * identity, not the account's key.
 */
import type { Client } from '@azure-rest/core-client';
import type { DeploymentFacts, Read } from '../../core/preflight';
import type { Settings } from '../../core/settings';
import { failed } from './azureMlReads';
import { hostOf } from './searchReads';

export const COGNITIVE_API_VERSION = '2023-05-01';

interface Account {
  id?: string;
  name?: string;
  properties?: { endpoint?: string; endpoints?: Record<string, string> };
}
interface Deployment {
  name?: string;
  properties?: { model?: { name?: string; version?: string }; provisioningState?: string };
}

const sameHost = (a: string | undefined, b: string): boolean =>
  !!a && hostOf(a).toLowerCase() === hostOf(b).toLowerCase();

/** Every page of an ARM list. */
async function listAll<T>(
  client: Client,
  path: string,
): Promise<{ ok: true; items: T[] } | { ok: false; status: string }> {
  const items: T[] = [];
  let next: string | undefined = path;
  let query: Record<string, string> | undefined = { 'api-version': COGNITIVE_API_VERSION };
  while (next) {
    const r = await client.pathUnchecked(next).get(query ? { queryParameters: query } : {});
    if (r.status !== '200') return { ok: false, status: r.status };
    const body = r.body as { value?: T[]; nextLink?: string };
    items.push(...(body.value ?? []));
    next = body.nextLink ?? undefined;
    query = undefined;
  }
  return { ok: true, items };
}

export async function readDeployments(settings: Settings, arm: Client): Promise<Read<DeploymentFacts>> {
  const endpoint = settings.accelerator.openai_endpoint ?? '';
  try {
    const accounts = await listAll<Account>(
      arm,
      `/subscriptions/${settings.subscriptionId}/providers/Microsoft.CognitiveServices/accounts`,
    );
    if (!accounts.ok) {
      return {
        ok: false,
        reason: `the Cognitive Services accounts of subscription ${settings.subscriptionId} answered HTTP ${accounts.status}.`,
      };
    }
    const account = accounts.items.find(
      (a) =>
        sameHost(a.properties?.endpoint, endpoint) ||
        Object.values(a.properties?.endpoints ?? {}).some((e) => sameHost(e, endpoint)),
    );
    if (!account?.id) {
      return {
        ok: false,
        reason: `no Azure OpenAI account in subscription ${settings.subscriptionId} has the endpoint ${hostOf(endpoint)} (OPENAI_ENDPOINT).`,
      };
    }
    const name = account.name ?? account.id;
    const deployments = await listAll<Deployment>(arm, `${account.id}/deployments`);
    if (!deployments.ok)
      return { ok: false, reason: `the deployments of ${name} answered HTTP ${deployments.status}.` };
    return {
      ok: true,
      value: {
        account: name,
        deployments: deployments.items.map((d) => ({
          name: d.name ?? '',
          model: d.properties?.model?.name ?? 'unknown model',
          version: d.properties?.model?.version ?? '',
          state: d.properties?.provisioningState ?? 'Unknown',
        })),
      },
    };
  } catch (err) {
    return failed(`Azure OpenAI account of ${hostOf(endpoint)}`, err);
  }
}
