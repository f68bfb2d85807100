import { f16Bits } from '../collection/half-float.js';
import { elanusError, invalidParam } from '../errors/index.js';
import type { DenseMetric, Kernels, VectorScanner } from '../kernels/types.js';
import type { Bitset } from '../util/bitset.js';
import { checkQuery, exactSearch } from './flat.js';
import { TopKHeap } from './heap.js';
import { HnswIndex } from './hnsw.js';
import { type HnswSqOptions, type RefineType, type SqType, TYPE_CODES } from './hnsw-sq-params.js';

export type { HnswSqOptions, RefineType, SqType } from './hnsw-sq-params.js';

import { checkAddRange, checkK, intParam, numParam, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { Sq8Codec } from './sq8.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { DenseVectorColumn, IndexSearchParams, TopK, VectorIndex } from './types.js';

// HNSW_SQ (Milvus 2.5+): the HNSW graph built and walked on scalar-quantized codes, with an optional
// refinement step that re-ranks refine_k × limit candidates with higher-precision data.
//
// Codes: SQ8 one byte per dimension (sq8.ts's per-dimension min/max scale); SQ6 6-bit codes on the same
// min/max (63 steps), packed four to three bytes; BF16 / FP16 two bytes per dimension. COSINE codes unit
// vectors, so it is scored as a dot product. Refinement with FP32 scores the column's own float32 vectors
// (nothing extra is stored); any other refine_type keeps a second code array of that type.

let f16Lut: Float32Array | undefined;
let bf16Lut: Float32Array | undefined;

/** 16-bit code → value, for all 65536 patterns (256 KiB each, built on first use). */
function lutOf(type: 'FP16' | 'BF16'): Float32Array {
  if (type === 'BF16') {
    if (!bf16Lut) {
      const bits = new Uint32Array(65536);
      for (let h = 0; h < 65536; h++) bits[h] = h << 16;
      bf16Lut = new Float32Array(bits.buffer);
    }
    return bf16Lut;
  }
  if (!f16Lut) {
    const t = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? 0 : s * (1 + m / 1024) * 2 ** (e - 15);
    }
    f16Lut = t;
  }
  return f16Lut;
}

const cvt = new Float32Array(1);
const cvtBits = new Uint32Array(cvt.buffer);

/** bfloat16 bits of x, rounded to nearest even, finite values clamped to the largest bfloat16. */
function bf16Round(x: number): number {
  cvt[0] = x;
  const u = cvtBits[0]!;
  const r = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
  return (r & 0x7f80) === 0x7f80 ? (r & 0x8000) | 0x7f7f : r;
}

/** float16 bits of x, rounded to nearest even, clamped to ±65504. */
function f16Round(x: number): number {
  const b = f16Bits(x);
  if (b >= 0) return b;
  return x < 0 ? 0xfbff : 0x7bff;
}

/**
 * The codes of one quantization type for rows [0, n), with the per-query tables that score them against
 * a query without decoding: L2 squared distance or dot product (`l2`).
 */
export class SqStore {
  readonly type: SqType;
  readonly dim: number;
  readonly codeSize: number;
  readonly l2: boolean;
  n = 0;
  /** Rows the SQ6 / SQ8 ranges were trained on (0: untrained; FP16 / BF16 need no training). */
  trainedRows = 0;
  codes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private u16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
  /** SQ6 / SQ8 ranges: value = min + step · code. */
  sq8: Sq8Codec;
  private step6 = new Float32Array(0);
  private readonly qa: Float32Array;
  private readonly w: Float32Array;
  private base = 0;
  private readonly lut: Float32Array | null;

  constructor(type: SqType, dim: number, l2: boolean) {
    this.type = type;
    this.dim = dim;
    this.l2 = l2;
    this.codeSize = type === 'SQ8' ? dim : type === 'SQ6' ? Math.ceil(dim / 4) * 3 : 2 * dim;
    this.sq8 = new Sq8Codec(dim, l2);
    this.qa = new Float32Array(dim);
    this.w = new Float32Array(dim);
    this.lut = type === 'FP16' || type === 'BF16' ? lutOf(type) : null;
    if (type === 'SQ6') this.deriveStep6();
  }

