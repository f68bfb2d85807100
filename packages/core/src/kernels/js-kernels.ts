import type { DenseVectorColumn } from '../indexes/types.js';
import { JsVectorColumn } from './js-column.js';
import { type DenseMetric, inverseNorm, type Kernels, ScanHelpers, type VectorScanner } from './types.js';

// Plain TypeScript kernels: four independent accumulators, unrolled by 4, so the adds pipeline.

/** Dot product of a[ao..ao+n) and b[bo..bo+n). */
export function dotAt(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + (s2 + s3);
}

/** Squared L2 distance of a[ao..ao+n) and b[bo..bo+n). */
export function l2At(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const d0 = a[ao + i]! - b[bo + i]!;
    const d1 = a[ao + i + 1]! - b[bo + i + 1]!;
    const d2 = a[ao + i + 2]! - b[bo + i + 2]!;
    const d3 = a[ao + i + 3]! - b[bo + i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; i++) {
    const d = a[ao + i]! - b[bo + i]!;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

const BATCH = 4096;

/** Scanner over any dense column through its Float32Array arena. */
export class JsScanner implements VectorScanner {
  readonly metric: DenseMetric;
  readonly dim: number;
  readonly batch = BATCH;
  private readonly col: DenseVectorColumn;
  private readonly own: JsVectorColumn | null;
  private readonly qbuf: Float32Array;
  /** -1: external query in qbuf; otherwise the stored row used as query. */
  private qRow = -1;
  private qInv = 0;
  private readonly ids = new Int32Array(BATCH);
  private readonly scores = new Float32Array(BATCH);

  constructor(column: DenseVectorColumn, metric: DenseMetric) {
    this.col = column;
    this.own = column instanceof JsVectorColumn ? column : null;
    this.metric = metric;
    this.dim = column.dim;
    this.qbuf = new Float32Array(column.dim);
  }

  private vecs(): Float32Array {
    return this.own ? this.own.rawVectors() : this.col.data();
  }

  private norm(vecs: Float32Array, row: number): number {
    return this.own ? this.own.rawNorms()[row]! : inverseNorm(vecs, row * this.dim, this.dim);
  }

  setQuery(q: ArrayLike<number>): void {
    this.qbuf.set(q);
    this.qRow = -1;
    this.qInv = inverseNorm(this.qbuf, 0, this.dim);
  }

  setQueryRow(row: number): void {
    this.qRow = row;
    this.qInv = this.norm(this.vecs(), row);
  }

  private one(v: Float32Array, q: Float32Array, qo: number, qInv: number, row: number): number {
    const d = this.dim;
    if (this.metric === 'L2') return l2At(q, qo, v, row * d, d);
    const s = dotAt(q, qo, v, row * d, d);
    return this.metric === 'IP' ? s : s * this.norm(v, row) * qInv;
  }

  score(row: number): number {
    const v = this.vecs();
    const q = this.qRow < 0 ? this.qbuf : v;
    return Math.fround(this.one(v, q, this.qRow < 0 ? 0 : this.qRow * this.dim, this.qInv, row));
  }

  pair(a: number, b: number): number {
    const v = this.vecs();
    return Math.fround(this.one(v, v, a * this.dim, this.norm(v, a), b));
  }

  scoreRange(from: number, to: number, out: Float32Array, outOffset = 0): void {
    const v = this.vecs();
    const q = this.qRow < 0 ? this.qbuf : v;
    const qo = this.qRow < 0 ? 0 : this.qRow * this.dim;
    const d = this.dim;
    const qInv = this.qInv;
    if (this.metric === 'L2') {
      for (let r = from; r < to; r++) out[outOffset++] = l2At(q, qo, v, r * d, d);
    } else if (this.metric === 'IP' || !this.own) {
      for (let r = from; r < to; r++) out[outOffset++] = this.one(v, q, qo, qInv, r);
    } else {
      const norms = this.own.rawNorms();
      for (let r = from; r < to; r++) out[outOffset++] = dotAt(q, qo, v, r * d, d) * norms[r]! * qInv;
    }
  }

  scoreRows(rows: ArrayLike<number>, count: number, out: Float32Array, outOffset = 0): void {
    const v = this.vecs();
    const q = this.qRow < 0 ? this.qbuf : v;
    const qo = this.qRow < 0 ? 0 : this.qRow * this.dim;
    for (let i = 0; i < count; i++) out[outOffset + i] = this.one(v, q, qo, this.qInv, rows[i]!);
  }

  idBuffer(): Int32Array {
    return this.ids;
  }

  scoreBuffer(): Float32Array {
    return this.scores;
  }

  scoreBuffered(count: number): void {
    this.scoreRows(this.ids, count, this.scores, 0);
  }
}

/** Kernels in plain TypeScript: the fallback where WebAssembly SIMD is missing, and the reference. */
export class JsKernels extends ScanHelpers implements Kernels {
  readonly kind = 'js' as const;

  dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return Math.fround(dotAt(a, 0, b, 0, Math.min(a.length, b.length)));
  }

  l2sq(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return Math.fround(l2At(a, 0, b, 0, Math.min(a.length, b.length)));
  }

  createColumn(dim: number): JsVectorColumn {
    return new JsVectorColumn(dim);
  }

  scanner(column: DenseVectorColumn, metric: DenseMetric): VectorScanner {
    return new JsScanner(column, metric);
  }
}
