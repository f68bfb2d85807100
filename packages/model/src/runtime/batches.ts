/**
 * The batch loop every local model runs: texts are grouped longest first, each batch is checked for
 * abort, run, handed back, and reported as progress. What "run" means (a pipeline call, or padded
 * token rows through a model) is the caller's.
 */
import { raceAbort, throwIfAborted } from '../common/abort.js';
import type { EncodeProgress } from './types.js';

/**
 * Groups indices (longest first, as sentence-transformers does, so that each batch carries little
 * padding; ties keep input order) into batches of at most `batchSize` items and `maxElements` =
 * items x longest x `perToken` output values, which bounds the memory of outputs such as SPLADE's
 * [batch, seq, vocab] logits.
 */
export function planBatches(
  lengths: readonly number[],
  batchSize: number,
  perToken = 1,
  maxElements = Infinity,
): number[][] {
  const order = lengths.map((_, i) => i).sort((x, y) => lengths[y]! - lengths[x]! || x - y);
  const batches: number[][] = [];
  let cur: number[] = [];
  let longest = 0;
  for (const i of order) {
    const len = lengths[i]!;
    const nextLongest = Math.max(longest, len);
    if (
      cur.length > 0 &&
      (cur.length >= batchSize || (cur.length + 1) * nextLongest * perToken > maxElements)
    ) {
      batches.push(cur);
      cur = [];
      longest = 0;
    }
    cur.push(i);
    longest = Math.max(longest, len);
  }
  if (cur.length) batches.push(cur);
  return batches;
}

export interface BatchLoop {
  /** Model name, in progress events. */
  model: string;
  /** What is being done, in abort errors: "embedding with X". */
  what: string;
  signal?: AbortSignal;
  onProgress?: (event: EncodeProgress) => void;
}

/**
 * Runs `run` on each batch in turn and gives its result to `take` with the batch's indices. An abort is
 * noticed between batches and while a batch runs (its result is then dropped: inference cannot be
 * cancelled). One `encode` progress event follows each batch.
 */
export async function forEachBatch<R>(
  batches: readonly number[][],
  loop: BatchLoop,
  run: (batch: number[]) => Promise<R>,
  take: (batch: number[], result: R) => void,
): Promise<void> {
  const { model, what, signal, onProgress } = loop;
  const total = batches.reduce((n, b) => n + b.length, 0);
  let done = 0;
  for (const batch of batches) {
    throwIfAborted(signal, what);
    take(batch, await raceAbort(run(batch), signal, what));
    done += batch.length;
    onProgress?.({ stage: 'encode', model, done, total, progress: done / total });
  }
}
