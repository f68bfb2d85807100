import { ElanusError } from '@elanus/core';
import type { EmbeddingProgress } from './types.js';

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

/** An `IllegalArgument` error naming the parameter, what was expected and what came (core's message format). */
export function invalidParam(name: string, expected: string, got: unknown): ElanusError {
  return new ElanusError(
    'IllegalArgument',
    `invalid parameter ${name}: expected ${expected}, got ${describe(got)}`,
    {
      param: name,
    },
  );
}

/** Checks a list of texts; returns it typed. */
export function checkTexts(texts: unknown, param: string): string[] {
  if (!Array.isArray(texts)) throw invalidParam(param, 'an array of strings', texts);
  if (texts.length === 0) throw invalidParam(param, 'a non-empty array of strings', texts);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') throw invalidParam(`${param}[${i}]`, 'a string', texts[i]);
  }
  return texts as string[];
}

export function abortError(signal: AbortSignal, what: string): ElanusError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return new ElanusError('Aborted', `${what} aborted: ${reason}`);
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortError(signal, what);
}

/**
 * Settles with `p`, or rejects as soon as `signal` aborts. The work behind `p` is not cancelled
 * (transformers.js and onnxruntime have no cancellation); its result is dropped.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

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

  /** Forgets the model; returns the load it had (if any) so the caller can release it. */
  reset(): Promise<T> | undefined {
    const loading = this.loading;
    this.loading = undefined;
    this.loaded = undefined;
    return loading;
  }
}
