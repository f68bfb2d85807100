import type { DenseVectorColumn, TopK } from '../indexes/types.js';
import type { DenseMetric } from '../kernels/types.js';
import type { Bitset } from '../util/bitset.js';

/** One batched exact (FLAT) search over a dense column. */
export interface BatchSearchRequest {
  column: DenseVectorColumn;
  /** Changes whenever the column's stored vectors change: device-side copies are re-uploaded then. */
  version: number;
  metric: DenseMetric;
  queries: Float32Array[];
  k: number;
  /** Rows that may be returned (live rows that pass the filter and partitions). */
  allow: Bitset;
  /**
   * Per query, the only rows to score (IVF_FLAT's probed lists, `allow` already applied); absent for a
   * full scan. Only the scan pool takes these.
   */
  rows?: Int32Array[];
}

/** Counters for tests and benchmarks. */
export interface BatchSearchStats {
  /** Searches answered by the device. */
  searches: number;
  /** Queries answered by the device. */
  queries: number;
  /** Searches the device declined (too large, device lost, error): the WASM/JS path answered them. */
  fallbacks: number;
  /** Column uploads (first use and after writes). */
  uploads: number;
  lastError: string | null;
}

/**
 * Exact top-k of many queries at once on another device (WebGPU, or a pool of worker threads). `search` methods ask it for FLAT
 * searches with at least `minBatch` query vectors; it answers `null` when it cannot, and the kernels answer.
 */
export interface BatchSearcher {
  /** WebGPU, or the scan pool's worker threads (kernels/pool). */
  readonly device: 'webgpu' | 'threads';
  /** Fewest query vectors per search worth handing over. */
  readonly minBatch: number;
  /** Least work (query vectors x rows x dim multiply-adds) worth handing over: a GPU call has a fixed cost. */
  readonly minWork: number;
  readonly stats: BatchSearchStats;
  /** Hits per query, best first, as FLAT returns them; `null` to decline. */
  search(req: BatchSearchRequest): Promise<TopK[] | null>;
  /** Frees device buffers. */
  dispose(): void;
}
