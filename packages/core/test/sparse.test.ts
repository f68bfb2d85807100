import { beforeAll, describe, expect, it } from 'vitest';
import { ArraySparseColumn } from '../src/indexes/sparse-column.js';
import { SparseInvertedIndex } from '../src/indexes/sparse-inverted.js';
import type { SparseVector } from '../src/schema/types.js';
import { Bitset } from '../src/util/bitset.js';
import { rng } from './index-helpers.js';

/** Zipf(s) sampler over term ids [0, vocab). */
function zipf(vocab: number, s: number, r: () => number): () => number {
  const cdf = new Float64Array(vocab);
  let acc = 0;
  for (let i = 0; i < vocab; i++) {
    acc += 1 / (i + 1) ** s;
    cdf[i] = acc;
  }
  return () => {
    const x = r() * acc;
    let lo = 0;
    let hi = vocab - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Documents as term → count (BM25) or term → weight (IP, random weights). */
function corpus(n: number, seed: number, weights: 'tf' | 'ip'): SparseVector[] {
  const r = rng(seed);
  const z = zipf(30_000, 1.1, r);
  const docs: SparseVector[] = [];
  for (let d = 0; d < n; d++) {
    const len = 5 + Math.floor(r() * 40);
    const m = new Map<number, number>();
    for (let i = 0; i < len; i++) {
      const t = z();
      // IP: learned-sparse-like weights in (0.05, 1.05]; BM25: term counts.
      m.set(t, weights === 'tf' ? (m.get(t) ?? 0) + 1 : Math.fround(0.05 + r()));
    }
    const idx = Uint32Array.from([...m.keys()].sort((a, b) => a - b));
    docs.push({ indices: idx, values: Float32Array.from(idx, (t) => m.get(t)!) });
  }
  return docs;
}

function vec(entries: [number, number][]): SparseVector {
  const e = [...entries].sort((a, b) => a[0] - b[0]);
  return { indices: Uint32Array.from(e, (x) => x[0]), values: Float32Array.from(e, (x) => x[1]) };
}

/** Brute force: every live doc scored; only docs sharing a term qualify (as Milvus). Sum in query order. */
function brute(
  docs: SparseVector[],
  q: SparseVector,
  k: number,
  score: (doc: number, term: number, v: number, qv: number) => number,
  ok: (doc: number) => boolean,
): { rows: number[]; scores: number[] } {
  const hits: [number, number][] = [];
  docs.forEach((d, row) => {
    if (!ok(row)) return;
    let s = 0;
    let hit = false;
    for (let i = 0; i < q.indices.length; i++) {
      const t = q.indices[i]!;
      const j = d.indices.indexOf(t);
      if (j >= 0) {
        s += score(row, t, d.values[j]!, q.values[i]!);
        hit = true;
      }
    }
    if (hit) hits.push([row, Math.fround(s)]);
  });
  hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = hits.slice(0, k);
  return { rows: top.map((x) => x[0]), scores: top.map((x) => x[1]) };
}

describe('SPARSE_INVERTED_INDEX (IP) on 100k Zipf documents', () => {
  const n = 100_000;
  let docs: SparseVector[];
  let col: ArraySparseColumn;
  let idx: SparseInvertedIndex;
  beforeAll(() => {
    docs = corpus(n, 1, 'ip');
    col = new ArraySparseColumn();
    for (const d of docs) col.push(d);
    idx = new SparseInvertedIndex(col, 'IP');
    idx.addRange(0, n);
  }, 60_000);

  const queries = (seed: number, count: number) => {
    const r = rng(seed);
    return Array.from({ length: count }, () =>
      vec([
        [Math.floor(r() * 50), 0.5 + r()],
        [50 + Math.floor(r() * 500), 0.5 + r()],
        [600 + Math.floor(r() * 5000), 0.5 + r()],
      ]),
    );
  };
  const ip = (_d: number, _t: number, v: number, qv: number) => qv * v;

  it('top-10 equals brute force; WAND scores far fewer postings than exist', () => {
    let scored = 0;
    let total = 0;
    for (const q of queries(2, 20)) {
      const got = idx.search(q, 10, null, {});
      const want = brute(docs, q, 10, ip, () => true);
      expect(Array.from(got.rows)).toEqual(want.rows);
      expect(Array.from(got.scores)).toEqual(want.scores);
      scored += idx.lastSearchStats.scoredPostings;
      total += idx.lastSearchStats.totalPostings;
    }
    console.log(
      `sparse IP WAND: scored ${scored} of ${total} postings (${((100 * scored) / total).toFixed(1)}%)`,
    );
    expect(scored).toBeLessThan(total * 0.3);
  });

  it('filters: equal to brute force, never short', () => {
    for (const p of [0.3, 0.01, 0.0005]) {
      const r = rng(p * 1e5);
      const allow = new Bitset(n);
      for (let i = 0; i < n; i++) if (r() < p) allow.set(i);
      for (const q of queries(3, 5)) {
        const got = idx.search(q, 10, allow, {});
        const want = brute(docs, q, 10, ip, (d) => allow.has(d));
        expect(Array.from(got.rows)).toEqual(want.rows);
        for (const row of got.rows) expect(allow.has(row)).toBe(true);
      }
    }
  });

  it('drop_ratio_search drops the smallest query weights; range search bounds scores', () => {
    const q = vec([
      [1, 0.01],
      [70, 1.5],
      [900, 1.2],
      [3000, 0.02],
    ]);
    const got = idx.search(q, 10, null, { drop_ratio_search: 0.5 });
    const want = brute(
      docs,
      vec([
        [70, 1.5],
        [900, 1.2],
      ]),
      10,
      ip,
      () => true,
    );
    expect(Array.from(got.rows)).toEqual(want.rows);
    const all = idx.search(q, 1000, null, {});
    const radius = all.scores[100]!;
    const rf = all.scores[10]!;
    const ranged = idx.search(q, 1000, null, { radius, range_filter: rf });
    expect(ranged.rows.length).toBeGreaterThan(0);
    for (const s of ranged.scores) expect(s > radius && s <= rf).toBe(true);
    expect(() => idx.search(q, 10, null, { drop_ratio_search: 1 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'drop_ratio_search' } }),
    );
  });
});

describe('sparse index maintenance', () => {
  it('drop_ratio_build drops the smallest values at build', () => {
    const col = new ArraySparseColumn();
    col.push(
      vec([
        [1, 0.01],
        [2, 1],
      ]),
    );
    col.push(
      vec([
        [1, 0.9],
        [3, 2],
      ]),
    );
    col.push(
      vec([
        [2, 0.02],
        [3, 0.5],
      ]),
    );
    const idx = new SparseInvertedIndex(col, 'IP', { dropRatioBuild: 0.34 });
    idx.addRange(0, 3);
    // The two smallest of six values (0.01, 0.02) are below the 34% quantile: not indexed.
    expect(Array.from(idx.search(vec([[1, 1]]), 10, null, {}).rows)).toEqual([1]);
    expect(Array.from(idx.search(vec([[2, 1]]), 10, null, {}).rows)).toEqual([0]);
    expect(idx.stats().postings).toBe(4);
  });

  it('deletes, compaction and serialization (SPARSE_WAND is the same index)', () => {
    const docs = corpus(5000, 9, 'ip');
    const col = new ArraySparseColumn();
    for (const d of docs) col.push(d);
    const idx = new SparseInvertedIndex(col, 'IP', {}, 'SPARSE_WAND');
    idx.addRange(0, 3000);
    idx.addRange(3000, 5000);
    const q = vec([
      [3, 1],
      [40, 0.7],
      [400, 1.1],
    ]);
    const first = idx.search(q, 10, null, {});
    const dead = Array.from(first.rows.subarray(0, 4));
    idx.remove(dead);
    const after = idx.search(q, 10, null, {});
    for (const d of dead) expect(Array.from(after.rows)).not.toContain(d);
    expect(Array.from(after.rows)).toEqual(
      brute(
        docs,
        q,
        10,
        (_d, _t, v, qv) => qv * v,
        (d) => !dead.includes(d),
      ).rows,
    );

    const again = SparseInvertedIndex.deserialize(idx.serialize(), col);
    expect(again.indexType).toBe('SPARSE_WAND');
    expect(again.search(q, 10, null, {})).toEqual(after);

    const keep = Int32Array.from({ length: 5000 }, (_, i) => i).filter((i) => !dead.includes(i));
    col.compact(keep);
    again.compact(keep);
    const compacted = again.search(q, 10, null, {});
    expect(Array.from(compacted.rows, (r) => keep[r])).toEqual(Array.from(after.rows));
    expect(compacted.scores).toEqual(after.scores);
    // Appends continue after reload and compaction.
    col.push(vec([[3, 100]]));
    again.addRange(0, col.length);
    expect(again.search(q, 1, null, {}).rows[0]).toBe(col.length - 1);
    expect(again.memoryBytes()).toBeGreaterThan(0);
  });
});

describe('BM25 mode', () => {
  const n = 30_000;
  const k1 = 1.2;
  const b = 0.75;
  let docs: SparseVector[];
  let col: ArraySparseColumn;
  let idx: SparseInvertedIndex;
  beforeAll(() => {
    docs = corpus(n, 4, 'tf');
    col = new ArraySparseColumn();
    for (const d of docs) col.push(d);
    idx = new SparseInvertedIndex(col, 'BM25', { k1, b });
    idx.addRange(0, n);
  }, 60_000);

  /** BM25 exactly as specified, over the live documents. */
  function bm25Scorer(live: (d: number) => boolean) {
    let N = 0;
    let sum = 0;
    const df = new Map<number, number>();
    const dl = docs.map((d) => d.values.reduce((s, v) => s + v, 0));
    docs.forEach((d, i) => {
      if (!live(i)) return;
      N++;
      sum += dl[i]!;
      for (const t of d.indices) df.set(t, (df.get(t) ?? 0) + 1);
    });
    const avgdl = sum / N;
    return {
      N,
      avgdl,
      df,
      score: (doc: number, term: number, tf: number, qtf: number) => {
        const f = df.get(term) ?? 0;
        const idf = Math.log(1 + (N - f + 0.5) / (f + 0.5));
        return (qtf * idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * dl[doc]!) / avgdl));
      },
    };
  }

  const queries = (seed: number) => {
    const r = rng(seed);
    return Array.from({ length: 25 }, () => {
      const m = new Map<number, number>();
      const terms = 1 + Math.floor(r() * 5);
      for (let i = 0; i < terms; i++) {
        const t = Math.floor(r() ** 2 * 3000);
        m.set(t, (m.get(t) ?? 0) + 1);
      }
      return vec([...m]);
    });
  };

  it('identical top-10 to a brute-force BM25 scorer, with pruning', () => {
    const ref = bm25Scorer(() => true);
    let scored = 0;
    let total = 0;
    for (const q of queries(5)) {
      const got = idx.search(q, 10, null, {});
      const want = brute(docs, q, 10, ref.score, () => true);
      expect(Array.from(got.rows)).toEqual(want.rows);
      got.scores.forEach((s, i) => {
        expect(Math.abs(s - want.scores[i]!)).toBeLessThan(1e-5 * want.scores[i]!);
      });
      scored += idx.lastSearchStats.scoredPostings;
      total += idx.lastSearchStats.totalPostings;
    }
    console.log(`BM25 WAND: scored ${scored} of ${total} postings (${((100 * scored) / total).toFixed(1)}%)`);
    expect(scored).toBeLessThan(total);
  });

  it('deletes update N, df and avgdl; results follow; filters never short', () => {
    const r = rng(77);
    const dead: number[] = [];
    for (let i = 0; i < n; i++) if (r() < 0.15) dead.push(i);
    const deadSet = new Set(dead);
    idx.remove(dead);
    const ref = bm25Scorer((d) => !deadSet.has(d));
    expect(idx.stats().docs).toBe(ref.N);
    expect(idx.stats().avgdl).toBeCloseTo(ref.avgdl, 9);
    for (const t of [0, 1, 17, 500]) expect(idx.docFreq(t)).toBe(ref.df.get(t) ?? 0);
    const allow = new Bitset(n);
    for (let i = 0; i < n; i++) if (r() < 0.02) allow.set(i);
    for (const q of queries(6)) {
      const got = idx.search(q, 10, null, {});
      const want = brute(docs, q, 10, ref.score, (d) => !deadSet.has(d));
      expect(Array.from(got.rows)).toEqual(want.rows);
      const gf = idx.search(q, 10, allow, {});
      const wf = brute(docs, q, 10, ref.score, (d) => !deadSet.has(d) && allow.has(d));
      expect(Array.from(gf.rows)).toEqual(wf.rows);
    }
    // Serialization keeps the statistics.
    const again = SparseInvertedIndex.deserialize(idx.serialize(), col);
    expect(again.stats()).toEqual(idx.stats());
    const q = queries(7)[0]!;
    expect(again.search(q, 10, null, {})).toEqual(idx.search(q, 10, null, {}));
  });
});
