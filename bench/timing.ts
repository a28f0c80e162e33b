/**
 * Timing for the in-process benches (`report`, `evaluation`): run a function a few times to warm up, then time it
 * `runs` times, and print the median and spread.
 */

/** The sorted times (ms) of `runs` calls of `fn`, after `warmUp` untimed calls. */
export function timeRuns(fn: () => unknown, warmUp: number, runs: number): number[] {
  for (let i = 0; i < warmUp; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/** Prints `what: median … ms (min …, max …) over N runs` for sorted times. */
export function showTimes(what: string, t: readonly number[]): void {
  console.log(
    `   ${what}: median ${t[Math.floor(t.length / 2)]!.toFixed(1)} ms (min ${t[0]!.toFixed(1)}, max ${t[t.length - 1]!.toFixed(1)}) over ${t.length} runs`,
  );
}

/** A text's UTF-8 size in KiB, rounded. */
export const kib = (text: string): string => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;
