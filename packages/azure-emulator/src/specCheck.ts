/**
 * Checks recorded emulator traffic against Azure's own REST specs with Azure's validator `oav` (live validator):
 * AzureML ARM 2022-10-01 (machineLearningServices.json, mfe.json), Key Vault secrets 2025-07-01 and Log Analytics
 * query v1, from `<repo>/../shared/azure-specs` (or AZURE_SPECS_DIR). Exchanges of services without a spec here
 * (MLflow, managed identity, Key Vault management, authorization, AzureML operation-status URLs) are skipped and
 * counted, as are AzureML exchanges at another api-version than the spec's (azure-ai-ml 1.4.0 sends 2022-10-01-preview
 * and 2022-05-01 for some resources; their specs are not here). When the specs folder is absent the whole check is skipped with a message.
 *
 * URL rewrites before validation (documented in README.md):
 * - Log Analytics: `?api-version=v1` is added (the API version is a path segment; oav matches on the query).
 * - Key Vault: `GET /secrets/{name}/` (latest version, as the JS SDK sends it) becomes `/secrets/{name}/latest`
 *   (oav does not match an empty path parameter); `/secrets/{name}/versions` is matched to GetSecretVersions
 *   explicitly (oav finds it ambiguous with GetSecret).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RecordedExchange } from './contracts';
import { repoRoot } from './tls';

export interface SpecViolation {
  method: string;
  url: string;
  status: number;
  service: string;
  operationId?: string;
  /** Which half diverged, or `operation` when no spec operation matches the request. */
  where: 'request' | 'response' | 'operation';
  code: string;
  message: string;
  /** JSON path(s) in the payload. */
  paths?: string[];
}

export interface SpecCheckReport {
  /** Why nothing was checked (specs absent), if so. */
  skipped?: string;
  checked: number;
  /** Exchanges not checked because no spec for them is available here, by reason. */
  notCovered: Record<string, number>;
  violations: SpecViolation[];
  /** Known spec gaps met (see KNOWN_SPEC_GAPS), by reason. */
  tolerated: Record<string, number>;
  /** Milliseconds spent initialising oav in this process (0 when cached). */
  initMs: number;
}

/**
 * Divergences where the real service (as recorded in shared/azure-specs/recordings) answers more than the spec
 * allows; the emulator answers like the service, and these are tolerated (counted in the report, not violations).
 */
export const KNOWN_SPEC_GAPS: { service: string; code: string; path: RegExp; why: string }[] = [
  {
    service: 'loganalytics',
    code: 'OBJECT_ADDITIONAL_PROPERTIES',
    path: /^\/error\/correlationId$/,
    why: 'recorded 400 BadArgumentError carries error.correlationId, which ErrorInfo does not declare',
  },
  {
    service: 'loganalytics',
    code: 'OBJECT_ADDITIONAL_PROPERTIES',
    path: /^\/error\/details\/\d+\/innererror$/,
    why: 'recorded PartialError details carry innererror, which ErrorDetail does not declare',
  },
];

/** The api-version of the AzureML specs in SPEC_FILES. */
const ML_SPEC_VERSION = '2022-10-01';

export const SPEC_FILES = [
  'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/machineLearningServices.json',
  'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/mfe.json',
  'specification/keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/secrets.json',
  'specification/monitor/data-plane/Microsoft.OperationalInsights/stable/v1/OperationalInsights.json',
];

export function specsDir(): string {
  return process.env.AZURE_SPECS_DIR ?? path.resolve(repoRoot(), '..', 'shared', 'azure-specs');
}

/* eslint-disable @typescript-eslint/no-explicit-any -- oav's internal operation types are not exported. */
type Validator = any;
let validatorPromise: Promise<{ validator: Validator; initMs: number }> | undefined;
let initReported = false;

function loadValidator(dir: string): Promise<{ validator: Validator; initMs: number }> {
  validatorPromise ??= (async () => {
    const started = Date.now();
    // Required lazily: oav is a dev dependency and slow to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const oav = require('oav') as { LiveValidator: new (options: unknown, log?: unknown) => Validator };
    const validator = new oav.LiveValidator(
      {
        directory: dir,
        swaggerPathsPattern: SPEC_FILES,
        excludedSwaggerPathsPattern: ['**/examples/**'],
        git: { shouldClone: false },
        isPathCaseSensitive: false,
        loadValidatorInBackground: false,
        loadValidatorInInitialize: true,
      },
      () => undefined, // oav's own logging (warnings about unbucketed data-plane paths) is noise here
    );
    await validator.initialize();
    return { validator, initMs: Date.now() - started };
  })();
  return validatorPromise;
}

