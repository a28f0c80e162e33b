/** GET /api/experiments — recent experiments, newest first (`?top=`, default 50; `?days=`, default 30). */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { countPipelineStates, decodePipelineStates, type RunExperimentInput } from '../core/experiment';
import { experimentStatus } from '../core/experimentView';
import { ORCHESTRATION } from '../orchestrators/names';
import { error, json } from './http';

const clampInt = (raw: string | null, fallback: number, min: number, max: number): number | undefined => {
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};

export async function listExperiments(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const top = clampInt(request.query.get('top'), 50, 1, 500);
  const days = clampInt(request.query.get('days'), 30, 1, 365);
  if (top === undefined || days === undefined) {
    return error(400, 'InvalidQuery', 'top must be a whole number from 1 to 500 and days from 1 to 365.');
  }
  const all = await client.getStatusBy({ createdTimeFrom: new Date(Date.now() - days * 86_400_000) });
  const experiments = (all ?? [])
    .filter((s) => s.name === ORCHESTRATION.runExperiment)
    .sort((a, b) => Date.parse(String(b.createdTime)) - Date.parse(String(a.createdTime)))
    .slice(0, top)
    .map((s) => {
      const input = s.input as RunExperimentInput | undefined;
      const custom = s.customStatus as { phase?: string; pipelines?: string } | undefined;
      return {
        id: s.instanceId,
        experimentName: input?.request?.config?.experiment_name,
        status: experimentStatus(String(s.runtimeStatus), s.output),
        phase: custom?.phase,
        createdTime: s.createdTime,
        lastUpdatedTime: s.lastUpdatedTime,
        counts:
          typeof custom?.pipelines === 'string'
            ? countPipelineStates(decodePipelineStates(custom.pipelines))
            : undefined,
        trigger: input?.trigger,
      };
    });
  return json(200, { experiments });
}
