import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Collection } from '../src/collection/collection.js';
import { createIndex, deserializeIndex, prepareLazyIndexes } from '../src/indexes/factory.js';
import { FlatIndex } from '../src/indexes/flat.js';
import { HnswSqIndex, type HnswSqOptions } from '../src/indexes/hnsw-sq.js';
import { createKernels } from '../src/kernels/index.js';
import type { DenseMetric, KernelColumn, Kernels } from '../src/kernels/types.js';
import { DataType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { Bitset } from '../src/util/bitset.js';
import { clustered, recall } from './index-helpers.js';
import { dump, expectError, openOn } from './storage-helpers.js';

// HNSW_SQ: the HNSW graph built and walked on scalar-quantized codes (SQ6 / SQ8 / BF16 / FP16), with an
// optional refinement that re-ranks refine_k × limit candidates. Seeded clustered data; recall vs FLAT.

let kernels: Kernels;
beforeAll(async () => {
  kernels = await createKernels('wasm');
  // HNSW_SQ is a lazily loaded chunk: the registry builds it once prepared (the client does this itself).
  await prepareLazyIndexes(true);
});

const opts = (o: Partial<HnswSqOptions>): HnswSqOptions => ({
  M: 16,
  efConstruction: 100,
  seed: 7,
  sqType: 'SQ8',
  refine: false,
  refineType: 'FP32',
  ...o,
});

function meanRecall(
  h: HnswSqIndex,
  f: FlatIndex,
  queries: Float32Array[],
  params: Record<string, unknown>,
  allow: Bitset | null = null,
): number {
  let sum = 0;
  for (const q of queries) {
    const want = f.search(q, 10, allow, {});
    const got = h.search(q, 10, allow, params);
    expect(got.rows.length).toBe(want.rows.length);
    sum += recall(got.rows, want.rows);
  }
  return sum / queries.length;
}

describe('HNSW_SQ recall@10 on 5k × 64 clustered (M=16, efConstruction=100, ef=64)', () => {
  const n = 5000;
  const dim = 64;
  const { data, query } = clustered(n, dim, 11, 64, 0.35);
  const queries = Array.from({ length: 50 }, (_, i) => query(i));
  let col: KernelColumn;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
  });

  // Measured (COSINE): SQ6 0.848, SQ8 0.956, BF16 0.976, FP16 0.998; SQ6+SQ8 refine 0.954,
  // SQ8+FP32 refine 1.000 (refine_k 2). L2: SQ6 0.936, SQ8 0.990. Thresholds leave margin.
  const CASES: {
    metric: DenseMetric;
    o: Partial<HnswSqOptions>;
    min: number;
    refineK?: number;
    bytes: { codes: number; refine: number };
  }[] = [
    { metric: 'COSINE', o: { sqType: 'SQ6' }, min: 0.78, bytes: { codes: 48, refine: 0 } },
    { metric: 'COSINE', o: { sqType: 'SQ8' }, min: 0.9, bytes: { codes: 64, refine: 0 } },
    { metric: 'COSINE', o: { sqType: 'BF16' }, min: 0.92, bytes: { codes: 128, refine: 0 } },
    { metric: 'COSINE', o: { sqType: 'FP16' }, min: 0.95, bytes: { codes: 128, refine: 0 } },
    {
      metric: 'COSINE',
      o: { sqType: 'SQ6', refine: true, refineType: 'SQ8' },
      min: 0.9,
      refineK: 2,
      bytes: { codes: 48, refine: 64 },
    },
    {
      metric: 'COSINE',
      o: { sqType: 'SQ8', refine: true, refineType: 'FP32' },
      min: 0.97,
      refineK: 2,
      bytes: { codes: 64, refine: 0 },
    },
    { metric: 'L2', o: { sqType: 'SQ8' }, min: 0.95, bytes: { codes: 64, refine: 0 } },
    {
      metric: 'IP',
      o: { sqType: 'SQ6', refine: true, refineType: 'FP32' },
      min: 0.97,
      refineK: 2,
      bytes: { codes: 48, refine: 0 },
    },
  ];

  for (const { metric, o, min, refineK, bytes } of CASES) {
    const name = `${metric} sq_type ${o.sqType}${o.refine ? ` refine ${o.refineType} refine_k ${refineK}` : ''}`;
    it(`${name}: recall@10 >= ${min}`, () => {
      const h = new HnswSqIndex(col, kernels, metric, opts(o));
      h.addRange(0, n);
      const f = new FlatIndex(col, kernels, metric);
      f.addRange(0, n);
      const params = refineK ? { ef: 64, refine_k: refineK } : { ef: 64 };
      const r = meanRecall(h, f, queries, params);
      const b = h.bytesPerVector();
      console.log(
        `HNSW_SQ ${name} 5k×64 recall@10: ${r.toFixed(3)}; bytes/vector codes ${b.codes} + graph ${b.graph.toFixed(1)} + refine ${b.refine} = ${b.total.toFixed(1)} (float32: ${4 * dim})`,
      );
      expect(r).toBeGreaterThanOrEqual(min);
      expect(b.codes).toBe(bytes.codes);
      expect(b.refine).toBe(bytes.refine);
      // Scores are Milvus scores, best first; with FP32 refinement they are exact.
      const res = h.search(queries[0]!, 10, null, params);
      for (let i = 1; i < res.scores.length; i++) {
        if (metric === 'L2') expect(res.scores[i]!).toBeGreaterThanOrEqual(res.scores[i - 1]!);
        else expect(res.scores[i]!).toBeLessThanOrEqual(res.scores[i - 1]!);
      }
      const ref = f.search(queries[0]!, 10, null, {});
      const tol = o.refineType === 'FP32' && o.refine ? 1e-4 : 0.05;
      expect(Math.abs(res.scores[0]! - ref.scores[0]!)).toBeLessThan(
        tol * Math.max(1, Math.abs(ref.scores[0]!)),
      );
    });
  }
});

