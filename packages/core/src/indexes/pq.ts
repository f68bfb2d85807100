import type { Kernels } from '../kernels/types.js';
import type { VectorCodec } from './codec.js';
import { assignNearest, kmeans, sampleRows } from './kmeans.js';

/** Training points per codeword at most (faiss's max_points_per_centroid). */
const PQ_SAMPLE_PER_CODE = 256;

/**
 * Product quantization (Milvus IVF_PQ): the vector (a residual against its list's centroid) is cut into
 * m sub-vectors of dim/m values, each replaced by the nearest of 2^nbits trained codewords: m bytes per
 * vector. Scored by asymmetric distance (ADC): per query a table of m × 2^nbits partial scores, then a
 * sum of m lookups per code.
 *   L2:  |q − (c + r̂)|² = Σ_j |(q − c)_j − cb_j[code_j]|²   (one table per probed list)
 *   dot: q·(c + r̂) = q·c + Σ_j q_j·cb_j[code_j]            (one table per query)
 */
export class PqCodec implements VectorCodec {
  readonly name = 'PQ';
  readonly byResidual = true;
  readonly codeSize: number;
  readonly m: number;
  readonly nbits: number;
  private readonly dim: number;
  private readonly dsub: number;
  private readonly ksub: number;
  private readonly l2: boolean;
  private readonly seed: number;
  /** m codebooks of ksub × dsub values, row-major: codebooks[(j * ksub + k) * dsub + t]. */
  codebooks: Float32Array;
  private readonly table: Float32Array;
  private query: Float32Array;
  private base = 0;

  constructor(dim: number, m: number, nbits: number, l2: boolean, seed: number) {
    this.dim = dim;
    this.m = m;
    this.nbits = nbits;
    this.dsub = dim / m;
    this.ksub = 1 << nbits;
    this.codeSize = m;
    this.l2 = l2;
    this.seed = seed;
    this.codebooks = new Float32Array(m * this.ksub * this.dsub);
    this.table = new Float32Array(m * this.ksub);
    this.query = new Float32Array(dim);
  }

  train(data: Float32Array, n: number, kernels: Kernels): void {
    const { m, dsub, ksub } = this;
    const rows = sampleRows(n, Math.min(n, ksub * PQ_SAMPLE_PER_CODE), this.seed ^ 0x7f4a7c15);
    const sub = new Float32Array(rows.length * dsub);
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < rows.length; i++) {
        const o = rows[i]! * this.dim + j * dsub;
        sub.set(data.subarray(o, o + dsub), i * dsub);
      }
      const cb = kmeans(sub, rows.length, dsub, ksub, kernels, {
        seed: this.seed + j,
        iterations: 25,
        spherical: false,
      });
      this.codebooks.set(cb, j * ksub * dsub);
    }
  }

  /** Codes for many vectors at once (one kernel pass per sub-space), used when building. */
  encodeMany(data: Float32Array, n: number, kernels: Kernels, out: Uint8Array): void {
    const { m, dsub, ksub } = this;
    const sub = new Float32Array(n * dsub);
    const assign = new Int32Array(n);
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) {
        const o = i * this.dim + j * dsub;
        sub.set(data.subarray(o, o + dsub), i * dsub);
      }
      const cb = this.codebooks.subarray(j * ksub * dsub, (j + 1) * ksub * dsub);
      assignNearest(sub, n, dsub, cb, ksub, kernels, false, assign);
      for (let i = 0; i < n; i++) out[i * m + j] = assign[i]!;
    }
  }

  encode(v: Float32Array, out: Uint8Array, offset: number): void {
    const { m, dsub, ksub, codebooks } = this;
    for (let j = 0; j < m; j++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      const vo = j * dsub;
      for (let k = 0; k < ksub; k++) {
        const co = (j * ksub + k) * dsub;
        let d = 0;
        for (let t = 0; t < dsub; t++) {
          const e = v[vo + t]! - codebooks[co + t]!;
          d += e * e;
        }
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      }
      out[offset + j] = best;
    }
  }

  setQuery(q: Float32Array): void {
    this.query = q;
    if (!this.l2) this.fillTable(q, null);
  }

  setList(centroid: Float32Array, queryDotCentroid: number): void {
    if (this.l2) this.fillTable(this.query, centroid);
    else this.base = queryDotCentroid;
  }

  private fillTable(q: Float32Array, centroid: Float32Array | null): void {
    const { m, dsub, ksub, codebooks, table } = this;
    const r = new Float32Array(dsub);
    for (let j = 0; j < m; j++) {
      for (let t = 0; t < dsub; t++) r[t] = q[j * dsub + t]! - (centroid ? centroid[j * dsub + t]! : 0);
      for (let k = 0; k < ksub; k++) {
        const co = (j * ksub + k) * dsub;
        let s = 0;
        if (this.l2) {
          for (let t = 0; t < dsub; t++) {
            const e = r[t]! - codebooks[co + t]!;
            s += e * e;
          }
        } else {
          for (let t = 0; t < dsub; t++) s += r[t]! * codebooks[co + t]!;
        }
        table[j * ksub + k] = s;
      }
    }
  }

  score(codes: Uint8Array, offset: number): number {
    const { m, ksub, table } = this;
    let s = this.l2 ? 0 : this.base;
    for (let j = 0; j < m; j++) s += table[j * ksub + codes[offset + j]!]!;
    return s;
  }

  serialize(): ArrayBuffer[] {
    return [this.codebooks.slice().buffer];
  }

  static restore(
    dim: number,
    m: number,
    nbits: number,
    l2: boolean,
    seed: number,
    parts: ArrayBuffer[],
  ): PqCodec {
    const c = new PqCodec(dim, m, nbits, l2, seed);
    c.codebooks = new Float32Array(parts[0]!.slice(0));
    return c;
  }

  memoryBytes(): number {
    return this.codebooks.byteLength + this.table.byteLength;
  }
}
