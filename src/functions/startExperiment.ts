/**
 * POST /api/experiments — validates and plans the experiment, then starts runExperiment. Nothing starts when the
 * body or the config is invalid: 400 lists every problem with its JSON path. Same rules as the schedule
 * (`startPath.ts`): the settings a run needs, MAX_PIPELINES_PER_EXPERIMENT, the input-URI policy.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { dataAssetInputs } from '../core/dataAsset';
import type { RunExperimentInput } from '../core/experiment';
import type { Plan, Problem } from '../core/types';
import { lookUpWithAppClients } from '../lookups/dataAssetVersions';
import { ORCHESTRATION } from '../orchestrators/names';
import { getSettings } from '../settings';
import { idempotentExperimentId, newExperimentId } from './experimentIds';
import { apiBase, error, json, readJsonBody } from './http';
import { cannotTellLine, preflightFor, preflightRefusal } from './preflightGate';
import { checkDataAssets, prepareStart, type StartArgs } from './startPath';
import { withFixedPlan } from '../core/fixedPlan';

const MAX_IDEMPOTENCY_KEY = 200;

export async function startExperiment(
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const settings = getSettings();
  const body = await readJsonBody(request, settings.http.maxBodyBytes);
  if (!body.ok) return body.response;
  const key = request.headers.get('idempotency-key')?.trim();
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
    return error(400, 'InvalidIdempotencyKey', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters.`);
  }

  const args: StartArgs = {
    settings,
    experimentId: (r) =>
      key ? idempotentExperimentId(key) : newExperimentId(String(r.config.experiment_name ?? 'experiment')),
    trigger: 'http',
    submittedAt: new Date().toISOString(),
  };
  const decision = prepareStart(body.value, args);
  if (decision.kind === 'notConfigured') return error(503, 'NotConfigured', decision.message);
  if (decision.kind === 'invalid') return invalid(decision.problems);
  if (key) {
    const { input } = decision;
    const existing = await findExisting(client, input.experimentId);
    if (existing) {
      if (existing.requestHash !== input.requestHash) {
        return error(
          409,
          'IdempotencyKeyReused',
          `Idempotency-Key '${key}' was already used for experiment ${input.experimentId} with a different body ` +
            '(bodies are compared as canonical JSON: key order and whitespace do not matter). Use a new key to start ' +
            'another experiment.',
        );
      }
      context.log(`Idempotency-Key matched existing experiment ${input.experimentId}`);
      return acceptedResponse(request, 200, existing, decision.plan);
    }
  }

  // The data assets the inputs name: missing ones are problems; `@latest` is pinned to today's version.
  const checked = await checkDataAssets(decision, body.value, args, lookUpWithAppClients(settings));
  if (checked.kind === 'invalid') return invalid(checked.problems);
  if (checked.kind === 'unavailable') return error(503, 'DataAssetLookupFailed', checked.message);
  if (checked.kind !== 'ready') return error(503, 'NotConfigured', checked.message);
  const { input, plan } = checked;
  const accepted = (status: number): HttpResponseInit => acceptedResponse(request, status, input, plan);
  // The preflight (quota, Search slots, OpenAI deployments, assets, vault access): 409/400 before anything is spent.
  const preflight = await preflightFor(settings, plan, input.request.config);
  if (!preflight.ok) return preflightRefusal(preflight);
  const unsure = cannotTellLine(preflight);
  if (unsure) context.warn(unsure);

  try {
    await client.startNew(ORCHESTRATION.runExperiment, { instanceId: input.experimentId, input: withFixedPlan(input) });
  } catch (e) {
    // A concurrent request with the same key may have started it a moment ago.
    if (key && (await findExisting(client, input.experimentId))) return accepted(200);
    throw e;
  }
  context.log(`started experiment ${input.experimentId} with ${plan.pipelines.length} pipeline(s)`);
  return accepted(202);
}

const invalid = (problems: Problem[]): HttpResponseInit =>
  error(400, 'InvalidExperiment', `The experiment has ${problems.length} problem(s); nothing was started.`, problems);

/** The answer to an accepted start; `dataAssets` says which data asset versions the inputs use (`@latest` pinned). */
function acceptedResponse(request: HttpRequest, status: number, input: RunExperimentInput, plan: Plan) {
  const statusUri = `${apiBase(request)}/experiments/${input.experimentId}`;
  const inputs = input.request.inputs as unknown as Record<string, string>;
  const assets = dataAssetInputs(inputs).map(({ key }) => [key, inputs[key]]);
  return json(
    status,
    {
      id: input.experimentId,
      statusUri,
      cancelUri: `${statusUri}/cancel`,
      experimentName: String(input.request.config.experiment_name ?? 'experiment'),
      ...(assets.length > 0 ? { dataAssets: Object.fromEntries(assets) } : {}),
      pipelines: plan.pipelines.map((p) => ({ indexName: p.indexName, jobName: p.jobName })),
    },
    { Location: statusUri, 'Retry-After': '30' },
  );
}

async function findExisting(client: df.DurableClient, instanceId: string): Promise<RunExperimentInput | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: true });
    return status?.input as RunExperimentInput | undefined;
  } catch {
    return undefined;
  }
}
