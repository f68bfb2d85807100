import { Rng } from './rng.js';

export interface VectorData {
  n: number;
  nq: number;
  dim: number;
  /** Row-major n × dim, every row L2-normalised. */
  base: Float32Array;
  /** Row-major nq × dim, drawn from the same mixture (not in `base`). */
  queries: Float32Array;
  description: string;
}

export interface VectorSpec {
  n: number;
  nq: number;
  dim: number;
  /** Mixture components (default max(16, n / 400)). */
  clusters?: number;
  /** Noise around a centre, relative to the centre's norm (default 0.9: neighbours are close but not trivial). */
  spread?: number;
  seed?: number;
}

function normaliseRow(v: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let i = 0; i < dim; i++) s += v[off + i]! * v[off + i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < dim; i++) v[off + i]! *= inv;
}

/**
 * Seeded synthetic embeddings: a Gaussian mixture on the unit sphere, like sentence embeddings (clusters of
 * topics with spread within each), normalised so IP = COSINE. Base rows and queries share the centres.
 */
export function clusteredVectors(spec: VectorSpec): VectorData {
  const { n, nq, dim } = spec;
  const clusters = spec.clusters ?? Math.max(16, Math.round(n / 400));
  const spread = spec.spread ?? 0.9;
  const seed = spec.seed ?? 1;
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  for (let c = 0; c < clusters; c++) normaliseRow(centres, c * dim, dim);
  const sigma = spread / Math.sqrt(dim);
  const fill = (out: Float32Array, rows: number, r: Rng) => {
    for (let i = 0; i < rows; i++) {
      const c = r.int(clusters) * dim;
      const off = i * dim;
      for (let j = 0; j < dim; j++) out[off + j] = centres[c + j]! + sigma * r.normal();
      normaliseRow(out, off, dim);
    }
  };
  const base = new Float32Array(n * dim);
  fill(base, n, new Rng(seed * 7919 + 1));
  const queries = new Float32Array(nq * dim);
  fill(queries, nq, new Rng(seed * 7919 + 2));
  return {
    n,
    nq,
    dim,
    base,
    queries,
    description: `${n.toLocaleString('en-US')} × ${dim} seeded Gaussian mixture (${clusters} clusters, spread ${spread}), L2-normalised; ${nq} held-out queries`,
  };
}

/** The row `i` of a row-major matrix as a view. */
export function row(m: Float32Array, dim: number, i: number): Float32Array {
  return m.subarray(i * dim, (i + 1) * dim);
}

export interface Corpus {
  /** Word strings by term id. */
  words: string[];
  /** Document d's term ids are tokens[offsets[d] .. offsets[d+1]). */
  offsets: Int32Array;
  tokens: Int32Array;
  texts: string[];
  /** Query q's distinct term ids. */
  queries: Int32Array[];
  queryTexts: string[];
  description: string;
}

export interface CorpusSpec {
  docs: number;
  vocab: number;
  minLen: number;
  maxLen: number;
  queries: number;
  qMin: number;
  qMax: number;
  /** Zipf exponent (default 1.0). */
  s?: number;
  seed?: number;
}

const CONS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

/**
 * Word `i` of the synthetic vocabulary: three consonant–vowel syllables and a trailing `q`, all distinct,
 * equally long (so no word is a prefix of another: prefix-matching engines find only exact terms), lower-case
 * ASCII letters (every tokenizer keeps them whole), never an English stop word.
 */
export function wordOf(i: number): string {
  const ns = CONS.length * VOWELS.length;
  let s = '';
  let x = i;
  for (let k = 0; k < 3; k++) {
    const syl = x % ns;
    x = Math.floor(x / ns);
    s += CONS[Math.floor(syl / VOWELS.length)]! + VOWELS[syl % VOWELS.length]!;
  }
  return `${s}q`;
}

/** Zipf(s) sampler over ranks 0..n-1 by inverse CDF (binary search). */
export class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, s: number) {
    this.cdf = new Float64Array(n);
    let acc = 0;
    for (let k = 0; k < n; k++) {
      acc += 1 / (k + 1) ** s;
      this.cdf[k] = acc;
    }
    for (let k = 0; k < n; k++) this.cdf[k]! /= acc;
  }
  sample(rng: Rng): number {
    const u = rng.float();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Seeded Zipf text corpus: document lengths uniform in [minLen, maxLen], words drawn by Zipf rank from a
 * shuffled synthetic vocabulary; queries of qMin..qMax distinct words drawn from the same distribution.
 */
export function zipfCorpus(spec: CorpusSpec): Corpus {
  const seed = spec.seed ?? 3;
  const rng = new Rng(seed);
  const zipf = new Zipf(spec.vocab, spec.s ?? 1.0);
  // Rank -> term id: a fixed permutation, so frequent words are spread over the id space.
  const rankToId = new Int32Array(spec.vocab);
  for (let i = 0; i < spec.vocab; i++) rankToId[i] = i;
  rng.shuffle(rankToId);
  const words = Array.from({ length: spec.vocab }, (_, i) => wordOf(i));
  const offsets = new Int32Array(spec.docs + 1);
  const lens = new Int32Array(spec.docs);
  let total = 0;
  for (let d = 0; d < spec.docs; d++) {
    lens[d] = spec.minLen + rng.int(spec.maxLen - spec.minLen + 1);
    total += lens[d]!;
    offsets[d + 1] = total;
  }
  const tokens = new Int32Array(total);
  for (let t = 0; t < total; t++) tokens[t] = rankToId[zipf.sample(rng)]!;
  const texts = new Array<string>(spec.docs);
  for (let d = 0; d < spec.docs; d++) {
    const parts = new Array<string>(lens[d]!);
    for (let t = offsets[d]!, j = 0; t < offsets[d + 1]!; t++, j++) parts[j] = words[tokens[t]!]!;
    texts[d] = parts.join(' ');
  }
  const queries: Int32Array[] = [];
  const queryTexts: string[] = [];
  const qrng = new Rng(seed * 31 + 7);
  for (let q = 0; q < spec.queries; q++) {
    const len = spec.qMin + qrng.int(spec.qMax - spec.qMin + 1);
    const set = new Set<number>();
    while (set.size < len) set.add(rankToId[zipf.sample(qrng)]!);
    const ids = Int32Array.from(set);
    queries.push(ids);
    queryTexts.push(Array.from(ids, (i) => words[i]!).join(' '));
  }
  return {
    words,
    offsets,
    tokens,
    texts,
    queries,
    queryTexts,
    description: `${spec.docs.toLocaleString('en-US')} docs, ${spec.vocab.toLocaleString('en-US')}-word vocabulary, Zipf s=${spec.s ?? 1.0}, ${spec.minLen}–${spec.maxLen} words each (${total.toLocaleString('en-US')} tokens); ${spec.queries} queries of ${spec.qMin}–${spec.qMax} distinct words from the same distribution`,
  };
}