  get trainable(): boolean {
    return this.type === 'SQ6' || this.type === 'SQ8';
  }

  private deriveStep6(): void {
    const s = this.sq8.step;
    this.step6 = new Float32Array(this.dim);
    for (let d = 0; d < this.dim; d++) this.step6[d] = (s[d]! * 255) / 63;
  }

  /** Trains the SQ ranges on rows [0, n) of `data` (row-major). */
  train(data: Float32Array, n: number): void {
    if (!this.trainable) return;
    this.sq8.train(data, n);
    if (this.type === 'SQ6') this.deriveStep6();
    this.trainedRows = n;
  }

  ensure(rows: number): void {
    const need = rows * this.codeSize;
    if (need <= this.codes.length) return;
    const next = new Uint8Array(Math.max(need, this.codes.length * 2, 16 * this.codeSize));
    next.set(this.codes.subarray(0, this.n * this.codeSize));
    this.setCodes(next);
  }

  private setCodes(codes: Uint8Array): void {
    this.codes = codes;
    this.u16 = this.lut ? new Uint16Array(codes.buffer, codes.byteOffset, codes.length >>> 1) : this.u16;
  }

  /** Encodes v (dim values from `off`) as row `row`. */
  encode(row: number, v: Float32Array, off: number): void {
    const dim = this.dim;
    const at = row * this.codeSize;
    if (this.type === 'SQ8') {
      const { min, step } = this.sq8;
      const c = this.codes;
      for (let d = 0; d < dim; d++) {
        const x = Math.round((v[off + d]! - min[d]!) / step[d]!);
        c[at + d] = Math.min(255, Math.max(0, x));
      }
    } else if (this.type === 'SQ6') {
      const min = this.sq8.min;
      const step = this.step6;
      const c = this.codes;
      for (let g = 0, o = at; g < dim; g += 4, o += 3) {
        let word = 0;
        for (let j = 0; j < 4; j++) {
          const d = g + j;
          if (d >= dim) break;
          let x = Math.round((v[off + d]! - min[d]!) / step[d]!);
          x = Math.min(63, Math.max(0, x));
          word |= x << (6 * j);
        }
        c[o] = word & 255;
        c[o + 1] = (word >>> 8) & 255;
        c[o + 2] = (word >>> 16) & 255;
      }
    } else {
      const u = this.u16;
      const h = at >>> 1;
      const bf = this.type === 'BF16';
      for (let d = 0; d < dim; d++) u[h + d] = bf ? bf16Round(v[off + d]!) : f16Round(v[off + d]!);
    }
  }

  /** The reconstructed vector of a row into out[0..dim). */
  decode(row: number, out: Float32Array): void {
    const dim = this.dim;
    const at = row * this.codeSize;
    if (this.lut) {
      const u = this.u16;
      const lut = this.lut;
      const h = at >>> 1;
      for (let d = 0; d < dim; d++) out[d] = lut[u[h + d]!]!;
      return;
    }
    const min = this.sq8.min;
    const c = this.codes;
    if (this.type === 'SQ8') {
      const step = this.sq8.step;
      for (let d = 0; d < dim; d++) out[d] = min[d]! + step[d]! * c[at + d]!;
      return;
    }
    const step = this.step6;
    for (let g = 0, o = at; g < dim; g += 4, o += 3) {
      const word = c[o]! | (c[o + 1]! << 8) | (c[o + 2]! << 16);
      for (let j = 0; j < 4 && g + j < dim; j++) {
        const d = g + j;
        out[d] = min[d]! + step[d]! * ((word >>> (6 * j)) & 63);
      }
    }
  }

