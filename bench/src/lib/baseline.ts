/** Hand-written baselines the engine is measured against. */

/** Bounded best-k list (largest scores first) by insertion: fine for k = 10. */
export class SmallTopK {
  readonly ids: Int32Array;
  readonly scores: Float64Array;
  size = 0;
  constructor(readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float64Array(k);
  }
  reset(): void {
    this.size = 0;
  }
  /** Smallest score kept (−∞ until full). */
  floor(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : this.scores[this.k - 1]!;
  }
  push(id: number, s: number): void {
    let i: number;
    if (this.size < this.k) i = this.size++;
    else {
      if (s <= this.scores[this.k - 1]!) return;
      i = this.k - 1;
    }
    while (i > 0 && this.scores[i - 1]! < s) {
      this.scores[i] = this.scores[i - 1]!;
      this.ids[i] = this.ids[i - 1]!;
      i--;
    }
    this.scores[i] = s;
    this.ids[i] = id;
  }
  result(): Int32Array {
    return this.ids.slice(0, this.size);
  }
}

/**
 * Exact inner-product top-k by a plain JS scan with 4 independent accumulators (the loop a careful
 * JS developer would write; IP = COSINE on normalised data).
 */
export function jsScanTopK(
  data: Float32Array,
  n: number,
  dim: number,
  q: Float32Array,
  top: SmallTopK,
  allow?: (row: number) => boolean,
): Int32Array {
  top.reset();
  const d4 = dim & ~3;
  for (let r = 0, off = 0; r < n; r++, off += dim) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      s0 += data[off + j]! * q[j]!;
      s1 += data[off + j + 1]! * q[j + 1]!;
      s2 += data[off + j + 2]! * q[j + 2]!;
      s3 += data[off + j + 3]! * q[j + 3]!;
    }
    for (; j < dim; j++) s0 += data[off + j]! * q[j]!;
    const s = s0 + s1 + s2 + s3;
    if (s > top.floor() && (allow === undefined || allow(r))) top.push(r, s);
  }
  return top.result();
}

/** Recall@k of `got` against `truth` (both id lists). */
export function recallAt(got: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const t = new Set<number>();
  for (let i = 0; i < Math.min(k, truth.length); i++) t.add(Number(truth[i]));
  if (t.size === 0) return 1;
  let hit = 0;
  for (let i = 0; i < Math.min(k, got.length); i++) if (t.has(Number(got[i]))) hit++;
  return hit / t.size;
}
