import type { TopK } from './types.js';

// Binary heaps on typed arrays (no per-entry objects). Keys are "distances": smaller is better.
// Ties are broken by row id (smaller wins) so every index orders equal scores the same way.

/** Keeps the k best (smallest distance) entries seen; the worst kept entry sits at the root. */
export class TopKHeap {
  k = 0;
  size = 0;
  dist: Float32Array;
  ids: Int32Array;

  constructor(capacity = 16) {
    this.dist = new Float32Array(Math.max(1, capacity));
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  /** Empties the heap and sets its bound. */
  reset(k: number): void {
    if (k > this.dist.length) {
      this.dist = new Float32Array(k);
      this.ids = new Int32Array(k);
    }
    this.k = k;
    this.size = 0;
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  /** Distance of the worst kept entry (+Infinity while not full). */
  bound(): number {
    return this.size >= this.k ? this.dist[0]! : Number.POSITIVE_INFINITY;
  }

  /** Offers an entry; returns true if it was kept. */
  push(d: number, id: number): boolean {
    const dist = this.dist;
    const ids = this.ids;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const pd = dist[p]!;
        if (pd > d || (pd === d && ids[p]! > id)) break;
        dist[i] = pd;
        ids[i] = ids[p]!;
        i = p;
      }
      dist[i] = d;
      ids[i] = id;
      return true;
    }
    if (this.k === 0) return false;
    const td = dist[0]!;
    if (d > td || (d === td && id >= ids[0]!)) return false;
    this.siftDown(d, id);
    return true;
  }

  /** Removes the worst entry. */
  pop(): void {
    const last = --this.size;
    if (last > 0) this.siftDown(this.dist[last]!, this.ids[last]!);
  }

  private siftDown(d: number, id: number): void {
    const dist = this.dist;
    const ids = this.ids;
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const cd = dist[c]!;
        const rd = dist[r]!;
        if (rd > cd || (rd === cd && ids[r]! > ids[c]!)) c = r;
      }
      const cd = dist[c]!;
      if (cd < d || (cd === d && ids[c]! < id)) break;
      dist[i] = cd;
      ids[i] = ids[c]!;
      i = c;
    }
    dist[i] = d;
    ids[i] = id;
  }

  /** Empties the heap into arrays sorted best first. */
  drainSorted(): { ids: Int32Array; dist: Float32Array } {
    const n = this.size;
    const ids = new Int32Array(n);
    const dist = new Float32Array(n);
    for (let i = n - 1; i >= 0; i--) {
      ids[i] = this.ids[0]!;
      dist[i] = this.dist[0]!;
      this.pop();
    }
    return { ids, dist };
  }

  /** Empties the heap into caller arrays, best first; returns the count. */
  drainInto(ids: Int32Array, dist: Float32Array): number {
    const n = this.size;
    for (let i = n - 1; i >= 0; i--) {
      ids[i] = this.ids[0]!;
      dist[i] = this.dist[0]!;
      this.pop();
    }
    return n;
  }

  /** Empties the heap into a Milvus TopK; `negate` turns distances back into similarity scores. */
  toTopK(negate: boolean): TopK {
    const { ids, dist } = this.drainSorted();
    if (negate) for (let i = 0; i < dist.length; i++) dist[i] = -dist[i]!;
    return { rows: ids, scores: dist };
  }
}

/** Unbounded min-heap of (distance, id), growing by doubling: HNSW's candidate queue. */
export class MinHeap {
  size = 0;
  dist: Float32Array;
  ids: Int32Array;

  constructor(capacity = 64) {
    this.dist = new Float32Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(d: number, id: number): void {
    if (this.size === this.dist.length) {
      const nd = new Float32Array(this.size * 2);
      nd.set(this.dist);
      const ni = new Int32Array(this.size * 2);
      ni.set(this.ids);
      this.dist = nd;
      this.ids = ni;
    }
    const dist = this.dist;
    const ids = this.ids;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = dist[p]!;
      if (pd <= d) break;
      dist[i] = pd;
      ids[i] = ids[p]!;
      i = p;
    }
    dist[i] = d;
    ids[i] = id;
  }

  topDist(): number {
    return this.dist[0]!;
  }

  topId(): number {
    return this.ids[0]!;
  }

  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    const dist = this.dist;
    const ids = this.ids;
    const d = dist[n]!;
    const id = ids[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && dist[c + 1]! < dist[c]!) c++;
      const cd = dist[c]!;
      if (cd >= d) break;
      dist[i] = cd;
      ids[i] = ids[c]!;
      i = c;
    }
    dist[i] = d;
    ids[i] = id;
  }
}
