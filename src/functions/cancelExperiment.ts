/** POST /api/experiments/{id}/cancel — cancels every AML job the experiment started; it then ends Canceled. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { CANCEL_EVENT } from '../orchestrators/names';
import { echoedId } from './experimentIds';
import { apiBase, error, json } from './http';
import { getExperimentStatus } from './loadExperiment';

const FINISHED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export async function cancelExperiment(
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const status = await getExperimentStatus(client, id);
  if (!status) return error(404, 'ExperimentNotFound', `No experiment with id ${echoedId(id)}.`);
  if (FINISHED.has(String(status.runtimeStatus))) {
    return error(409, 'ExperimentFinished', `Experiment '${id}' has already finished; there is nothing to cancel.`);
  }
  await client.raiseEvent(id, CANCEL_EVENT, { requestedAt: new Date().toISOString() });
  context.log(`cancel requested for experiment ${id}`);
  const statusUri = `${apiBase(request)}/experiments/${id}`;
  return json(202, { id, status: 'Canceling', statusUri }, { Location: statusUri });
}
