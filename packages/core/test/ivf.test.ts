import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkIndexParams,
  createIndex,
  deserializeIndex,
  prepareLazyIndexes,
} from '../src/indexes/factory.js';
import { FlatIndex } from '../src/indexes/flat.js';
import { IvfIndex } from '../src/indexes/ivf.js';
import { kmeans } from '../src/indexes/kmeans.js';
import { createKernels } from '../src/kernels/index.js';
import type { KernelColumn, Kernels } from '../src/kernels/types.js';
import { Bitset } from '../src/util/bitset.js';
import { clustered, recall, rng } from './index-helpers.js';

// IVF_FLAT / IVF_SQ8 / IVF_PQ against FLAT (exact) on seeded clustered data.
const METRICS = ['COSINE', 'IP', 'L2'] as const;

let kernels: Kernels;
beforeAll(async () => {
  kernels = await createKernels('wasm');
  await prepareLazyIndexes();
});

function meanRecall(
  idx: IvfIndex,
  f: FlatIndex,
  queries: Float32Array[],
  params: Record<string, unknown>,
  allow: Bitset | null = null,
) {
  let sum = 0;
  for (const q of queries) {
    const want = f.search(q, 10, allow, {});
    const got = idx.search(q, 10, allow, params);
    expect(got.rows.length).toBe(want.rows.length);
    sum += recall(got.rows, want.rows);
  }
  return sum / queries.length;
}

describe('IVF recall on 8k × 64 (nlist 32), seeded', () => {
  const n = 8000;
  const dim = 64;
  const { data, query } = clustered(n, dim, 3, 48, 0.35);
  const queries = Array.from({ length: 60 }, (_, i) => query(i));
  let col: KernelColumn;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
  });

  const cases = [
    { code: 'FLAT', nprobe: 8, min: 0.95, opts: {} },
    { code: 'SQ8', nprobe: 8, min: 0.9, opts: {} },
    // faiss IndexIVFPQ (m 32, nbits 5) on this kind of data: 0.62 on unit vectors by L2, 0.35 by IP.
    { code: 'PQ', nprobe: 8, min: 0.42, opts: { m: 32, nbits: 5 } },
  ] as const;
  for (const metric of METRICS) {
    for (const c of cases) {
      it(`IVF_${c.code} ${metric}: recall@10 at nprobe ${c.nprobe} >= ${c.min}; recall grows with nprobe`, () => {
        const idx = new IvfIndex(col, kernels, metric, { nlist: 32, code: c.code, seed: 5, ...c.opts });
        idx.addRange(0, n);
        expect(idx.trained).toBe(true);
        const f = new FlatIndex(col, kernels, metric);
        f.addRange(0, n);
        const r1 = meanRecall(idx, f, queries, { nprobe: 1 });
        const r = meanRecall(idx, f, queries, { nprobe: c.nprobe });
        const rAll = meanRecall(idx, f, queries, { nprobe: 32 });
        console.log(
          `IVF_${c.code} ${metric} recall@10 nprobe 1/${c.nprobe}/32: ${r1.toFixed(3)} ${r.toFixed(3)} ${rAll.toFixed(3)}`,
        );
        expect(r).toBeGreaterThanOrEqual(c.min);
        expect(r).toBeGreaterThanOrEqual(r1);
        expect(rAll).toBeGreaterThanOrEqual(r - 1e-9);
        // IVF_FLAT probing every list is exact.
        if (c.code === 'FLAT') expect(rAll).toBe(1);
        // Scores best first, in Milvus's sense.
        const res = idx.search(queries[0]!, 10, null, { nprobe: c.nprobe });
        for (let i = 1; i < res.scores.length; i++) {
          if (metric === 'L2') expect(res.scores[i]!).toBeGreaterThanOrEqual(res.scores[i - 1]!);
          else expect(res.scores[i]!).toBeLessThanOrEqual(res.scores[i - 1]!);
        }
      });
    }
  }
});

