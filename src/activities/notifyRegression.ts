/**
 * notifyRegression: POSTs a regressed scheduled run to REGRESSION_WEBHOOK_URL as JSON (ids, counts, the worst
 * deltas, the status and report links; never a secret). The URL is treated as a secret (it often carries a token):
 * it is never logged nor returned, and failures name "the regression webhook" and its host only. Transient answers
 * (network, 408, 429, 5xx) throw, so the orchestrator's retry policy tries again; any other 4xx is permanent.
 */
import type { ActivityResult, NotifyRegressionInput, NotifyRegressionOutput } from '../core/contracts';
import { REGRESSED_EVENT } from '../core/runRecords';
import type { ActivityDeps } from './deps';
import { fail, ok, TransientAzureError } from './result';

const TIMEOUT_MS = 30_000;

/** The JSON the webhook receives. */
export function webhookPayload(
  input: NotifyRegressionInput,
  publicBaseUrl: string | undefined,
): Record<string, unknown> {
  const base = publicBaseUrl ?? '/api';
  const id = encodeURIComponent(input.experimentId);
  return {
    event: REGRESSED_EVENT,
    experimentId: input.experimentId,
    schedule: input.schedule,
    status: input.status,
    regressionCount: input.regressionCount,
    worst: input.worst,
    statusUri: `${base}/experiments/${id}`,
    reportUri: `${base}/experiments/${id}/report`,
  };
}

const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export async function runNotifyRegression(
  input: NotifyRegressionInput,
  deps: ActivityDeps,
): Promise<ActivityResult<NotifyRegressionOutput>> {
  const url = deps.settings.regressionWebhookUrl;
  if (!url) return ok({ sent: false });
  const label = `the regression webhook (host ${new URL(url).host})`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webhookPayload(input, deps.settings.publicBaseUrl)),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new TransientAzureError(`${label} could not be reached (${cause}).`);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) {
    deps.log(`Regression of ${input.experimentId} sent to ${label}: ${response.status}.`);
    return ok({ sent: true, statusCode: response.status });
  }
  if (isTransientStatus(response.status)) {
    throw new TransientAzureError(`${label} answered ${response.status}.`, response.status);
  }
  return fail({
    resource: label,
    reason: `it answered ${response.status} ${response.statusText}`.trim(),
    action: 'Check REGRESSION_WEBHOOK_URL and what the receiver expects (a JSON POST).',
    statusCode: response.status,
  });
}
