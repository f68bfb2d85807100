// Shared fixtures for the index tests: seeded generators and brute-force references.
import { seededRandom } from '../src/indexes/kmeans.js';
import type { DenseMetric } from '../src/kernels/types.js';

/** Seeded uniform generator in [0, 1), the one k-means uses, so failures reproduce. */
export const rng = seededRandom;

/** Standard normal via Box-Muller. */
export function gauss(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * Clustered synthetic vectors: `clusters` Gaussian centres, each row a centre plus noise. Rows are
 * assigned to clusters at random, like real embeddings that group by topic.
 */
export function clustered(
  n: number,
  dim: number,
  seed: number,
  clusters = 64,
  spread = 0.35,
): { data: Float32Array; centres: Float32Array[]; query: (i: number) => Float32Array } {
  const r = rng(seed);
  const g = gauss(r);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => g()));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * clusters)]!;
    for (let j = 0; j < dim; j++) data[i * dim + j] = c[j]! + spread * g();
  }
  const qr = rng(seed ^ 0x5bd1e995);
  const qg = gauss(qr);
  const query = () => {
    const c = centres[Math.floor(qr() * clusters)]!;
    return Float32Array.from(c, (x) => x + spread * qg());
  };
  return { data, centres, query };
}

/** Milvus score of a row against a query, in double precision. */
export function refScore(metric: DenseMetric, q: ArrayLike<number>, data: Float32Array, row: number): number {
  const dim = q.length;
  let dot = 0;
  let qq = 0;
  let vv = 0;
  let l2 = 0;
  for (let j = 0; j < dim; j++) {
    const a = q[j]!;
    const b = data[row * dim + j]!;
    dot += a * b;
    qq += a * a;
    vv += b * b;
    l2 += (a - b) * (a - b);
  }
  if (metric === 'L2') return l2;
  if (metric === 'IP') return dot;
  return qq > 0 && vv > 0 ? dot / Math.sqrt(qq * vv) : 0;
}

/** Brute-force top-k (sort of all scores) among rows passing `ok`. */
export function bruteTopK(
  metric: DenseMetric,
  q: ArrayLike<number>,
  data: Float32Array,
  n: number,
  k: number,
  ok: (row: number) => boolean = () => true,
): { rows: number[]; scores: number[] } {
  const all: [number, number][] = [];
  for (let r = 0; r < n; r++) if (ok(r)) all.push([r, refScore(metric, q, data, r)]);
  all.sort((a, b) => (metric === 'L2' ? a[1] - b[1] : b[1] - a[1]) || a[0] - b[0]);
  const top = all.slice(0, k);
  return { rows: top.map((x) => x[0]), scores: top.map((x) => x[1]) };
}

/** Fraction of `truth` found in `got`. */
export function recall(got: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (truth.length === 0) return 1;
  const s = new Set(Array.from(got));
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (s.has(truth[i]!)) hit++;
  return hit / truth.length;
}
