import { elanusError } from '../errors/index.js';
import type { SparseVector } from '../schema/types.js';
import type { Bitset } from '../util/bitset.js';
import { TopKHeap } from './heap.js';
import { checkK, numParam, type RangeBounds, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import type { SparseVectorColumn } from './sparse-column.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { IndexSearchParams, SparseIndex, TopK } from './types.js';

export type SparseMetric = 'IP' | 'BM25';

export interface SparseIndexOptions {
  /** Fraction of the smallest values dropped at build (IP only; the threshold is fixed by the first build). */
  dropRatioBuild?: number;
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation. */
  b?: number;
}

export interface SparseSearchStats {
  /** Postings whose contribution was computed (dynamic pruning skips the rest). */
  scoredPostings: number;
  /** Postings of the query terms in total. */
  totalPostings: number;
  /** Whether the allowed rows were scored one by one (selective filter) instead of by WAND. */
  exact: boolean;
}

const EMPTY: SparseVector = { indices: new Uint32Array(0), values: new Float32Array(0) };
const TAG = 'SPIV';
const VERSION = 1;
const END = 0x7fffffff;
/** Slack on upper bounds: a bound summed in another order than the score may round below it. */
const UB_SLACK = 1 + 1e-6;
/** Postings per block for block-max bounds. */
const BLOCK = 64;
const BLOCK_SHIFT = 6;
/** Term ids below this map to slots through a dense array; larger ids go through a Map. */
const DENSE_TERMS = 1 << 22;
/** Rows indexed per batch by addRange. */
const BUILD_BATCH = 4096;
const NO_NORM_BLOCKS = new Float64Array(0);
const NO_NORM: Float64Array[] = [];

/**
 * SPARSE_INVERTED_INDEX / SPARSE_WAND over sparse vectors, metric IP or BM25. One posting list per
 * term (row ids ascending, values) in growable typed arrays, with per-term maxima for WAND: a document
 * is scored only when the upper bounds of the terms it can contain beat the current k-th score.
 *
 * BM25 mode stores term frequencies and document lengths; a query holds term ids weighted by their
 * counts, and score = Σ qtf·idf·tf·(k1+1)/(tf + k1·(1−b+b·dl/avgdl)), idf = ln(1 + (N−df+0.5)/(df+0.5)),
 * with N, df and avgdl over live documents, kept current through inserts and deletes.
 */
export class SparseInvertedIndex implements SparseIndex {
  readonly indexType: string;
  readonly metric: SparseMetric;
  readonly column: SparseVectorColumn;
  readonly dropRatioBuild: number;
  readonly k1: number;
  readonly b: number;
  lastSearchStats: SparseSearchStats = { scoredPostings: 0, totalPostings: 0, exact: false };

  /** Slot + 1 per term id below DENSE_TERMS (0: no slot). */
  private slotDense = new Int32Array(16);
  /** Slots of term ids at or above DENSE_TERMS. */
  private slotOf = new Map<number, number>();
  private termOf = new Uint32Array(16);
  private nTerms = 0;
  private pDocs: Int32Array[] = [];
  private pVals: Float32Array[] = [];
  /** Per block of BLOCK postings: IP largest value / BM25 largest tf. */
  private bMax: Float32Array[] = [];
  /** Per block: IP smallest value / BM25 smallest document length. */
  private bMin: Float32Array[] = [];
  /** Per term: postings already folded into the block bounds (folded lazily, at search). */
  private bDone = new Int32Array(16);
  /** BM25 per block: largest tf/(tf + K(dl)) bound under avgdl `normAvgdl[s]` (cached for search). */
  private bNorm: Float64Array[] = [];
  /** BM25 per term: blocks of bNorm that are current. */
  private nNorm = new Int32Array(16);
  private normAvgdl = new Float64Array(16);
  private pLen = new Int32Array(16);
  /** IP: largest value; BM25: largest tf. */
  private maxVal = new Float32Array(16);
  /** IP: smallest value (bounds negative query weights); BM25: smallest document length. */
  private minVal = new Float32Array(16);
  /** BM25: live documents containing the term. */
  private df = new Int32Array(16);
  /** BM25: per row, Σ tf. */
  private docLen = new Float32Array(16);
  private liveDocs = 0;
  private sumDl = 0;
  private n = 0;
  private tomb = new Tombstones();
  /** IP build threshold on |value|; -1 until the first build fixes it. */
  private dropThreshold = -1;
  private totalPostings = 0;
  /** addRange scratch: postings of a batch (slot, row, value), grouped copies, per-slot counts, slots seen. */
  private bSlot = new Int32Array(0);
  private bDoc = new Int32Array(0);
  private bVal = new Float32Array(0);
  private sDoc = new Int32Array(0);
  private sVal = new Float32Array(0);
  private bCount = new Int32Array(16);
  private bTouched = new Int32Array(16);
  private readonly heap = new TopKHeap();

  constructor(
    column: SparseVectorColumn,
    metric: SparseMetric,
    opts: SparseIndexOptions = {},
    indexType = 'SPARSE_INVERTED_INDEX',
  ) {
    this.column = column;
    this.metric = metric;
    this.indexType = indexType;
    this.dropRatioBuild = opts.dropRatioBuild ?? 0;
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
  }

  /** Rows indexed (a prefix of the column). */
  get size(): number {
    return this.n;
  }

  /** BM25 corpus statistics over live documents. */
  stats(): { docs: number; avgdl: number; terms: number; postings: number } {
    return {
      docs: this.liveDocs,
      avgdl: this.liveDocs > 0 ? this.sumDl / this.liveDocs : 0,
      terms: this.nTerms,
      postings: this.totalPostings,
    };
  }

  /** Document frequency of a term among live documents (BM25). */
  docFreq(term: number): number {
    const s = this.slotGet(term);
    return s < 0 ? 0 : this.df[s]!;
  }

  /** A row of the column; a missing (null) vector reads as empty. */
  private row(r: number): SparseVector {
    return (this.column.get(r) as SparseVector | null | undefined) ?? EMPTY;
  }

  /** The slot of `term`, or -1. */
  private slotGet(term: number): number {
    if (term < DENSE_TERMS) return term < this.slotDense.length ? this.slotDense[term]! - 1 : -1;
    const s = this.slotOf.get(term);
    return s === undefined ? -1 : s;
  }

  private slotSet(term: number, s: number): void {
    if (term < DENSE_TERMS) {
      if (term >= this.slotDense.length) {
        this.slotDense = grow(
          this.slotDense,
          Math.min(DENSE_TERMS, Math.max(term + 1, this.slotDense.length * 2)),
        );
      }
      this.slotDense[term] = s + 1;
    } else this.slotOf.set(term, s);
  }

  private growTerms(cap: number): void {
    this.termOf = grow(this.termOf, cap);
    this.pLen = grow(this.pLen, cap);
    this.maxVal = grow(this.maxVal, cap);
    this.minVal = grow(this.minVal, cap);
    this.df = grow(this.df, cap);
    this.bDone = grow(this.bDone, cap);
    this.nNorm = grow(this.nNorm, cap);
    this.normAvgdl = grow(this.normAvgdl, cap);
  }

  private slot(term: number): number {
    let s = this.slotGet(term);
    if (s >= 0) return s;
    s = this.nTerms++;
    if (s >= this.termOf.length) this.growTerms(this.termOf.length * 2);
    this.termOf[s] = term;
    this.pLen[s] = 0;
    this.maxVal[s] = Number.NEGATIVE_INFINITY;
    this.minVal[s] = Number.POSITIVE_INFINITY;
    this.df[s] = 0;
    this.bDone[s] = 0;
    this.nNorm[s] = 0;
    this.pDocs.push(new Int32Array(4));
    this.pVals.push(new Float32Array(4));
    this.bMax.push(new Float32Array(1));
    this.bMin.push(new Float32Array(1));
    this.bNorm.push(NO_NORM_BLOCKS);
    this.slotSet(term, s);
    return s;
  }

  /** Folds the postings appended since the last call into term `s`'s block bounds. */
  private foldBounds(s: number): void {
    const len = this.pLen[s]!;
    const from = this.bDone[s]!;
    if (from >= len) return;
    const blocks = (len + BLOCK - 1) >>> BLOCK_SHIFT;
    let mx = this.bMax[s]!;
    let mn = this.bMin[s]!;
    if (blocks > mx.length) {
      const cap = Math.max(blocks, mx.length * 2);
      mx = grow(mx, cap);
      mn = grow(mn, cap);
      this.bMax[s] = mx;
      this.bMin[s] = mn;
    }
    const docs = this.pDocs[s]!;
    const vals = this.pVals[s]!;
    const bm25 = this.metric === 'BM25';
    const docLen = this.docLen;
    let gmx = this.maxVal[s]!;
    let gmn = this.minVal[s]!;
    let j = from;
    while (j < len) {
      const blk = j >>> BLOCK_SHIFT;
      const end = Math.min(len, (blk + 1) << BLOCK_SHIFT);
      let bx: number;
      let bn: number;
      if ((j & (BLOCK - 1)) === 0) {
        bx = Number.NEGATIVE_INFINITY;
        bn = Number.POSITIVE_INFINITY;
      } else {
        bx = mx[blk]!;
        bn = mn[blk]!;
      }
      for (; j < end; j++) {
        const v = vals[j]!;
        const low = bm25 ? docLen[docs[j]!]! : v;
        if (v > bx) bx = v;
        if (low < bn) bn = low;
      }
      mx[blk] = bx;
      mn[blk] = bn;
      if (bx > gmx) gmx = bx;
      if (bn < gmn) gmn = bn;
    }
    this.maxVal[s] = gmx;
    this.minVal[s] = gmn;
    this.bDone[s] = len;
    // The block that held the old tail changed: its cached BM25 bound is stale.
    const stale = from >>> BLOCK_SHIFT;
    if (this.nNorm[s]! > stale) this.nNorm[s] = stale;
  }

  /** BM25: term `s`'s per-block bounds of tf/(tf + K(dl)) under the current avgdl. */
  private blockNorms(s: number, kA: number, kB: number, avgdl: number): Float64Array {
    this.foldBounds(s);
    const blocks = (this.pLen[s]! + BLOCK - 1) >>> BLOCK_SHIFT;
    let norm = this.bNorm[s]!;
    if (this.normAvgdl[s] !== avgdl) {
      this.nNorm[s] = 0;
      this.normAvgdl[s] = avgdl;
    }
    if (norm.length < blocks) {
      const b = new Float64Array(Math.max(blocks, norm.length * 2));
      b.set(norm.subarray(0, this.nNorm[s]!));
      norm = b;
      this.bNorm[s] = norm;
    }
    const mx = this.bMax[s]!;
    const mn = this.bMin[s]!;
    for (let blk = this.nNorm[s]!; blk < blocks; blk++) {
      const m = mx[blk]!;
      // Rounded up a hair so the cached factor never bounds below the direct division.
      norm[blk] = (m / (m + kA + kB * mn[blk]!)) * (1 + 1e-12);
    }
    this.nNorm[s] = blocks;
    return norm;
  }

  /** Drops a term's bounds; they refold from its postings at the next search (after compaction or reload). */
  private rebuildBounds(s: number): void {
    this.maxVal[s] = Number.NEGATIVE_INFINITY;
    this.minVal[s] = Number.POSITIVE_INFINITY;
    this.bDone[s] = 0;
    this.nNorm[s] = 0;
  }

  /** The build-time drop threshold: the `dropRatioBuild` quantile of |value| over rows [from, to). */
  private computeDropThreshold(from: number, to: number): number {
    if (this.dropRatioBuild <= 0) return 0;
    let total = 0;
    for (let r = from; r < to; r++) total += this.row(r).values.length;
    if (total === 0) return -1;
    const all = new Float32Array(total);
    let w = 0;
    for (let r = from; r < to; r++) {
      const vals = this.row(r).values;
      for (let i = 0; i < vals.length; i++) all[w++] = Math.abs(vals[i]!);
    }
    all.sort();
    return all[Math.min(total - 1, Math.floor(this.dropRatioBuild * total))]!;
  }

  addRange(from: number, to: number): void {
    if (to > this.column.length || from < 0 || from > to) {
      throw elanusError('rangeOutsideColumn', { from, to, rows: this.column.length });
    }
    if (to <= this.n) return;
    const start = this.n;
    const bm25 = this.metric === 'BM25';
    if (!bm25 && this.dropThreshold < 0) this.dropThreshold = this.computeDropThreshold(start, to);
    const thr = bm25 ? 0 : Math.max(0, this.dropThreshold);
    if (to > this.docLen.length) this.docLen = grow(this.docLen, Math.max(to, this.docLen.length * 2));
    for (let r0 = start; r0 < to; r0 += BUILD_BATCH)
      this.addBatch(r0, Math.min(to, r0 + BUILD_BATCH), bm25, thr);
    this.n = to;
  }

  /**
   * Indexes rows [start, end): collects their postings, groups them by term with a counting sort
   * (stable, so each term's rows stay ascending), then appends each term's run in one copy.
   */
  private addBatch(start: number, end: number, bm25: boolean, thr: number): void {
    let bSlot = this.bSlot;
    let bDoc = this.bDoc;
    let bVal = this.bVal;
    let cnt = this.bCount;
    let touched = this.bTouched;
    let nt = 0;
    let w = 0;
    for (let r = start; r < end; r++) {
      const { indices, values } = this.row(r);
      const live = !this.tomb.has(r);
      let dl = 0;
      if (bm25) {
        for (let i = 0; i < values.length; i++) if (values[i]! > 0) dl += values[i]!;
        this.docLen[r] = dl;
        if (live) {
          this.liveDocs++;
          this.sumDl += dl;
        }
      }
      if (w + indices.length > bSlot.length) {
        const cap = Math.max(w + indices.length, bSlot.length * 2, 1024);
        bSlot = this.bSlot = grow(bSlot, cap);
        bDoc = this.bDoc = grow(bDoc, cap);
        bVal = this.bVal = grow(bVal, cap);
      }
      for (let i = 0; i < indices.length; i++) {
        const v = values[i]!;
        if (v === 0 || Number.isNaN(v) || (bm25 && v < 0) || Math.abs(v) < thr) continue;
        const s = this.slot(indices[i]!);
        if (s >= cnt.length) {
          cnt = grow(cnt, Math.max(s + 1, cnt.length * 2));
          this.bCount = cnt;
        }
        if (cnt[s] === 0) {
          if (nt === touched.length) {
            touched = grow(touched, touched.length * 2);
            this.bTouched = touched;
          }
          touched[nt++] = s;
        }
        cnt[s]!++;
        bSlot[w] = s;
        bDoc[w] = r;
        bVal[w] = v;
        w++;
        if (bm25 && live) this.df[s]!++;
      }
    }
    // Counts become run starts, in the order terms were first seen.
    let acc = 0;
    for (let j = 0; j < nt; j++) {
      const s = touched[j]!;
      const c = cnt[s]!;
      cnt[s] = acc;
      acc += c;
    }
    if (w > this.sDoc.length) {
      this.sDoc = new Int32Array(bSlot.length);
      this.sVal = new Float32Array(bSlot.length);
    }
    const sDoc = this.sDoc;
    const sVal = this.sVal;
    for (let x = 0; x < w; x++) {
      const p = cnt[bSlot[x]!]!++;
      sDoc[p] = bDoc[x]!;
      sVal[p] = bVal[x]!;
    }
    // Now cnt[s] is the end of term s's run; runs follow one another in `touched` order.
    let a = 0;
    for (let j = 0; j < nt; j++) {
      const s = touched[j]!;
      const b = cnt[s]!;
      cnt[s] = 0;
      const add = b - a;
      const len = this.pLen[s]!;
      let docs = this.pDocs[s]!;
      let vals = this.pVals[s]!;
      if (len + add > docs.length) {
        const cap = Math.max(len + add, docs.length * 2);
        const nd = new Int32Array(cap);
        nd.set(docs);
        const nv = new Float32Array(cap);
        nv.set(vals);
        docs = nd;
        vals = nv;
        this.pDocs[s] = docs;
        this.pVals[s] = vals;
      }
      // A plain loop: most runs are short, and subarray views cost more than they save.
      for (let x = 0; x < add; x++) {
        docs[len + x] = sDoc[a + x]!;
        vals[len + x] = sVal[a + x]!;
      }
      this.pLen[s] = len + add;
      a = b;
    }
    this.totalPostings += w;
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!this.tomb.add(r) || r >= this.n || this.metric !== 'BM25') continue;
      // BM25 statistics cover live documents only.
      this.liveDocs--;
      this.sumDl -= this.docLen[r]!;
      const { indices, values } = this.row(r);
      for (let j = 0; j < indices.length; j++) {
        if (!(values[j]! > 0)) continue;
        const s = this.slotGet(indices[j]!);
        if (s >= 0) this.df[s]!--;
      }
    }
  }

  search(query: SparseVector, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    checkK(k);
    if (!query || query.indices?.length !== query.values?.length) {
      throw elanusError('sparseQueryLengths', {});
    }
    const dropSearch = numParam(params, 'drop_ratio_search', 0, 1, 0, true);
    const range = rangeParams(params, this.metric);
    const terms = this.prepareQuery(query, dropSearch);
    const nq = terms.slots.length;
    let total = 0;
    for (let i = 0; i < nq; i++) total += this.pLen[terms.slots[i]!]!;
    this.lastSearchStats = { scoredPostings: 0, totalPostings: total, exact: false };
    const heap = this.heap;
    heap.reset(k);
    if (nq === 0 || this.n === 0) return heap.toTopK(true);
    const eff = this.tomb.effective(allow, this.n);
    // A selective filter: scoring the few allowed rows by seeking each term's postings is cheaper.
    const allowed = eff === null ? this.n : eff.count();
    if (eff !== null && allowed * nq * 8 < total) {
      this.searchAllowed(terms, eff, range);
      this.lastSearchStats.exact = true;
    } else this.searchWand(terms, eff, range);
    return heap.toTopK(true);
  }

  /** Query terms present in the index, with weights, per-term BM25 coefficients and upper bounds. */
  private prepareQuery(query: SparseVector, dropRatio: number): QueryTerms {
    const m = query.indices.length;
    let thr = 0;
    if (dropRatio > 0 && m > 0) {
      const abs = Float32Array.from(query.values, Math.abs).sort();
      thr = abs[Math.min(m - 1, Math.floor(dropRatio * m))]!;
    }
    const bm25 = this.metric === 'BM25';
    const N = this.liveDocs;
    const avgdl = N > 0 ? this.sumDl / N : 1;
    const slots: number[] = [];
    const coef: number[] = [];
    const ub: number[] = [];
    const norm: Float64Array[] = [];
    const kA = this.k1 * (1 - this.b);
    const kB = (this.k1 * this.b) / avgdl;
    for (let i = 0; i < m; i++) {
      const w = query.values[i]!;
      if (w === 0 || Number.isNaN(w) || Math.abs(w) < thr || (bm25 && w < 0)) continue;
      const s = this.slotGet(query.indices[i]!);
      if (s < 0 || this.pLen[s] === 0) continue;
      this.foldBounds(s);
      if (bm25) {
        const df = this.df[s]!;
        const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        const c = w * idf * (this.k1 + 1);
        const tf = this.maxVal[s]!;
        // tf/(tf + K(dl)) grows with tf and shrinks with dl: max tf and min dl bound every posting.
        const K = this.k1 * (1 - this.b + (this.b * this.minVal[s]!) / avgdl);
        slots.push(s);
        coef.push(c);
        ub.push((c * tf) / (tf + K));
        norm.push(this.blockNorms(s, kA, kB, avgdl));
      } else {
        slots.push(s);
        coef.push(w);
        ub.push(Math.max(0, w * this.maxVal[s]!, w * this.minVal[s]!));
      }
    }
    return {
      slots: Int32Array.from(slots),
      coef: Float64Array.from(coef),
      ub: Float64Array.from(ub),
      norm: bm25 ? norm : NO_NORM,
      kA,
      kB,
    };
  }

  /** Contribution of posting `pos` of query term `i`. */
  private contrib(t: QueryTerms, i: number, pos: number, doc: number): number {
    const v = this.pVals[t.slots[i]!]![pos]!;
    if (this.metric === 'IP') return t.coef[i]! * v;
    return (t.coef[i]! * v) / (v + t.kA + t.kB * this.docLen[doc]!);
  }

  private offer(doc: number, score: number, range: RangeBounds | null): void {
    const d = -Math.fround(score);
    if (range !== null && !(d < range.hi && d >= range.lo)) return;
    this.heap.push(d, doc);
  }

  /** Upper bound of query term i's contribution within block `blk` of its postings. */
  private blockBound(t: QueryTerms, i: number, blk: number): number {
    if (this.metric === 'IP') {
      const s = t.slots[i]!;
      const mx = this.bMax[s]![blk]!;
      const c = t.coef[i]!;
      return Math.max(0, c * mx, c * this.bMin[s]![blk]!);
    }
    return t.coef[i]! * t.norm[i]![blk]!;
  }

  /**
   * Block-Max WAND. Cursors are kept sorted by current doc; the pivot is the first cursor where the
   * summed per-term maxima beat the k-th best score (documents before it cannot make the top k). The
   * pivot is then checked against the maxima of the blocks holding it; if those cannot beat the k-th
   * score either, every cursor up to the pivot jumps past the shortest of those blocks.
   */
  private searchWand(t: QueryTerms, allow: Bitset | null, range: RangeBounds | null): void {
    const nq = t.slots.length;
    const docs: Int32Array[] = [];
    const vals: Float32Array[] = [];
    const bm25 = this.metric === 'BM25';
    const norm = t.norm;
    const coef = t.coef;
    const ub = t.ub;
    const kA = t.kA;
    const kB = t.kB;
    const docLen = this.docLen;
    const lens = new Int32Array(nq);
    const pos = new Int32Array(nq);
    const cur = new Int32Array(nq);
    const ord = new Int32Array(nq);
    for (let i = 0; i < nq; i++) {
      const s = t.slots[i]!;
      docs.push(this.pDocs[s]!);
      vals.push(this.pVals[s]!);
      lens[i] = this.pLen[s]!;
      cur[i] = lens[i]! > 0 ? docs[i]![0]! : END;
      ord[i] = i;
    }
    const heap = this.heap;
    const floor = range !== null ? -range.hi : Number.NEGATIVE_INFINITY;
    let scored = 0;
    let alive = sortCursors(ord, cur, nq);
    while (alive > 0) {
      const theta = Math.max(floor, -heap.bound());
      const open = theta === Number.NEGATIVE_INFINITY;
      let acc = 0;
      let p = -1;
      for (let i = 0; i < alive; i++) {
        acc += ub[ord[i]!]!;
        if (open || acc * UB_SLACK > theta) {
          p = i;
          break;
        }
      }
      if (p < 0) break;
      const pivot = cur[ord[p]!]!;
      while (p + 1 < alive && cur[ord[p + 1]!] === pivot) p++;
      if (!open) {
        let bsum = 0;
        let next = p + 1 < alive ? cur[ord[p + 1]!]! : END;
        for (let j = 0; j <= p; j++) {
          const i = ord[j]!;
          const d = docs[i]!;
          const len = lens[i]!;
          let blk = pos[i]! >>> BLOCK_SHIFT;
          let last = d[Math.min((blk + 1) << BLOCK_SHIFT, len) - 1]!;
          while (last < pivot && (blk + 1) << BLOCK_SHIFT < len) {
            blk++;
            last = d[Math.min((blk + 1) << BLOCK_SHIFT, len) - 1]!;
          }
          if (last < pivot) continue; // no posting at or after the pivot
          bsum += bm25 ? coef[i]! * norm[i]![blk]! : this.blockBound(t, i, blk);
          if (last + 1 < next) next = last + 1;
        }
        if (bsum * UB_SLACK <= theta) {
          for (let j = 0; j <= p; j++) {
            const i = ord[j]!;
            const np = seek(docs[i]!, lens[i]!, pos[i]!, next);
            pos[i] = np;
            cur[i] = np < lens[i]! ? docs[i]![np]! : END;
          }
          alive = sortCursors(ord, cur, alive);
          continue;
        }
      }
      if (cur[ord[0]!] === pivot) {
        if (allow === null || allow.has(pivot)) {
          // Sum in query-term order so equal documents get bit-identical scores.
          let score = 0;
          for (let i = 0; i < nq; i++) {
            if (cur[i] === pivot) {
              const v = vals[i]![pos[i]!]!;
              score += bm25 ? (coef[i]! * v) / (v + kA + kB * docLen[pivot]!) : coef[i]! * v;
              scored++;
            }
          }
          this.offer(pivot, score, range);
        }
        for (let j = 0; j <= p; j++) {
          const i = ord[j]!;
          const np = pos[i]! + 1;
          pos[i] = np;
          cur[i] = np < lens[i]! ? docs[i]![np]! : END;
        }
      } else {
        for (let j = 0; j <= p; j++) {
          const i = ord[j]!;
          if (cur[i] === pivot) break;
          const np = seek(docs[i]!, lens[i]!, pos[i]!, pivot);
          pos[i] = np;
          cur[i] = np < lens[i]! ? docs[i]![np]! : END;
        }
      }
      alive = sortCursors(ord, cur, alive);
    }
    this.lastSearchStats.scoredPostings = scored;
  }

  /** Scores each allowed row by seeking every query term's postings to it (rows ascending). */
  private searchAllowed(t: QueryTerms, allow: Bitset, range: RangeBounds | null): void {
    const nq = t.slots.length;
    const pos = new Int32Array(nq);
    let scored = 0;
    const words = allow.words;
    const nw = Math.min(words.length, (this.n + 31) >>> 5);
    for (let w = 0; w < nw; w++) {
      let v = words[w]!;
      while (v !== 0) {
        const bit = v & -v;
        v ^= bit;
        const doc = (w << 5) + 31 - Math.clz32(bit);
        let score = 0;
        let hit = false;
        for (let i = 0; i < nq; i++) {
          const s = t.slots[i]!;
          const docs = this.pDocs[s]!;
          const len = this.pLen[s]!;
          const p = seek(docs, len, pos[i]!, doc);
          pos[i] = p;
          if (p < len && docs[p] === doc) {
            score += this.contrib(t, i, p, doc);
            scored++;
            hit = true;
          }
        }
        if (hit) this.offer(doc, score, range);
      }
    }
    this.lastSearchStats.scoredPostings = scored;
  }

  compact(keep: Int32Array): void {
    const oldToNew = new Int32Array(Math.max(this.n, 1)).fill(-1);
    for (let i = 0; i < keep.length; i++) if (keep[i]! < this.n) oldToNew[keep[i]!] = i;
    const newN = indexedPrefix(keep, this.n);
    const docLen = new Float32Array(Math.max(16, newN));
    for (let i = 0; i < newN; i++) docLen[i] = this.docLen[keep[i]!]!;
    let total = 0;
    for (let s = 0; s < this.nTerms; s++) {
      const docs = this.pDocs[s]!;
      const vals = this.pVals[s]!;
      const len = this.pLen[s]!;
      let w = 0;
      for (let j = 0; j < len; j++) {
        const nd = oldToNew[docs[j]!]!;
        if (nd < 0) continue;
        docs[w] = nd;
        vals[w] = vals[j]!;
        w++;
      }
      this.pLen[s] = w;
      total += w;
    }
    this.totalPostings = total;
    this.docLen = docLen;
    for (let s = 0; s < this.nTerms; s++) this.rebuildBounds(s);
    this.tomb.compact(keep);
    this.n = newN;
  }

  serialize(): ArrayBuffer[] {
    const nt = this.nTerms;
    for (let s = 0; s < nt; s++) this.foldBounds(s);
    const offsets = new Uint32Array(nt + 1);
    for (let s = 0; s < nt; s++) offsets[s + 1] = offsets[s]! + this.pLen[s]!;
    const total = offsets[nt]!;
    const docs = new Int32Array(total);
    const vals = new Float32Array(total);
    for (let s = 0; s < nt; s++) {
      const len = this.pLen[s]!;
      docs.set(this.pDocs[s]!.subarray(0, len), offsets[s]);
      vals.set(this.pVals[s]!.subarray(0, len), offsets[s]);
    }
    const header = writeHeader(TAG, VERSION, [
      metricCode(this.metric),
      this.indexType === 'SPARSE_WAND' ? 1 : 0,
      this.dropRatioBuild,
      this.k1,
      this.b,
      this.n,
      nt,
      this.liveDocs,
      this.sumDl,
      this.dropThreshold,
    ]);
    return [
      header,
      part(this.termOf, nt),
      offsets.buffer,
      docs.buffer,
      vals.buffer,
      part(this.maxVal, nt),
      part(this.minVal, nt),
      part(this.df, nt),
      part(this.docLen, this.n),
      part(this.tomb.words, this.tomb.words.length),
    ];
  }

  static deserialize(parts: ArrayBuffer[], column: SparseVectorColumn): SparseInvertedIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const metric = metricFromCode(h[0]!) as SparseMetric;
    const idx = new SparseInvertedIndex(
      column,
      metric,
      { dropRatioBuild: h[2]!, k1: h[3]!, b: h[4]! },
      h[1] === 1 ? 'SPARSE_WAND' : 'SPARSE_INVERTED_INDEX',
    );
    const nt = h[6]!;
    const cap = Math.max(16, nt);
    idx.n = h[5]!;
    idx.nTerms = nt;
    idx.liveDocs = h[7]!;
    idx.sumDl = h[8]!;
    idx.dropThreshold = h[9]!;
    idx.termOf = grow(new Uint32Array(partAt(parts, 1, 'terms')), cap);
    const offsets = new Uint32Array(partAt(parts, 2, 'offsets'));
    const docs = new Int32Array(partAt(parts, 3, 'postings'));
    const vals = new Float32Array(partAt(parts, 4, 'values'));
    idx.maxVal = grow(new Float32Array(partAt(parts, 5, 'max')), cap);
    idx.minVal = grow(new Float32Array(partAt(parts, 6, 'min')), cap);
    idx.df = grow(new Int32Array(partAt(parts, 7, 'df')), cap);
    idx.docLen = grow(new Float32Array(partAt(parts, 8, 'doc lengths')), Math.max(16, idx.n));
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 9, 'tombstones').slice(0)));
    idx.pLen = new Int32Array(cap);
    idx.bDone = new Int32Array(cap);
    idx.nNorm = new Int32Array(cap);
    idx.normAvgdl = new Float64Array(cap);
    if (offsets.length !== nt + 1 || docs.length !== offsets[nt]) {
      throw elanusError('corruptSparsePostings', {});
    }
    for (let s = 0; s < nt; s++) {
      const a = offsets[s]!;
      const b = offsets[s + 1]!;
      // Each list gets its own copy so appends can grow it independently.
      idx.pDocs.push(docs.slice(a, Math.max(b, a + 4)));
      idx.pVals.push(vals.slice(a, Math.max(b, a + 4)));
      idx.pLen[s] = b - a;
      idx.slotSet(idx.termOf[s]!, s);
      idx.bMax.push(new Float32Array(1));
      idx.bMin.push(new Float32Array(1));
      idx.bNorm.push(NO_NORM_BLOCKS);
      idx.rebuildBounds(s);
    }
    idx.totalPostings = docs.length;
    return idx;
  }

  memoryBytes(): number {
    let bytes = 0;
    for (let s = 0; s < this.nTerms; s++) {
      bytes += this.pDocs[s]!.byteLength + this.pVals[s]!.byteLength;
      bytes += this.bMax[s]!.byteLength + this.bMin[s]!.byteLength;
    }
    for (let s = 0; s < this.bNorm.length; s++) bytes += this.bNorm[s]!.byteLength;
    // Map entries cost roughly 40 bytes each in V8.
    return (
      bytes +
      this.slotOf.size * 40 +
      this.slotDense.byteLength +
      this.bDone.byteLength +
      this.nNorm.byteLength +
      this.normAvgdl.byteLength +
      this.termOf.byteLength +
      this.pLen.byteLength +
      this.maxVal.byteLength +
      this.minVal.byteLength +
      this.df.byteLength +
      this.docLen.byteLength +
      this.tomb.words.byteLength
    );
  }
}

