/**
 * GET /api/experiments/{id}/report — the experiment's report page (`?format=csv` or `?format=json`: the comparison
 * as a download), and GET /api/reports — recent experiments linking to their reports. Same function keys as the API.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { countPipelineStates, decodePipelineStates, type RunExperimentInput } from '../core/experiment';
import { experimentStatus } from '../core/experimentView';
import { ORCHESTRATION } from '../orchestrators/names';
import { comparisonCsv, comparisonJson } from '../report/exports';
import { PAGE_HEADERS } from '../report/layout';
import { listPage, type ListedExperiment } from '../report/listPage';
import { reportModel } from '../report/model';
import { reportPage } from '../report/reportPage';
import { parseSort } from '../report/sort';
import { getSettings } from '../settings';
import { echoedId } from './experimentIds';
import { error, json } from './http';
import { getExperimentStatus, loadExperiment } from './loadExperiment';

const FORMATS = ['html', 'csv', 'json'] as const;

export async function getReport(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const format = request.query.get('format') ?? 'html';
  if (!(FORMATS as readonly string[]).includes(format)) {
    return error(400, 'InvalidFormat', `format must be html, csv or json (got '${format.slice(0, 20)}').`);
  }
  const status = await getExperimentStatus(client, id);
  if (!status) return error(404, 'ExperimentNotFound', `No experiment with id ${echoedId(id)}.`);
  const { view } = await loadExperiment(client, status, { pipelineDetails: true });
  const model = reportModel(view);
  const download = (ext: string): string => `attachment; filename="${view.id}-comparison.${ext}"`;
  if (format === 'csv') {
    return {
      status: 200,
      body: comparisonCsv(model),
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': download('csv') },
    };
  }
  if (format === 'json') return json(200, comparisonJson(model), { 'Content-Disposition': download('json') });
  const sort = parseSort(model, request.query.get('sort'), request.query.get('order'));
  const refresh = request.query.get('refresh') !== 'off';
  return {
    status: 200,
    body: reportPage(model, { sort, refresh, clock: getSettings().localClock }),
    headers: PAGE_HEADERS,
  };
}

const LIST_DAYS = 30;
const LIST_TOP = 100;

export async function listReports(_request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const all = await client.getStatusBy({ createdTimeFrom: new Date(Date.now() - LIST_DAYS * 86_400_000) });
  const experiments: ListedExperiment[] = (all ?? [])
    .filter((s) => s.name === ORCHESTRATION.runExperiment)
    .sort((a, b) => Date.parse(String(b.createdTime)) - Date.parse(String(a.createdTime)))
    .slice(0, LIST_TOP)
    .map((s) => {
      const input = s.input as RunExperimentInput | undefined;
      const custom = s.customStatus as { pipelines?: unknown } | undefined;
      const name = input?.request?.config?.experiment_name;
      return {
        id: s.instanceId,
        ...(typeof name === 'string' ? { experimentName: name } : {}),
        status: experimentStatus(String(s.runtimeStatus), s.output),
        createdTime: new Date(s.createdTime).toISOString(),
        ...(typeof custom?.pipelines === 'string'
          ? { counts: countPipelineStates(decodePipelineStates(custom.pipelines)) }
          : {}),
      };
    });
  return { status: 200, body: listPage(experiments, LIST_DAYS, getSettings().localClock), headers: PAGE_HEADERS };
}
