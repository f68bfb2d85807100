import { elanusError } from '../errors/index.js';
import type { SparseVector } from '../schema/types.js';

/** The sparse vectors of one SPARSE_FLOAT_VECTOR field, one row per internal row id. */
export interface SparseVectorColumn {
  readonly length: number;
  push(v: SparseVector): void;
  /** Row `row` as views into the column (do not modify; invalidated by push/compact). */
  get(row: number): SparseVector;
  /** Drops rows not in `keep` and renumbers the rest in order. */
  compact(keep: Int32Array): void;
}

/** A sparse column in CSR form: offsets, indices and values in growable typed arrays. */
export class ArraySparseColumn implements SparseVectorColumn {
  private offsets = new Uint32Array(17);
  private indices = new Uint32Array(64);
  private values = new Float32Array(64);
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** Stored non-zeros. */
  get nnz(): number {
    return this.offsets[this.n]!;
  }

  push(v: SparseVector): void {
    const m = v.indices.length;
    if (v.values.length !== m) {
      throw elanusError('sparseVectorLengths', { indices: m, values: v.values.length });
    }
    if (this.n + 2 > this.offsets.length) {
      const o = new Uint32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    const at = this.offsets[this.n]!;
    if (at + m > this.indices.length) {
      const cap = Math.max(at + m, this.indices.length * 2);
      const i = new Uint32Array(cap);
      i.set(this.indices.subarray(0, at));
      const val = new Float32Array(cap);
      val.set(this.values.subarray(0, at));
      this.indices = i;
      this.values = val;
    }
    this.indices.set(v.indices, at);
    this.values.set(v.values, at);
    this.offsets[++this.n] = at + m;
  }

  get(row: number): SparseVector {
    const a = this.offsets[row]!;
    const b = this.offsets[row + 1]!;
    return { indices: this.indices.subarray(a, b), values: this.values.subarray(a, b) };
  }

  compact(keep: Int32Array): void {
    let w = 0;
    const off = this.offsets;
    const next = new Uint32Array(Math.max(17, keep.length + 1));
    for (let i = 0; i < keep.length; i++) {
      const r = keep[i]!;
      const a = off[r]!;
      const b = off[r + 1]!;
      this.indices.copyWithin(w, a, b);
      this.values.copyWithin(w, a, b);
      w += b - a;
      next[i + 1] = w;
    }
    this.offsets = next;
    this.n = keep.length;
  }
}
