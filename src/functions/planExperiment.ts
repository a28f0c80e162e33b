/** POST /api/plan — validates and plans an experiment without touching Azure. Same body as POST /api/experiments. */
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { planExperiment as plan } from '../core/plan';
import { withoutSecrets } from '../core/settings';
import { validateExperimentRequest } from '../core/validate';
import { getSettings } from '../settings';
import { error, json, readJsonBody } from './http';

export async function planEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const settings = withoutSecrets(getSettings());
  const body = await readJsonBody(request, settings.http.maxBodyBytes);
  if (!body.ok) return body.response;
  const { problems, request: experiment } = validateExperimentRequest(body.value);
  if (problems.length > 0 || !experiment) {
    return error(400, 'InvalidExperiment', `The experiment has ${problems.length} problem(s).`, problems);
  }
  const experimentId = request.query.get('experimentId') ?? 'exp-plan';
  const planned = plan({ config: experiment.config, experimentId, inputs: experiment.inputs, settings });
  if (!planned.ok) {
    const prefixed = planned.problems.map((p) => ({ ...p, path: `/config${p.path}` }));
    return error(400, 'InvalidExperiment', `The experiment has ${prefixed.length} problem(s).`, prefixed);
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
