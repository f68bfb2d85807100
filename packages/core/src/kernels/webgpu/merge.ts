import { TopKHeap } from '../../indexes/heap.js';
import type { TopK } from '../../indexes/types.js';
import type { VectorScanner } from '../types.js';
import { candidatesFor } from './selection.js';
import { NONE } from './shaders.js';

/**
 * The CPU half of a GPU search: merges the candidates the selection pass read back into each query's
 * top-k. Its two heaps are reused across queries and searches.
 */
export class CandidateMerger {
  private readonly approx = new TopKHeap();
  private readonly exact = new TopKHeap();

  /**
   * Top-k of query `j` of a pass from its candidates (`cand`: distance bits, row per slot; `tiles` x `kk`
   * slots per query): the best by GPU distance, rescored with the engine's kernels and ranked by a heap
   * exactly as FLAT ranks (ties by row id), so scores and ties match the WASM/JS path.
   */
  merge(
    scanner: VectorScanner,
    query: Float32Array,
    cand: Uint32Array,
    j: number,
    tiles: number,
    kk: number,
    k: number,
  ): TopK {
    const f32 = new Float32Array(cand.buffer, cand.byteOffset, cand.length);
    const approx = this.approx;
    approx.reset(candidatesFor(k));
    const from = j * tiles * kk;
    const to = from + tiles * kk;
    for (let i = from; i < to; i++) {
      const row = cand[2 * i + 1]!;
      if (row === NONE) continue; // tiles are sorted: the rest of this tile is empty too, but other tiles are not
      approx.push(f32[2 * i]!, row);
    }
    const picked = approx.drainSorted().ids;
    const m = picked.length;
    scanner.setQuery(query);
    const scores = new Float32Array(m);
    scanner.scoreRows(picked, m, scores);
    const sim = scanner.metric !== 'L2';
    const exact = this.exact;
    exact.reset(Math.min(k, m));
    for (let i = 0; i < m; i++) exact.push(sim ? -scores[i]! : scores[i]!, picked[i]!);
    return exact.toTopK(sim);
  }
}
