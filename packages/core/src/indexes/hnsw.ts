import { elanusError, invalidParam } from '../errors/index.js';
import type { DenseMetric, Kernels, VectorScanner } from '../kernels/types.js';
import type { Bitset } from '../util/bitset.js';
import { checkQuery, exactSearch } from './flat.js';
import { MinHeap, TopKHeap } from './heap.js';
import { checkK, intParam, rangeParams } from './params.js';
import { metricCode, metricFromCode, part, partAt, readHeader, writeHeader } from './serial.js';
import { indexedPrefix, Tombstones } from './tombstones.js';
import type { DenseVectorColumn, IndexSearchParams, TopK, VectorIndex } from './types.js';

export interface HnswOptions {
  /** Links per node on upper levels; level 0 keeps 2·M. */
  M: number;
  efConstruction: number;
  /** Seed of the level generator: the same seed and insertion order build the same graph. */
  seed?: number;
  /** Repair the graph once linked tombstones exceed this fraction of the rows (default 0.2). */
  repairRatio?: number;
  /**
   * Weight of the graph walk's estimated cost against an exact scan of the allowed rows when a filter is
   * given (default 0.5; 0 always walks the graph, Infinity always scans). Runtime tuning, not serialized.
   */
  filterWalkCost?: number;
  /**
   * The distance provider the graph is built and walked with (default: the kernels' scanner over the
   * column's float32 vectors). HNSW_SQ passes a scanner over quantized codes. Not serialized.
   */
  scanner?: VectorScanner;
}

export interface HnswSearchStats {
  /** Distances computed by the last search. */
  distances: number;
  /** Whether the last search scanned the allowed rows exactly instead of walking the graph. */
  exact: boolean;
}

const TAG = 'HNSW';
const VERSION = 1;
const MAX_LEVEL = 31;
/**
 * Filtered search scans the allowed rows exactly when that costs fewer distances than the graph
 * walk is expected to: about ef·M0/(2·p) for a filter passing a fraction p (the walk must expand ~ef/p
 * nodes before it collects ef allowed ones).
 */
const WALK_COST = 0.5;

