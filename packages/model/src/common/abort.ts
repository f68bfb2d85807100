/** AbortSignal handling shared by the local models (between batches) and the API clients (per request). */
import { ElanusError } from '@elanus/core';

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