  /** Prepares the tables that score codes against q. */
  setQuery(q: Float32Array): void {
    const dim = this.dim;
    const { qa, w } = this;
    if (this.lut) {
      qa.set(q.subarray(0, dim));
      return;
    }
    if (this.type === 'SQ8') {
      this.sq8.setQuery(q);
      return;
    }
    const min = this.sq8.min;
    const step = this.step6;
    let base = 0;
    for (let d = 0; d < dim; d++) {
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

  /** L2 squared distance or dot product of a row's code against the current query. */
  score(row: number): number {
    const dim = this.dim;
    const qa = this.qa;
    const at = row * this.codeSize;
    if (this.lut) {
      const u = this.u16;
      const lut = this.lut;
      const h = at >>> 1;
      let s0 = 0;
      let s1 = 0;
      let d = 0;
      if (this.l2) {
        for (; d + 1 < dim; d += 2) {
          const e0 = qa[d]! - lut[u[h + d]!]!;
          const e1 = qa[d + 1]! - lut[u[h + d + 1]!]!;
          s0 += e0 * e0;
          s1 += e1 * e1;
        }
        if (d < dim) {
          const e = qa[d]! - lut[u[h + d]!]!;
          s0 += e * e;
        }
      } else {
        for (; d + 1 < dim; d += 2) {
          s0 += qa[d]! * lut[u[h + d]!]!;
          s1 += qa[d + 1]! * lut[u[h + d + 1]!]!;
        }
        if (d < dim) s0 += qa[d]! * lut[u[h + d]!]!;
      }
      return s0 + s1;
    }
    if (this.type === 'SQ8') return this.sq8.score(this.codes, at);
    // SQ6: four 6-bit codes per 3 bytes.
    const c = this.codes;
    const w = this.w;
    let s = 0;
    for (let g = 0, o = at; g < dim; g += 4, o += 3) {
      const word = c[o]! | (c[o + 1]! << 8) | (c[o + 2]! << 16);
      const lim = Math.min(4, dim - g);
      if (this.l2) {
        for (let j = 0; j < lim; j++) {
          const e = qa[g + j]! - ((word >>> (6 * j)) & 63);
          s += w[g + j]! * e * e;
        }
      } else {
        for (let j = 0; j < lim; j++) s += qa[g + j]! * ((word >>> (6 * j)) & 63);
      }
    }
    return this.l2 ? s : this.base + s;
  }

  /** Keeps rows keep[0..newN) (old row numbers, ascending), renumbered in order. */
  compact(keep: Int32Array, newN: number): void {
    const cs = this.codeSize;
    const next = new Uint8Array(Math.max(newN, 16) * cs);
    for (let i = 0; i < newN; i++) next.set(this.codes.subarray(keep[i]! * cs, (keep[i]! + 1) * cs), i * cs);
    this.setCodes(next);
    this.n = newN;
  }

  /** [codes, min, step]: the SQ ranges are empty for FP16 / BF16. */
  serialize(): ArrayBuffer[] {
    const t = this.trainable;
    return [
      part(this.codes, this.n * this.codeSize),
      t ? this.sq8.min.slice().buffer : new ArrayBuffer(0),
      t ? this.sq8.step.slice().buffer : new ArrayBuffer(0),
    ];
  }

  static restore(
    type: SqType,
    dim: number,
    l2: boolean,
    n: number,
    trainedRows: number,
    parts: ArrayBuffer[],
  ): SqStore {
    const s = new SqStore(type, dim, l2);
    const codes = new Uint8Array(parts[0]!.slice(0));
    if (codes.length !== n * s.codeSize) throw elanusError('corruptIndexPart', { part: 0, what: 'codes' });
    s.setCodes(codes);
    s.n = n;
    s.trainedRows = trainedRows;
    if (s.trainable) {
      s.sq8 = Sq8Codec.restore(dim, l2, [parts[1]!, parts[2]!]);
      if (type === 'SQ6') s.deriveStep6();
    }
    return s;
  }

  /** Bytes of the codes in use (n · codeSize) plus the trained ranges. */
  memoryBytes(): number {
    return this.codes.byteLength + (this.trainable ? this.sq8.memoryBytes() : 0);
  }
}

const BATCH = 2048;

/**
 * A VectorScanner over an SqStore: Milvus scores (IP dot, COSINE similarity of unit vectors, L2 squared
 * distance) computed from codes, so HnswIndex builds and walks its graph without float32 vectors.
 */
export class SqScanner implements VectorScanner {
  readonly metric: DenseMetric;
  readonly dim: number;
  readonly batch = BATCH;
  readonly store: SqStore;
  private readonly q: Float32Array;
  private readonly pa: Float32Array;
  private readonly pb: Float32Array;
  /** Row decoded into `pa` (pair's first argument is often repeated), -1: none. */
  private paRow = -1;
  private readonly ids = new Int32Array(BATCH);
  private readonly scores = new Float32Array(BATCH);

  constructor(store: SqStore, metric: DenseMetric) {
    this.store = store;
    this.metric = metric;
    this.dim = store.dim;
    this.q = new Float32Array(store.dim);
    this.pa = new Float32Array(store.dim);
    this.pb = new Float32Array(store.dim);
  }

  /** Forget cached decodes: call after the codes change (retraining, compaction). */
  invalidate(): void {
    this.paRow = -1;
  }

  setQuery(q: ArrayLike<number>): void {
    const dim = this.dim;
    const v = this.q;
    for (let d = 0; d < dim; d++) v[d] = q[d]!;
    if (this.metric === 'COSINE') normalize(v, 0, dim);
    this.store.setQuery(v);
  }

  setQueryRow(row: number): void {
    this.store.decode(row, this.q);
    this.store.setQuery(this.q);
  }

  score(row: number): number {
    return this.store.score(row);
  }

  pair(a: number, b: number): number {
    if (this.paRow !== a) {
      this.store.decode(a, this.pa);
      this.paRow = a;
    }
    const x = this.pa;
    const y = this.pb;
    this.store.decode(b, y);
    let s = 0;
    if (this.metric === 'L2') {
      for (let d = 0; d < this.dim; d++) {
        const e = x[d]! - y[d]!;
        s += e * e;
      }
    } else {
      for (let d = 0; d < this.dim; d++) s += x[d]! * y[d]!;
    }
    return s;
  }

  scoreRange(from: number, to: number, out: Float32Array, outOffset = 0): void {
    for (let r = from; r < to; r++) out[outOffset + r - from] = this.store.score(r);
  }

  scoreRows(rows: ArrayLike<number>, count: number, out: Float32Array, outOffset = 0): void {
    for (let i = 0; i < count; i++) out[outOffset + i] = this.store.score(rows[i]!);
  }

  idBuffer(): Int32Array {
    return this.ids;
  }

  scoreBuffer(): Float32Array {
    return this.scores;
  }

  scoreBuffered(count: number): void {
    for (let i = 0; i < count; i++) this.scores[i] = this.store.score(this.ids[i]!);
  }
}

/** Scales v[off..off+dim) to unit length in place (a zero vector stays zero). */
function normalize(v: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let d = 0; d < dim; d++) s += v[off + d]! * v[off + d]!;
  if (s <= 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let d = 0; d < dim; d++) v[off + d]! *= inv;
}

/** Bytes per indexed vector, split by what holds them (HnswSqIndex.bytesPerVector). */
export interface HnswSqBytes {
  /** Quantized codes the graph is walked on. */
  codes: number;
  /** Graph links, levels and offsets. */
  graph: number;
  /** Refinement data the index holds (0 for FP32: it scores the column's own float32 vectors). */
  refine: number;
  total: number;
}

const TAG = 'HNSQ';
const VERSION = 1;
/** Parts before the inner HNSW graph's parts: header, 3 codes, 3 refine codes, tombstones. */
const OWN_PARTS = 8;

/**
 * HNSW_SQ: an HnswIndex whose distance provider is an SqScanner over quantized codes, plus optional
 * refinement (fetch ceil(refine_k · limit) candidates from the graph, re-rank them with refine data).
 */
export class HnswSqIndex implements VectorIndex {
  readonly indexType = 'HNSW_SQ';
  readonly metric: DenseMetric;
  readonly column: DenseVectorColumn;
  readonly sqType: SqType;
  readonly refine: boolean;
  readonly refineType: RefineType;
  readonly graph: HnswIndex;
  private readonly store: SqStore;
  private readonly scanner: SqScanner;
  /** Refine codes (null: no refine, or FP32 refinement on the column). */
  private readonly refineStore: SqStore | null;
  private readonly refineScanner: VectorScanner | null;
  private tomb = new Tombstones();
  private readonly heap = new TopKHeap();
  private readonly buf = new Float32Array(BATCH);
  private scratch = new Float32Array(0);

