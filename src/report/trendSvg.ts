/**
 * A metric's line chart as inline SVG: x is the run (labelled by date), y the value, one line per drawn index
 * configuration. Lines differ by colour, marker shape and dash (classes `line-0`…, styled in report.css, so no
 * inline style is needed under the page's CSP); the baseline run is a labelled vertical marker, a regressed point is
 * ringed and carries a ▼. The SVG is one image with a title and a description; the numbers are in the table beside.
 */
import { escapeHtml } from './escape';
import { formatMetric } from './format';
import type { TrendMetric, TrendModel } from './trendModel';

const WIDTH = 640;
const HEIGHT = 280;
const PAD = { left: 60, right: 40, top: 30, bottom: 40 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
/** At most this many date labels on the x axis (every k-th run past that). */
const MAX_X_LABELS = 8;
/** Distinct marker shapes; line `i` gets shape `i % SHAPES`, colour `i % 8` and dash `i % 3` (report.css). */
const SHAPES = 6;

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/** A step of 1, 2, 2.5 or 5 × 10ⁿ that cuts `span` into about `parts` parts. */
export function niceStep(span: number, parts = 4): number {
  if (!(span > 0)) return 1;
  const raw = span / parts;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

/** The y axis: ticks that cover every drawn value, and the scale from value to pixel. */
export function yAxis(values: readonly number[]): { ticks: number[]; y: (v: number) => number } {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (!Number.isFinite(min)) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - (Math.abs(min) || 1) * 0.1, max + (Math.abs(max) || 1) * 0.1];
  const step = niceStep(max - min);
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  const y = (v: number): number => PAD.top + PLOT_H - ((v - low) / (high - low)) * PLOT_H;
  return { ticks, y };
}

export const xOf = (run: number, runs: number): number =>
  PAD.left + (runs <= 1 ? PLOT_W / 2 : (run * PLOT_W) / (runs - 1));

/** A marker of shape `shape` centred on (x, y). */
export function marker(shape: number, x: number, y: number, cls: string): string {
  const s = 4.5;
  const poly = (points: [number, number][]): string =>
    `<polygon class="${cls}" points="${points.map(([a, b]) => `${r1(x + a)},${r1(y + b)}`).join(' ')}"/>`;
  switch (shape % SHAPES) {
    case 0:
      return `<circle class="${cls}" cx="${r1(x)}" cy="${r1(y)}" r="${s}"/>`;
    case 1:
      return `<rect class="${cls}" x="${r1(x - s)}" y="${r1(y - s)}" width="${2 * s}" height="${2 * s}"/>`;
    case 2:
      return poly([
        [0, -s - 1],
        [s + 1, s],
        [-s - 1, s],
      ]);
    case 3:
      return poly([
        [0, -s - 1],
        [s + 1, 0],
        [0, s + 1],
        [-s - 1, 0],
      ]);
    case 4:
      return poly([
        [0, s + 1],
        [s + 1, -s],
        [-s - 1, -s],
      ]);
    default: {
      const a = 1.8;
      return poly([
        [-a, -s],
        [a, -s],
        [a, -a],
        [s, -a],
        [s, a],
        [a, a],
        [a, s],
        [-a, s],
        [-a, a],
        [-s, a],
        [-s, -a],
        [-a, -a],
      ]);
    }
  }
}

/** The polyline segments of one series: a run without a value breaks the line. */
function segments(values: readonly (number | undefined)[], runs: number, y: (v: number) => number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === undefined) {
      if (current.length > 0) out.push(current.join(' '));
      current = [];
    } else current.push(`${r1(xOf(i, runs))},${r1(y(v))}`);
  });
  if (current.length > 0) out.push(current.join(' '));
  return out;
}