describe('HNSW_SQ parameters', () => {
  const dim = 8;
  const col = () => {
    const c = kernels.createColumn(dim);
    c.pushMany(clustered(50, dim, 1, 4).data, 50);
    return c;
  };
  const build = (params: Record<string, unknown>, metric: DenseMetric = 'L2') =>
    createIndex('dense', 'HNSW_SQ', metric, params, col(), kernels);
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };

  it('takes Milvus names and defaults (sq_type SQ8, refine false; M and efConstruction as HNSW)', () => {
    const h = build({}) as HnswSqIndex;
    expect(h.indexType).toBe('HNSW_SQ');
    expect(h.sqType).toBe('SQ8');
    expect(h.refine).toBe(false);
    expect(h.graph.M).toBe(16);
    expect(h.graph.efConstruction).toBe(200);
    const r = build({ M: '8', efConstruction: '40', sq_type: 'fp16', refine: 'true', refine_type: 'FP32' });
    expect((r as HnswSqIndex).sqType).toBe('FP16');
    expect((r as HnswSqIndex).refine).toBe(true);
    expect((r as HnswSqIndex).graph.M).toBe(8);
    // refine_type alone (refine false) is accepted and unused, as in Milvus.
    expect((build({ sq_type: 'SQ8', refine_type: 'SQ6' }) as HnswSqIndex).refine).toBe(false);
  });

  it('refuses bad values, naming the parameter', () => {
    expect(message(() => build({ sq_type: 'SQ4' }))).toMatch(/sq_type.*SQ6, SQ8, BF16, FP16/);
    expect(message(() => build({ sq_type: 'FP32' }))).toMatch(/sq_type/);
    expect(message(() => build({ refine: 'yes' }))).toMatch(/refine/);
    expect(message(() => build({ refine: true, refine_type: 'INT4' }))).toMatch(/refine_type/);
    expect(message(() => build({ M: 1 }))).toMatch(/\bM\b/);
    expect(message(() => build({ efConstruction: 0 }))).toMatch(/efConstruction/);
    // refine_type must be of higher precision than sq_type.
    for (const [sq, rt] of [
      ['SQ8', 'SQ8'],
      ['SQ8', 'SQ6'],
      ['FP16', 'BF16'],
      ['BF16', 'SQ8'],
    ]) {
      expect(message(() => build({ sq_type: sq, refine: true, refine_type: rt }))).toMatch(
        new RegExp(`refine_type.*higher precision than sq_type \\(${sq}\\)`),
      );
    }
    expect(() => build({ sq_type: 'BF16', refine: true, refine_type: 'FP16' })).not.toThrow();
    expect(() => build({ sq_type: 'FP16', refine: true, refine_type: 'FP32' })).not.toThrow();
    expect(message(() => build({}, 'HAMMING' as DenseMetric))).toMatch(/metric_type/);
  });

  it('validates search parameters', () => {
    const h = build({ refine: true });
    h.addRange(0, 50);
    const q = new Float32Array(dim);
    expect(message(() => h.search(q, 10, null, { ef: 5 }))).toMatch(/\bef\b/);
    expect(message(() => h.search(q, 10, null, { refine_k: 0.5 }))).toMatch(/refine_k/);
    expect(message(() => h.search(q, 10, null, { refine_k: 'x' }))).toMatch(/refine_k/);
    expect(message(() => h.search(new Float32Array(3), 10, null, {}))).toMatch(/expected 8/);
    // A fractional magnification is accepted (Milvus's refine_k is a float).
    expect(h.search(q, 10, null, { ef: 10, refine_k: 1.5 }).rows.length).toBe(10);
  });
});

