import type { Kernels } from '../kernels/types.js';

/**
 * A vector code for the IVF lists (IVF_SQ8, IVF_PQ): trained once, then encodes each vector into
 * `codeSize` bytes and scores codes against a query without decoding them. Scores are in metric space:
 * L2 squared distance, or a dot product (IP, and COSINE over unit vectors).
 */
export interface VectorCodec {
  readonly name: string;
  readonly codeSize: number;
  /** Encodes residuals (vector − list centroid) rather than vectors. */
  readonly byResidual: boolean;
  /** Trains on n vectors (row-major), residuals when `byResidual`. */
  train(data: Float32Array, n: number, kernels: Kernels): void;
  encode(v: Float32Array, out: Uint8Array, offset: number): void;
  /** Prepares the per-query tables. */
  setQuery(q: Float32Array): void;
  /** Prepares one list: its centroid, and q·centroid (used by the dot forms). */
  setList(centroid: Float32Array, queryDotCentroid: number): void;
  /** Score of the code at codes[offset ..] for the current query and list. */
  score(codes: Uint8Array, offset: number): number;
  /** Trained parameters, reloaded by the codec's `restore`. */
  serialize(): ArrayBuffer[];
  memoryBytes(): number;
}
