import { elanusError, invalidParam } from '../errors/index.js';
import type { Bitset } from '../util/bitset.js';
import { type BinaryMetric, type BinaryVectorColumn, binaryDistance, hammingAt } from './bin-flat.js';
import { TopKHeap } from './heap.js';
import { sampleRows, seededRandom } from './kmeans.js';
import { checkAddRange, checkK, IVF_DEFAULTS, intParam, type RangeBounds, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { IndexSearchParams, TopK, VectorIndex } from './types.js';

/** Rows per centroid needed before training (IVF_FLAT's IVF_MIN_POINTS_PER_CENTROID). */
const MIN_POINTS_PER_CENTROID = 39;
/** Training sample per centroid at most (faiss's max_points_per_centroid), as IVF_FLAT takes. */
const SAMPLE_PER_CENTROID = 256;
/** A filter allowing less than this fraction of rows (and fewer than nprobe lists hold) is answered exactly. */
const EXACT_BELOW = 0.3;
const TAG = 'BIVF';
const VERSION = 1;

export interface BinIvfOptions {
  /** Bits per vector (a multiple of 8). */
  dim: number;
  nlist: number;
  seed?: number;
}

interface List {
  ids: Int32Array;
  size: number;
}

/** For each of n codes (row-major, `bytes` each), the nearest of k centroids by Hamming distance (ties: lowest). */
export function assignNearestBinary(
  data: Uint8Array,
  n: number,
  bytes: number,
  centroids: Uint8Array,
  k: number,
  out: Int32Array,
): void {
  for (let i = 0; i < n; i++) out[i] = nearestCentroid(data, i * bytes, centroids, k, bytes);
}

function nearestCentroid(v: Uint8Array, vo: number, centroids: Uint8Array, k: number, bytes: number): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const d = hammingAt(v, vo, centroids, c * bytes, bytes);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * Seeded binary k-means (k-majority): centroids are bit vectors, points go to the centroid nearest by
 * Hamming distance, and each centroid bit becomes the majority bit of its cluster (a tie keeps the old
 * bit). An empty cluster restarts on a seeded random member of the largest one. The same (data, k, seed)
 * give the same centroids on every run.
 */
export function binaryKmeans(
  data: Uint8Array,
  n: number,
  bytes: number,
  k: number,
  opts: { seed: number; iterations: number },
): Uint8Array {
  const rand = seededRandom(opts.seed);
  const centroids = new Uint8Array(k * bytes);
  if (n === 0) return centroids;
  const init = sampleRows(n, Math.min(n, k), opts.seed ^ 0x2545f491);
  for (let c = 0; c < k; c++) {
    const r = init[c % init.length]!;
    centroids.set(data.subarray(r * bytes, r * bytes + bytes), c * bytes);
  }
  const assign = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  const counts = new Int32Array(k);
  const ones = new Int32Array(k * bytes * 8);
  for (let it = 0; it < opts.iterations; it++) {
    assignNearestBinary(data, n, bytes, centroids, k, next);
    let changed = 0;
    for (let i = 0; i < n; i++) if (next[i] !== assign[i]) changed++;
    if (changed === 0) break;
    assign.set(next);
    counts.fill(0);
    ones.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      counts[c]!++;
      for (let j = 0; j < bytes; j++) {
        let v = data[i * bytes + j]!;
        const base = (c * bytes + j) * 8;
        while (v !== 0) {
          const t = v & -v;
          ones[base + 31 - Math.clz32(t)]!++;
          v ^= t;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      const cnt = counts[c]!;
      if (cnt === 0) continue;
      for (let j = 0; j < bytes; j++) {
        const old = centroids[c * bytes + j]!;
        const base = (c * bytes + j) * 8;
        let out = 0;
        for (let b = 0; b < 8; b++) {
          const twice = ones[base + b]! * 2;
          const bit = twice > cnt ? 1 : twice === cnt ? (old >> b) & 1 : 0;
          out |= bit << b;
        }
        centroids[c * bytes + j] = out;
      }
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] !== 0) continue;
      let big = 0;
      for (let j = 1; j < k; j++) if (counts[j]! > counts[big]!) big = j;
      if (counts[big]! < 2) break;
      // A seeded random member of the largest cluster becomes the empty centroid.
      let t = Math.floor(rand() * counts[big]!);
      let pick = 0;
      for (let i = 0; i < n; i++) {
        if (assign[i] !== big) continue;
        if (t-- === 0) {
          pick = i;
          break;
        }
      }
      centroids.set(data.subarray(pick * bytes, pick * bytes + bytes), c * bytes);
      assign[pick] = c;
      counts[c] = 1;
      counts[big]!--;
    }
  }
  return centroids;
}

