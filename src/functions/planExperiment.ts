/**
 * POST /api/plan — validates and plans an experiment without touching Azure. Same body and same rules as
 * POST /api/experiments (the cap included). The answer is a summary (index and job names, components); `?full=true`
 * adds each pipeline's narrowed config and PipelineJob body. `?preflight=true` also runs the start's preflight
 * (reads Azure, changes nothing): 409/400 with its problems, or the plan with `preflight.checks`.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { planExperimentRequest } from '../core/request';
import { runReadiness, runReadinessMessage, withoutSecrets } from '../core/settings';
import { getSettings } from '../settings';
import { error, json, readJsonBody } from './http';
import { preflightFor, preflightRefusal } from './preflightGate';

export async function planEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const settings = withoutSecrets(getSettings());
  const full = request.query.get('full');
  if (full !== null && full !== 'true' && full !== 'false') {
    return error(400, 'InvalidQuery', `full must be true or false; got '${full}'.`);
  }
  const preflight = request.query.get('preflight');
  if (preflight !== null && preflight !== 'true' && preflight !== 'false') {
    return error(400, 'InvalidQuery', `preflight must be true or false; got '${preflight}'.`);
  }
  const body = await readJsonBody(request, settings.http.maxBodyBytes);
  if (!body.ok) return body.response;
  const experimentId = request.query.get('experimentId') ?? 'exp-plan';
  const planned = planExperimentRequest(body.value, { experimentId, settings });
  if (!planned.ok) {
    return error(
      400,
      'InvalidExperiment',
      `The experiment has ${planned.problems.length} problem(s).`,
      planned.problems,
    );
  }
  const { plan } = planned;
  let checks: unknown;
  if (preflight === 'true') {
    const notReady = runReadiness(getSettings());
    if (notReady) return error(503, 'NotConfigured', runReadinessMessage(notReady));
    const verdict = await preflightFor(getSettings(), plan, planned.request.config);
    if (!verdict.ok) return preflightRefusal(verdict);
    checks = verdict.checks;
  }
  return json(200, {
    experimentId,
    pipelineCount: plan.pipelines.length,
    pipelines: plan.pipelines.map((p) =>
      full === 'true'
        ? { indexName: p.indexName, jobName: p.jobName, config: p.config, job: p.job }
        : { indexName: p.indexName, jobName: p.jobName },
    ),
    components:
      full === 'true' ? plan.components : plan.components.map((c) => ({ name: c.name, version: c.version, id: c.id })),
    ...(settings.placeholders.length > 0 ? { placeholders: settings.placeholders } : {}),
    ...(checks ? { preflight: { checks } } : {}),
  });
}
