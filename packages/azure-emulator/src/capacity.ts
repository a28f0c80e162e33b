/**
 * What the app's preflight reads, with values a test can set (`scenario.setCapacity`):
 * - AzureML `Usages_List` and `VirtualMachineSizes_List` (ARM 2022-10-01, machineLearningServices.json: checked by
 *   oav like the rest of AzureML);
 * - Cognitive Services `Accounts_List` (subscription) and `Deployments_List` (ARM 2023-05-01, Azure/azure-rest-api-specs
 *   `specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2023-05-01/cognitiveservices.json`;
 *   not in shared/azure-specs, so not checked by oav): one Azure OpenAI account whose endpoint is the emulator;
 * - Azure AI Search `GET /servicestats` and `GET /indexes` (data plane 2023-11-01, searchservice.json), at the
 *   emulator's root with the `api-key` header.
 * Usage names: `<family>` per VM family and `TotalDedicatedCores` for the region, with Azure's localized labels.
 */
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS } from './ids';
import { ML_API_VERSION } from './armMlVersions';
import type { Capacity } from './contracts';

export const defaultCapacity = (): Capacity => ({
  vcpus: { standardDSv2Family: { limit: 24 }, standardDv3Family: { limit: 24 }, standardNCFamily: { limit: 0 } },
  regionalVcpus: { limit: 100 },
  searchIndexQuota: 50,
  searchIndexes: [],
  openAiDeployments: [
    { name: 'gpt-35-turbo', model: 'gpt-35-turbo', version: '0125' },
    { name: 'text-embedding-ada-002', model: 'text-embedding-ada-002', version: '2' },
    { name: 'text-embedding-3-small', model: 'text-embedding-3-small', version: '1' },
    { name: 'text-embedding-3-large', model: 'text-embedding-3-large', version: '1' },
  ],
  callerActions: ['*'],
  searchRejectedKeys: [],
});

/** VM sizes AzureML offers in the emulated region (a few, with Azure's figures). */
const VM_SIZES = [
  { name: 'Standard_DS3_v2', family: 'standardDSv2Family', vCPUs: 4, gpus: 0, memoryGB: 14 },
  { name: 'Standard_DS4_v2', family: 'standardDSv2Family', vCPUs: 8, gpus: 0, memoryGB: 28 },
  { name: 'Standard_D4_v3', family: 'standardDv3Family', vCPUs: 4, gpus: 0, memoryGB: 16 },
  { name: 'Standard_NC6', family: 'standardNCFamily', vCPUs: 6, gpus: 1, memoryGB: 56 },
];

const FAMILY_LABELS: Record<string, string> = {
  standardDSv2Family: 'Standard DSv2 Family Cluster Dedicated vCPUs',
  standardDv3Family: 'Standard Dv3 Family Cluster Dedicated vCPUs',
  standardNCFamily: 'Standard NC Family Cluster Dedicated vCPUs',
};

export const COGNITIVE_API_VERSION = '2023-05-01';
export const OPENAI_ACCOUNT = 'rag-experiments-openai';
const SUB = '([^/]+)';

function armChecks(req: EmuRequest, subscription: string, apiVersion: string): EmuResponse | undefined {
  const got = req.url.searchParams.get('api-version');
  if (got !== apiVersion) {
    return armError(
      400,
      got ? 'InvalidApiVersionParameter' : 'MissingApiVersionParameter',
      `The api-version '${got ?? ''}' is invalid. The emulator supports '${apiVersion}'.`,
    );
  }
  if (decode(subscription).toLowerCase() !== IDS.subscriptionId) {
    return armError(404, 'SubscriptionNotFound', `The subscription '${decode(subscription)}' could not be found.`);
  }
  return undefined;
}

const locationCheck = (location: string): EmuResponse | undefined =>
  decode(location).toLowerCase() === IDS.region ? undefined : json(200, { value: [] });

const mlLocation = (tail: string) =>
  new RegExp(`^/subscriptions/${SUB}/providers/Microsoft\\.MachineLearningServices/locations/([^/]+)/${tail}/?$`, 'i');
const accountId = `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${OPENAI_ACCOUNT}`;
const usages = (c: Capacity) => {
  const entry = (name: string, label: string, limit: number, current = 0) => ({
    id: `/subscriptions/${IDS.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${IDS.region}/usages/${name}`,
    type: 'Microsoft.MachineLearningServices/totalCores/usages',
    unit: 'Count',
    currentValue: current,
    limit,
    name: { value: name, localizedValue: label },
  });
  return [
    entry(
      'TotalDedicatedCores',
      'Total Cluster Dedicated Regional vCPUs',
      c.regionalVcpus.limit,
      c.regionalVcpus.current,
    ),
    ...Object.entries(c.vcpus).map(([family, q]) => ({
      ...entry(family, FAMILY_LABELS[family] ?? `${family} Cluster Dedicated vCPUs`, q.limit, q.current),
      type: 'Microsoft.MachineLearningServices/vmFamily/usages',
    })),
  ];
};

