import { beforeAll, describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/indexes/flat.js';
import { HnswIndex } from '../src/indexes/hnsw.js';
import { createKernels } from '../src/kernels/index.js';
import type { KernelColumn, Kernels } from '../src/kernels/types.js';
import { Bitset } from '../src/util/bitset.js';
import { clustered, recall, rng } from './index-helpers.js';

// Seeded, clustered synthetic data throughout; recall is measured against FLAT (exact).
const METRICS = ['COSINE', 'IP', 'L2'] as const;

let kernels: Kernels;
beforeAll(async () => {
  kernels = await createKernels('wasm');
});

function meanRecall(
  h: HnswIndex,
  f: FlatIndex,
  queries: Float32Array[],
  ef: number,
  allow: Bitset | null = null,
) {
  let sum = 0;
  for (const q of queries) {
    const want = f.search(q, 10, allow, {});
    const got = h.search(q, 10, allow, { ef });
    expect(got.rows.length).toBe(want.rows.length);
    sum += recall(got.rows, want.rows);
  }
  return sum / queries.length;
}

describe('HNSW recall on 20k × 128 (M=16, efConstruction=128, ef=64)', () => {
  const n = 20_000;
  const dim = 128;
  const { data, query } = clustered(n, dim, 1, 64, 0.35);
  const queries = Array.from({ length: 100 }, (_, i) => query(i));
  let col: KernelColumn;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
  });

  for (const metric of METRICS) {
    it(`${metric}: recall@10 >= 0.95`, () => {
      const h = new HnswIndex(col, kernels, metric, { M: 16, efConstruction: 128, seed: 7 });
      h.addRange(0, n);
      const f = new FlatIndex(col, kernels, metric);
      f.addRange(0, n);
      const r = meanRecall(h, f, queries, 64);
      console.log(`HNSW ${metric} 20k×128 recall@10 (ef=64): ${r.toFixed(4)}`);
      expect(r).toBeGreaterThanOrEqual(0.95);
      // Scores are reported like Milvus: COSINE similarity, IP dot, L2 squared distance, best first.
      const res = h.search(queries[0]!, 10, null, { ef: 64 });
      const ref = f.search(queries[0]!, 10, null, {});
      expect(Math.abs(res.scores[0]! - ref.scores[0]!)).toBeLessThan(
        1e-3 * Math.max(1, Math.abs(ref.scores[0]!)),
      );
      for (let i = 1; i < res.scores.length; i++) {
        if (metric === 'L2') expect(res.scores[i]!).toBeGreaterThanOrEqual(res.scores[i - 1]!);
        else expect(res.scores[i]!).toBeLessThanOrEqual(res.scores[i - 1]!);
      }
    });
  }
});

describe('HNSW filtered search on 100k × 32', () => {
  // dim 32 (not 128) keeps building 100k rows affordable on two shared cores; the graph logic is the same.
  const n = 100_000;
  const dim = 32;
  const { data, query } = clustered(n, dim, 2, 128, 0.45);
  const queries = Array.from({ length: 40 }, (_, i) => query(i));
  let h: HnswIndex;
  let f: FlatIndex;
  let col: KernelColumn;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
    h = new HnswIndex(col, kernels, 'L2', { M: 16, efConstruction: 64, seed: 3 });
    h.addRange(0, n);
    f = new FlatIndex(col, kernels, 'L2');
    f.addRange(0, n);
  }, 120_000);

  for (const p of [0.5, 0.05, 0.005, 0.0005]) {
    it(`filter passing ${p * 100}%: recall@10 >= 0.95 vs exact filtered search, never short`, () => {
      const r = rng(Math.round(p * 1e6));
      const allow = new Bitset(n);
      for (let i = 0; i < n; i++) if (r() < p) allow.set(i);
      const rec = meanRecall(h, f, queries, 64, allow);
      console.log(
        `HNSW filtered ${p * 100}% (${allow.count()} rows) recall@10: ${rec.toFixed(4)} exact=${h.lastSearchStats.exact}`,
      );
      expect(rec).toBeGreaterThanOrEqual(0.95);
      for (const q of queries) {
        const got = h.search(q, 10, allow, { ef: 64 });
        expect(got.rows.length).toBe(Math.min(10, allow.count()));
        for (const row of got.rows) expect(allow.has(row)).toBe(true);
      }
    });
  }

  it('the filtered graph walk itself (exact fallback disabled) keeps recall at 5% and 0.5%', () => {
    h.filterWalkCost = 0;
    try {
      for (const p of [0.05, 0.005]) {
        const r = rng(Math.round(p * 1e6) + 1);
        const allow = new Bitset(n);
        for (let i = 0; i < n; i++) if (r() < p) allow.set(i);
        const rec = meanRecall(h, f, queries.slice(0, 20), 64, allow);
        expect(h.lastSearchStats.exact).toBe(false);
        console.log(`HNSW filtered walk only, ${p * 100}%: recall@10 ${rec.toFixed(4)}`);
        expect(rec).toBeGreaterThanOrEqual(0.95);
      }
    } finally {
      h.filterWalkCost = 0.5;
    }
  });

  it('a filter clustered away from the query (graph walk must cross disallowed regions) is never short', () => {
    // Allow only rows far from the query's cluster: the walk starts among disallowed rows.
    const q = queries[0]!;
    const near = f.search(q, 2000, null, {});
    const allow = Bitset.full(n);
    for (const row of near.rows) allow.clear(row);
    const got = h.search(q, 10, allow, { ef: 16 });
    const want = f.search(q, 10, allow, {});
    expect(got.rows.length).toBe(10);
    expect(recall(got.rows, want.rows)).toBeGreaterThanOrEqual(0.8);
  });
});

