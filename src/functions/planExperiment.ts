/** POST /api/plan — validates and plans an experiment without touching Azure. Same body as POST /api/experiments. */
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { planExperimentRequest } from '../core/request';
import { withoutSecrets } from '../core/settings';
import { getSettings } from '../settings';
import { error, json, readJsonBody } from './http';

export async function planEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const settings = withoutSecrets(getSettings());
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
  return json(200, {
    experimentId,
    pipelines: planned.plan.pipelines.map((p) => ({
      indexName: p.indexName,
      jobName: p.jobName,
      config: p.config,
      job: p.job,
    })),
    components: planned.plan.components,
    ...(settings.placeholders.length > 0 ? { placeholders: settings.placeholders } : {}),
  });
}

app.http('planExperiment', {
  route: 'plan',
  methods: ['POST'],
  authLevel: 'function',
  handler: planEndpoint,
});