/** ARM routes for AzureML capacity: the caller's permissions, usages and VM sizes. */
function mlCapacityRoutes(capacity: () => Capacity): Route[] {
  return [
    {
      // Permissions_ListForResource / _ListForResourceGroup (authorization, 2022-04-01): the caller's actions.
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/.*\/providers\/Microsoft\.Authorization\/permissions\/?$/i,
      handler: (req, m) =>
        armChecks(req, m[1]!, '2022-04-01') ??
        json(200, {
          value: [{ actions: capacity().callerActions, notActions: [], dataActions: [], notDataActions: [] }],
        }),
    },
    {
      method: 'GET',
      pattern: mlLocation('usages'),
      handler: (req, m) =>
        armChecks(req, m[1]!, ML_API_VERSION) ?? locationCheck(m[2]!) ?? json(200, { value: usages(capacity()) }),
    },
    {
      method: 'GET',
      pattern: mlLocation('vmSizes'),
      handler: (req, m) =>
        armChecks(req, m[1]!, ML_API_VERSION) ??
        locationCheck(m[2]!) ??
        json(200, {
          value: VM_SIZES.map((s) => ({
            ...s,
            osVhdSizeMB: 1047552,
            maxResourceVolumeMB: s.vCPUs * 7168,
            lowPriorityCapable: true,
            premiumIO: true,
            supportedComputeTypes: ['AmlCompute', 'ComputeInstance'],
          })),
        }),
    },
  ];
}

/** ARM routes for Azure OpenAI: the Cognitive Services account and its deployments. */
function cognitiveRoutes(capacity: () => Capacity, url: () => string): Route[] {
  return [
    {
      method: 'GET',
      pattern: new RegExp(`^/subscriptions/${SUB}/providers/Microsoft\\.CognitiveServices/accounts/?$`, 'i'),
      handler: (req, m) =>
        armChecks(req, m[1]!, COGNITIVE_API_VERSION) ??
        json(200, {
          value: [
            {
              id: accountId,
              name: OPENAI_ACCOUNT,
              type: 'Microsoft.CognitiveServices/accounts',
              location: IDS.region,
              kind: 'OpenAI',
              sku: { name: 'S0' },
              properties: {
                endpoint: `${url()}/`,
                provisioningState: 'Succeeded',
                customSubDomainName: OPENAI_ACCOUNT,
              },
            },
          ],
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(
        `^/subscriptions/${SUB}/resourceGroups/([^/]+)/providers/Microsoft\\.CognitiveServices/accounts/([^/]+)/deployments/?$`,
        'i',
      ),
      handler: (req, m) => {
        const bad = armChecks(req, m[1]!, COGNITIVE_API_VERSION);
        if (bad) return bad;
        if (decode(m[2]).toLowerCase() !== IDS.resourceGroup || decode(m[3]).toLowerCase() !== OPENAI_ACCOUNT) {
          return armError(
            404,
            'ResourceNotFound',
            `The Resource 'Microsoft.CognitiveServices/accounts/${decode(m[3])}' under resource group '${decode(m[2])}' was not found.`,
          );
        }
        return json(200, {
          value: capacity().openAiDeployments.map((d) => ({
            id: `${accountId}/deployments/${d.name}`,
            name: d.name,
            type: 'Microsoft.CognitiveServices/accounts/deployments',
            sku: { name: 'Standard', capacity: 120 },
            properties: {
              model: { format: 'OpenAI', name: d.model, version: d.version ?? '1' },
              provisioningState: d.state ?? 'Succeeded',
            },
          })),
        });
      },
    },
  ];
}

/** ARM routes: AzureML usages and VM sizes, Cognitive Services accounts and deployments. */
export function capacityArmRoutes(capacity: () => Capacity, url: () => string): Route[] {
  return [...mlCapacityRoutes(capacity), ...cognitiveRoutes(capacity, url)];
}

export const SEARCH_API_VERSION = '2023-11-01';

/** Search data plane: service statistics and the index list, with the `api-key` header (any key not rejected). */
export function searchRoutes(capacity: () => Capacity): Route[] {
  const guard = (req: EmuRequest): EmuResponse | undefined => {
    const key = req.headers['api-key'];
    if (!key || capacity().searchRejectedKeys.includes(key)) {
      return json(403, { error: { code: '', message: 'Authorization failed: the api-key is missing or not valid.' } });
    }
    if (req.url.searchParams.get('api-version') !== SEARCH_API_VERSION) {
      return json(400, {
        error: {
          code: '',
          message: `Invalid or missing api-version query string parameter; the emulator supports '${SEARCH_API_VERSION}'.`,
        },
      });
    }
    return undefined;
  };
  return [
    {
      method: 'GET',
      pattern: /^\/servicestats\/?$/,
      handler: (req) => {
        const c = capacity();
        const n = c.searchIndexes.length;
        return (
          guard(req) ??
          json(200, {
            counters: {
              documentCount: { usage: n * 1200, quota: null },
              indexesCount: { usage: n, quota: c.searchIndexQuota },
              indexersCount: { usage: 0, quota: c.searchIndexQuota },
              dataSourcesCount: { usage: 0, quota: c.searchIndexQuota },
              storageSize: { usage: n * 1_048_576, quota: 26_843_545_600 },
              synonymMaps: { usage: 0, quota: 5 },
              skillsetCount: { usage: 0, quota: c.searchIndexQuota },
              vectorIndexSize: { usage: 0, quota: 1_073_741_824 },
            },
            limits: {
              maxFieldsPerIndex: 1000,
              maxFieldNestingDepthPerIndex: 10,
              maxComplexCollectionFieldsPerIndex: 40,
              maxComplexObjectsInCollectionsPerDocument: 3000,
            },
          })
        );
      },
    },
    {
      method: 'GET',
      pattern: /^\/indexes\/?$/,
      handler: (req) => guard(req) ?? json(200, { value: capacity().searchIndexes.map((name) => ({ name })) }),
    },
  ];
}