  constructor(
    column: DenseVectorColumn,
    kernels: Kernels,
    metric: DenseMetric,
    opts: HnswSqOptions,
    restored?: { store: SqStore; refineStore: SqStore | null; graphParts: ArrayBuffer[] },
  ) {
    this.column = column;
    this.metric = metric;
    this.sqType = opts.sqType;
    this.refine = opts.refine;
    this.refineType = opts.refineType;
    const l2 = metric === 'L2';
    this.store = restored?.store ?? new SqStore(opts.sqType, column.dim, l2);
    this.scanner = new SqScanner(this.store, metric);
    if (!opts.refine) {
      this.refineStore = null;
      this.refineScanner = null;
    } else if (opts.refineType === 'FP32') {
      this.refineStore = null;
      this.refineScanner = kernels.scanner(column, metric);
    } else {
      this.refineStore = restored?.refineStore ?? new SqStore(opts.refineType, column.dim, l2);
      this.refineScanner = new SqScanner(this.refineStore, metric);
    }
    this.graph = restored
      ? HnswIndex.deserialize(restored.graphParts, column, kernels, this.scanner)
      : new HnswIndex(column, kernels, metric, {
          M: opts.M,
          efConstruction: opts.efConstruction,
          seed: opts.seed ?? 42,
          scanner: this.scanner,
        });
  }

