import { elanusError } from '../errors/index.js';
import { checkDim } from '../kernels/js-column.js';
import type { DenseMetric, Kernels, VectorScanner } from '../kernels/types.js';
import type { Bitset } from '../util/bitset.js';
import { TopKHeap } from './heap.js';
import { checkAddRange, checkK, type RangeBounds, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { DenseVectorColumn, IndexSearchParams, TopK, VectorIndex } from './types.js';

/** Below this fraction of allowed rows, FLAT gathers the allowed rows instead of scanning every row. */
const GATHER_BELOW = 0.3;

/**
 * Exact top-k of the scanner's current query over rows [0, n), restricted to `allow` (null = all),
 * optionally to a range. Scores are computed in blocks by the kernels and offered to a bounded heap,
 * so nothing sorts all n scores. Returns Milvus scores, best first.
 */
export function exactSearch(
  scanner: VectorScanner,
  n: number,
  k: number,
  allow: Bitset | null,
  range: RangeBounds | null,
  heap: TopKHeap,
  buf: Float32Array,
): TopK {
  const sim = scanner.metric !== 'L2';
  // d = distance (smaller is better): L2 as is, similarities negated.
  const sign = sim ? -1 : 1;
  const hi = range ? range.hi : Number.POSITIVE_INFINITY;
  const lo = range ? range.lo : Number.NEGATIVE_INFINITY;
  heap.reset(k);
  let worst = heap.bound();
  const allowed = allow === null ? n : allow.count();
  if (allowed === 0) return heap.toTopK(sim);
  if (allow !== null && allowed < n * GATHER_BELOW) {
    // Selective filter: visit only the set bits, scoring them in batches gathered by the kernels.
    const words = allow.words;
    const nw = Math.min(words.length, (n + 31) >>> 5);
    const ids = scanner.idBuffer();
    const scores = scanner.scoreBuffer();
    const cap = scanner.batch;
    let m = 0;
    const flush = () => {
      scanner.scoreBuffered(m);
      for (let i = 0; i < m; i++) {
        const d = sign * scores[i]!;
        if (d <= worst && d < hi && d >= lo) {
          heap.push(d, ids[i]!);
          worst = heap.bound();
        }
      }
      m = 0;
    };
    for (let w = 0; w < nw; w++) {
      let v = words[w]!;
      while (v !== 0) {
        const t = v & -v;
        const r = (w << 5) + 31 - Math.clz32(t);
        v ^= t;
        if (r >= n) break;
        ids[m++] = r;
        if (m === cap) flush();
      }
    }
    if (m > 0) flush();
    return heap.toTopK(sim);
  }
  const B = buf.length;
  for (let from = 0; from < n; from += B) {
    const to = Math.min(n, from + B);
    scanner.scoreRange(from, to, buf);
    const cnt = to - from;
    if (allow === null) {
      for (let i = 0; i < cnt; i++) {
        const d = sign * buf[i]!;
        if (d <= worst && d < hi && d >= lo) {
          heap.push(d, from + i);
          worst = heap.bound();
        }
      }
    } else {
      for (let i = 0; i < cnt; i++) {
        const d = sign * buf[i]!;
        if (d <= worst && d < hi && d >= lo && allow.has(from + i)) {
          heap.push(d, from + i);
          worst = heap.bound();
        }
      }
    }
  }
  return heap.toTopK(sim);
}

/** Checks that a query matches the column's dim. */
export function checkQuery(query: ArrayLike<number>, dim: number): void {
  if (query === null || typeof query !== 'object' || typeof query.length !== 'number') {
    throw elanusError('queryNotNumbers', {});
  }
  checkDim(query.length, dim);
}

const TAG = 'FLAT';
const VERSION = 1;

/** FLAT: exact search over the column. The reference every approximate index is tested against. */
export class FlatIndex implements VectorIndex {
  readonly indexType = 'FLAT';
  readonly metric: DenseMetric;
  readonly column: DenseVectorColumn;
  private readonly scanner: VectorScanner;
  private readonly heap = new TopKHeap();
  private readonly buf = new Float32Array(2048);
  private tomb = new Tombstones();
  private n = 0;

  constructor(column: DenseVectorColumn, kernels: Kernels, metric: DenseMetric) {
    this.column = column;
    this.metric = metric;
    this.scanner = kernels.scanner(column, metric);
  }

  /** Rows indexed (a prefix of the column). */
  get size(): number {
    return this.n;
  }

  addRange(from: number, to: number): void {
    checkAddRange(from, to, this.column.length);
    if (to > this.n) this.n = to;
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) this.tomb.add(rows[i]!);
  }

  search(query: Float32Array, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    checkQuery(query, this.column.dim);
    checkK(k);
    const range = rangeParams(params, this.metric);
    this.scanner.setQuery(query);
    const eff = this.tomb.effective(allow, this.n);
    return exactSearch(this.scanner, this.n, k, eff, range, this.heap, this.buf);
  }

  compact(keep: Int32Array): void {
    this.tomb.compact(keep);
    this.n = indexedPrefix(keep, this.n);
  }

  serialize(): ArrayBuffer[] {
    const words = this.tomb.words;
    return [writeHeader(TAG, VERSION, [metricCode(this.metric), this.n]), part(words, words.length)];
  }

  static deserialize(parts: ArrayBuffer[], column: DenseVectorColumn, kernels: Kernels): FlatIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const idx = new FlatIndex(column, kernels, metricFromCode(h[0]!) as DenseMetric);
    idx.n = h[1]!;
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 1, 'tombstones').slice(0)));
    return idx;
  }

  memoryBytes(): number {
    return this.tomb.words.byteLength + this.buf.byteLength + this.heap.dist.byteLength * 2;
  }
}