describe('HNSW_SQ maintenance (3k × 32)', () => {
  const n = 3000;
  const dim = 32;
  const { data, query } = clustered(n, dim, 5, 32, 0.4);
  const queries = Array.from({ length: 20 }, (_, i) => query(i));
  let col: KernelColumn;
  let flat: FlatIndex;
  beforeAll(() => {
    col = kernels.createColumn(dim);
    col.pushMany(data, n);
    flat = new FlatIndex(col, kernels, 'L2');
    flat.addRange(0, n);
  });

  it('filters inside the search are never short, at any selectivity', () => {
    const h = new HnswSqIndex(col, kernels, 'L2', opts({ sqType: 'SQ8', refine: true, refineType: 'FP16' }));
    h.addRange(0, n);
    for (const p of [0.005, 0.05, 0.3, 0.8]) {
      const allow = new Bitset(n);
      for (let i = 0; i < n; i++) if ((i * 2654435761) % 1000 < p * 1000) allow.set(i);
      const allowed = allow.count();
      const r = meanRecall(h, flat, queries, { ef: 32, refine_k: 2 }, allow);
      for (const q of queries) {
        const got = h.search(q, 10, allow, { ef: 32 });
        expect(got.rows.length).toBe(Math.min(10, allowed));
        for (const row of got.rows) expect(allow.has(row)).toBe(true);
      }
      console.log(`HNSW_SQ SQ8+FP16 filter ${p * 100}%: recall@10 ${r.toFixed(3)}`);
      expect(r).toBeGreaterThanOrEqual(0.9);
    }
    // A filter passing 3 rows returns exactly those 3.
    const three = new Bitset(n);
    for (const i of [5, 500, 2999]) three.set(i);
    expect(Array.from(h.search(queries[0]!, 10, three, {}).rows).sort((a, b) => a - b)).toEqual([
      5, 500, 2999,
    ]);
  });

  it('deletes are never returned; compaction renumbers codes and graph', () => {
    const h = new HnswSqIndex(col, kernels, 'L2', opts({ sqType: 'SQ6', refine: true, refineType: 'SQ8' }));
    h.addRange(0, n);
    const q = queries[0]!;
    const top = Array.from(h.search(q, 10, null, { ef: 64, refine_k: 2 }).rows);
    h.remove(top);
    const after = h.search(q, 10, null, { ef: 64, refine_k: 2 });
    expect(after.rows.length).toBe(10);
    for (const r of after.rows) expect(top).not.toContain(r);
    // Range search skips tombstones too.
    const inRange = h.search(q, 100, null, { radius: 1e9 });
    for (const r of inRange.rows) expect(top).not.toContain(r);
    // Compact: drop the deleted rows from a copy of the column and the index.
    const dead = new Set(top);
    const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !dead.has(i));
    const col2 = kernels.createColumn(dim);
    col2.pushMany(data, n);
    const h2 = new HnswSqIndex(col2, kernels, 'L2', opts({ sqType: 'SQ6', refine: true, refineType: 'SQ8' }));
    h2.addRange(0, n);
    h2.remove(top);
    col2.compact(keep);
    h2.compact(keep);
    const f2 = new FlatIndex(col2, kernels, 'L2');
    f2.addRange(0, col2.length);
    expect(h2.size).toBe(n - 10);
    const r = meanRecall(h2, f2, queries, { ef: 64, refine_k: 2 });
    console.log(`HNSW_SQ SQ6+SQ8 after compaction: recall@10 ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('range search: exact bounds on refined FP32 scores, code scores without refine', () => {
    const q = queries[1]!;
    const ref = flat.search(q, 50, null, {});
    const radius = ref.scores[29]!;
    const want = flat.search(q, 1000, null, { radius });
    const refined = new HnswSqIndex(
      col,
      kernels,
      'L2',
      opts({ sqType: 'SQ8', refine: true, refineType: 'FP32' }),
    );
    refined.addRange(0, n);
    const got = refined.search(q, 1000, null, { radius });
    expect(Array.from(got.rows)).toEqual(Array.from(want.rows));
    const band = refined.search(q, 1000, null, { radius, range_filter: ref.scores[9]! });
    for (const s of band.scores) {
      expect(s).toBeLessThan(radius);
      expect(s).toBeGreaterThanOrEqual(ref.scores[9]!);
    }
    const coded = new HnswSqIndex(col, kernels, 'L2', opts({ sqType: 'SQ8' }));
    coded.addRange(0, n);
    const approx = coded.search(q, 1000, null, { radius });
    for (const s of approx.scores) expect(s).toBeLessThan(radius);
    expect(recall(approx.rows, want.rows)).toBeGreaterThanOrEqual(0.8);
  });

  it('incremental inserts (the SQ ranges retrain as rows double) keep recall', () => {
    const h = new HnswSqIndex(col, kernels, 'L2', opts({ sqType: 'SQ8' }));
    for (let from = 0; from < n; from += 250) h.addRange(from, Math.min(n, from + 250));
    const r = meanRecall(h, flat, queries, { ef: 64 });
    console.log(`HNSW_SQ SQ8 built in 250-row steps: recall@10 ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('serialize → deserialize gives identical results, for every code and refine type', () => {
    for (const o of [
      { sqType: 'SQ6', refine: true, refineType: 'BF16' },
      { sqType: 'FP16', refine: true, refineType: 'FP32' },
      { sqType: 'BF16' },
    ] as Partial<HnswSqOptions>[]) {
      const h = new HnswSqIndex(col, kernels, 'COSINE', opts({ ...o, M: 8, efConstruction: 40 }));
      h.addRange(0, 2000);
      h.remove([3, 4, 5]);
      const parts = h.serialize();
      const back = deserializeIndex(
        parts.map((p) => p.slice(0)),
        col,
        kernels,
      ) as HnswSqIndex;
      expect(back).toBeInstanceOf(HnswSqIndex);
      expect(back.sqType).toBe(o.sqType);
      expect(back.refine).toBe(o.refine ?? false);
      expect(back.size).toBe(2000);
      for (const q of queries.slice(0, 5)) {
        const p = { ef: 32, refine_k: 2 };
        expect(back.search(q, 10, null, p)).toEqual(h.search(q, 10, null, p));
      }
      // Rows indexed after the reload are found.
      h.addRange(2000, n);
      back.addRange(2000, n);
      expect(back.search(queries[0]!, 10, null, { ef: 32 })).toEqual(
        h.search(queries[0]!, 10, null, { ef: 32 }),
      );
    }
  });
});

describe('HNSW_SQ through the client', () => {
  const n = 2000;
  const dim = 16;
  const { data, query } = clustered(n, dim, 21, 12, 0.4);
  const rows = Array.from({ length: n }, (_, i) => ({
    id: i,
    v: Array.from(data.subarray(i * dim, i * dim + dim)),
    cat: i % 5,
  }));
  const params = { M: 16, efConstruction: 100, sq_type: 'SQ8', refine: true, refine_type: 'FP32' };

  it('builds, searches with ef and refine_k, filters, deletes and persists', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await a.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim },
        { name: 'cat', data_type: DataType.Int32 },
      ],
    });
    await a.insert({ collection_name: 'c', data: rows });
    await a.createIndex({
      collection_name: 'c',
      field_name: 'v',
      index_type: 'HNSW_SQ',
      metric_type: 'COSINE',
      params,
    });
    await a.loadCollection({ collection_name: 'c' });
    const d = await a.describeIndex({ collection_name: 'c', field_name: 'v' });
    expect(d.index_descriptions[0]!.index_type).toBe('HNSW_SQ');
    expect(d.index_descriptions[0]!.params).toContainEqual({ key: 'params', value: JSON.stringify(params) });

    const q = Array.from(query(0));
    const search = (extra: Record<string, unknown> = {}) =>
      a.search({
        collection_name: 'c',
        anns_field: 'v',
        data: q,
        limit: 10,
        params: { ef: 64, refine_k: 2 },
        ...extra,
      });
    const res = (await search()).results as unknown as { id: string; score: number }[];
    expect(res).toHaveLength(10);
    // FP32 refinement: exact COSINE scores, and the exact nearest row first.
    let best = -1;
    let bestS = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      let qq = 0;
      let vv = 0;
      for (let j = 0; j < dim; j++) {
        dot += q[j]! * data[i * dim + j]!;
        qq += q[j]! ** 2;
        vv += data[i * dim + j]! ** 2;
      }
      const s = dot / Math.sqrt(qq * vv);
      if (s > bestS) {
        bestS = s;
        best = i;
      }
    }
    expect(res[0]!.id).toBe(String(best));
    expect(res[0]!.score).toBeCloseTo(bestS, 4);

    const filtered = (await search({ filter: 'cat == 3 and id < 300', output_fields: ['cat'] }))
      .results as unknown as { id: string; cat: number }[];
    expect(filtered).toHaveLength(10);
    for (const h of filtered) {
      expect(h.cat).toBe(3);
      expect(Number(h.id)).toBeLessThan(300);
    }
    await expectError(search({ params: { ef: 64, refine_k: 0 } }), 'IllegalArgument');
    await expectError(
      a.createIndex({
        collection_name: 'c',
        field_name: 'v',
        index_name: 'other',
        index_type: 'HNSW_SQ',
        metric_type: 'COSINE',
        params: { sq_type: 'FP16', refine: true, refine_type: 'SQ8' },
      }),
      'IllegalArgument',
    );

    const top = res.slice(0, 3).map((h) => Number(h.id));
    await a.delete({ collection_name: 'c', ids: top });
    const afterDelete = (await search()).results;
    for (const h of afterDelete as { id: string }[]) expect(top).not.toContain(Number(h.id));
    await a.flush();
    const before = await dump(a);
    await a.closeConnection();
    const buildSpy = vi.spyOn(Collection.prototype, 'buildIndex');
    const b = await openOn(storage);
    expect(buildSpy).not.toHaveBeenCalled();
    buildSpy.mockRestore();
    expect(await dump(b)).toEqual(before);
    expect(
      (
        await b.search({
          collection_name: 'c',
          anns_field: 'v',
          data: q,
          limit: 10,
          params: { ef: 64, refine_k: 2 },
        })
      ).results,
    ).toEqual(afterDelete);
    await b.insert({ collection_name: 'c', data: [{ id: 99_999, v: q, cat: 1 }] });
    const found = (await b.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 1 })).results;
    expect((found[0] as { id: string }).id).toBe('99999');
    await b.closeConnection();
  });
});