describe('IVF behaviour', () => {
  const n = 3000;
  const dim = 16;
  const { data, query } = clustered(n, dim, 11, 16, 0.4);
  let col: KernelColumn;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
  });
  const build = (code: 'FLAT' | 'SQ8' | 'PQ', metric: 'L2' | 'IP' | 'COSINE' = 'L2', rows = n) => {
    const idx = new IvfIndex(col, kernels, metric, { nlist: 16, code, seed: 9, m: 4, nbits: 4 });
    idx.addRange(0, rows);
    return idx;
  };

  it('k-means is seeded and reproducible: same seed same centroids, another seed others', () => {
    const a = kmeans(data, n, dim, 16, kernels, { seed: 1, iterations: 5, spherical: false });
    const b = kmeans(data, n, dim, 16, kernels, { seed: 1, iterations: 5, spherical: false });
    const c = kmeans(data, n, dim, 16, kernels, { seed: 2, iterations: 5, spherical: false });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('is exact until nlist × 39 rows are indexed, then trains; later rows go to their nearest list', () => {
    const idx = build('FLAT', 'L2', 600);
    expect(idx.trained).toBe(false);
    const f = new FlatIndex(col, kernels, 'L2');
    f.addRange(0, 600);
    const q = query(0);
    expect(Array.from(idx.search(q, 10, null, { nprobe: 1 }).rows)).toEqual(
      Array.from(f.search(q, 10, null, {}).rows),
    );
    idx.addRange(600, 2000);
    expect(idx.trained).toBe(true);
    idx.addRange(2000, n);
    const all = build('FLAT');
    f.addRange(0, n);
    // Incremental rows are searchable, and probing every list finds exactly what FLAT finds.
    for (let i = 0; i < 20; i++) {
      const qq = query(i);
      expect(Array.from(idx.search(qq, 10, null, { nprobe: 16 }).rows)).toEqual(
        Array.from(f.search(qq, 10, null, {}).rows),
      );
    }
    expect(
      meanRecall(
        idx,
        f,
        Array.from({ length: 30 }, (_, i) => query(i)),
        { nprobe: 4 },
      ),
    ).toBeGreaterThan(0.8);
    expect(all.trained).toBe(true);
  });

  for (const code of ['FLAT', 'SQ8', 'PQ'] as const) {
    it(`IVF_${code}: filters are applied inside the scan and results are never short`, () => {
      const idx = build(code);
      const r = rng(4);
      for (const frac of [0.5, 0.05, 0.002]) {
        const allow = new Bitset(n);
        for (let i = 0; i < n; i++) if (r() < frac) allow.set(i);
        const want = Math.min(10, allow.count());
        for (let i = 0; i < 10; i++) {
          const res = idx.search(query(i), 10, allow, { nprobe: 1 });
          expect(res.rows.length).toBe(want);
          for (const row of res.rows) expect(allow.has(row)).toBe(true);
        }
      }
      // A filter whose rows all sit in one far list: nprobe 1 must still fill the result.
      const far = new Bitset(n);
      const q = query(0);
      const order = build('FLAT').search(q, n, null, { nprobe: 16 });
      for (let i = n - 15; i < n; i++) far.set(order.rows[i]!);
      const res = idx.search(q, 10, far, { nprobe: 1 });
      expect(res.rows.length).toBe(10);
      for (const row of res.rows) expect(far.has(row)).toBe(true);
    });

    it(`IVF_${code}: deletes, compaction, range search`, () => {
      // Its own column: compaction renumbers the column and the index together, as a collection does.
      const own = kernels.createColumn(dim);
      own.pushMany(data, n);
      const idx = new IvfIndex(own, kernels, 'L2', { nlist: 16, code, seed: 9, m: 4, nbits: 4 });
      idx.addRange(0, n);
      const q = query(3);
      const before = idx.search(q, 10, null, { nprobe: 16 });
      const gone = Array.from(before.rows.subarray(0, 5));
      idx.remove(gone);
      const after = idx.search(q, 10, null, { nprobe: 16 });
      expect(after.rows.length).toBe(10);
      for (const g of gone) expect(Array.from(after.rows)).not.toContain(g);
      // Compaction renumbers: keep every row except the deleted ones.
      const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !gone.includes(i));
      own.compact(keep);
      idx.compact(keep);
      expect(idx.size).toBe(n - gone.length);
      const compacted = idx.search(q, 10, null, { nprobe: 16 });
      expect(Array.from(compacted.rows, (r) => keep[r]!)).toEqual(Array.from(after.rows));
      // Range: L2 distances in [range_filter, radius).
      const radius = after.scores[5]!;
      const inRange = idx.search(q, 100, null, { nprobe: 16, radius, range_filter: after.scores[1]! });
      for (const s of inRange.scores) {
        expect(s).toBeLessThan(radius);
        expect(s).toBeGreaterThanOrEqual(after.scores[1]!);
      }
      expect(inRange.rows.length).toBeGreaterThan(0);
    });

    it(`IVF_${code}: serialize → deserialize answers identically`, () => {
      for (const metric of METRICS) {
        const idx = build(code, metric);
        idx.remove([1, 2, 3]);
        const parts = idx.serialize();
        const back = deserializeIndex(parts, col, kernels);
        expect(back.indexType).toBe(`IVF_${code}`);
        for (let i = 0; i < 10; i++) {
          const q = query(i);
          const a = idx.search(q, 10, null, { nprobe: 3 });
          const b = back.search(q, 10, null, { nprobe: 3 });
          expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
          expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
        }
        // Later inserts still work on the reloaded index.
        back.addRange(n, n);
      }
      // An untrained index round-trips as well.
      const small = build(code, 'L2', 100);
      const back = deserializeIndex(small.serialize(), col, kernels) as IvfIndex;
      expect(back.trained).toBe(false);
      expect(back.size).toBe(100);
    });
  }

  it('memory: list ids plus codes (SQ8 dim bytes, PQ m bytes per row)', () => {
    const flat = build('FLAT');
    const sq = build('SQ8');
    const pq = build('PQ');
    expect(sq.memoryBytes() - flat.memoryBytes()).toBeGreaterThanOrEqual(n * dim);
    expect(pq.memoryBytes()).toBeLessThan(sq.memoryBytes());
  });

  it('bad parameters are refused naming the parameter, the range and the value', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['IVF_FLAT', { nlist: 0 }, /nlist: expected an integer in \[1, 65536\], got 0/],
      ['IVF_SQ8', { nlist: 70000 }, /nlist: expected an integer in \[1, 65536\], got 70000/],
      ['IVF_PQ', { nlist: 4, m: 5 }, /m: expected an integer dividing dim \(16\), got 5/],
      ['IVF_PQ', { nlist: 4 }, /m: expected an integer dividing dim \(16\), got undefined/],
      ['IVF_PQ', { nlist: 4, m: 4, nbits: 9 }, /nbits: expected an integer in \[1, 8\], got 9/],
      ['IVF_FLAT', { nlist: '1e39' }, /nlist: expected an integer in \[1, 65536\]/],
    ];
    for (const [type, params, re] of bad) {
      const refused = expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(re),
      });
      expect(() => checkIndexParams('dense', type, 'L2', params, dim)).toThrow(refused);
      expect(() => createIndex('dense', type, 'L2', params, col, kernels)).toThrow(refused);
    }
    const idx = build('FLAT');
    expect(() => idx.search(query(0), 10, null, { nprobe: 17 })).toThrow(
      expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(/nprobe: expected an integer in \[1, 16\], got 17/),
      }),
    );
    expect(() => idx.search(query(0), 10, null, { nprobe: 0 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'nprobe' } }),
    );
  });
});
