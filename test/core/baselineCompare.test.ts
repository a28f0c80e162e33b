import {
  boundedComparison,
  compareWithBaseline,
  DEFAULT_TOLERANCE,
  type Baseline,
} from '../../src/core/baselineCompare';
import { currentBaseline } from '../../src/core/baselineChoice';
import type { RunRecord } from '../../src/core/evaluationHistory';
import { ACCELERATOR_METRIC_TYPES, metricDirection } from '../../src/core/metricDirections';
import { regressedLogLine, runRecordOf } from '../../src/core/runRecords';

const baseline = (metrics: Record<string, Record<string, number>>, source: Baseline['source'] = 'lastCompleted') => ({
  run: { experimentId: 'exp-base', metrics },
  source,
});

describe('metric directions (from the accelerator)', () => {
  it('takes every accelerator metric type as higher-is-better, the "distances" included', () => {
    expect(ACCELERATOR_METRIC_TYPES).toHaveLength(26);
    for (const m of ['hamming', 'levenshtein', 'jaro_winkler', 'rougeL_recall', 'bert_all_MiniLM_L6_v2']) {
      expect(metricDirection(m)).toEqual({ direction: 'higher', source: 'accelerator' });
    }
  });
  it('assumes higher for an unknown metric and says so', () => {
    expect(metricDirection('latency_ms')).toEqual({ direction: 'higher', source: 'assumed' });
  });
});

describe('compareWithBaseline', () => {
  it('marks the first run noBaseline, with no regression', () => {
    const c = compareWithBaseline({ metrics: { a: { fuzzy_score: 70 } } }, undefined, {}, 'nightly');
    expect(c).toMatchObject({ schedule: 'nightly', baselineSource: 'none', regressionCount: 0, regressions: [] });
    expect(c.metrics).toEqual([
      { indexName: 'a', metric: 'fuzzy_score', value: 70, direction: 'higher', verdict: 'noBaseline' },
    ]);
    expect(c.baselineId).toBeUndefined();
  });

  it('uses a relative 2 % default: a 1 % drop is unchanged, a 3 % drop regressed, a 3 % rise improved', () => {
    expect(DEFAULT_TOLERANCE).toEqual({ kind: 'relative', value: 0.02 });
    const c = compareWithBaseline(
      { metrics: { a: { fuzzy_score: 99, cosine_ochiai: 97, jaccard: 103 } } },
      baseline({ a: { fuzzy_score: 100, cosine_ochiai: 100, jaccard: 100 } }, 'pinned'),
      {},
      's',
    );
    const verdicts = Object.fromEntries(c.metrics.map((m) => [m.metric, m.verdict]));
    expect(verdicts).toEqual({ cosine_ochiai: 'regressed', fuzzy_score: 'unchanged', jaccard: 'improved' });
    expect(c).toMatchObject({ baselineId: 'exp-base', baselineSource: 'pinned', regressionCount: 1 });
    expect(c.regressions[0]).toMatchObject({ indexName: 'a', metric: 'cosine_ochiai', value: 97, baseline: 100 });
    expect(c.regressions[0]?.delta).toBeCloseTo(-3);
    expect(c.regressions[0]?.relativeDelta).toBeCloseTo(-0.03);
  });

  it('takes absolute and per-metric tolerances, with * as the default', () => {
    const run = { metrics: { a: { fuzzy_score: 68, jaccard: 68 } } };
    const base = baseline({ a: { fuzzy_score: 70, jaccard: 70 } });
    const c = compareWithBaseline(
      run,
      base,
      { '*': { kind: 'absolute', value: 5 }, jaccard: { kind: 'absolute', value: 1 } },
      's',
    );
    expect(c.metrics.map((m) => [m.metric, m.verdict, m.tolerance?.value])).toEqual([
      ['fuzzy_score', 'unchanged', 5],
      ['jaccard', 'regressed', 1],
    ]);
  });

  it('reports new and missing configurations and metrics, never as regressions', () => {
    const c = compareWithBaseline(
      { metrics: { a: { fuzzy_score: 70, llm_context_recall: 50 }, fresh: { fuzzy_score: 1 } } },
      baseline({ a: { fuzzy_score: 70, jaccard: 60 }, gone: { fuzzy_score: 90 } }),
      {},
      's',
    );
    expect(c.metrics.map((m) => `${m.indexName}/${m.metric}:${m.verdict}`)).toEqual([
      'a/fuzzy_score:unchanged',
      'a/jaccard:missing',
      'a/llm_context_recall:new',
      'fresh/fuzzy_score:new',
      'gone/fuzzy_score:missing',
    ]);
    expect(c.regressionCount).toBe(0);
  });

  it('orders regressions worst first, by how far beyond their tolerance', () => {
    const c = compareWithBaseline(
      { metrics: { a: { fuzzy_score: 95 }, b: { fuzzy_score: 80 }, c: { fuzzy_score: 90 } } },
      baseline({ a: { fuzzy_score: 100 }, b: { fuzzy_score: 100 }, c: { fuzzy_score: 100 } }),
      {},
      's',
    );
    expect(c.regressions.map((r) => r.indexName)).toEqual(['b', 'c', 'a']);
  });

  it('flags an unknown metric whose direction is assumed, and any drop from a zero baseline with a relative tolerance', () => {
    const c = compareWithBaseline({ metrics: { a: { custom: -1 } } }, baseline({ a: { custom: 0 } }), {}, 's');
    expect(c.metrics[0]).toMatchObject({ verdict: 'regressed', directionAssumed: true, delta: -1 });
    expect(c.metrics[0]?.relativeDelta).toBeUndefined();
  });

  it('ignores values that are not finite numbers', () => {
    const c = compareWithBaseline(
      { metrics: { a: { fuzzy_score: NaN } } },
      baseline({ a: { fuzzy_score: 70 } }),
      {},
      's',
    );
    expect(c.metrics.map((m) => m.verdict)).toEqual(['missing']);
  });
});

