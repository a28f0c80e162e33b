/**
 * What the preflight read of Azure, kept for `PREFLIGHT_CACHE_SECONDS` so that a burst of starts reads once: a
 * read in flight is joined, a successful one is reused until it expires, a failed one is never kept.
 */
import type { Read } from '../../core/preflight';

const succeeded = (value: unknown): boolean => (value as Read<unknown>).ok !== false;

export class ReadCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `read()`'s answer, or the one kept under `key`; `keep` says whether an answer may be kept. */
  get<T>(key: string, read: () => Promise<T>, keep: (value: T) => boolean = succeeded): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value: Promise<T> = read().then(
      (result) => {
        if (!keep(result)) this.forget(key, value);
        return result;
      },
      (err: unknown) => {
        this.forget(key, value);
        throw err;
      },
    );
    if (this.ttlMs > 0) this.entries.set(key, { at: this.now(), value });
    return value;
  }

  private forget(key: string, value: Promise<unknown>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}
