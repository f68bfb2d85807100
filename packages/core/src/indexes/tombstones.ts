import { Bitset } from '../util/bitset.js';

/** Deleted rows of one index, as a growable bitset; indexes skip them as results. */
export class Tombstones {
  words: Uint32Array;
  count = 0;

  constructor(words?: Uint32Array, count?: number) {
    this.words = words ?? new Uint32Array(4);
    this.count = count ?? new Bitset(this.words.length * 32, this.words).count();
  }

  has(i: number): boolean {
    const w = this.words[i >>> 5];
    return w !== undefined && ((w >>> (i & 31)) & 1) === 1;
  }

  /** Marks row i; returns false if it was already marked. */
  add(i: number): boolean {
    const wi = i >>> 5;
    if (wi >= this.words.length) {
      const next = new Uint32Array(Math.max(wi + 1, this.words.length * 2));
      next.set(this.words);
      this.words = next;
    }
    const bit = 1 << (i & 31);
    if ((this.words[wi]! & bit) !== 0) return false;
    this.words[wi]! |= bit;
    this.count++;
    return true;
  }

  /**
   * The rows among [0, n) that may be returned: `allow` minus tombstones; null when every row may
   * (no filter, no tombstone), so callers can take the unfiltered fast path.
   */
  effective(allow: Bitset | null, n: number): Bitset | null {
    if (allow === null && this.count === 0) return null;
    const out = new Bitset(n);
    const o = out.words;
    if (allow === null) o.fill(0xffffffff);
    else o.set(allow.words.subarray(0, Math.min(o.length, allow.words.length)));
    const t = this.words;
    const m = Math.min(o.length, t.length);
    for (let i = 0; i < m; i++) o[i]! &= ~t[i]!;
    const rem = n & 31;
    if (rem !== 0 && o.length > 0) o[o.length - 1]! &= (1 << rem) - 1;
    return out;
  }

  /** Renumbers after compaction: `keep[newRow] = oldRow`. */
  compact(keep: Int32Array): void {
    const next = new Uint32Array(Math.max(4, (keep.length + 31) >>> 5));
    let count = 0;
    for (let i = 0; i < keep.length; i++) {
      if (this.has(keep[i]!)) {
        next[i >>> 5]! |= 1 << (i & 31);
        count++;
      }
    }
    this.words = next;
    this.count = count;
  }
}

/** How many entries of an ascending `keep` are below `n` (the rows an index had indexed). */
export function indexedPrefix(keep: Int32Array, n: number): number {
  let lo = 0;
  let hi = keep.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keep[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