/**
 * BIN_IVF_FLAT: binary k-means splits the rows of a BinaryVector field into nlist lists; a search scores
 * the nprobe lists whose centroids are nearest the query (by Hamming distance) exactly, by HAMMING or
 * JACCARD. Like IVF_FLAT: exact until nlist × 39 rows are indexed, trained on a seeded sample (at most 256
 * rows per centroid), later rows go to their nearest list, filters and tombstones are checked inside the
 * list scan, further lists are probed while fewer than `limit` allowed rows were found (never for a range
 * search), and a filter allowing fewer rows than nprobe lists would scan is answered by an exact scan.
 */
export class BinIvfIndex implements VectorIndex<Uint8Array> {
  readonly indexType = 'BIN_IVF_FLAT';
  readonly metric: BinaryMetric;
  readonly nlist: number;
  readonly seed: number;
  private readonly column: BinaryVectorColumn;
  private readonly bytes: number;
  private centroids: Uint8Array | null = null;
  private lists: List[] = [];
  private tomb = new Tombstones();
  private n = 0;
  private readonly heap = new TopKHeap();

  constructor(column: BinaryVectorColumn, metric: BinaryMetric, opts: BinIvfOptions) {
    this.column = column;
    this.metric = metric;
    this.bytes = opts.dim / 8;
    this.nlist = opts.nlist;
    this.seed = opts.seed ?? 42;
  }

  get trained(): boolean {
    return this.centroids !== null;
  }

  /** Rows indexed (a prefix of the column). */
  get size(): number {
    return this.n;
  }

  /** Rows needed before training: 39 per centroid, as IVF_FLAT. */
  get trainAt(): number {
    return this.nlist * MIN_POINTS_PER_CENTROID;
  }

  addRange(from: number, to: number): void {
    checkAddRange(from, to, this.column.length);
    const start = Math.max(from, this.n);
    if (to <= start) return;
    this.n = to;
    if (this.trained) this.assignRows(start, to);
    else if (this.n >= this.trainAt) this.train();
  }

  /** Trains the centroids on a seeded sample of the indexed non-null rows, then fills every list. */
  private train(): void {
    const { bytes, nlist } = this;
    const sample = sampleRows(this.n, Math.min(this.n, nlist * SAMPLE_PER_CENTROID), this.seed);
    const data = new Uint8Array(sample.length * bytes);
    let m = 0;
    for (let i = 0; i < sample.length; i++) {
      const v = this.column.get(sample[i]!);
      if (v instanceof Uint8Array) data.set(v, m++ * bytes);
    }
    if (m === 0) return; // only nulls so far: stay exact
    this.setCentroids(binaryKmeans(data, m, bytes, nlist, { seed: this.seed, iterations: 10 }));
    this.assignRows(0, this.n);
  }

  private setCentroids(centroids: Uint8Array): void {
    this.centroids = centroids;
    this.lists = Array.from({ length: this.nlist }, () => ({ ids: new Int32Array(8), size: 0 }));
  }

  private assignRows(from: number, to: number): void {
    const centroids = this.centroids!;
    for (let r = from; r < to; r++) {
      const v = this.column.get(r);
      if (!(v instanceof Uint8Array)) continue; // a null (nullable field) is never a hit
      const list = this.lists[nearestCentroid(v, 0, centroids, this.nlist, this.bytes)]!;
      if (list.size === list.ids.length) {
        const ids = new Int32Array(list.ids.length * 2);
        ids.set(list.ids);
        list.ids = ids;
      }
      list.ids[list.size++] = r;
    }
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
    const nprobe = intParam(params, 'nprobe', 1, this.nlist, Math.min(IVF_DEFAULTS.nprobe, this.nlist));
    const eff = this.tomb.effective(allow, this.n);
    const allowed = eff === null ? this.n : eff.count();
    const heap = this.heap;
    heap.reset(k);
    if (!this.trained || (allowed < this.n * EXACT_BELOW && allowed * this.nlist <= this.n * nprobe)) {
      this.exact(query, eff, range);
      return heap.toTopK(false);
    }
    const order = this.probeOrder(query);
    const hi = range ? range.hi : Number.POSITIVE_INFINITY;
    const lo = range ? range.lo : Number.NEGATIVE_INFINITY;
    const { metric, column } = this;
    let worst = heap.bound();
    for (let p = 0; p < this.nlist; p++) {
      // Past nprobe lists only while the heap is short (never for a range search: its result may be short).
      if (p >= nprobe && (range !== null || heap.full)) break;
      const list = this.lists[order[p]!]!;
      for (let i = 0; i < list.size; i++) {
        const row = list.ids[i]!;
        if (eff !== null && !eff.has(row)) continue;
        // Rounded as the heap stores it, so equal distances tie-break by row id in any scan order.
        const d = Math.fround(binaryDistance(metric, query, column.get(row) as Uint8Array));
        if (d <= worst && d < hi && d >= lo) {
          heap.push(d, row);
          worst = heap.bound();
        }
      }
    }
    return heap.toTopK(false);
  }

