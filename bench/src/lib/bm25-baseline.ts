import type { Corpus } from './data.js';

/**
 * The exhaustive term-at-a-time BM25 scorer the engine is measured against: every posting of every query
 * term is scored into a dense accumulator, then the top k is selected. Milvus' BM25:
 * idf = ln(1 + (N − df + 0.5)/(df + 0.5)), tf·(k1+1)/(tf + k1·(1 − b + b·dl/avgdl)).
 */
export class ExhaustiveBm25 {
  private docs: Int32Array[] = [];
  private tfs: Uint16Array[] = [];
  /** Postings per term. */
  private readonly plen: Int32Array;
  private docLen = new Float32Array(0);
  private n = 0;
  private sumLen = 0;
  private acc = new Float64Array(0);
  private touched = new Int32Array(0);
  /** Postings scored by the last query. */
  scored = 0;

  constructor(
    vocab: number,
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    for (let t = 0; t < vocab; t++) {
      this.docs.push(new Int32Array(8));
      this.tfs.push(new Uint16Array(8));
    }
    this.plen = new Int32Array(vocab);
  }

  /** Adds documents [from, to) of the corpus (term ids, as the analyzer would produce them). */
  add(c: Corpus, from: number, to: number): void {
    const plen = this.plen;
    if (this.docLen.length < to) {
      const d = new Float32Array(Math.max(to, this.docLen.length * 2));
      d.set(this.docLen);
      this.docLen = d;
    }
    const counts = new Map<number, number>();
    for (let d = from; d < to; d++) {
      counts.clear();
      for (let t = c.offsets[d]!; t < c.offsets[d + 1]!; t++) {
        const w = c.tokens[t]!;
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      for (const [w, tf] of counts) {
        let i = plen[w]!;
        if (i === this.docs[w]!.length) {
          const nd = new Int32Array(i * 2);
          nd.set(this.docs[w]!);
          this.docs[w] = nd;
          const nt = new Uint16Array(i * 2);
          nt.set(this.tfs[w]!);
          this.tfs[w] = nt;
        }
        this.docs[w]![i] = d;
        this.tfs[w]![i++] = tf;
        plen[w] = i;
      }
      const len = c.offsets[d + 1]! - c.offsets[d]!;
      this.docLen[d] = len;
      this.sumLen += len;
    }
    this.n = Math.max(this.n, to);
    if (this.acc.length < this.n) {
      this.acc = new Float64Array(this.n);
      this.touched = new Int32Array(this.n);
    }
  }

  /** Top-k doc ids and scores, best first (ties by smaller id). */
  search(terms: ArrayLike<number>, k: number): { ids: Int32Array; scores: Float64Array } {
    const N = this.n;
    const avgdl = this.sumLen / N;
    const { acc, touched, k1, b } = this;
    let nt = 0;
    let scored = 0;
    const plen = this.plen;
    for (let qi = 0; qi < terms.length; qi++) {
      const w = terms[qi]!;
      const df = plen[w]!;
      if (df === 0) continue;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const docs = this.docs[w]!;
      const tfs = this.tfs[w]!;
      for (let i = 0; i < df; i++) {
        const d = docs[i]!;
        const tf = tfs[i]!;
        if (acc[d] === 0) touched[nt++] = d;
        acc[d]! += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.docLen[d]!) / avgdl));
      }
      scored += df;
    }
    this.scored = scored;
    // Top-k by insertion over the touched documents, then reset the accumulator.
    const ids = new Int32Array(k);
    const scores = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
    let size = 0;
    for (let i = 0; i < nt; i++) {
      const d = touched[i]!;
      const s = acc[d]!;
      acc[d] = 0;
      if (size === k && (s < scores[k - 1]! || (s === scores[k - 1]! && d > ids[k - 1]!))) continue;
      let j = size < k ? size++ : k - 1;
      while (j > 0 && (scores[j - 1]! < s || (scores[j - 1]! === s && ids[j - 1]! > d))) {
        scores[j] = scores[j - 1]!;
        ids[j] = ids[j - 1]!;
        j--;
      }
      scores[j] = s;
      ids[j] = d;
    }
    return { ids: ids.slice(0, size), scores: scores.slice(0, size) };
  }

  /** BM25 score of one document for the query (for checking other engines' lists). */
  score(terms: ArrayLike<number>, doc: number): number {
    const N = this.n;
    const avgdl = this.sumLen / N;
    const plen = this.plen;
    let s = 0;
    for (let qi = 0; qi < terms.length; qi++) {
      const w = terms[qi]!;
      const df = plen[w]!;
      const docs = this.docs[w]!;
      // Binary search: postings are in ascending doc order.
      let lo = 0;
      let hi = df - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = docs[mid]!;
        if (v === doc) {
          const tf = this.tfs[w]![mid]!;
          const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
          s +=
            (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * this.docLen[doc]!) / avgdl));
          break;
        }
        if (v < doc) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return s;
  }

  /** Postings of the query's terms in total. */
  postings(terms: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < terms.length; i++) s += this.plen[terms[i]!]!;
    return s;
  }
}

/**
 * Whether `got` is a valid top-k under the baseline's scores: same length, and the i-th hit scores (by the
 * baseline) what the baseline's i-th does, within float32 rounding — so only ties may be ordered differently.
 */
export function sameTopK(
  got: ArrayLike<number>,
  truthScores: ArrayLike<number>,
  scoreOf: (doc: number) => number,
): boolean {
  if (got.length !== truthScores.length) return false;
  const seen = new Set<number>();
  for (let i = 0; i < got.length; i++) {
    const d = Number(got[i]);
    if (seen.has(d)) return false;
    seen.add(d);
    const t = truthScores[i]!;
    if (Math.abs(scoreOf(d) - t) > 1e-5 * Math.max(1, Math.abs(t))) return false;
  }
  return true;
}
