import { storageError } from './errors.js';
import type { Storage, StorageBatch, StoredValue } from './types.js';

export interface MemoryStorageOptions {
  /**
   * Test hook: a commit that would make the stored bytes exceed this fails with a `QuotaExceededError`
   * DOMException, as IndexedDB does when the origin's quota is full.
   */
  quotaBytes?: number;
}

/** Approximate bytes of a stored value (binary exactly, records roughly). */
export function approxBytes(v: unknown): number {
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (typeof v === 'string') return 2 * v.length + 8;
  if (Array.isArray(v)) {
    let n = 16;
    for (const x of v) n += approxBytes(x);
    return n;
  }
  if (v !== null && typeof v === 'object') {
    let n = 16;
    for (const [k, x] of Object.entries(v)) n += 2 * k.length + approxBytes(x);
    return n;
  }
  return 8;
}

/**
 * An in-memory backend with IndexedDB's semantics: values are structured-cloned on the way in and out
 * (so callers cannot mutate what is stored) and a commit applies all of its puts and deletes or none.
 * Used by the Node unit tests; an instance kept across "reopens" plays the part of a database on disk.
 */
export class MemoryStorage implements Storage {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, StoredValue>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  /** Test hook: the next commit fails with this error (then the hook clears). */
  failNextCommit: unknown;
  /** Test hook: bytes above which commits fail with QuotaExceededError. */
  quotaBytes: number;
  /** Commits done so far (tests count them). */
  commits = 0;
  /** Test hook: every commit after this many successful ones fails, as if the browser had crashed. */
  failAfterCommits = Number.POSITIVE_INFINITY;

  constructor(options: MemoryStorageOptions = {}) {
    this.quotaBytes = options.quotaBytes ?? Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.bytes;
  }

  async read(key: string): Promise<StoredValue | undefined> {
    const v = this.data.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }

  async readMany(keys: string[]): Promise<(StoredValue | undefined)[]> {
    return keys.map((k) => {
      const v = this.data.get(k);
      return v === undefined ? undefined : structuredClone(v);
    });
  }

  async readAll(prefixes: string[]): Promise<[string, StoredValue][]> {
    const out: [string, StoredValue][] = [];
    for (const p of prefixes) {
      for (const k of [...this.data.keys()].filter((x) => x.startsWith(p)).sort()) {
        out.push([k, structuredClone(this.data.get(k)!)]);
      }
    }
    return out;
  }

  async commit(batch: StorageBatch): Promise<void> {
    if (this.failNextCommit !== undefined) {
      const e = this.failNextCommit;
      this.failNextCommit = undefined;
      throw storageError(e, 'committing');
    }
    if (this.commits >= this.failAfterCommits) {
      throw storageError(new DOMException('the browser stopped (test hook)', 'UnknownError'), 'committing');
    }
    let cloned: [string, StoredValue][];
    try {
      // Cloning first makes a DataCloneError fail the whole batch before anything changes.
      cloned = (batch.put ?? []).map(([k, v]) => [k, structuredClone(v)]);
    } catch (e) {
      throw storageError(e, 'committing');
    }
    // Deletes apply before puts (as in the IndexedDB backend), so a key in both ends up written.
    const touched = new Set([...(batch.remove ?? []), ...cloned.map(([k]) => k)]);
    let next = this.bytes;
    for (const k of touched) next -= this.sizes.get(k) ?? 0;
    const newSizes = cloned.map(([, v]) => approxBytes(v));
    for (const n of newSizes) next += n;
    if (next > this.quotaBytes) {
      throw storageError(new DOMException('quota exceeded (test hook)', 'QuotaExceededError'), 'committing');
    }
    for (const k of batch.remove ?? []) {
      this.data.delete(k);
      this.sizes.delete(k);
    }
    cloned.forEach(([k, v], i) => {
      this.data.set(k, v);
      this.sizes.set(k, newSizes[i]!);
    });
    this.bytes = next;
    this.commits++;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async clear(): Promise<void> {
    this.data.clear();
    this.sizes.clear();
    this.bytes = 0;
  }

  async close(): Promise<void> {}
}
