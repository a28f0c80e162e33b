/**
 * The evaluation history (issue #20): in the app's own host storage (AzureWebJobsStorage, `Clients.hostBlobService`),
 * container `evaluation-history`:
 * - `runs/<schedule>/<startedAt>_<experimentId>.json`: a `RunRecord` per scheduled run (names sort by start time);
 * - `comparisons/<schedule>/<experimentId>.json`: the run's `BaselineComparison`, written once, so a retried
 *   comparison returns the same answer;
 * - `baselines/<schedule>.json`: the baseline pinned with `POST /api/experiments/{id}/baseline`.
 * Records hold index names, metric values, ids and times: no secret, no job body.
 */
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { currentBaseline, type Pin } from '../core/baselineChoice';
import type { BaselineComparison, MetricComparison, RunRecord, ScheduleHistory } from '../core/evaluationHistory';
import type { Settings } from '../core/settings';
import { getSettings } from '../settings';
import { getClients, type Clients } from './clients';

export const HISTORY_CONTAINER = 'evaluation-history';

const runPrefix = (schedule: string): string => `runs/${schedule}/`;
const runBlobName = (r: Pick<RunRecord, 'schedule' | 'startedAt' | 'experimentId'>): string =>
  `${runPrefix(r.schedule)}${r.startedAt.replace(/:/g, '')}_${r.experimentId}.json`;
const idOfRunBlob = (name: string): string => name.replace(/^.*_/, '').replace(/\.json$/, '');

async function streamText(body: NodeJS.ReadableStream | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body ?? []) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export interface HistoryStore {
  /** `<account>/evaluation-history`, for messages. */
  readonly label: string;
  writeRun(record: RunRecord): Promise<void>;
  /** The schedule's run records, oldest first. */
  listRuns(schedule: string): Promise<RunRecord[]>;
  readRun(schedule: string, experimentId: string): Promise<RunRecord | undefined>;
  readComparison(schedule: string, experimentId: string): Promise<BaselineComparison | undefined>;
  writeComparison(schedule: string, experimentId: string, comparison: BaselineComparison): Promise<void>;
  readPin(schedule: string): Promise<Pin | undefined>;
  writePin(schedule: string, pin: Pin): Promise<void>;
  /** Whether there was a pin to remove. */
  deletePin(schedule: string): Promise<boolean>;
}

/** The store over one blob service. */
export function historyStoreOver(service: BlobServiceClient): HistoryStore {
  const container: ContainerClient = service.getContainerClient(HISTORY_CONTAINER);
  let created: Promise<unknown> | undefined;
  const ensure = (): Promise<unknown> => (created ??= container.createIfNotExists());
  const readJson = async <T>(name: string): Promise<T | undefined> => {
    try {
      const download = await container.getBlobClient(name).download();
      return JSON.parse(await streamText(download.readableStreamBody)) as T;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  };
  const writeJson = async (name: string, value: unknown): Promise<void> => {
    await ensure();
    const text = JSON.stringify(value);
    await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  };
  const runNames = async (schedule: string): Promise<string[]> => {
    const names: string[] = [];
    try {
      for await (const blob of container.listBlobsFlat({ prefix: runPrefix(schedule) })) names.push(blob.name);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return [];
      throw e;
    }
    return names.sort();
  };
  const readRuns = async (names: string[]): Promise<RunRecord[]> =>
    (await Promise.all(names.map((n) => readJson<RunRecord>(n)))).filter((r): r is RunRecord => r !== undefined);
  return {
    label: `${service.url.replace(/\/$/, '')}/${HISTORY_CONTAINER}`,
    writeRun: (record) => writeJson(runBlobName(record), record),
    listRuns: async (schedule) => readRuns(await runNames(schedule)),
    async readRun(schedule, experimentId) {
      const name = (await runNames(schedule)).find((n) => idOfRunBlob(n) === experimentId);
      return name ? readJson<RunRecord>(name) : undefined;
    },
    readComparison: (schedule, id) => readJson<BaselineComparison>(`comparisons/${schedule}/${id}.json`),
    writeComparison: (schedule, id, comparison) => writeJson(`comparisons/${schedule}/${id}.json`, comparison),
    readPin: (schedule) => readJson<Pin>(`baselines/${schedule}.json`),
    writePin: (schedule, pin) => writeJson(`baselines/${schedule}.json`, pin),
    async deletePin(schedule) {
      try {
        return (await container.getBlobClient(`baselines/${schedule}.json`).deleteIfExists()).succeeded;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return false;
        throw e;
      }
    },
  };
}

/** The store of the app's host storage; throws naming the settings when none is configured. */
export function historyStore(clients: Clients): HistoryStore {
  const service = clients.hostBlobService();
  if (!service) {
    throw new Error(
      'The evaluation history needs the app host storage: set AzureWebJobsStorage__accountName (or ' +
        'AzureWebJobsStorage__blobServiceUri, or an AzureWebJobsStorage connection string locally).',
    );
  }
  return historyStoreOver(service);
}

/** The pin EXPERIMENT_SCHEDULES sets for `schedule`, if any. */
export const settingPinOf = (settings: Settings, schedule: string): string | undefined =>
  settings.schedules.find((s) => s.name === schedule)?.baseline;

/**
 * A schedule's last `limit` runs, oldest first, and the baseline new runs are compared with now (the trend page,
 * its downloads and `GET /api/schedules` read it).
 */
export async function readScheduleHistory(
  schedule: string,
  limit: number,
  store: HistoryStore = historyStore(getClients()),
): Promise<ScheduleHistory> {
  const [runs, pin] = await Promise.all([store.listRuns(schedule), store.readPin(schedule)]);
  const baseline = currentBaseline(settingPinOf(getSettings(), schedule), pin, runs);
  return {
    schedule,
    runs: runs.slice(Math.max(0, runs.length - Math.max(0, limit))),
    ...(baseline.experimentId ? { baselineId: baseline.experimentId } : {}),
    baselineSource: baseline.source,
  };
}

/** Each run's stored comparison with its baseline (`BaselineComparison.metrics`), by experiment id. */
export async function readRunComparisons(
  schedule: string,
  runs: readonly RunRecord[],
  store: HistoryStore = historyStore(getClients()),
): Promise<Record<string, MetricComparison[]>> {
  const found = await Promise.all(runs.map((r) => store.readComparison(schedule, r.experimentId)));
  const byId: Record<string, MetricComparison[]> = {};
  runs.forEach((r, i) => {
    const comparison = found[i];
    if (comparison) byId[r.experimentId] = comparison.metrics;
  });
  return byId;
}