/** Where an exchange goes for validation, or why it is not covered. */
function route(e: RecordedExchange): { url: string; forceOperation?: string } | { notCovered: string } {
  // The Key Vault SDK percent-encodes the hyphen (`api%2Dversion`); oav only knows `api-version`.
  const u = new URL(e.url.replace(/api%2Dversion=/gi, 'api-version='));
  if (e.service === 'arm') {
    // Authorization on a workspace (`…/workspaces/{ws}/providers/Microsoft.Authorization/permissions`) is not AzureML.
    if (/\/providers\/Microsoft\.Authorization\//i.test(u.pathname))
      return { notCovered: 'authorization (no spec here)' };
    if (!/\/providers\/Microsoft\.MachineLearningServices\//i.test(u.pathname)) {
      return {
        notCovered: /Microsoft\.CognitiveServices/i.test(u.pathname)
          ? 'Cognitive Services (no spec here)'
          : 'Key Vault management (no spec here)',
      };
    }
    if (/\/(computeOperationsStatus|mfeOperationResults)\//i.test(u.pathname)) {
      return { notCovered: 'AzureML operation status (not in the spec)' };
    }
    const apiVersion = u.searchParams.get('api-version');
    if (apiVersion !== null && apiVersion !== ML_SPEC_VERSION) {
      return { notCovered: `AzureML api-version ${apiVersion} (no spec here)` };
    }
    return { url: `https://management.azure.com${u.pathname}${u.search}` };
  }
  if (e.service === 'keyvault') {
    let p = u.pathname;
    let forceOperation: string | undefined;
    if (e.method === 'GET' && /^\/secrets\/[^/]+\/$/.test(p)) p = `${p}latest`;
    if (e.method === 'GET' && /^\/secrets\/[^/]+\/versions\/?$/.test(p)) forceOperation = 'GetSecretVersions';
    return { url: `https://emulator.vault.azure.net${p}${u.search}`, ...(forceOperation ? { forceOperation } : {}) };
  }
  if (e.service === 'loganalytics') {
    const q = new URLSearchParams(u.search);
    if (!q.has('api-version')) q.set('api-version', 'v1');
    return { url: `https://api.loganalytics.io${u.pathname}?${q.toString()}` };
  }
  return { notCovered: `${e.service} (no spec here)` };
}

const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;

const skippedReport = (dir: string): SpecCheckReport => ({
  skipped: `Azure REST specs not found at ${dir} (set AZURE_SPECS_DIR or put shared/ beside the repository): spec validation of the emulator traffic was skipped.`,
  checked: 0,
  notCovered: {},
  tolerated: {},
  violations: [],
  initMs: 0,
});

/** The operation a route names outright (where oav would otherwise pick another for the same URL), if the spec has it. */
function forcedOperation(validator: Validator, validationRequest: any, operationId: string): any {
  const potential = validator.operationSearcher.getPotentialOperations(validationRequest);
  const match = (potential.matches as any[]).find((m) => m.operation.operationId === operationId);
  return match
    ? { apiVersion: potential.apiVersion, operationId, validationRequest, operationMatch: match }
    : undefined;
}

/** The request's and response's spec errors as violations; a known spec gap is counted in `tolerated` instead. */
function issuesOf(
  e: RecordedExchange,
  req: any,
  res: any,
  base: Pick<SpecViolation, 'method' | 'url' | 'status' | 'service'>,
  operationId: string | undefined,
  tolerated: Record<string, number>,
): SpecViolation[] {
  const found: SpecViolation[] = [];
  for (const [where, result] of [
    ['request', req],
    ['response', res],
  ] as const) {
    for (const issue of result.errors as { code: string; message: string; pathsInPayload?: string[] }[]) {
      const gap = KNOWN_SPEC_GAPS.find(
        (g) =>
          g.service === e.service && g.code === issue.code && (issue.pathsInPayload ?? []).some((p) => g.path.test(p)),
      );
      if (gap) {
        tolerated[gap.why] = (tolerated[gap.why] ?? 0) + 1;
        continue;
      }
      found.push({
        ...base,
        ...(operationId ? { operationId } : {}),
        where,
        code: issue.code,
        message: issue.message,
        ...(issue.pathsInPayload?.length ? { paths: issue.pathsInPayload } : {}),
      });
    }
  }
  return found;
}

/** Validates every covered exchange; see SpecCheckReport. */
export async function checkTrafficAgainstSpecs(exchanges: RecordedExchange[]): Promise<SpecCheckReport> {
  const dir = specsDir();
  const notCovered: Record<string, number> = {};
  if (!SPEC_FILES.every((f) => existsSync(path.join(dir, f)))) {
    return skippedReport(dir);
  }
  const { validator, initMs } = await loadValidator(dir);
  const reportedInit = initReported ? 0 : initMs;
  initReported = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseValidationRequest } = require('oav/dist/lib/liveValidation/liveValidator') as {
    parseValidationRequest: (url: string, method: string, headers?: Record<string, string>) => any;
  };
  const violations: SpecViolation[] = [];
  const tolerated: Record<string, number> = {};
  let checked = 0;
  for (const e of exchanges) {
    const target = route(e);
    if ('notCovered' in target) {
      notCovered[target.notCovered] = (notCovered[target.notCovered] ?? 0) + 1;
      continue;
    }
    checked += 1;
    const headers = Object.fromEntries(Object.entries(e.requestHeaders).map(([k, v]) => [k.toLowerCase(), v]));
    const liveRequest = {
      url: target.url,
      method: e.method.toLowerCase(),
      headers,
      ...(asObject(e.requestBody) ? { body: asObject(e.requestBody) } : {}),
    };
    const liveResponse = {
      statusCode: String(e.status),
      headers: e.responseHeaders,
      ...(e.responseBody !== undefined ? { body: e.responseBody as Record<string, unknown> } : {}),
    };
    const info = target.forceOperation
      ? forcedOperation(
          validator,
          parseValidationRequest(target.url, liveRequest.method, headers),
          target.forceOperation,
        )
      : undefined;
    const base = { method: e.method, url: e.url, status: e.status, service: e.service };
    // Key Vault's challenge probe: the SDK first sends the request without token and without body (as recorded), so
    // only the response to it is checked.
    const isChallenge = e.service === 'keyvault' && !e.requestHeaders['authorization'];
    const req = await validator.validateLiveRequest(liveRequest, { includeOperationMatch: true }, info);
    if (isChallenge) req.errors = [];
    const res = await validator.validateLiveResponse(
      liveResponse,
      { url: target.url, method: liveRequest.method },
      {},
      info ?? req.operationInfo,
    );
    const operationId: string | undefined = req.operationInfo?.operationId;
    const exception = req.runtimeException ?? res.runtimeException;
    if (exception) {
      violations.push({ ...base, where: 'operation', code: exception.code, message: exception.message });
      continue;
    }
    violations.push(...issuesOf(e, req, res, base, operationId, tolerated));
  }
  return { checked, notCovered, tolerated, violations, initMs: reportedInit };
}

/** Violations of the covered exchanges (empty when the specs are absent; the skip is reported on stderr). */
export async function validateTraffic(exchanges: RecordedExchange[]): Promise<SpecViolation[]> {
  const report = await checkTrafficAgainstSpecs(exchanges);
  if (report.skipped) console.warn(report.skipped);
  return report.violations;
}

/** A readable multi-line description of violations (for test failure messages). */
export function formatViolations(violations: SpecViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.method} ${v.url} → ${v.status} [${v.service}${v.operationId ? ` ${v.operationId}` : ''}] ${v.where}: ${v.code} ${v.message}${v.paths ? ` at ${v.paths.join(', ')}` : ''}`,
    )
    .join('\n');
}

/** Throws with every violation listed; for `afterAll` in suites that drive the emulator. */
export async function assertTrafficMatchesSpecs(exchanges: RecordedExchange[]): Promise<SpecCheckReport> {
  const report = await checkTrafficAgainstSpecs(exchanges);
  if (report.skipped) console.warn(report.skipped);
  if (report.violations.length > 0) {
    throw new Error(
      `${report.violations.length} exchange(s) diverge from Azure's REST specs:\n${formatViolations(report.violations)}`,
    );
  }
  return report;
}
