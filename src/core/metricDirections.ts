/**
 * Whether a bigger value of each of the accelerator's metric types is better, from its own definitions
 * (microsoft/rag-experiment-accelerator at commit 09e56d0; the metric types are the enum of `eval.metric_types` in
 * its config schema, and `rag_experiment_accelerator/evaluation/eval.py` logs each one's mean over the questions
 * with `mlflow.log_metrics(sum_dict)`, line 319). Every one of them is a similarity or a score, so higher is better,
 * including those whose names say "distance": the functions return a *normalized similarity* × 100.
 *
 * | metric types | where (`rag_experiment_accelerator/evaluation/`) | why higher is better |
 * | --- | --- | --- |
 * | `fuzzy_score` | `plain_metrics.py` 33–71 | RapidFuzz similarity ratio (0–100) |
 * | `levenshtein` | `plain_metrics.py` 110–122 | `Levenshtein.normalized_similarity × 100` (not the distance) |
 * | `jaccard` | `plain_metrics.py` 125–137 | `jaccard.normalized_similarity × 100` |
 * | `hamming` | `plain_metrics.py` 140–152 | `Hamming.normalized_similarity × 100` (not the distance) |
 * | `jaro_winkler` | `plain_metrics.py` 155–167 | `JaroWinkler.normalized_similarity × 100` |
 * | `cosine_ochiai` | `plain_metrics.py` 170–182 | cosine `normalized_similarity × 100` |
 * | `lcsseq`, `lcsstr` | `plain_metrics.py` 185–212 | longest common subsequence/substring similarity × 100 |
 * | `rouge{1,2,L}_{precision,recall,fmeasure}` | `plain_metrics.py` 74–107 | ROUGE precision, recall, F1 × 100 |
 * | `bert_*` (6 models) | `transformer_based_metrics.py` 33–53 | embedding cosine similarity × 100 (the docstring at line 18 says "differences"; the code returns the similarity) |
 * | `llm_answer_relevance` | `llm_based_metrics.py` 31–60 | question/answer embedding cosine similarity × 100 |
 * | `llm_context_precision` | `llm_based_metrics.py` 63–101 | share of contexts judged relevant × 100 (−1 when the LLM gave none) |
 * | `llm_context_recall` | `llm_based_metrics.py` 104–150 | share of statements attributed to the context × 100 |
 *
 * A metric not in this table (a newer accelerator, a custom column) is taken as higher-is-better and marked
 * `assumed` (`MetricComparison.directionAssumed`), so a reader sees the direction was not known. Pure.
 */
import type { MetricDirection } from './evaluationHistory';

/** The accelerator's metric types that are better when lower. None at commit 09e56d0 (see the table above). */
const LOWER_IS_BETTER: readonly string[] = [];

const ROUGE = ['rouge1', 'rouge2', 'rougeL'].flatMap((r) =>
  ['precision', 'recall', 'fmeasure'].map((m) => `${r}_${m}`),
);

/** Every metric type of the accelerator's config schema (`config.schema.json`, `eval.metric_types`). */
export const ACCELERATOR_METRIC_TYPES: readonly string[] = [
  'lcsstr',
  'lcsseq',
  'jaro_winkler',
  'hamming',
  'jaccard',
  'levenshtein',
  'fuzzy_score',
  'cosine_ochiai',
  ...ROUGE,
  'bert_all_MiniLM_L6_v2',
  'bert_base_nli_mean_tokens',
  'bert_large_nli_mean_tokens',
  'bert_large_nli_stsb_mean_tokens',
  'bert_distilbert_base_nli_stsb_mean_tokens',
  'bert_paraphrase_multilingual_MiniLM_L12_v2',
  'llm_answer_relevance',
  'llm_context_precision',
  'llm_context_recall',
];

const KNOWN = new Set(ACCELERATOR_METRIC_TYPES);

export interface MetricDirectionInfo {
  direction: MetricDirection;
  /** `accelerator`: from its definitions (table above); `assumed`: an unknown metric, taken as higher-is-better. */
  source: 'accelerator' | 'assumed';
}

/** The direction of `metric`, and whether it is known or assumed. */
export function metricDirection(metric: string): MetricDirectionInfo {
  if (!KNOWN.has(metric)) return { direction: 'higher', source: 'assumed' };
  return { direction: LOWER_IS_BETTER.includes(metric) ? 'lower' : 'higher', source: 'accelerator' };
}
