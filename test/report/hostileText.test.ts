/**
 * Text a newcomer can plant in the report (a failure message, a log line, an experiment name) cannot reorder the
 * page around it with bidi controls, and times read on the local virtual clock say so, with the wall-clock time.
 */
import { wallClockTime } from '../../src/report/clock';
import { listPage } from '../../src/report/listPage';
import { reportModel } from '../../src/report/model';
import { reportPage } from '../../src/report/reportPage';
import { DEFAULT_SORT } from '../../src/report/sort';
import { parseSettings } from '../../src/core/settings';
import { completedView } from './views';

const RLO = '\u202E';

function failedWith(error: string, logLine: string) {
  const view = completedView(`exp ${RLO}gnp.exe`);
  const failed = view.pipelines?.find((p) => p.status === 'Failed');
  if (!failed?.diagnosis) throw new Error('the fixture has a failed pipeline with a diagnosis');
  failed.error = error;
  failed.diagnosis.steps[0]!.nodes[0]!.lines = [logLine];
  return view;
}

describe('bidi controls in text from a config, Azure or a log', () => {
  const html = reportPage(reportModel(failedWith(`quota ${RLO}deliaf`, `${RLO}KO: 0 edoc tixE`)), {
    sort: DEFAULT_SORT,
    refresh: false,
  });

  it('isolates the failure message, so an override ends where the message ends', () => {
    expect(html).toContain(`<dd class="error-text"><bdi>quota ${RLO}deliaf</bdi></dd>`);
  });

  it('isolates each log line and the experiment name', () => {
    expect(html).toContain(`<pre class="log"><bdi>${RLO}KO: 0 edoc tixE</bdi></pre>`);
    expect(html).toContain(`<bdi class="experiment-name">exp ${RLO}gnp.exe</bdi>`);
  });

  it('leaves no bidi control outside an isolating element', () => {
    // The title cannot hold markup: there the name sits between FSI and PDI, the same isolation in Unicode.
    expect(html).toContain(`<title>\u2068exp ${RLO}gnp.exe\u2069: experiment report</title>`);
    const outside = html.replace(/<bdi[^>]*>[^<]*<\/bdi>/g, '').replace(/\u2068[^\u2069]*\u2069/g, '');
    expect(outside).not.toContain(RLO);
  });
});

describe('times on the local virtual clock', () => {
  const epoch = Date.parse('2026-12-06T20:00:00Z');
  const clock = { speed: 60, epoch };
  const view = completedView();

  it('maps a virtual time back to the wall clock', () => {
    expect(wallClockTime('2026-12-07T08:00:00Z', clock)).toBe('2026-12-06T20:12:00.000Z');
  });

  it('shows both readings and says why, on the report and on the list', () => {
    const model = { ...reportModel(view), createdTime: '2026-12-07T08:00:00Z' };
    const html = reportPage(model, { sort: DEFAULT_SORT, refresh: false, clock });
    expect(html).toContain(
      '2026-12-07 08:00 UTC <span class="note wall-clock">(virtual clock; 2026-12-06 20:12 UTC wall clock)',
    );
    expect(html).toMatch(/local virtual clock, which runs 60× faster than real time/);
    const list = listPage([{ id: 'e1', status: 'Running', createdTime: '2026-12-07T08:00:00Z' }], 30, clock);
    expect(list).toContain('(virtual clock; 2026-12-06 20:12 UTC wall clock)');
    expect(list).toMatch(/local virtual clock/);
  });

  it('shows times as they are without a virtual clock (Azure)', () => {
    const model = { ...reportModel(view), createdTime: '2026-12-07T08:00:00Z' };
    const html = reportPage(model, { sort: DEFAULT_SORT, refresh: false });
    expect(html).toContain('<dt>Started</dt><dd>2026-12-07 08:00 UTC</dd>');
    expect(html).not.toMatch(/virtual clock/);
  });

  it('is read from the settings npm start sets, and absent otherwise', () => {
    const env = { LOCAL_CLOCK_SPEED: '60', LOCAL_CLOCK_EPOCH: String(epoch) };
    expect(parseSettings(env).settings.localClock).toEqual(clock);
    expect(parseSettings({}).settings.localClock).toBeUndefined();
  });
});