  /** BIN_FLAT's scan of the allowed rows, into the (reset) heap. */
  private exact(query: Uint8Array, eff: Bitset | null, range: RangeBounds | null): void {
    const heap = this.heap;
    const hi = range ? range.hi : Number.POSITIVE_INFINITY;
    const lo = range ? range.lo : Number.NEGATIVE_INFINITY;
    let worst = heap.bound();
    for (let r = 0; r < this.n; r++) {
      if (eff !== null && !eff.has(r)) continue;
      const v = this.column.get(r);
      if (!(v instanceof Uint8Array)) continue;
      const d = Math.fround(binaryDistance(this.metric, query, v));
      if (d <= worst && d < hi && d >= lo) {
        heap.push(d, r);
        worst = heap.bound();
      }
    }
  }

  /** Lists by the Hamming distance of their centroid to the query, nearest first (ties: lower list). */
  private probeOrder(query: Uint8Array): Int32Array {
    const { nlist, bytes } = this;
    const centroids = this.centroids!;
    const d = new Int32Array(nlist);
    for (let c = 0; c < nlist; c++) d[c] = hammingAt(query, 0, centroids, c * bytes, bytes);
    return Int32Array.from({ length: nlist }, (_, i) => i).sort((a, b) => d[a]! - d[b]! || a - b);
  }

  compact(keep: Int32Array): void {
    this.tomb.compact(keep);
    const oldN = this.n;
    this.n = indexedPrefix(keep, oldN);
    if (!this.trained) return;
    const map = new Int32Array(oldN).fill(-1);
    for (let i = 0; i < this.n; i++) map[keep[i]!] = i;
    for (const list of this.lists) {
      let w = 0;
      for (let i = 0; i < list.size; i++) {
        const nr = map[list.ids[i]!]!;
        if (nr >= 0) list.ids[w++] = nr;
      }
      list.size = w;
    }
  }

  serialize(): ArrayBuffer[] {
    const header = writeHeader(TAG, VERSION, [
      metricCode(this.metric),
      this.n,
      this.nlist,
      this.bytes,
      this.trained ? 1 : 0,
      this.seed,
    ]);
    const words = this.tomb.words;
    const parts = [header, part(words, words.length)];
    if (!this.trained) return parts;
    const sizes = Int32Array.from(this.lists, (l) => l.size);
    let total = 0;
    for (const l of this.lists) total += l.size;
    const ids = new Int32Array(total);
    let o = 0;
    for (const l of this.lists) {
      ids.set(l.ids.subarray(0, l.size), o);
      o += l.size;
    }
    parts.push(part(this.centroids!, this.centroids!.length), sizes.buffer, ids.buffer);
    return parts;
  }

  static deserialize(parts: ArrayBuffer[], column: BinaryVectorColumn): BinIvfIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const [, n, nlist, bytes, trained, seed] = Array.from(h);
    if (!Number.isInteger(bytes) || bytes! < 1 || !Number.isInteger(nlist) || nlist! < 1) {
      throw elanusError('corruptIndexHeader', { tag: TAG });
    }
    const idx = new BinIvfIndex(column, metricFromCode(h[0]!) as BinaryMetric, {
      dim: bytes! * 8,
      nlist: nlist!,
      seed: seed!,
    });
    idx.n = n!;
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 1, 'tombstones').slice(0)));
    if (trained !== 1) return idx;
    const centroids = new Uint8Array(partAt(parts, 2, 'centroids').slice(0));
    const sizes = new Int32Array(partAt(parts, 3, 'list sizes'));
    const ids = new Int32Array(partAt(parts, 4, 'list ids'));
    if (centroids.length !== nlist! * bytes! || sizes.length !== nlist) {
      throw elanusError('corruptIvfLists', {});
    }
    idx.setCentroids(centroids);
    let o = 0;
    for (let l = 0; l < nlist!; l++) {
      const size = sizes[l]!;
      if (size < 0 || o + size > ids.length) throw elanusError('corruptIvfLists', {});
      const list = idx.lists[l]!;
      list.ids = new Int32Array(Math.max(size, 8));
      list.ids.set(ids.subarray(o, o + size));
      list.size = size;
      o += size;
    }
    if (o !== ids.length) throw elanusError('corruptIvfLists', {});
    return idx;
  }

  /** Index bytes beyond the column: centroids (dim/8 B each), list ids (4 B/row), tombstones. */
  memoryBytes(): number {
    let b = this.tomb.words.byteLength + this.heap.dist.byteLength * 2;
    if (this.centroids) b += this.centroids.byteLength;
    for (const l of this.lists) b += l.ids.byteLength;
    return b;
  }
}
