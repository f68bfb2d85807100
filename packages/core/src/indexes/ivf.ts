import { elanusError } from '../errors/index.js';
import type { DenseMetric, KernelColumn, Kernels, VectorScanner } from '../kernels/types.js';
import type { Bitset } from '../util/bitset.js';
import type { VectorCodec } from './codec.js';
import { checkQuery, exactSearch } from './flat.js';
import { TopKHeap } from './heap.js';
import { assignNearest, kmeans, normalizeInPlace, sampleRows } from './kmeans.js';
import { checkAddRange, checkK, IVF_DEFAULTS, intParam, rangeParams } from './params.js';
import { PqCodec } from './pq.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { Sq8Codec } from './sq8.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { DenseVectorColumn, IndexSearchParams, TopK, VectorIndex } from './types.js';

/** Rows per centroid needed before the coarse quantizer is trained (faiss warns below 39). */
export const IVF_MIN_POINTS_PER_CENTROID = 39;
/** Training sample per centroid at most (faiss's max_points_per_centroid). */
const IVF_SAMPLE_PER_CENTROID = 256;
/** A filter allowing less than this fraction of rows (and fewer than nprobe lists hold) is answered exactly. */
const EXACT_BELOW = 0.3;

export type IvfCode = 'FLAT' | 'SQ8' | 'PQ';

export interface IvfOptions {
  nlist: number;
  code: IvfCode;
  /** PQ sub-quantizers (must divide dim) and bits per code. */
  m?: number;
  nbits?: number;
  seed?: number;
}

/** One inverted list: row ids and, for a coded index, their codes (codeSize bytes each), in step. */
interface List {
  ids: Int32Array;
  codes: Uint8Array;
  size: number;
}

const TAG = 'IVF1';
const VERSION = 1;
const CODE_NUM: Record<IvfCode, number> = { FLAT: 0, SQ8: 1, PQ: 2 };
const CODE_OF = ['FLAT', 'SQ8', 'PQ'] as const;

/**
 * IVF_FLAT / IVF_SQ8 / IVF_PQ: a k-means coarse quantizer splits rows into nlist lists; a search scores
 * the nprobe lists whose centroids are nearest the query. IVF_FLAT scores the stored vectors exactly;
 * IVF_SQ8 and IVF_PQ score compact codes (Milvus reports those approximate distances too).
 *
 * Until nlist × 39 rows are indexed the quantizer is untrained and search is exact (as Milvus searches a
 * growing segment by brute force). Training takes a seeded sample (at most 256 rows per centroid); later
 * rows go straight to their nearest list. Filters and tombstones are checked inside the list scan, and
 * when the probed lists hold fewer than `limit` allowed rows further lists are probed, so results are
 * never short while enough rows match; a filter that allows fewer rows than nprobe lists would scan is
 * answered by an exact scan of the allowed rows.
 */
export class IvfIndex implements VectorIndex {
  readonly indexType: string;
  readonly metric: DenseMetric;
  readonly column: DenseVectorColumn;
  readonly nlist: number;
  readonly code: IvfCode;
  readonly seed: number;
  private readonly kernels: Kernels;
  private readonly scanner: VectorScanner;
  private readonly dim: number;
  private codec: VectorCodec | null;
  private centroids: Float32Array | null = null;
  private centroidColumn: KernelColumn | null = null;
  private centroidScanner: VectorScanner | null = null;
  private lists: List[] = [];
  private tomb = new Tombstones();
  private n = 0;
  private readonly heap = new TopKHeap();
  private readonly buf = new Float32Array(2048);

  constructor(column: DenseVectorColumn, kernels: Kernels, metric: DenseMetric, opts: IvfOptions) {
    this.column = column;
    this.kernels = kernels;
    this.metric = metric;
    this.dim = column.dim;
    this.nlist = opts.nlist;
    this.code = opts.code;
    this.seed = opts.seed ?? 42;
    this.indexType = opts.code === 'FLAT' ? 'IVF_FLAT' : `IVF_${opts.code}`;
    this.scanner = kernels.scanner(column, metric);
    // COSINE codes unit vectors and scores them by L2 (cos = 1 − |q − x|²/2): the squared-norm term of a
    // residual code makes that ranking better than a dot-product table (0.62 vs 0.35 recall@10 in the PQ test).
    const l2 = metric !== 'IP';
    this.codec =
      opts.code === 'SQ8'
        ? new Sq8Codec(this.dim, l2)
        : opts.code === 'PQ'
          ? new PqCodec(this.dim, opts.m ?? 0, opts.nbits ?? IVF_DEFAULTS.nbits, l2, this.seed)
          : null;
  }

