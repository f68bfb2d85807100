import type { VectorCodec } from './codec.js';

/**
 * SQ8 (Milvus IVF_SQ8): each dimension mapped linearly onto 0..255 over its trained [min, max], one byte
 * per dimension (4× smaller than float32). Codes are scored without decoding:
 *   dot:  q·x̂ = Σ q_d·min_d + Σ (q_d·step_d)·c_d
 *   L2:   |q − x̂|² = Σ step_d² · (a_d − c_d)²  with a_d = (q_d − min_d) / step_d
 */
export class Sq8Codec implements VectorCodec {
  readonly name = 'SQ8';
  readonly byResidual = false;
  readonly codeSize: number;
  private readonly dim: number;
  private readonly l2: boolean;
  min: Float32Array;
  step: Float32Array;
  private readonly qa: Float32Array;
  private readonly w: Float32Array;
  private base = 0;

  constructor(dim: number, l2: boolean) {
    this.dim = dim;
    this.codeSize = dim;
    this.l2 = l2;
    this.min = new Float32Array(dim);
    this.step = new Float32Array(dim).fill(1);
    this.qa = new Float32Array(dim);
    this.w = new Float32Array(dim);
  }

  train(data: Float32Array, n: number): void {
    const dim = this.dim;
    const lo = new Float32Array(dim).fill(Number.POSITIVE_INFINITY);
    const hi = new Float32Array(dim).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      for (let d = 0; d < dim; d++) {
        const v = data[o + d]!;
        if (v < lo[d]!) lo[d] = v;
        if (v > hi[d]!) hi[d] = v;
      }
    }
    for (let d = 0; d < dim; d++) {
      if (!(lo[d]! <= hi[d]!)) {
        lo[d] = 0;
        hi[d] = 0;
      }
      this.min[d] = lo[d]!;
      // A constant dimension still gets a non-zero step so encoding never divides by zero.
      this.step[d] = hi[d]! > lo[d]! ? (hi[d]! - lo[d]!) / 255 : 1;
    }
  }

  encode(v: Float32Array, out: Uint8Array, offset: number): void {
    const { min, step } = this;
    for (let d = 0; d < this.dim; d++) {
      const c = Math.round((v[d]! - min[d]!) / step[d]!);
      out[offset + d] = c < 0 ? 0 : c > 255 ? 255 : c;
    }
  }

  setQuery(q: Float32Array): void {
    const { min, step, qa, w } = this;
    let base = 0;
    for (let d = 0; d < this.dim; d++) {
      if (this.l2) {
        qa[d] = (q[d]! - min[d]!) / step[d]!;
        w[d] = step[d]! * step[d]!;
      } else {
        qa[d] = q[d]! * step[d]!;
        base += q[d]! * min[d]!;
      }
    }
    this.base = base;
  }

  setList(): void {}

  score(codes: Uint8Array, offset: number): number {
    const { qa, w } = this;
    const dim = this.dim;
    if (this.l2) {
      let s0 = 0;
      let s1 = 0;
      let d = 0;
      for (; d + 1 < dim; d += 2) {
        const e0 = qa[d]! - codes[offset + d]!;
        const e1 = qa[d + 1]! - codes[offset + d + 1]!;
        s0 += w[d]! * e0 * e0;
        s1 += w[d + 1]! * e1 * e1;
      }
      if (d < dim) {
        const e = qa[d]! - codes[offset + d]!;
        s0 += w[d]! * e * e;
      }
      return s0 + s1;
    }
    let s0 = 0;
    let s1 = 0;
    let d = 0;
    for (; d + 1 < dim; d += 2) {
      s0 += qa[d]! * codes[offset + d]!;
      s1 += qa[d + 1]! * codes[offset + d + 1]!;
    }
    if (d < dim) s0 += qa[d]! * codes[offset + d]!;
    return this.base + s0 + s1;
  }

  serialize(): ArrayBuffer[] {
    return [this.min.slice().buffer, this.step.slice().buffer];
  }

  static restore(dim: number, l2: boolean, parts: ArrayBuffer[]): Sq8Codec {
    const c = new Sq8Codec(dim, l2);
    c.min = new Float32Array(parts[0]!.slice(0));
    c.step = new Float32Array(parts[1]!.slice(0));
    return c;
  }

  memoryBytes(): number {
    return this.dim * 16;
  }
}