interface QueryTerms {
  slots: Int32Array;
  /** IP: query weight; BM25: qtf·idf·(k1+1). */
  coef: Float64Array;
  ub: Float64Array;
  /** BM25: per query term, cached per-block bounds of tf/(tf + K(dl)). */
  norm: Float64Array[];
  /** BM25 K(dl) = kA + kB·dl. */
  kA: number;
  kB: number;
}

type Growable = Int32Array | Uint32Array | Float32Array | Float64Array;

function grow<T extends Growable>(a: T, cap: number): T {
  if (a.length >= cap) return a;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** First position >= from whose doc is >= target (galloping, then binary search). */
function seek(docs: Int32Array, len: number, from: number, target: number): number {
  if (from >= len || docs[from]! >= target) return from;
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < len && docs[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > len) hi = len;
  // docs[lo] < target; answer in (lo, hi].
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Insertion-sorts the first `n` cursor indices by current doc; returns how many are not exhausted. */
function sortCursors(ord: Int32Array, cur: Int32Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const o = ord[i]!;
    const d = cur[o]!;
    let j = i - 1;
    while (j >= 0 && cur[ord[j]!]! > d) {
      ord[j + 1] = ord[j]!;
      j--;
    }
    ord[j + 1] = o;
  }
  while (n > 0 && cur[ord[n - 1]!] === END) n--;
  return n;
}