  get trained(): boolean {
    return this.centroids !== null;
  }

  /** Rows indexed (a prefix of the column). */
  get size(): number {
    return this.n;
  }

  /** Rows needed before training: 39 per centroid, and at least one per PQ codeword. */
  get trainAt(): number {
    const codes = this.codec instanceof PqCodec ? 1 << this.codec.nbits : 0;
    return Math.max(this.nlist * IVF_MIN_POINTS_PER_CENTROID, codes);
  }

  addRange(from: number, to: number): void {
    checkAddRange(from, to, this.column.length);
    const start = Math.max(from, this.n);
    if (to <= start) return;
    this.n = to;
    if (this.trained) this.assignRows(start, to);
    else if (this.n >= this.trainAt) this.train();
  }

  /** Trains the quantizer (and codec) on a seeded sample of the indexed rows, then fills every list. */
  private train(): void {
    const { dim, nlist } = this;
    const sample = sampleRows(this.n, Math.min(this.n, nlist * IVF_SAMPLE_PER_CENTROID), this.seed);
    const data = new Float32Array(sample.length * dim);
    const arena = this.column.data();
    for (let i = 0; i < sample.length; i++) {
      const r = sample[i]!;
      const v = data.subarray(i * dim, i * dim + dim);
      v.set(arena.subarray(r * dim, r * dim + dim));
      if (this.metric !== 'L2') normalizeInPlace(v);
    }
    const spherical = this.metric !== 'L2';
    const centroids = kmeans(data, sample.length, dim, nlist, this.kernels, {
      seed: this.seed,
      iterations: 10,
      spherical,
    });
    if (this.codec) {
      const codecData = new Float32Array(data.length);
      if (this.codec.byResidual) {
        const assign = new Int32Array(sample.length);
        assignNearest(data, sample.length, dim, centroids, nlist, this.kernels, spherical, assign);
        for (let i = 0; i < sample.length; i++) {
          // Residuals of the raw vector (normalised for COSINE), as they are encoded.
          const raw = arena.subarray(sample[i]! * dim, sample[i]! * dim + dim);
          const c = assign[i]! * dim;
          const out = codecData.subarray(i * dim, i * dim + dim);
          const norm = this.metric === 'COSINE' ? invNorm(raw) : 1;
          for (let j = 0; j < dim; j++) out[j] = raw[j]! * norm - centroids[c + j]!;
        }
      } else {
        for (let i = 0; i < sample.length; i++) {
          const raw = arena.subarray(sample[i]! * dim, sample[i]! * dim + dim);
          const norm = this.metric === 'COSINE' ? invNorm(raw) : 1;
          const out = codecData.subarray(i * dim, i * dim + dim);
          for (let j = 0; j < dim; j++) out[j] = raw[j]! * norm;
        }
      }
      this.codec.train(codecData, sample.length, this.kernels);
    }
    this.setCentroids(centroids);
    this.assignRows(0, this.n);
  }

  private setCentroids(centroids: Float32Array): void {
    this.centroids = centroids;
    const col = this.kernels.createColumn(this.dim);
    col.pushMany(centroids, this.nlist);
    this.centroidColumn = col;
    this.centroidScanner = this.kernels.scanner(col, this.metric === 'L2' ? 'L2' : 'IP');
    this.lists = Array.from({ length: this.nlist }, () => ({
      ids: new Int32Array(8),
      codes: new Uint8Array(this.codec ? 8 * this.codec.codeSize : 0),
      size: 0,
    }));
  }

