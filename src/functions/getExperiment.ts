/** GET /api/experiments/{id} — the experiment's read-only progress view. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { apiBase, error, json } from './http';
import { getExperimentStatus, loadExperiment } from './loadExperiment';

export async function getExperiment(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const status = await getExperimentStatus(client, id);
  if (!status) return error(404, 'ExperimentNotFound', `No experiment with id '${id}'.`);
  const details = request.query.get('pipelines') !== 'false';
  const { view } = await loadExperiment(client, status, { pipelineDetails: details });
  return json(200, { ...view, reportUri: `${apiBase(request)}/experiments/${view.id}/report` });
}

df.app.client.http('getExperiment', {
  route: 'experiments/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getExperiment,
});