function axes(model: TrendModel, ticks: number[], y: (v: number) => number): string {
  const n = model.runs.length;
  const grid = ticks
    .map(
      (t) =>
        `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${r1(y(t))}" y2="${r1(y(t))}"/>` +
        `<text class="tick" x="${PAD.left - 6}" y="${r1(y(t) + 4)}" text-anchor="end">${escapeHtml(formatMetric(t))}</text>`,
    )
    .join('');
  // A label with a time is about 100 px wide: fewer of them fit.
  const withTime = model.runs.some((r) => r.date.length > 10);
  const every = Math.ceil(n / (withTime ? Math.ceil(MAX_X_LABELS / 2) : MAX_X_LABELS));
  const picked = model.runs.map((_, i) => i).filter((i) => i % every === 0);
  const lastPicked = picked[picked.length - 1] ?? 0;
  // The latest run is labelled too when its label does not run into the previous one (about 70 px apart).
  if (n > 1 && lastPicked !== n - 1 && xOf(n - 1, n) - xOf(lastPicked, n) >= (withTime ? 105 : 70)) picked.push(n - 1);
  const dates = picked
    .map(
      (i) =>
        `<text class="tick" x="${r1(xOf(i, n))}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle">${escapeHtml(model.runs[i]?.date)}</text>`,
    )
    .join('');
  const baseline = model.runs.findIndex((r) => r.baseline);
  const mark =
    baseline < 0
      ? ''
      : `<line class="baseline-marker" x1="${r1(xOf(baseline, n))}" x2="${r1(xOf(baseline, n))}" y1="${PAD.top - 8}" y2="${HEIGHT - PAD.bottom}"/>` +
        `<text class="baseline-label" x="${r1(xOf(baseline, n))}" y="${PAD.top - 12}" text-anchor="middle">baseline</text>`;
  return `${grid}${dates}${mark}`;
}

function series(model: TrendModel, metric: TrendMetric, position: number, y: (v: number) => number): string {
  const n = model.runs.length;
  const config = metric.drawn[position] as number;
  const values = metric.values[config] ?? [];
  const lines = segments(values, n, y)
    .map((points) => `<polyline class="line line-${position}" points="${points}"/>`)
    .join('');
  const points = values
    .map((v, i) => {
      if (v === undefined) return '';
      const [px, py] = [xOf(i, n), y(v)];
      const ring = metric.regressed[config]?.[i]
        ? `<circle class="regressed-ring" cx="${r1(px)}" cy="${r1(py)}" r="9"/>` +
          `<text class="regressed-mark" x="${r1(px)}" y="${r1(py + 22)}" text-anchor="middle">▼</text>`
        : '';
      return marker(position, px, py, `point point-${position}`) + ring;
    })
    .join('');
  return `<g class="series" data-index-name="${escapeHtml(model.configs[config]?.indexName)}">${lines}${points}</g>`;
}

/** The chart of one metric; `titleId` and `descId` name its title and description for assistive technology. */
export function trendSvg(model: TrendModel, metric: TrendMetric, ids: { title: string; desc: string }): string {
  const drawnValues = metric.drawn.flatMap((c) => (metric.values[c] ?? []).filter((v): v is number => v !== undefined));
  const { ticks, y } = yAxis(drawnValues);
  const body = metric.drawn.map((_, position) => series(model, metric, position, y)).join('');
  return (
    `<svg class="trend-svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${ids.title} ${ids.desc}">` +
    `<title id="${ids.title}">${escapeHtml(chartTitle(model, metric))}</title>` +
    `<desc id="${ids.desc}">${escapeHtml(chartDescription(model, metric))}</desc>` +
    `${axes(model, ticks, y)}${body}</svg>`
  );
}

/** Text from a config or a request inside an SVG title or description (no markup there): FSI … PDI isolate it. */
const fsi = (text: string | undefined): string => `\u2068${text ?? ''}\u2069`;

export function chartTitle(model: TrendModel, metric: TrendMetric): string {
  return `${metric.name} over the last ${model.runs.length} runs of schedule ${fsi(model.schedule)}`;
}

/** What the chart shows, in words: the lines drawn, the baseline and every regressed point. */
export function chartDescription(model: TrendModel, metric: TrendMetric): string {
  const lines = metric.drawn.map((c) => fsi(model.configs[c]?.label)).join('; ');
  const shown = `${metric.drawn.length} of ${model.configs.length} index configurations drawn: ${lines}.`;
  const baseline = model.runs.find((r) => r.baseline);
  const base = baseline ? ` Baseline: the run of ${baseline.date}.` : '';
  const regressed = metric.drawn.flatMap((c) =>
    model.runs
      .map((r, i) => (metric.regressed[c]?.[i] ? `${fsi(model.configs[c]?.label)} on ${r.date}` : ''))
      .filter((t) => t !== ''),
  );
  const reg = regressed.length > 0 ? ` Regressed: ${regressed.join('; ')}.` : ' No regressed point.';
  return `${shown}${base}${reg} Values are in the table below.`;
}