  /** Appends rows [from, to) to their nearest lists, encoding them in blocks. */
  private assignRows(from: number, to: number): void {
    const { dim, nlist } = this;
    const centroids = this.centroids!;
    const spherical = this.metric !== 'L2';
    const BLOCK = 4096;
    const vecs = new Float32Array(Math.min(BLOCK, to - from) * dim);
    const assign = new Int32Array(Math.min(BLOCK, to - from));
    const codeSize = this.codec?.codeSize ?? 0;
    const codes = new Uint8Array(assign.length * codeSize);
    for (let b = from; b < to; b += BLOCK) {
      const cnt = Math.min(BLOCK, to - b);
      const arena = this.column.data();
      vecs.set(arena.subarray(b * dim, (b + cnt) * dim));
      if (spherical) for (let i = 0; i < cnt; i++) normalizeInPlace(vecs.subarray(i * dim, i * dim + dim));
      assignNearest(vecs, cnt, dim, centroids, nlist, this.kernels, spherical, assign);
      const codec = this.codec;
      if (codec) {
        // IP codes the raw vector; COSINE the unit vector (already in vecs); residuals subtract the centroid.
        if (this.metric === 'IP') vecs.set(arena.subarray(b * dim, (b + cnt) * dim));
        if (codec.byResidual) {
          for (let i = 0; i < cnt; i++) {
            const c = assign[i]! * dim;
            for (let j = 0; j < dim; j++) vecs[i * dim + j]! -= centroids[c + j]!;
          }
        }
        if (codec instanceof PqCodec) codec.encodeMany(vecs, cnt, this.kernels, codes);
        else
          for (let i = 0; i < cnt; i++)
            codec.encode(vecs.subarray(i * dim, i * dim + dim), codes, i * codeSize);
      }
      for (let i = 0; i < cnt; i++) this.append(assign[i]!, b + i, codes, i * codeSize);
    }
  }