describe('HNSW maintenance', () => {
  const n = 6000;
  const dim = 48;
  const { data, query } = clustered(n, dim, 5, 32, 0.4);
  const queries = Array.from({ length: 50 }, (_, i) => query(i));

  function fresh() {
    const col = kernels.createColumn(dim);
    col.pushMany(data, n);
    return col;
  }

  it('is reproducible: same seed, same graph; incremental addRange builds the same graph', () => {
    const col = fresh();
    const a = new HnswIndex(col, kernels, 'COSINE', { M: 12, efConstruction: 80, seed: 9 });
    a.addRange(0, n);
    const b = new HnswIndex(col, kernels, 'COSINE', { M: 12, efConstruction: 80, seed: 9 });
    for (let i = 0; i < n; i += 777) b.addRange(i, Math.min(n, i + 777));
    const sa = a.serialize();
    const sb = b.serialize();
    expect(sa.length).toBe(sb.length);
    sa.forEach((p, i) => {
      expect(Buffer.from(p).equals(Buffer.from(sb[i]!))).toBe(true);
    });
    const c = new HnswIndex(col, kernels, 'COSINE', { M: 12, efConstruction: 80, seed: 10 });
    c.addRange(0, n);
    expect(Buffer.from(c.serialize()[1]!).equals(Buffer.from(sa[1]!))).toBe(false);
  });

  it('incremental inserts keep recall', () => {
    const col = kernels.createColumn(dim);
    const h = new HnswIndex(col, kernels, 'L2', { M: 16, efConstruction: 100 });
    const f = new FlatIndex(col, kernels, 'L2');
    for (let i = 0; i < n; i += 1000) {
      const m = Math.min(1000, n - i);
      col.pushMany(data.subarray(i * dim, (i + m) * dim), m);
      h.addRange(i, i + m);
      f.addRange(i, i + m);
      expect(meanRecall(h, f, queries.slice(0, 10), 64)).toBeGreaterThanOrEqual(0.95);
    }
    expect(h.size).toBe(n);
  });

  it('serialize → deserialize gives identical results and compact buffers', () => {
    const col = fresh();
    const h = new HnswIndex(col, kernels, 'IP', { M: 16, efConstruction: 100 });
    h.addRange(0, n);
    h.remove([1, 2, 3]);
    const parts = h.serialize();
    for (const p of parts) expect(p).toBeInstanceOf(ArrayBuffer);
    const bytes = parts.reduce((s, p) => s + p.byteLength, 0);
    expect(bytes).toBeLessThan(n * (2 * 16 + 1) * 4 * 1.3);
    const g = HnswIndex.deserialize(parts, col, kernels);
    const allow = new Bitset(n);
    for (let i = 0; i < n; i += 3) allow.set(i);
    for (const q of queries) {
      expect(g.search(q, 10, null, { ef: 32 })).toEqual(h.search(q, 10, null, { ef: 32 }));
      expect(g.search(q, 10, allow, { ef: 32 })).toEqual(h.search(q, 10, allow, { ef: 32 }));
    }
    // The reloaded index keeps growing.
    const col2 = fresh();
    col2.pushMany(data.subarray(0, 10 * dim), 10);
    const h2 = HnswIndex.deserialize(h.serialize(), col2, kernels);
    h2.addRange(0, n + 10);
    expect(h2.size).toBe(n + 10);
    expect(
      h2.search(data.subarray(0, dim), 1, Bitset.full(n + 10).andNot(allow), { ef: 32 }).rows.length,
    ).toBe(1);
  });

  it('deletes: tombstones are never returned, repair unlinks them, compact renumbers', () => {
    const col = fresh();
    const h = new HnswIndex(col, kernels, 'COSINE', { M: 16, efConstruction: 100, repairRatio: 0.3 });
    h.addRange(0, n);
    const f = new FlatIndex(col, kernels, 'COSINE');
    f.addRange(0, n);
    const r = rng(4);
    const dead: number[] = [];
    for (let i = 0; i < n; i++) if (r() < 0.25) dead.push(i);
    h.remove(dead);
    f.remove(dead);
    expect(h.linkedTombstones).toBe(dead.length); // below the repair ratio: still linked
    const deadSet = new Set(dead);
    for (const q of queries)
      for (const row of h.search(q, 10, null, { ef: 64 }).rows) expect(deadSet.has(row)).toBe(false);
    const withTombstones = meanRecall(h, f, queries, 64);
    expect(withTombstones).toBeGreaterThanOrEqual(0.95);

    const more: number[] = [];
    for (let i = 0; i < n; i++) if (!deadSet.has(i) && r() < 0.1) more.push(i);
    h.remove(more);
    f.remove(more);
    expect(h.linkedTombstones).toBe(0); // past 30%: repaired
    const afterRepair = meanRecall(h, f, queries, 64);
    console.log(
      `HNSW deletes: recall with tombstones ${withTombstones.toFixed(4)}, after repair ${afterRepair.toFixed(4)}`,
    );
    expect(afterRepair).toBeGreaterThanOrEqual(0.95);

    const all = new Set([...dead, ...more]);
    const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !all.has(i));
    col.compact(keep);
    h.compact(keep);
    f.compact(keep);
    expect(h.size).toBe(keep.length);
    expect(meanRecall(h, f, queries, 64)).toBeGreaterThanOrEqual(0.95);
    // New rows after compaction link in normally.
    col.pushMany(data.subarray(0, 100 * dim), 100);
    h.addRange(keep.length, keep.length + 100);
    f.addRange(keep.length, keep.length + 100);
    expect(meanRecall(h, f, queries, 64)).toBeGreaterThanOrEqual(0.95);
  });

  it('compaction while the column holds rows not indexed yet', () => {
    const col = fresh();
    const h = new HnswIndex(col, kernels, 'L2', { M: 8, efConstruction: 40 });
    h.addRange(0, 4000);
    h.remove([0, 10, 3999]);
    const keep = Int32Array.from({ length: n }, (_, i) => i).filter(
      (i) => i !== 0 && i !== 10 && i !== 3999 && i !== 5000,
    );
    col.compact(keep);
    h.compact(keep);
    expect(h.size).toBe(3997);
    h.addRange(3997, col.length);
    expect(h.size).toBe(col.length);
    const f = new FlatIndex(col, kernels, 'L2');
    f.addRange(0, col.length);
    expect(meanRecall(h, f, queries.slice(0, 20), 64)).toBeGreaterThanOrEqual(0.95);
  });

  it('plain JS kernels give the same graph quality', async () => {
    const js = await createKernels('js');
    const col = js.createColumn(dim);
    col.pushMany(data.subarray(0, 2000 * dim), 2000);
    const h = new HnswIndex(col, js, 'L2', { M: 8, efConstruction: 60 });
    h.addRange(0, 2000);
    const f = new FlatIndex(col, js, 'L2');
    f.addRange(0, 2000);
    expect(meanRecall(h, f, queries, 64)).toBeGreaterThanOrEqual(0.95);
  });

  it('validates ef and handles edge cases', () => {
    const col = kernels.createColumn(4);
    const h = new HnswIndex(col, kernels, 'L2', { M: 4, efConstruction: 10 });
    expect(h.search(new Float32Array(4), 3, null, {}).rows.length).toBe(0);
    col.push([1, 0, 0, 0]);
    h.addRange(0, 1);
    expect(Array.from(h.search(new Float32Array([1, 0, 0, 0]), 3, null, {}).rows)).toEqual([0]);
    expect(() => h.search(new Float32Array(4), 10, null, { ef: 5 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'ef' } }),
    );
    h.remove([0]);
    expect(h.search(new Float32Array(4), 3, null, {}).rows.length).toBe(0);
  });
});
