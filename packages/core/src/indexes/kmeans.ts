import type { Kernels } from '../kernels/types.js';

// Seeded Lloyd k-means for the IVF coarse quantizer and the PQ codebooks. The same (data, k, seed) give
// the same centroids on every run and in every realm: the initial centroids and the training sample are
// picked by a seeded generator, never Math.random.

/** Seeded uniform generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct integers from [0, n), in increasing order (a seeded partial shuffle). */
export function sampleRows(n: number, count: number, seed: number): Int32Array {
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  // Floyd's algorithm: `count` draws, no array of n.
  const picked = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return Int32Array.from(picked).sort();
}

export interface KmeansOptions {
  seed: number;
  /** Lloyd iterations (faiss's default is 10 for IVF, 25 for PQ). */
  iterations: number;
  /** Spherical k-means: data are unit vectors, centroids are renormalised and assignment is by dot. */
  spherical: boolean;
}

/**
 * k centroids (row-major, k × dim) of n points (row-major in `data`). Assignment uses the dense kernels
 * (WASM SIMD where available): for L2 the nearest centroid minimises |c|² − 2 x·c. An empty cluster takes
 * half of the largest one (its centroid, nudged apart), as faiss does.
 */
export function kmeans(
  data: Float32Array,
  n: number,
  dim: number,
  k: number,
  kernels: Kernels,
  opts: KmeansOptions,
): Float32Array {
  const rand = seededRandom(opts.seed);
  const centroids = new Float32Array(k * dim);
  const init = sampleRows(n, Math.min(n, k), opts.seed ^ 0x2545f491);
  for (let c = 0; c < k; c++) {
    // With fewer points than centroids, the rest start on repeated points and split below.
    const r = init[c % init.length]!;
    centroids.set(data.subarray(r * dim, r * dim + dim), c * dim);
  }
  const assign = new Int32Array(n);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * dim);
  for (let it = 0; it < opts.iterations; it++) {
    assignNearest(data, n, dim, centroids, k, kernels, opts.spherical, assign);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      counts[c]!++;
      const o = c * dim;
      const p = i * dim;
      for (let j = 0; j < dim; j++) sums[o + j]! += data[p + j]!;
    }
    for (let c = 0; c < k; c++) {
      const cnt = counts[c]!;
      if (cnt === 0) continue;
      const o = c * dim;
      for (let j = 0; j < dim; j++) centroids[o + j] = sums[o + j]! / cnt;
    }
    splitEmpty(centroids, counts, k, dim, rand);
    if (opts.spherical)
      for (let c = 0; c < k; c++) normalizeInPlace(centroids.subarray(c * dim, c * dim + dim));
  }
  return centroids;
}

/** For each point, the index of its nearest centroid (by L2, or by dot when `byDot`). */
export function assignNearest(
  data: Float32Array,
  n: number,
  dim: number,
  centroids: Float32Array,
  k: number,
  kernels: Kernels,
  byDot: boolean,
  out: Int32Array,
  dataOffset = 0,
): void {
  const col = kernels.createColumn(dim);
  col.pushMany(centroids, k);
  const scanner = kernels.scanner(col, 'IP');
  const half = new Float32Array(k);
  if (!byDot) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += centroids[c * dim + j]! ** 2;
      half[c] = s / 2;
    }
  }
  const scores = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    const p = (dataOffset + i) * dim;
    scanner.setQuery(data.subarray(p, p + dim));
    scanner.scoreRange(0, k, scores);
    // Largest x·c (dot) or largest x·c − |c|²/2 (L2): the same argmin of |x − c|².
    let best = 0;
    let bestV = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const v = scores[c]! - half[c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
}

function splitEmpty(
  centroids: Float32Array,
  counts: Float64Array,
  k: number,
  dim: number,
  rand: () => number,
) {
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    // Pick a cluster with probability proportional to its size beyond one point.
    let total = 0;
    for (let j = 0; j < k; j++) total += Math.max(0, counts[j]! - 1);
    if (total === 0) return;
    let t = rand() * total;
    let big = 0;
    for (let j = 0; j < k; j++) {
      t -= Math.max(0, counts[j]! - 1);
      if (t < 0) {
        big = j;
        break;
      }
    }
    const eps = 1 / 1024;
    for (let d = 0; d < dim; d++) {
      const v = centroids[big * dim + d]!;
      const sign = d % 2 === 0 ? 1 : -1;
      centroids[c * dim + d] = v * (1 + sign * eps);
      centroids[big * dim + d] = v * (1 - sign * eps);
    }
    counts[c] = counts[big]! / 2;
    counts[big] = counts[big]! - counts[c]!;
  }
}

export function normalizeInPlace(v: Float32Array): void {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < v.length; j++) v[j]! *= inv;
}
