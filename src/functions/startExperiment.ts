/**
 * POST /api/experiments — validates and plans the experiment, then starts runExperiment. Nothing starts when the
 * body or the config is invalid: 400 lists every problem with its JSON path.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { RunExperimentInput } from '../core/experiment';
import { planExperimentRequest } from '../core/request';
import { withoutSecrets } from '../core/settings';
import { ORCHESTRATION } from '../orchestrators/names';
import { getSettings } from '../settings';
import { idempotentExperimentId, newExperimentId, requestFingerprint } from './experimentIds';
import { apiBase, error, json, readJsonBody } from './http';

const MAX_IDEMPOTENCY_KEY = 200;

/** Settings without which no experiment can run (the plan endpoint works without them, with placeholders). */
const REQUIRED_TO_RUN = [
  'AML_SUBSCRIPTION_ID',
  'AML_RESOURCE_GROUP_NAME',
  'AML_WORKSPACE_NAME',
  'AML_WORKSPACE_REGION',
  'AZURE_KEY_VAULT_ENDPOINT',
  'AML_CODE_ASSET_ID',
  'AML_ENVIRONMENT_ID',
];

export async function startExperiment(
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const settings = getSettings();
  const body = await readJsonBody(request, settings.http.maxBodyBytes);
  if (!body.ok) return body.response;
  const unset = REQUIRED_TO_RUN.filter((name) => settings.placeholders.includes(name));
  if (unset.length > 0) {
    return error(
      503,
      'NotConfigured',
      `The app cannot run experiments until these app settings are set: ${unset.join(', ')} (see the README's configuration table). POST /api/plan works meanwhile.`,
    );
  }

  const key = request.headers.get('idempotency-key')?.trim();
  const safeSettings = withoutSecrets(settings);
  const planned = planExperimentRequest(body.value, {
    experimentId: (r) =>
      key ? idempotentExperimentId(key) : newExperimentId(String(r.config.experiment_name ?? 'experiment')),
    settings: safeSettings,
  });
  if (!planned.ok) {
    const { problems } = planned;
    return error(
      400,
      'InvalidExperiment',
      `The experiment has ${problems.length} problem(s); nothing was started.`,
      problems,
    );
  }
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
    return error(400, 'InvalidIdempotencyKey', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters.`);
  }
  const { experimentId, request: experiment } = planned;
  const experimentName = String(experiment.config.experiment_name ?? 'experiment');

  const fingerprint = requestFingerprint(body.value);
  const base = apiBase(request);
  const accepted = (status: number): HttpResponseInit => {
    const statusUri = `${base}/experiments/${experimentId}`;
    return json(
      status,
      {
        id: experimentId,
        statusUri,
        cancelUri: `${statusUri}/cancel`,
        experimentName,
        pipelines: planned.plan.pipelines.map((p) => ({ indexName: p.indexName, jobName: p.jobName })),
      },
      { Location: statusUri, 'Retry-After': '30' },
    );
  };

  if (key) {
    const existing = await findExisting(client, experimentId);
    if (existing) {
      if (existing.requestHash !== fingerprint) {
        return error(
          409,
          'IdempotencyKeyReused',
          `Idempotency-Key '${key}' was already used for experiment ${experimentId} with a different body. Use a new key to start another experiment.`,
        );
      }
      context.log(`Idempotency-Key matched existing experiment ${experimentId}`);
      return accepted(200);
    }
  }

  const input: RunExperimentInput = {
    experimentId,
    request: experiment,
    settings: safeSettings,
    submittedAt: new Date().toISOString(),
    trigger: 'http',
    requestHash: fingerprint,
  };
  try {
    await client.startNew(ORCHESTRATION.runExperiment, { instanceId: experimentId, input });
  } catch (e) {
    // A concurrent request with the same key may have started it a moment ago.
    if (key && (await findExisting(client, experimentId))) return accepted(200);
    throw e;
  }
  context.log(`started experiment ${experimentId} with ${planned.plan.pipelines.length} pipeline(s)`);
  return accepted(202);
}

async function findExisting(client: df.DurableClient, instanceId: string): Promise<RunExperimentInput | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: true });
    return status?.input as RunExperimentInput | undefined;
  } catch {
    return undefined;
  }
}

df.app.client.http('startExperiment', {
  route: 'experiments',
  methods: ['POST'],
  authLevel: 'function',
  handler: startExperiment,
});
