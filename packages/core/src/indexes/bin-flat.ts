import { invalidParam } from '../errors/index.js';
import type { Bitset } from '../util/bitset.js';
import { TopKHeap } from './heap.js';
import { checkAddRange, checkK, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { IndexSearchParams, TopK, VectorIndex } from './types.js';

/** The stored BinaryVector values of one field: dim/8 bytes per row, bit i of the vector is bit (i % 8) of byte i / 8. */
export interface BinaryVectorColumn {
  readonly length: number;
  get(row: number): unknown;
}

export type BinaryMetric = 'HAMMING' | 'JACCARD';

/** Set bits of every byte value. */
const POP8 = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x &= x - 1) c++;
  return c;
});

/** Bits that differ between a[ao, ao + bytes) and b[bo, bo + bytes) (BIN_IVF_FLAT's centroid arenas). */
export function hammingAt(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bytes: number): number {
  let d = 0;
  for (let i = 0; i < bytes; i++) d += POP8[a[ao + i]! ^ b[bo + i]!]!;
  return d;
}

/** HAMMING: bits that differ. JACCARD: 1 − |a ∧ b| / |a ∨ b| (0 for two zero vectors), as Milvus reports it. */
export function binaryDistance(metric: BinaryMetric, a: Uint8Array, b: Uint8Array): number {
  if (metric === 'HAMMING') return hammingAt(a, 0, b, 0, a.length);
  let and = 0;
  let or = 0;
  for (let i = 0; i < a.length; i++) {
    and += POP8[a[i]! & b[i]!]!;
    or += POP8[a[i]! | b[i]!]!;
  }
  return or === 0 ? 0 : 1 - and / or;
}

const TAG = 'BINF';
const VERSION = 1;

/** BIN_FLAT: exact HAMMING / JACCARD search over a BinaryVector field (a distance: smaller is better). */
export class BinFlatIndex implements VectorIndex<Uint8Array> {
  readonly indexType = 'BIN_FLAT';
  readonly metric: BinaryMetric;
  private readonly column: BinaryVectorColumn;
  private readonly bytes: number;
  private readonly heap = new TopKHeap();
  private tomb = new Tombstones();
  private n = 0;

  constructor(column: BinaryVectorColumn, dim: number, metric: BinaryMetric) {
    this.column = column;
    this.bytes = dim / 8;
    this.metric = metric;
  }

  addRange(from: number, to: number): void {
    checkAddRange(from, to, this.column.length);
    if (to > this.n) this.n = to;
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) this.tomb.add(rows[i]!);
  }

  search(query: Uint8Array, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    if (!(query instanceof Uint8Array) || query.length !== this.bytes) {
      invalidParam('data', `a binary query vector of ${this.bytes} bytes`, query);
    }
    checkK(k);
    // Distances, so the bounds read as L2's: [range_filter, radius).
    const range = rangeParams(params, 'L2');
    const hi = range ? range.hi : Number.POSITIVE_INFINITY;
    const lo = range ? range.lo : Number.NEGATIVE_INFINITY;
    const eff = this.tomb.effective(allow, this.n);
    const heap = this.heap;
    heap.reset(k);
    let worst = heap.bound();
    for (let r = 0; r < this.n; r++) {
      if (eff !== null && !eff.has(r)) continue;
      const v = this.column.get(r);
      if (!(v instanceof Uint8Array)) continue; // a null (nullable field) is never a hit
      // Rounded as the heap stores it, so equal JACCARD distances tie-break by row id (smaller first).
      const d = Math.fround(binaryDistance(this.metric, query, v));
      if (d <= worst && d < hi && d >= lo) {
        heap.push(d, r);
        worst = heap.bound();
      }
    }
    return heap.toTopK(false);
  }

  compact(keep: Int32Array): void {
    this.tomb.compact(keep);
    this.n = indexedPrefix(keep, this.n);
  }

  serialize(): ArrayBuffer[] {
    const words = this.tomb.words;
    return [
      writeHeader(TAG, VERSION, [metricCode(this.metric), this.n, this.bytes]),
      part(words, words.length),
    ];
  }

  static deserialize(parts: ArrayBuffer[], column: BinaryVectorColumn): BinFlatIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const idx = new BinFlatIndex(column, h[2]! * 8, metricFromCode(h[0]!) as BinaryMetric);
    idx.n = h[1]!;
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 1, 'tombstones').slice(0)));
    return idx;
  }

  memoryBytes(): number {
    return this.tomb.words.byteLength + this.heap.dist.byteLength * 2;
  }
}
