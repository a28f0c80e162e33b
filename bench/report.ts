/**
 * Bench: render the report of a finished 500-pipeline experiment (10 chunk sizes × 10 overlaps × 5 models, four
 * metrics, 25 failures with diagnoses): the HTML page sorted by a metric, and the CSV. Prints the median and spread
 * over the timed runs and the page's size. Run: `npx tsx bench/report.ts` (or `npm run bench -- report`).
 */
import type { ExperimentView, PipelineView } from '../src/core/experimentView';
import { comparisonCsv } from '../src/report/exports';
import { reportModel } from '../src/report/model';
import { reportPage } from '../src/report/reportPage';
import { parseSort } from '../src/report/sort';
import { kib, showTimes, timeRuns } from './timing';

const WARM_UP = 5;
const RUNS = 30;
const METRICS = ['fuzzy_score', 'llm_answer_relevance', 'llm_context_precision', 'bert_all_MiniLM_L6_v2'];

function bigView(): ExperimentView {
  const pipelines: PipelineView[] = [];
  for (const cs of [256, 384, 512, 640, 768, 896, 1024, 1536, 2048, 4096]) {
    for (const o of [0, 16, 32, 48, 64, 80, 96, 112, 128, 256]) {
      for (const em of [
        'all-mpnet-base-v2',
        'text-embedding-3-small',
        'text-embedding-3-large',
        'e5-large',
        'bge-m3',
      ]) {
        const n = pipelines.length;
        const indexName = `idx-bench_efc-400_efs-400_em-${em}_sp-5_p-0_cs-${cs}_st-basic_o-${o}_t-0_s-0_oc-0`;
        const jobName = `bench-${String(n).padStart(12, '0')}`;
        const studioUrl = `https://ml.azure.com/runs/${jobName}?wsid=/subscriptions/s/resourcegroups/r/workspaces/w`;
        if (n % 20 === 7) {
          pipelines.push({
            indexName,
            jobName,
            status: 'Failed',
            studioUrl,
            diagnosis: {
              jobName,
              cause: 'openAiQuota',
              hint: 'Raise the quota.',
              failedStep: 'query',
              steps: [
                {
                  step: 'query',
                  status: 'Failed',
                  nodes: [{ node: '10.0.0.4', lines: Array.from({ length: 20 }, (_, i) => `RateLimitError ${i}`) }],
                  logFiles: [],
                },
              ],
              partial: false,
              partialReasons: [],
            },
          });
        } else {
          const metrics = Object.fromEntries(METRICS.map((m, i) => [m, ((n * 37 + i * 11) % 1000) / 10]));
          pipelines.push({ indexName, jobName, status: 'Completed', elapsedSeconds: 5400, studioUrl, metrics });
        }
      }
    }
  }
  const counts = { total: 500, Pending: 0, Running: 0, Completed: 475, Failed: 25, Canceled: 0 };
  return { id: 'exp-bench', experimentName: 'bench', status: 'Failed', counts, pipelines };
}

const time = (fn: () => unknown): number[] => timeRuns(fn, WARM_UP, RUNS);

const view = bigView();
const html = (): string => {
  const model = reportModel(view);
  return reportPage(model, { sort: parseSort(model, 'metric:fuzzy_score', 'desc'), refresh: true });
};
const csv = (): string => comparisonCsv(reportModel(view));
showTimes('HTML page, 500 pipelines × 4 metrics', time(html));
showTimes('CSV, 500 pipelines', time(csv));
console.log(`   page size: ${kib(html())}; CSV ${kib(csv())}`);
console.log(`   peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
