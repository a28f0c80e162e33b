/**
 * GET /api/experiments/{id} — the experiment's read-only progress view. The pipeline list pages (`?top=`, default
 * 100, at most 1000; `?skip=`), with `nextUri` while more follow; `?pipelines=false` answers the counts only.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import type { ExperimentView } from '../core/experimentView';
import { echoedId } from './experimentIds';
import { apiBase, error, json } from './http';
import { getExperimentStatus, loadExperiment } from './loadExperiment';

export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 1000;

const whole = (raw: string | null, fallback: number, min: number, max: number): number | undefined => {
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};

export async function getExperiment(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const pipelinesParam = request.query.get('pipelines');
  const top = whole(request.query.get('top'), PAGE_DEFAULT, 1, PAGE_MAX);
  const skip = whole(request.query.get('skip'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (top === undefined || skip === undefined || (pipelinesParam !== null && !/^(true|false)$/.test(pipelinesParam))) {
    return error(
      400,
      'InvalidQuery',
      `top must be a whole number from 1 to ${PAGE_MAX}, skip a whole number from 0, pipelines true or false.`,
    );
  }
  const status = await getExperimentStatus(client, id);
  if (!status) return error(404, 'ExperimentNotFound', `No experiment with id ${echoedId(id)}.`);
  if (pipelinesParam === 'false') {
    const { view } = await loadExperiment(client, status, { pipelineDetails: false });
    return json(200, { ...countsOnly(view), reportUri: reportUri(request, view.id) });
  }
  const { view } = await loadExperiment(client, status, { pipelineDetails: true, range: { skip, top } });
  const total = view.pipelines.length;
  const page: Record<string, unknown> = { skip, top, total };
  if (skip + top < total) {
    page.nextUri = `${apiBase(request)}/experiments/${id}?skip=${skip + top}&top=${top}`;
  }
  return json(200, {
    ...view,
    pipelines: view.pipelines.slice(skip, skip + top),
    page,
    reportUri: reportUri(request, view.id),
  });
}

const reportUri = (request: HttpRequest, id: string): string => `${apiBase(request)}/experiments/${id}/report`;

/** The view without the per-pipeline list and comparison rows: counts, phase, status and the best per metric. */
function countsOnly(view: ExperimentView): Omit<ExperimentView, 'pipelines' | 'comparison'> & {
  best?: NonNullable<ExperimentView['comparison']>['best'];
} {
  const { pipelines: _pipelines, comparison, ...rest } = view;
  return { ...rest, ...(comparison ? { best: comparison.best } : {}) };
}