  get size(): number {
    return this.graph.size;
  }

  private stores(): SqStore[] {
    return this.refineStore ? [this.store, this.refineStore] : [this.store];
  }

  addRange(from: number, to: number): void {
    checkAddRange(from, to, this.column.length);
    const start = this.store.n;
    if (to <= start) return;
    const dim = this.column.dim;
    // SQ ranges are trained on every row indexed so far, again each time the row count doubles: the
    // codes of earlier rows are re-encoded (the graph stays; it was built on close approximations).
    const retrain = this.stores().map((s) => s.trainable && to >= 2 * s.trainedRows);
    const lo = retrain.includes(true) ? 0 : start;
    let data = this.column.data();
    let base = 0;
    if (this.metric === 'COSINE') {
      // Unit vectors for COSINE (the column keeps the vectors as inserted).
      data = data.slice(lo * dim, to * dim);
      base = lo;
      for (let r = 0; r < to - lo; r++) normalize(data, r * dim, dim);
    }
    this.stores().forEach((s, i) => {
      s.ensure(to);
      if (retrain[i]) s.train(data, to);
      for (let r = retrain[i] ? 0 : start; r < to; r++) s.encode(r, data, (r - base) * dim);
      s.n = to;
    });
    this.scanner.invalidate();
    this.graph.addRange(from, to);
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) this.tomb.add(rows[i]!);
    this.graph.remove(rows);
  }

  compact(keep: Int32Array): void {
    // Codes first: the graph's rewiring scores rows by their new numbers.
    const newN = indexedPrefix(keep, this.store.n);
    for (const s of this.stores()) s.compact(keep, newN);
    this.scanner.invalidate();
    this.tomb.compact(keep);
    this.graph.compact(keep);
  }