  private append(listNo: number, row: number, codes: Uint8Array, offset: number): void {
    const list = this.lists[listNo]!;
    const cs = this.codec?.codeSize ?? 0;
    if (list.size === list.ids.length) {
      const ids = new Int32Array(list.ids.length * 2);
      ids.set(list.ids);
      list.ids = ids;
      if (cs > 0) {
        const c = new Uint8Array(ids.length * cs);
        c.set(list.codes);
        list.codes = c;
      }
    }
    list.ids[list.size] = row;
    if (cs > 0) list.codes.set(codes.subarray(offset, offset + cs), list.size * cs);
    list.size++;
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) this.tomb.add(rows[i]!);
  }

  search(query: Float32Array, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    checkQuery(query, this.dim);
    checkK(k);
    const range = rangeParams(params, this.metric);
    const nprobe = intParam(params, 'nprobe', 1, this.nlist, Math.min(IVF_DEFAULTS.nprobe, this.nlist));
    const eff = this.tomb.effective(allow, this.n);
    const sim = this.metric !== 'L2';
    const allowed = eff === null ? this.n : eff.count();
    if (!this.trained || (allowed < this.n * EXACT_BELOW && allowed * this.nlist <= this.n * nprobe)) {
      // Untrained, or a selective filter that leaves fewer rows than the probed lists would hold: exact.
      this.scanner.setQuery(query);
      return exactSearch(this.scanner, this.n, k, eff, range, this.heap, this.buf);
    }
    const q = Float32Array.from(query);
    if (this.metric === 'COSINE') normalizeInPlace(q);
    const order = this.probeOrder(q);
    const heap = this.heap;
    heap.reset(k);
    const sign = sim ? -1 : 1;
    const hi = range ? range.hi : Number.POSITIVE_INFINITY;
    const lo = range ? range.lo : Number.NEGATIVE_INFINITY;
    const codec = this.codec;
    const cosine = this.metric === 'COSINE';
    if (codec) codec.setQuery(q);
    else this.scanner.setQuery(query);
    const centroids = this.centroids!;
    const dim = this.dim;
    for (let p = 0; p < this.nlist; p++) {
      // Past nprobe lists only while the heap is short (never for a range search: its result may be short).
      if (p >= nprobe && (range !== null || heap.full)) break;
      const listNo = order.ids[p]!;
      const list = this.lists[listNo]!;
      if (list.size === 0) continue;
      let worst = heap.bound();
      if (codec) {
        codec.setList(centroids.subarray(listNo * dim, listNo * dim + dim), order.dots[p]!);
        const cs = codec.codeSize;
        for (let i = 0; i < list.size; i++) {
          const row = list.ids[i]!;
          if (eff !== null && !eff.has(row)) continue;
          const s = codec.score(list.codes, i * cs);
          const d = cosine ? s / 2 - 1 : sign * s;
          if (d <= worst && d < hi && d >= lo) {
            heap.push(d, row);
            worst = heap.bound();
          }
        }
      } else {
        const ids = this.scanner.idBuffer();
        const scores = this.scanner.scoreBuffer();
        const cap = this.scanner.batch;
        let m = 0;
        const flush = () => {
          this.scanner.scoreBuffered(m);
          for (let j = 0; j < m; j++) {
            const d = sign * scores[j]!;
            if (d <= worst && d < hi && d >= lo) {
              heap.push(d, ids[j]!);
              worst = heap.bound();
            }
          }
          m = 0;
        };
        for (let i = 0; i < list.size; i++) {
          const row = list.ids[i]!;
          if (eff !== null && !eff.has(row)) continue;
          ids[m++] = row;
          if (m === cap) flush();
        }
        if (m > 0) flush();
      }
    }
    return heap.toTopK(sim);
  }

  /**
   * IVF_FLAT: the rows `search` would score for this query, in no particular order (the allowed rows of
   * the probed lists, probing on past nprobe while fewer than k are found), so another thread can score
   * them exactly and get `search`'s hits. Null when `search` would not scan lists of stored vectors: a
   * coded index (SQ8, PQ), untrained, a range search, or a filter selective enough for an exact scan.
   */
  candidates(
    query: Float32Array,
    k: number,
    allow: Bitset | null,
    params: IndexSearchParams,
  ): Int32Array | null {
    if (this.codec || !this.trained) return null;
    checkQuery(query, this.dim);
    checkK(k);
    if (rangeParams(params, this.metric) !== null) return null;
    const nprobe = intParam(params, 'nprobe', 1, this.nlist, Math.min(IVF_DEFAULTS.nprobe, this.nlist));
    const eff = this.tomb.effective(allow, this.n);
    const allowed = eff === null ? this.n : eff.count();
    if (allowed < this.n * EXACT_BELOW && allowed * this.nlist <= this.n * nprobe) return null;
    const q = Float32Array.from(query);
    if (this.metric === 'COSINE') normalizeInPlace(q);
    const order = this.probeOrder(q);
    let total = 0;
    for (let p = 0; p < nprobe; p++) total += this.lists[order.ids[p]!]!.size;
    let out = new Int32Array(total);
    let m = 0;
    for (let p = 0; p < this.nlist; p++) {
      if (p >= nprobe && m >= k) break;
      const list = this.lists[order.ids[p]!]!;
      if (m + list.size > out.length) {
        const grown = new Int32Array(Math.max(out.length * 2, m + list.size));
        grown.set(out.subarray(0, m));
        out = grown;
      }
      for (let i = 0; i < list.size; i++) {
        const row = list.ids[i]!;
        if (eff === null || eff.has(row)) out[m++] = row;
      }
    }
    return out.subarray(0, m);
  }

  /** Lists by centroid distance to the (normalised for COSINE) query, nearest first, with q·centroid. */
  private probeOrder(q: Float32Array): { ids: Int32Array; dots: Float32Array } {
    const scanner = this.centroidScanner!;
    const nlist = this.nlist;
    const scores = new Float32Array(nlist);
    scanner.setQuery(q);
    scanner.scoreRange(0, nlist, scores);
    const ids = Int32Array.from({ length: nlist }, (_, i) => i);
    const l2 = this.metric === 'L2';
    ids.sort((a, b) => (l2 ? scores[a]! - scores[b]! : scores[b]! - scores[a]!) || a - b);
    const dots = new Float32Array(nlist);
    if (!l2) for (let i = 0; i < nlist; i++) dots[i] = scores[ids[i]!]!;
    return { ids, dots };
  }

  compact(keep: Int32Array): void {
    this.tomb.compact(keep);
    const oldN = this.n;
    this.n = indexedPrefix(keep, oldN);
    if (!this.trained) return;
    const map = new Int32Array(oldN).fill(-1);
    for (let i = 0; i < this.n; i++) map[keep[i]!] = i;
    const cs = this.codec?.codeSize ?? 0;
    for (const list of this.lists) {
      let w = 0;
      for (let i = 0; i < list.size; i++) {
        const nr = map[list.ids[i]!]!;
        if (nr < 0) continue;
        list.ids[w] = nr;
        if (cs > 0) list.codes.copyWithin(w * cs, i * cs, i * cs + cs);
        w++;
      }
      list.size = w;
    }
  }

  serialize(): ArrayBuffer[] {
    const pq = this.codec instanceof PqCodec ? this.codec : null;
    const header = writeHeader(TAG, VERSION, [
      metricCode(this.metric),
      this.n,
      this.nlist,
      this.dim,
      this.trained ? 1 : 0,
      this.seed,
      CODE_NUM[this.code],
      pq?.m ?? 0,
      pq?.nbits ?? 0,
    ]);
    const words = this.tomb.words;
    const parts = [header, part(words, words.length)];
    if (!this.trained) return parts;
    const sizes = Int32Array.from(this.lists, (l) => l.size);
    let total = 0;
    for (const l of this.lists) total += l.size;
    const cs = this.codec?.codeSize ?? 0;
    const ids = new Int32Array(total);
    const codes = new Uint8Array(total * cs);
    let o = 0;
    for (const l of this.lists) {
      ids.set(l.ids.subarray(0, l.size), o);
      if (cs > 0) codes.set(l.codes.subarray(0, l.size * cs), o * cs);
      o += l.size;
    }
    parts.push(this.centroids!.slice().buffer, sizes.buffer, ids.buffer, codes.buffer);
    if (this.codec) parts.push(...this.codec.serialize());
    return parts;
  }

  static deserialize(parts: ArrayBuffer[], column: DenseVectorColumn, kernels: Kernels): IvfIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const [, n, nlist, dim, trained, seed, codeNum, m, nbits] = Array.from(h);
    const code = CODE_OF[codeNum!];
    if (code === undefined || dim !== column.dim) {
      throw elanusError('corruptIvfHeader', { metric: codeNum, dim, columnDim: column.dim });
    }
    const idx = new IvfIndex(column, kernels, metricFromCode(h[0]!) as DenseMetric, {
      nlist: nlist!,
      code,
      m: m!,
      nbits: nbits!,
      seed: seed!,
    });
    idx.n = n!;
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 1, 'tombstones').slice(0)));
    if (trained !== 1) return idx;
    const centroids = new Float32Array(partAt(parts, 2, 'centroids').slice(0));
    const sizes = new Int32Array(partAt(parts, 3, 'list sizes'));
    const ids = new Int32Array(partAt(parts, 4, 'list ids'));
    const codes = new Uint8Array(partAt(parts, 5, 'codes'));
    const l2 = idx.metric !== 'IP';
    if (code === 'SQ8')
      idx.codec = Sq8Codec.restore(dim, l2, [partAt(parts, 6, 'sq min'), partAt(parts, 7, 'sq step')]);
    if (code === 'PQ')
      idx.codec = PqCodec.restore(dim, m!, nbits!, l2, seed!, [partAt(parts, 6, 'pq codebooks')]);
    const cs = idx.codec?.codeSize ?? 0;
    if (centroids.length !== nlist! * dim || sizes.length !== nlist || codes.length !== ids.length * cs) {
      throw elanusError('corruptIvfLists', {});
    }
    idx.setCentroids(centroids);
    let o = 0;
    for (let l = 0; l < nlist!; l++) {
      const size = sizes[l]!;
      const list = idx.lists[l]!;
      list.ids = ids.slice(o, o + Math.max(size, 8));
      list.codes = codes.slice(o * cs, (o + Math.max(size, 8)) * cs);
      if (list.ids.length < Math.max(size, 8)) {
        const grown = new Int32Array(Math.max(size, 8));
        grown.set(list.ids);
        list.ids = grown;
        const gc = new Uint8Array(grown.length * cs);
        gc.set(list.codes);
        list.codes = gc;
      }
      list.size = size;
      o += size;
    }
    if (o !== ids.length) throw elanusError('corruptIvfLists', {});
    return idx;
  }

  /** Index bytes beyond the column: centroids, list ids (4 B/row), codes, codec tables, tombstones. */
  memoryBytes(): number {
    let b = this.tomb.words.byteLength + this.buf.byteLength;
    if (this.centroids) b += this.centroids.byteLength + (this.centroidColumn?.memoryBytes() ?? 0);
    for (const l of this.lists) b += l.ids.byteLength + l.codes.byteLength;
    if (this.codec) b += this.codec.memoryBytes();
    return b;
  }
}

function invNorm(v: Float32Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return s > 0 ? 1 / Math.sqrt(s) : 0;
}
