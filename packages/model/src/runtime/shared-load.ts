import { raceAbort, throwIfAborted } from '../common/abort.js';
import type { EmbeddingProgress } from './types.js';

/**
 * One model load shared by every caller: each waiting caller gets the load's progress events, a caller's
 * abort only ends its own wait, and a failed load is forgotten so the next call tries again.
 */
export class SharedLoad<T> {
  private loading: Promise<T> | undefined;
  private loaded: T | undefined;
  private readonly listeners = new Set<(e: EmbeddingProgress) => void>();

  constructor(private readonly load: () => Promise<T>) {}

  get current(): T | undefined {
    return this.loaded;
  }

  emit(e: EmbeddingProgress): void {
    for (const l of this.listeners) l(e);
  }

  get(what: string, signal?: AbortSignal, onProgress?: (e: EmbeddingProgress) => void): Promise<T> {
    throwIfAborted(signal, what);
    if (this.loaded) return Promise.resolve(this.loaded);
    if (onProgress) this.listeners.add(onProgress);
    if (!this.loading) {
      const p = this.load();
      this.loading = p;
      p.then(
        (l) => {
          if (this.loading === p) this.loaded = l;
        },
        () => {
          if (this.loading === p) this.loading = undefined;
        },
      );
    }
    return raceAbort(this.loading, signal, what).finally(() => {
      if (onProgress) this.listeners.delete(onProgress);
    });
  }

  /** Forgets the model and releases what its load produced; the next `get` loads it again. */
  async release(free: (loaded: T) => Promise<unknown>): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    this.loaded = undefined;
    if (!loading) return;
    try {
      await free(await loading);
    } catch {
      // A load that failed has nothing to release.
    }
  }
}