  search(query: Float32Array, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    checkQuery(query, this.column.dim);
    checkK(k);
    const ef = intParam(params, 'ef', 1, 2 ** 31 - 1, Math.max(k, 16));
    if (ef < k) invalidParam('ef', `an integer >= limit (${k})`, params.ef);
    const refineK = numParam(params, 'refine_k', 1, Number.MAX_VALUE, 1);
    const range = rangeParams(params, this.metric);
    const rs = this.refineScanner;
    if (rs === null) return this.graph.search(query, k, allow, params);
    const n = this.graph.size;
    if (range !== null) {
      // Range search with refinement: the bounds apply to refined (higher precision) scores.
      rs.setQuery(query);
      return exactSearch(rs, n, k, this.tomb.effective(allow, n), range, this.heap, this.buf);
    }
    const kk = Math.min(Math.ceil(refineK * k), 2 ** 31 - 1);
    const cand = this.graph.search(query, kk, allow, { ...params, ef: Math.max(ef, kk) });
    const m = cand.rows.length;
    if (this.scratch.length < m) this.scratch = new Float32Array(m);
    rs.setQuery(query);
    rs.scoreRows(cand.rows, m, this.scratch);
    const sign = this.metric === 'L2' ? 1 : -1;
    const heap = this.heap;
    heap.reset(Math.min(k, Math.max(m, 1)));
    for (let i = 0; i < m; i++) heap.push(sign * this.scratch[i]!, cand.rows[i]!);
    return heap.toTopK(sign < 0);
  }

  serialize(): ArrayBuffer[] {
    const rst = this.refineStore;
    const empty = [new ArrayBuffer(0), new ArrayBuffer(0), new ArrayBuffer(0)];
    const header = writeHeader(TAG, VERSION, [
      metricCode(this.metric),
      TYPE_CODES.indexOf(this.sqType),
      this.refine ? 1 : 0,
      TYPE_CODES.indexOf(this.refineType),
      this.column.dim,
      this.store.n,
      this.store.trainedRows,
      rst ? rst.trainedRows : 0,
    ]);
    return [
      header,
      ...this.store.serialize(),
      ...(rst ? rst.serialize() : empty),
      part(this.tomb.words, this.tomb.words.length),
      ...this.graph.serialize(),
    ];
  }

  static deserialize(parts: ArrayBuffer[], column: DenseVectorColumn, kernels: Kernels): HnswSqIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const metric = metricFromCode(h[0]!) as DenseMetric;
    const sqCode = TYPE_CODES[h[1]!];
    const refineType = TYPE_CODES[h[3]!];
    const dim = h[4]!;
    const n = h[5]!;
    if (sqCode === undefined || sqCode === 'FP32' || refineType === undefined || dim !== column.dim) {
      throw elanusError('corruptIndexHeader', { tag: TAG });
    }
    const sqType: SqType = sqCode;
    const refine = h[2] === 1;
    const l2 = metric === 'L2';
    for (let i = 1; i < OWN_PARTS; i++) partAt(parts, i, 'HNSW_SQ codes');
    const store = SqStore.restore(sqType, dim, l2, n, h[6]!, parts.slice(1, 4));
    const refineStore =
      refine && refineType !== 'FP32'
        ? SqStore.restore(refineType, dim, l2, n, h[7]!, parts.slice(4, 7))
        : null;
    // M / efConstruction / seed are read back from the graph's own header.
    const idx = new HnswSqIndex(
      column,
      kernels,
      metric,
      { M: 2, efConstruction: 1, sqType, refine, refineType },
      { store, refineStore, graphParts: parts.slice(OWN_PARTS) },
    );
    idx.tomb = new Tombstones(new Uint32Array(parts[7]!.slice(0)));
    if (idx.graph.size !== n) throw elanusError('corruptIndexHeader', { tag: TAG });
    return idx;
  }

  /** Bytes per indexed vector: codes, graph and refinement data (averaged over the indexed rows). */
  bytesPerVector(): HnswSqBytes {
    const n = Math.max(1, this.graph.size);
    const codes = this.store.codeSize;
    const graph = this.graph.memoryBytes() / n;
    const refine = this.refineStore ? this.refineStore.codeSize : 0;
    return { codes, graph, refine, total: codes + graph + refine };
  }

  /** Bytes held beyond the column's vectors: codes (with spare capacity), graph and refine codes. */
  memoryBytes(): number {
    let b = this.graph.memoryBytes() + this.tomb.words.byteLength;
    for (const s of this.stores()) b += s.memoryBytes();
    return b;
  }
}