describe('the baseline in force (currentBaseline)', () => {
  const run = (experimentId: string, day: number, status: RunRecord['status'] = 'Completed'): RunRecord => ({
    experimentId,
    schedule: 's',
    startedAt: `2027-01-0${day}T03:00:00.000Z`,
    finishedAt: `2027-01-0${day}T04:00:00.000Z`,
    status,
    metrics: {},
    regressionCount: 0,
  });
  const runs = [run('exp-1', 1), run('exp-2', 2), run('exp-3', 3, 'Failed'), run('exp-4', 4)];
  const pin = (experimentId: string) => ({ experimentId, pinnedAt: '2027-01-05T00:00:00.000Z' });

  it('is the last Completed run before this one, never a Failed one, never itself', () => {
    expect(currentBaseline(undefined, undefined, runs)).toEqual({ experimentId: 'exp-4', source: 'lastCompleted' });
    expect(
      currentBaseline(undefined, undefined, runs, { before: '2027-01-04T03:00:00.000Z', excludeId: 'exp-4' }),
    ).toEqual({
      experimentId: 'exp-2',
      source: 'lastCompleted',
    });
    expect(currentBaseline(undefined, undefined, [run('exp-1', 1, 'Canceled')])).toEqual({ source: 'none' });
  });

  it("takes the setting's pin over the user's, and falls back when the pinned run has no Completed record", () => {
    expect(currentBaseline('exp-1', pin('exp-2'), runs)).toEqual({ experimentId: 'exp-1', source: 'pinned' });
    expect(currentBaseline(undefined, pin('exp-2'), runs)).toEqual({ experimentId: 'exp-2', source: 'pinned' });
    expect(currentBaseline(undefined, pin('exp-3'), runs)).toEqual({
      experimentId: 'exp-4',
      source: 'lastCompleted',
      pinWithoutRecord: 'exp-3',
    });
  });
});

describe('the record and the log event of a run', () => {
  it('keeps each pipeline with metrics by index name, nothing else', () => {
    const record = runRecordOf(
      {
        experimentId: 'exp-1',
        experimentName: 'demo',
        status: 'Failed',
        startedAt: 'a',
        finishedAt: 'b',
        pipelines: [
          { index: 0, indexName: 'idx-a', jobName: 'j0', status: 'Completed', metrics: { fuzzy_score: 70 } },
          { index: 1, indexName: 'idx-b', jobName: 'j1', status: 'Failed', error: 'boom' },
        ],
        comparison: { metrics: [], rows: [], best: {} },
      },
      'nightly',
    );
    expect(record).toEqual({
      experimentId: 'exp-1',
      schedule: 'nightly',
      startedAt: 'a',
      finishedAt: 'b',
      status: 'Failed',
      metrics: { 'idx-a': { fuzzy_score: 70 } },
    });
  });

  it('logs ExperimentRegressed then the JSON, with at most 5 of the worst', () => {
    const metrics = Object.fromEntries([...'abcdefg'].map((c, i) => [c, { fuzzy_score: 90 - i * 5 }]));
    const before = Object.fromEntries([...'abcdefg'].map((c) => [c, { fuzzy_score: 100 }]));
    const c = compareWithBaseline({ metrics }, baseline(before), {}, 'nightly');
    const line = regressedLogLine('exp-9', c);
    expect(line.startsWith('ExperimentRegressed {')).toBe(true);
    const event = JSON.parse(line.slice('ExperimentRegressed '.length)) as { worst: { indexName: string }[] };
    expect(event).toMatchObject({ experimentId: 'exp-9', schedule: 'nightly', regressionCount: 7 });
    expect(event.worst.map((w) => w.indexName)).toEqual(['g', 'f', 'e', 'd', 'c']);
    expect(Object.keys(event.worst[0]!).sort()).toEqual([
      'baseline',
      'delta',
      'indexName',
      'metric',
      'relativeDelta',
      'value',
    ]);
  });
});

describe('boundedComparison (the durable result stays small)', () => {
  const many = (n: number, drop: (i: number) => number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`idx-${i}`, { fuzzy_score: 70 - drop(i), jaccard: 70 }]));
  const base = baseline(many(500, () => 0));

  it('keeps a comparison that fits whole', () => {
    const c = compareWithBaseline({ metrics: many(3, () => 5) }, base, {}, 's');
    expect(boundedComparison(c)).toBe(c);
  });

  it('drops unchanged entries first, then keeps the worst regressions that fit; the count stays true', () => {
    const c = compareWithBaseline({ metrics: many(500, (i) => (i % 10 === 0 ? 5 + i / 100 : 0)) }, base, {}, 's');
    expect(c.regressionCount).toBe(50);
    const changed = boundedComparison(c, 60_000);
    expect(changed.metrics.every((m) => m.verdict === 'regressed')).toBe(true);
    expect(changed).toMatchObject({ omitted: 950, regressionCount: 50 });
    const tight = boundedComparison(c, 4_000);
    expect(Buffer.byteLength(JSON.stringify(tight))).toBeLessThanOrEqual(4_000);
    expect(tight.metrics).toEqual([]);
    expect(tight.regressions.length).toBeGreaterThan(0);
    expect(tight.regressions[0]).toEqual(c.regressions[0]);
    expect(tight.regressionCount).toBe(50);
  });
});
