/**
 * Orchestration versions (host.json `extensions.durableTask.defaultVersion`): an instance keeps the version it
 * started with (`context.df.version`), so a changed orchestrator step branches on it (docs/durable.md, "Upgrades").
 * Versions compare as the extension compares them: dot-separated numbers, numerically; an instance started without
 * a version is older than every version.
 */

function parts(version: string): number[] | undefined {
  const split = version.trim().split('.');
  const numbers = split.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  return numbers.every((n) => Number.isFinite(n)) ? numbers : undefined;
}

/** -1, 0 or 1; an absent or empty version is the oldest. Versions that are not numeric compare as text. */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (!a || !b) return !a && !b ? 0 : !a ? -1 : 1;
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb) return a === b ? 0 : a < b ? -1 : 1;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether an instance of `version` (its `context.df.version`) takes the steps introduced in `minimum`. */
export function versionAtLeast(version: string | undefined, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