/** 32-bit integer hash (xor-shift-multiply finaliser): levels are a pure function of (seed, row). */
function hash32(seed: number, row: number): number {
  let x = (row ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * HNSW graph index. The graph lives in typed arrays: level-0 links at row·(2M+1) in `links0`
 * ([count, ids...]); a node with level L > 0 owns L blocks of (M+1) in the `upper` pool starting at
 * `upperOff[row]`. Deleted rows stay in the graph as tombstones (navigable, never returned) until a
 * repair or `compact` unlinks them.
 */
export class HnswIndex implements VectorIndex {
  readonly indexType = 'HNSW';
  readonly metric: DenseMetric;
  readonly column: DenseVectorColumn;
  readonly M: number;
  readonly M0: number;
  readonly efConstruction: number;
  readonly seed: number;
  readonly repairRatio: number;
  /** See HnswOptions.filterWalkCost; adjustable at run time. */
  filterWalkCost: number;
  lastSearchStats: HnswSearchStats = { distances: 0, exact: false };

  private readonly mL: number;
  private readonly scanner: VectorScanner;
  /** Distance = sign · score (smaller is better). */
  private readonly sign: number;
  private n = 0;
  private cap = 0;
  private levels = new Uint8Array(0);
  private links0 = new Int32Array(0);
  private upperOff = new Int32Array(0);
  private upper = new Int32Array(0);
  private upperLen = 0;
  private entry = -1;
  private maxLevel = -1;
  /** Visit marks by search generation; one byte per row keeps the array cache-resident. */
  private visited = new Uint8Array(0);
  private gen = 0;
  private tomb = new Tombstones();
  /** Tombstones still linked into the graph. */
  private linkedDead = 0;
  private distCount = 0;

  private readonly cand = new MinHeap();
  private readonly res = new TopKHeap();
  private readonly flatHeap = new TopKHeap();
  private flatBuf = new Float32Array(2048);
  // Scratch for neighbour selection.
  private wIds = new Int32Array(64);
  private wDist = new Float32Array(64);
  private sIds: Int32Array;
  private sDist: Float32Array;
  private cIds: Int32Array;
  private cDist: Float32Array;
  private xIds: Int32Array;
  private xDist: Float32Array;
  private greedyEp = 0;
  private greedyD = 0;

  constructor(column: DenseVectorColumn, kernels: Kernels, metric: DenseMetric, opts: HnswOptions) {
    this.column = column;
    this.metric = metric;
    this.M = opts.M;
    this.M0 = 2 * opts.M;
    this.efConstruction = opts.efConstruction;
    this.seed = opts.seed ?? 42;
    this.repairRatio = opts.repairRatio ?? 0.2;
    this.filterWalkCost = opts.filterWalkCost ?? WALK_COST;
    this.mL = 1 / Math.log(Math.max(2, this.M));
    this.scanner = opts.scanner ?? kernels.scanner(column, metric);
    this.sign = metric === 'L2' ? 1 : -1;
    this.sIds = new Int32Array(this.M0 + 1);
    this.sDist = new Float32Array(this.M0 + 1);
    this.cIds = new Int32Array(this.M0 + 1);
    this.cDist = new Float32Array(this.M0 + 1);
    this.xIds = new Int32Array(this.M0 + 1);
    this.xDist = new Float32Array(this.M0 + 1);
  }

  /** Rows indexed (a prefix of the column). */
  get size(): number {
    return this.n;
  }

  /** Level of a row in the graph (for tests and diagnostics). */
  levelOf(row: number): number {
    return this.levels[row]!;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.cap) return;
    const cap = Math.max(rows, this.cap * 2, 16);
    const s0 = this.M0 + 1;
    const levels = new Uint8Array(cap);
    levels.set(this.levels.subarray(0, this.n));
    const links0 = new Int32Array(cap * s0);
    links0.set(this.links0.subarray(0, this.n * s0));
    const upperOff = new Int32Array(cap).fill(-1);
    upperOff.set(this.upperOff.subarray(0, this.n));
    const visited = new Uint8Array(cap);
    visited.set(this.visited);
    this.levels = levels;
    this.links0 = links0;
    this.upperOff = upperOff;
    this.visited = visited;
    this.cap = cap;
  }

  private allocUpper(words: number): number {
    const at = this.upperLen;
    if (at + words > this.upper.length) {
      const next = new Int32Array(Math.max(at + words, this.upper.length * 2, 1024));
      next.set(this.upper.subarray(0, at));
      this.upper = next;
    }
    this.upper.fill(0, at, at + words);
    this.upperLen += words;
    return at;
  }

  private randomLevel(row: number): number {
    const u = (hash32(this.seed, row) + 0.5) / 4294967296;
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * this.mL));
  }

  private nextGen(): number {
    if (++this.gen === 256) {
      this.visited.fill(0);
      this.gen = 1;
    }
    return this.gen;
  }

  /** Greedy walk on one upper level from (ep, d); leaves the result in greedyEp / greedyD. */
  private greedy(ep: number, d: number, level: number): void {
    const sc = this.scanner;
    const ids = sc.idBuffer();
    const scores = sc.scoreBuffer();
    const up = this.upper;
    const s1 = this.M + 1;
    const sign = this.sign;
    let changed = true;
    while (changed) {
      changed = false;
      const base = this.upperOff[ep]! + (level - 1) * s1;
      const cnt = up[base]!;
      if (cnt === 0) break;
      for (let j = 0; j < cnt; j++) ids[j] = up[base + 1 + j]!;
      sc.scoreBuffered(cnt);
      this.distCount += cnt;
      for (let j = 0; j < cnt; j++) {
        const dj = sign * scores[j]!;
        if (dj < d) {
          d = dj;
          ep = ids[j]!;
          changed = true;
        }
      }
    }
    this.greedyEp = ep;
    this.greedyD = d;
  }

  /**
   * Best-first search on one level from ep, collecting up to ef results into `res` among rows that
   * `allow` passes (null = all). Disallowed rows are still expanded: they carry the walk to allowed ones.
   */
  private searchLayer(ep: number, epD: number, ef: number, level: number, allow: Bitset | null): void {
    const sc = this.scanner;
    const ids = sc.idBuffer();
    const scores = sc.scoreBuffer();
    const visited = this.visited;
    const g = this.nextGen();
    const cand = this.cand;
    const res = this.res;
    const sign = this.sign;
    const arr = level === 0 ? this.links0 : this.upper;
    const stride = level === 0 ? this.M0 + 1 : this.M + 1;
    const upperOff = this.upperOff;
    const lvlOff = (level - 1) * stride;
    cand.clear();
    res.reset(ef);
    visited[ep] = g;
    cand.push(epD, ep);
    if (allow === null || allow.has(ep)) res.push(epD, ep);
    let bound = res.bound();
    let dc = 0;
    while (cand.size > 0) {
      if (cand.topDist() > bound) break;
      const c = cand.topId();
      cand.pop();
      const base = level === 0 ? c * stride : upperOff[c]! + lvlOff;
      const cnt = arr[base]!;
      let m = 0;
      for (let j = 1; j <= cnt; j++) {
        const v = arr[base + j]!;
        if (visited[v] !== g) {
          visited[v] = g;
          ids[m++] = v;
        }
      }
      if (m === 0) continue;
      sc.scoreBuffered(m);
      dc += m;
      for (let i = 0; i < m; i++) {
        const d = sign * scores[i]!;
        if (d < bound) {
          const v = ids[i]!;
          cand.push(d, v);
          if (allow === null || allow.has(v)) {
            res.push(d, v);
            bound = res.bound();
          }
        }
      }
    }
    this.distCount += dc;
  }

  addRange(from: number, to: number): void {
    if (to > this.column.length || from < 0 || from > to) {
      throw elanusError('rangeOutsideColumn', { from, to, rows: this.column.length });
    }
    if (to <= this.n) return;
    this.ensureCapacity(to);
    for (let r = this.n; r < to; r++) {
      this.insert(r);
      this.n = r + 1;
      if (this.tomb.has(r)) this.linkedDead++;
    }
  }

  private insert(q: number): void {
    const level = this.randomLevel(q);
    this.levels[q] = level;
    this.links0[q * (this.M0 + 1)] = 0;
    this.upperOff[q] = level > 0 ? this.allocUpper(level * (this.M + 1)) : -1;
    if (this.entry < 0) {
      this.entry = q;
      this.maxLevel = level;
      return;
    }
    const sc = this.scanner;
    sc.setQueryRow(q);
    let ep = this.entry;
    let epD = this.sign * sc.score(ep);
    for (let l = this.maxLevel; l > level; l--) {
      this.greedy(ep, epD, l);
      ep = this.greedyEp;
      epD = this.greedyD;
    }
    const efc = Math.max(this.efConstruction, this.M);
    if (this.wIds.length < efc) {
      this.wIds = new Int32Array(efc);
      this.wDist = new Float32Array(efc);
    }
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      this.searchLayer(ep, epD, efc, l, null);
      const cnt = this.res.drainInto(this.wIds, this.wDist);
      ep = this.wIds[0]!;
      epD = this.wDist[0]!;
      const sel = this.selectNeighbors(this.wIds, this.wDist, cnt, this.M, this.sIds, this.sDist);
      const [arr, base] = this.linkSlot(q, l);
      arr[base] = sel;
      for (let j = 0; j < sel; j++) arr[base + 1 + j] = this.sIds[j]!;
      for (let j = 0; j < sel; j++) this.connect(this.sIds[j]!, q, this.sDist[j]!, l);
      sc.setQueryRow(q);
    }
    if (level > this.maxLevel) {
      this.entry = q;
      this.maxLevel = level;
    }
  }

  /** The array and offset of a node's link block on a level: [count, ids...]. */
  private linkSlot(u: number, level: number): [Int32Array, number] {
    if (level === 0) return [this.links0, u * (this.M0 + 1)];
    return [this.upper, this.upperOff[u]! + (level - 1) * (this.M + 1)];
  }

  /**
   * The HNSW neighbour heuristic: walking candidates nearest first, keep one only if it is closer to
   * the base than to every neighbour already kept (spreads links across directions). Candidates must
   * be sorted by distance. Returns the number kept in outIds/outDist.
   */
  private selectNeighbors(
    ids: Int32Array,
    dist: Float32Array,
    cnt: number,
    max: number,
    outIds: Int32Array,
    outDist: Float32Array,
  ): number {
    if (cnt <= max) {
      outIds.set(ids.subarray(0, cnt));
      outDist.set(dist.subarray(0, cnt));
      return cnt;
    }
    const sc = this.scanner;
    const sign = this.sign;
    let out = 0;
    for (let i = 0; i < cnt && out < max; i++) {
      const e = ids[i]!;
      const de = dist[i]!;
      let good = true;
      for (let j = 0; j < out; j++) {
        if (sign * sc.pair(e, outIds[j]!) < de) {
          good = false;
          break;
        }
      }
      this.distCount += out;
      if (good) {
        outIds[out] = e;
        outDist[out] = de;
        out++;
      }
    }
    return out;
  }

  /** Adds link s→q on a level, shrinking s's list with the heuristic when it is full. */
  private connect(s: number, q: number, dsq: number, level: number): void {
    const [arr, base] = this.linkSlot(s, level);
    const cnt = arr[base]!;
    const max = level === 0 ? this.M0 : this.M;
    if (cnt < max) {
      arr[base + 1 + cnt] = q;
      arr[base] = cnt + 1;
      return;
    }
    const sc = this.scanner;
    sc.setQueryRow(s);
    const ids = this.cIds;
    const dist = this.cDist;
    for (let j = 0; j < cnt; j++) ids[j] = arr[base + 1 + j]!;
    sc.scoreRows(ids, cnt, dist);
    this.distCount += cnt;
    for (let j = 0; j < cnt; j++) dist[j] = this.sign * dist[j]!;
    ids[cnt] = q;
    dist[cnt] = dsq;
    sortByDist(ids, dist, cnt + 1);
    // Select into a second scratch pair: sIds/sDist hold the caller's selection.
    const outIds = this.xIds;
    const kept = this.selectNeighbors(ids, dist, cnt + 1, max, outIds, this.xDist);
    arr[base] = kept;
    for (let j = 0; j < kept; j++) arr[base + 1 + j] = outIds[j]!;
  }

  remove(rows: ArrayLike<number>): void {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (this.tomb.add(r) && r < this.n) this.linkedDead++;
    }
    if (this.linkedDead >= 16 && this.linkedDead > this.repairRatio * this.n) this.repair();
  }

  /** Tombstones still linked into the graph. */
  get linkedTombstones(): number {
    return this.linkedDead;
  }

  /** Unlinks every tombstone from the graph, reconnecting their neighbours; row numbers stay. */
  repair(): void {
    const n = this.n;
    const oldToNew = new Int32Array(n);
    for (let r = 0; r < n; r++) oldToNew[r] = this.tomb.has(r) ? -1 : r;
    this.rewire(oldToNew, oldToNew, n);
    this.linkedDead = 0;
  }

  compact(keep: Int32Array): void {
    const oldToNew = new Int32Array(this.n).fill(-1);
    for (let i = 0; i < keep.length; i++) {
      const o = keep[i]!;
      if (o < this.n) oldToNew[o] = i;
    }
    // Rows appended to the column but not indexed yet sort last in `keep`; they stay unindexed.
    const newN = indexedPrefix(keep, this.n);
    this.rewire(keep.subarray(0, newN), oldToNew, newN);
    this.tomb.compact(keep);
    let dead = 0;
    for (let r = 0; r < newN; r++) if (this.tomb.has(r)) dead++;
    this.linkedDead = dead;
  }

  /**
   * Rebuilds the link arrays for new row numbers: newToOld[u] (-1: u stays unlinked), oldToNew[o]
   * (-1: o is dropped). A node that lost a neighbour takes the dropped neighbour's neighbours as
   * candidates and re-selects with the heuristic; distances use the column's current numbering.
   */
  private rewire(newToOld: Int32Array, oldToNew: Int32Array, newN: number): void {
    const M = this.M;
    const s0 = this.M0 + 1;
    const s1 = M + 1;
    const cap = Math.max(newN, 16);
    const levels = new Uint8Array(cap);
    const links0 = new Int32Array(cap * s0);
    const upperOff = new Int32Array(cap).fill(-1);
    let upper = new Int32Array(Math.max(1024, this.upperLen));
    let upperLen = 0;
    const mark = new Uint32Array(cap);
    let g = 0;
    let cand = new Int32Array(s0 * 4);
    let candD = new Float32Array(s0 * 4);
    const outIds = new Int32Array(this.M0);
    const outDist = new Float32Array(this.M0);
    const sc = this.scanner;
    for (let u = 0; u < newN; u++) {
      const ou = newToOld[u]!;
      if (ou < 0) continue;
      const L = this.levels[ou]!;
      levels[u] = L;
      if (L > 0) {
        if (upperLen + L * s1 > upper.length) {
          const next = new Int32Array(Math.max(upper.length * 2, upperLen + L * s1));
          next.set(upper.subarray(0, upperLen));
          upper = next;
        }
        upperOff[u] = upperLen;
        upperLen += L * s1;
      }
      for (let l = 0; l <= L; l++) {
        const [arr, base] = this.linkSlot(ou, l);
        const cnt = arr[base]!;
        g++;
        let m = 0;
        let dropped = false;
        const add = (v: number) => {
          if (v < 0 || v === u || mark[v] === g) return;
          mark[v] = g;
          if (m === cand.length) {
            const c2 = new Int32Array(m * 2);
            c2.set(cand);
            cand = c2;
            candD = new Float32Array(m * 2);
          }
          cand[m++] = v;
        };
        for (let j = 1; j <= cnt; j++) {
          const ov = arr[base + j]!;
          const nv = oldToNew[ov]!;
          if (nv >= 0) add(nv);
          else {
            dropped = true;
            const [arr2, base2] = this.linkSlot(ov, l);
            const cnt2 = arr2[base2]!;
            for (let k = 1; k <= cnt2; k++) add(oldToNew[arr2[base2 + k]!]!);
          }
        }
        const dst = l === 0 ? links0 : upper;
        const dbase = l === 0 ? u * s0 : upperOff[u]! + (l - 1) * s1;
        const max = l === 0 ? this.M0 : M;
        if (!dropped || m <= max) {
          const c = Math.min(m, max);
          dst[dbase] = c;
          for (let j = 0; j < c; j++) dst[dbase + 1 + j] = cand[j]!;
          continue;
        }
        sc.setQueryRow(u);
        sc.scoreRows(cand, m, candD);
        for (let j = 0; j < m; j++) candD[j] = this.sign * candD[j]!;
        sortByDist(cand, candD, m);
        const kept = this.selectNeighbors(cand, candD, m, max, outIds, outDist);
        dst[dbase] = kept;
        for (let j = 0; j < kept; j++) dst[dbase + 1 + j] = outIds[j]!;
      }
    }
    let entry = this.entry >= 0 && this.entry < oldToNew.length ? oldToNew[this.entry]! : -1;
    if (entry < 0) {
      let best = -1;
      for (let u = 0; u < newN; u++) {
        if (newToOld[u]! >= 0 && (best < 0 || levels[u]! > levels[best]!)) best = u;
      }
      entry = best;
    }
    this.levels = levels;
    this.links0 = links0;
    this.upperOff = upperOff;
    this.upper = upper;
    this.upperLen = upperLen;
    this.visited = new Uint8Array(cap);
    this.gen = 0;
    this.cap = cap;
    this.n = newN;
    this.entry = entry;
    this.maxLevel = entry >= 0 ? levels[entry]! : -1;
  }

  search(query: Float32Array, k: number, allow: Bitset | null, params: IndexSearchParams): TopK {
    checkQuery(query, this.column.dim);
    checkK(k);
    const ef = intParam(params, 'ef', 1, 2 ** 31 - 1, Math.max(k, 16));
    if (ef < k) invalidParam('ef', `an integer >= limit (${k})`, params.ef);
    const range = rangeParams(params, this.metric);
    const sc = this.scanner;
    sc.setQuery(query);
    this.distCount = 0;
    const n = this.n;
    const eff = this.tomb.effective(allow, n);
    const allowed = eff === null ? n : eff.count();
    if (allowed === 0 || this.entry < 0) {
      this.lastSearchStats = { distances: 0, exact: false };
      return { rows: new Int32Array(0), scores: new Float32Array(0) };
    }
    const kk = Math.min(k, allowed);
    const p = allowed / n;
    // Range search and selective filters: an exact scan of the allowed rows is correct and cheaper.
    if (range !== null || (eff !== null && allowed <= (this.filterWalkCost * ef * this.M0) / p)) {
      return this.exact(k, eff, range);
    }
    let ep = this.entry;
    let epD = this.sign * sc.score(ep);
    for (let l = this.maxLevel; l > 0; l--) {
      this.greedy(ep, epD, l);
      ep = this.greedyEp;
      epD = this.greedyD;
    }
    this.searchLayer(ep, epD, Math.max(ef, kk), 0, eff);
    if (this.res.size < kk) {
      // The walk exhausted the reachable graph without k allowed rows: never return short.
      return this.exact(k, eff, null);
    }
    while (this.res.size > kk) this.res.pop();
    this.lastSearchStats = { distances: this.distCount + 1, exact: false };
    return this.res.toTopK(this.sign < 0);
  }

  private exact(k: number, eff: Bitset | null, range: ReturnType<typeof rangeParams>): TopK {
    const out = exactSearch(this.scanner, this.n, k, eff, range, this.flatHeap, this.flatBuf);
    this.lastSearchStats = { distances: eff === null ? this.n : eff.count(), exact: true };
    return out;
  }

  serialize(): ArrayBuffer[] {
    const n = this.n;
    const header = writeHeader(TAG, VERSION, [
      metricCode(this.metric),
      this.M,
      this.efConstruction,
      this.seed,
      n,
      this.entry,
      this.maxLevel,
      this.upperLen,
      this.linkedDead,
      this.repairRatio,
    ]);
    return [
      header,
      part(this.levels, n),
      part(this.links0, n * (this.M0 + 1)),
      part(this.upperOff, n),
      part(this.upper, this.upperLen),
      part(this.tomb.words, this.tomb.words.length),
    ];
  }

  /** `scanner`: the distance provider the graph was built with (see HnswOptions.scanner). */
  static deserialize(
    parts: ArrayBuffer[],
    column: DenseVectorColumn,
    kernels: Kernels,
    scanner?: VectorScanner,
  ): HnswIndex {
    const h = readHeader(parts[0], TAG, VERSION);
    const idx = new HnswIndex(column, kernels, metricFromCode(h[0]!) as DenseMetric, {
      M: h[1]!,
      efConstruction: h[2]!,
      seed: h[3]!,
      repairRatio: h[9]!,
      ...(scanner ? { scanner } : {}),
    });
    const n = h[4]!;
    idx.ensureCapacity(n);
    idx.levels.set(new Uint8Array(partAt(parts, 1, 'levels')));
    idx.links0.set(new Int32Array(partAt(parts, 2, 'links')));
    idx.upperOff.set(new Int32Array(partAt(parts, 3, 'upper offsets')));
    idx.upper = new Int32Array(partAt(parts, 4, 'upper links').slice(0));
    idx.upperLen = h[7]!;
    idx.tomb = new Tombstones(new Uint32Array(partAt(parts, 5, 'tombstones').slice(0)));
    idx.n = n;
    idx.entry = h[5]!;
    idx.maxLevel = h[6]!;
    idx.linkedDead = h[8]!;
    if (idx.entry >= n || idx.upperLen > idx.upper.length) {
      throw elanusError('corruptHnswHeader', {});
    }
    return idx;
  }

  memoryBytes(): number {
    return (
      this.levels.byteLength +
      this.links0.byteLength +
      this.upperOff.byteLength +
      this.upper.byteLength +
      this.visited.byteLength +
      this.tomb.words.byteLength +
      this.cand.dist.byteLength * 2 +
      this.res.dist.byteLength * 2
    );
  }
}

/** Insertion sort of (dist, id) pairs, ascending; the lists are at most 2M+1 long. */
function sortByDist(ids: Int32Array, dist: Float32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const d = dist[i]!;
    const id = ids[i]!;
    let j = i - 1;
    while (j >= 0 && (dist[j]! > d || (dist[j] === d && ids[j]! > id))) {
      dist[j + 1] = dist[j]!;
      ids[j + 1] = ids[j]!;
      j--;
    }
    dist[j + 1] = d;
    ids[j + 1] = id;
  }
}
