/**
 * Locally (`npm start`) the app and its durable engine run on a virtual clock (60× by default), so the times the
 * report shows run days ahead of the wall clock. The page says so and shows the wall-clock time beside each.
 * In Azure there is no virtual clock and times are shown as they are.
 */
import type { VirtualClock } from '../core/settings';
import { escapeHtml } from './escape';
import { formatTime } from './format';

/** The wall-clock time of a virtual time: the clock reads `epoch + (real - epoch) × speed`. */
export function wallClockTime(iso: string, clock: VirtualClock): string | undefined {
  const virtual = Date.parse(iso);
  if (Number.isNaN(virtual)) return undefined;
  return new Date(clock.epoch + (virtual - clock.epoch) / clock.speed).toISOString();
}

const virtualClock = (clock: VirtualClock | undefined): clock is VirtualClock => !!clock && clock.speed !== 1;

/** A time for the page (escaped HTML): with a virtual clock, both readings. */
export function timeHtml(iso: string | undefined, clock: VirtualClock | undefined): string {
  const text = escapeHtml(formatTime(iso));
  if (!iso || !text || !virtualClock(clock)) return text;
  const wall = formatTime(wallClockTime(iso, clock));
  return `${text} <span class="note wall-clock">(virtual clock; ${escapeHtml(wall)} wall clock)</span>`;
}

/** The note that explains the two readings, or '' in Azure. */
export function clockNote(clock: VirtualClock | undefined): string {
  if (!virtualClock(clock)) return '';
  return (
    `<p class="note clock-note">Times come from the local virtual clock, which runs ${escapeHtml(clock.speed)}× ` +
    'faster than real time (npm start --speed) and so runs ahead of the wall clock: each is shown with its ' +
    'wall-clock time.</p>'
  );
}
