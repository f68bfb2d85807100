import { elanusError } from '../errors/index.js';
import { inverseNorm, type KernelColumn } from './types.js';

/** A dense column backed by plain Float32Arrays (for the JS kernels): capacity doubles on growth. */
export class JsVectorColumn implements KernelColumn {
  readonly dim: number;
  private vecs: Float32Array;
  private norms: Float32Array;
  private n = 0;

  constructor(dim: number, capacity = 16) {
    if (!Number.isInteger(dim) || dim <= 0) {
      throw elanusError('invalidDim', { got: dim });
    }
    this.dim = dim;
    const cap = Math.max(1, capacity);
    this.vecs = new Float32Array(cap * dim);
    this.norms = new Float32Array(cap);
  }

  get length(): number {
    return this.n;
  }

  reserve(rows: number): void {
    const cap = this.norms.length;
    if (rows <= cap) return;
    const next = Math.max(rows, cap * 2);
    const v = new Float32Array(next * this.dim);
    v.set(this.vecs.subarray(0, this.n * this.dim));
    const nn = new Float32Array(next);
    nn.set(this.norms.subarray(0, this.n));
    this.vecs = v;
    this.norms = nn;
  }

  push(v: ArrayLike<number>): void {
    checkDim(v.length, this.dim);
    this.reserve(this.n + 1);
    const off = this.n * this.dim;
    this.vecs.set(v, off);
    this.norms[this.n] = inverseNorm(this.vecs, off, this.dim);
    this.n++;
  }

  pushMany(rows: Float32Array, count: number): void {
    checkDim(rows.length, count * this.dim);
    this.reserve(this.n + count);
    this.vecs.set(rows.subarray(0, count * this.dim), this.n * this.dim);
    for (let i = 0; i < count; i++) {
      this.norms[this.n + i] = inverseNorm(this.vecs, (this.n + i) * this.dim, this.dim);
    }
    this.n += count;
  }

  get(row: number): Float32Array {
    return this.vecs.slice(row * this.dim, (row + 1) * this.dim);
  }

  data(): Float32Array {
    return this.vecs.subarray(0, this.n * this.dim);
  }

  invNorm(row: number): number {
    return this.norms[row]!;
  }

  /** The whole arena including spare capacity (no allocation); for scanners. */
  rawVectors(): Float32Array {
    return this.vecs;
  }

  rawNorms(): Float32Array {
    return this.norms;
  }

  compact(keep: Int32Array): void {
    const d = this.dim;
    for (let i = 0; i < keep.length; i++) {
      const old = keep[i]!;
      if (old !== i) {
        this.vecs.copyWithin(i * d, old * d, old * d + d);
        this.norms[i] = this.norms[old]!;
      }
    }
    this.n = keep.length;
  }

  memoryBytes(): number {
    return this.vecs.byteLength + this.norms.byteLength;
  }
}

export function checkDim(got: number, expected: number): void {
  if (got !== expected) {
    throw elanusError('vectorLengthMismatch', { expected, got }, { expected, got });
  }
}
