import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Collection } from '../src/collection/collection.js';
import { MilvusClient } from '../src/index.js';
import { type BinaryVectorColumn, BinFlatIndex } from '../src/indexes/bin-flat.js';
import { BinIvfIndex, binaryKmeans } from '../src/indexes/bin-ivf.js';
import {
  checkIndexParams,
  createIndex,
  deserializeIndex,
  prepareLazyIndexes,
} from '../src/indexes/factory.js';
import { DataType } from '../src/schema/types.js';
import { openIdbClient } from '../src/storage/index.js';
import { Bitset } from '../src/util/bitset.js';
import { recall, rng } from './index-helpers.js';

// BIN_IVF_FLAT against BIN_FLAT (exact) on seeded clustered binary data.

const dim = 256;
const bytes = dim / 8;

/** Clustered bit vectors: random centre codes, each row a centre with every bit flipped with probability `flip`. */
function clusteredBits(n: number, seed: number, clusters = 64, flip = 0.12) {
  const r = rng(seed);
  const centres = Array.from({ length: clusters }, () =>
    Uint8Array.from({ length: bytes }, () => Math.floor(r() * 256)),
  );
  const noisy = (c: Uint8Array, rr: () => number) =>
    Uint8Array.from(c, (b) => {
      let m = 0;
      for (let j = 0; j < 8; j++) if (rr() < flip) m |= 1 << j;
      return b ^ m;
    });
  const rows = Array.from({ length: n }, () => noisy(centres[Math.floor(r() * clusters)]!, r));
  const qr = rng(seed ^ 0x5bd1e995);
  const query = () => noisy(centres[Math.floor(qr() * clusters)]!, qr);
  return { rows, query };
}

const column = (rows: Uint8Array[]): BinaryVectorColumn & { rows: Uint8Array[] } => ({
  rows,
  get length() {
    return rows.length;
  },
  get: (i: number) => rows[i] ?? null,
});

beforeAll(async () => {
  await prepareLazyIndexes();
});

const METRICS = ['HAMMING', 'JACCARD'] as const;

describe('BIN_IVF_FLAT recall on 5k × 256 bits (nlist 32), seeded', () => {
  const n = 5000;
  // More clusters than lists, and noisy: a list holds several clusters and near neighbours straddle lists.
  const { rows, query } = clusteredBits(n, 3, 128, 0.15);
  const col = column(rows);
  const queries = Array.from({ length: 50 }, () => query());

  for (const metric of METRICS) {
    it(`${metric}: recall@10 >= 0.95 at nprobe 8; nprobe = nlist gives BIN_FLAT's hits`, () => {
      const idx = new BinIvfIndex(col, metric, { dim, nlist: 32, seed: 5 });
      idx.addRange(0, n);
      expect(idx.trained).toBe(true);
      const flat = new BinFlatIndex(col, dim, metric);
      flat.addRange(0, n);
      const mean = (nprobe: number) => {
        let s = 0;
        for (const q of queries) {
          const want = flat.search(q, 10, null, {});
          const got = idx.search(q, 10, null, { nprobe });
          expect(got.rows.length).toBe(10);
          s += recall(got.rows, want.rows);
        }
        return s / queries.length;
      };
      const r1 = mean(1);
      const r4 = mean(4);
      const r8 = mean(8);
      console.log(
        `BIN_IVF_FLAT ${metric} recall@10 nprobe 1/4/8: ${r1.toFixed(3)} ${r4.toFixed(3)} ${r8.toFixed(3)}`,
      );
      expect(r8).toBeGreaterThanOrEqual(0.95);
      expect(r4).toBeGreaterThanOrEqual(r1);
      expect(r8).toBeGreaterThanOrEqual(r4);
      for (const q of queries) {
        const want = flat.search(q, 10, null, {});
        const got = idx.search(q, 10, null, { nprobe: 32 });
        expect(Array.from(got.rows)).toEqual(Array.from(want.rows));
        expect(Array.from(got.scores)).toEqual(Array.from(want.scores));
      }
    });
  }
});

describe('BIN_IVF_FLAT behaviour', () => {
  const n = 2000;
  const { rows, query } = clusteredBits(n, 11, 16, 0.15);
  const col = column(rows);
  const build = (metric: 'HAMMING' | 'JACCARD' = 'HAMMING', upto = n) => {
    const idx = new BinIvfIndex(col, metric, { dim, nlist: 16, seed: 9 });
    idx.addRange(0, upto);
    return idx;
  };
  const exact = (metric: 'HAMMING' | 'JACCARD' = 'HAMMING', upto = n) => {
    const f = new BinFlatIndex(col, dim, metric);
    f.addRange(0, upto);
    return f;
  };

  it('binary k-means is seeded and reproducible', () => {
    const data = new Uint8Array(n * bytes);
    for (const [i, r] of rows.entries()) data.set(r, i * bytes);
    const a = binaryKmeans(data, n, bytes, 16, { seed: 1, iterations: 5 });
    const b = binaryKmeans(data, n, bytes, 16, { seed: 1, iterations: 5 });
    const c = binaryKmeans(data, n, bytes, 16, { seed: 2, iterations: 5 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const x = build();
    const y = build();
    expect(x.serialize()).toEqual(y.serialize());
  });

  it('is exact until nlist × 39 rows, then trains; later rows go to their nearest list', () => {
    const idx = build('HAMMING', 500);
    expect(idx.trained).toBe(false);
    const q = query();
    expect(Array.from(idx.search(q, 10, null, { nprobe: 1 }).rows)).toEqual(
      Array.from(exact('HAMMING', 500).search(q, 10, null, {}).rows),
    );
    idx.addRange(500, 1000);
    expect(idx.trained).toBe(true);
    idx.addRange(1000, n);
    const f = exact();
    for (let i = 0; i < 20; i++) {
      const qq = query();
      expect(Array.from(idx.search(qq, 10, null, { nprobe: 16 }).rows)).toEqual(
        Array.from(f.search(qq, 10, null, {}).rows),
      );
    }
    // A row inserted after training is its own nearest neighbour at nprobe 1.
    const extra = column([...rows, query()]);
    const grown = new BinIvfIndex(extra, 'HAMMING', { dim, nlist: 16, seed: 9 });
    grown.addRange(0, n);
    grown.addRange(n, n + 1);
    const hit = grown.search(extra.rows[n]!, 1, null, { nprobe: 1 });
    expect(Array.from(hit.rows)).toEqual([n]);
    expect(hit.scores[0]).toBe(0);
  });

  for (const metric of METRICS) {
    it(`${metric}: filters inside the scan, never short`, () => {
      const idx = build(metric);
      const f = exact(metric);
      const r = rng(4);
      for (const frac of [0.5, 0.05, 0.002]) {
        const allow = new Bitset(n);
        for (let i = 0; i < n; i++) if (r() < frac) allow.set(i);
        const want = Math.min(10, allow.count());
        for (let i = 0; i < 10; i++) {
          const q = query();
          const res = idx.search(q, 10, allow, { nprobe: 1 });
          expect(res.rows.length).toBe(want);
          for (const row of res.rows) expect(allow.has(row)).toBe(true);
          // With every list probed, the filtered hits are BIN_FLAT's.
          expect(Array.from(idx.search(q, 10, allow, { nprobe: 16 }).rows)).toEqual(
            Array.from(f.search(q, 10, allow, {}).rows),
          );
        }
      }
      // A filter whose rows are the farthest from the query: nprobe 1 must still fill the page.
      const q = query();
      const order = f.search(q, n, null, {});
      const far = new Bitset(n);
      for (let i = n - 15; i < n; i++) far.set(order.rows[i]!);
      const res = idx.search(q, 10, far, { nprobe: 1 });
      expect(res.rows.length).toBe(10);
      for (const row of res.rows) expect(far.has(row)).toBe(true);
    });
  }

  it('deletes, compaction, range search (distances in [range_filter, radius))', () => {
    const own = column(rows.slice());
    const idx = new BinIvfIndex(own, 'HAMMING', { dim, nlist: 16, seed: 9 });
    idx.addRange(0, n);
    const q = query();
    const before = idx.search(q, 10, null, { nprobe: 16 });
    const gone = Array.from(before.rows.subarray(0, 5));
    idx.remove(gone);
    const after = idx.search(q, 10, null, { nprobe: 16 });
    expect(after.rows.length).toBe(10);
    for (const g of gone) expect(Array.from(after.rows)).not.toContain(g);
    const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !gone.includes(i));
    own.rows.splice(0, own.rows.length, ...Array.from(keep, (k) => rows[k]!));
    idx.compact(keep);
    expect(idx.size).toBe(n - gone.length);
    const compacted = idx.search(q, 10, null, { nprobe: 16 });
    expect(Array.from(compacted.rows, (r) => keep[r]!)).toEqual(Array.from(after.rows));

    for (const metric of METRICS) {
      const ix = build(metric);
      const f = exact(metric);
      const all = f.search(q, n, null, {});
      const radius = all.scores[200]! + 1e-4;
      const lo = all.scores[20]! - 1e-4;
      const inRange = (s: number) => s < radius && s >= lo;
      const want = Array.from(all.rows).filter((_, i) => inRange(all.scores[i]!));
      // Every list probed: exactly BIN_FLAT's in-range rows; fewer lists: a subset, all in range.
      const full = ix.search(q, n, null, { nprobe: 16, radius, range_filter: lo });
      expect(Array.from(full.rows).sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
      const part = ix.search(q, n, null, { nprobe: 2, radius, range_filter: lo });
      expect(part.rows.length).toBeGreaterThan(0);
      for (const s of part.scores) expect(inRange(s)).toBe(true);
      for (const r of part.rows) expect(want).toContain(r);
    }
  });

  it('serialize → deserialize answers identically (trained and untrained)', () => {
    for (const metric of METRICS) {
      const idx = build(metric);
      idx.remove([1, 2, 3]);
      const back = deserializeIndex(idx.serialize(), col as never) as unknown as BinIvfIndex;
      expect(back.indexType).toBe('BIN_IVF_FLAT');
      expect(back.metric).toBe(metric);
      for (let i = 0; i < 10; i++) {
        const q = query();
        const a = idx.search(q, 10, null, { nprobe: 3 });
        const b = back.search(q, 10, null, { nprobe: 3 });
        expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
        expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
      }
      expect(back.memoryBytes()).toBeGreaterThanOrEqual(n * 4);
    }
    const small = build('HAMMING', 100);
    const back = deserializeIndex(small.serialize(), col as never) as unknown as BinIvfIndex;
    expect(back.trained).toBe(false);
    expect(back.size).toBe(100);
  });

  it('bad parameters are refused naming the parameter, the range and the value', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ nlist: 0 }, /nlist: expected an integer in \[1, 65536\], got 0/],
      [{ nlist: 70000 }, /nlist: expected an integer in \[1, 65536\], got 70000/],
      [{ nlist: 2.5 }, /nlist: expected an integer in \[1, 65536\], got 2.5/],
    ];
    for (const [params, re] of bad) {
      const refused = expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(re),
      });
      expect(() => checkIndexParams('binary', 'BIN_IVF_FLAT', 'HAMMING', params, dim)).toThrow(refused);
      expect(() => createIndex('binary', 'BIN_IVF_FLAT', 'HAMMING', params, col, undefined, dim)).toThrow(
        refused,
      );
    }
    expect(() => checkIndexParams('binary', 'BIN_IVF_FLAT', 'L2', { nlist: 4 }, dim)).toThrow(
      expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(/metric_type: expected one of HAMMING, JACCARD for BIN_IVF_FLAT/),
      }),
    );
    expect(() => checkIndexParams('dense', 'BIN_IVF_FLAT', 'L2', {}, 8)).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', message: expect.stringMatching(/index_type/) }),
    );
    const idx = build();
    expect(() => idx.search(query(), 10, null, { nprobe: 17 })).toThrow(
      expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(/nprobe: expected an integer in \[1, 16\], got 17/),
      }),
    );
    expect(() => idx.search(query(), 10, null, { nprobe: 0 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'nprobe' } }),
    );
  });
});

describe('BIN_IVF_FLAT through the client', () => {
  const n = 2500;
  const { rows, query } = clusteredBits(n, 21, 12, 0.15);
  const data = rows.map((v, i) => ({ id: i, bv: Array.from(v), tag: i % 4 }));
  const fields = [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'bv', data_type: DataType.BinaryVector, dim },
    { name: 'tag', data_type: DataType.Int32 },
  ];
  type Hit = { id: string; score: number; tag?: number };

  for (const metric of METRICS) {
    it(`${metric}: createIndex + search with nprobe, filters, deletes; BIN_FLAT's hits at nprobe = nlist`, async () => {
      const c = new MilvusClient({ uri: 'memory://' });
      await c.createCollection({ collection_name: 'b', fields });
      await c.insert({ collection_name: 'b', data });
      await c.createIndex({
        collection_name: 'b',
        field_name: 'bv',
        index_type: 'BIN_IVF_FLAT',
        metric_type: metric,
        params: { nlist: 16 },
      });
      await c.loadCollection({ collection_name: 'b' });
      const d = await c.describeIndex({ collection_name: 'b', field_name: 'bv' });
      expect(d.index_descriptions[0]!.index_type).toBe('BIN_IVF_FLAT');
      const ref = new MilvusClient({ uri: 'memory://' });
      await ref.createCollection({
        collection_name: 'b',
        fields,
        index_params: [{ field_name: 'bv', index_type: 'BIN_FLAT', metric_type: metric }],
      });
      await ref.insert({ collection_name: 'b', data });
      const q = Array.from(query());
      const s = (cl: MilvusClient, extra: Record<string, unknown>) =>
        cl
          .search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 10, ...extra })
          .then((r) => r.results as unknown as Hit[]);
      expect(await s(c, { params: { nprobe: 16 } })).toEqual(await s(ref, {}));
      expect(await s(c, { params: { nprobe: 4 } })).toHaveLength(10);
      const filtered = await s(c, {
        filter: 'tag == 1 and id < 300',
        params: { nprobe: 1 },
        output_fields: ['tag'],
      });
      expect(filtered).toHaveLength(10);
      for (const h of filtered) {
        expect(h.tag).toBe(1);
        expect(Number(h.id)).toBeLessThan(300);
      }
      await expectRefused(
        s(c, { params: { nprobe: 17 } }),
        /nprobe: expected an integer in \[1, 16\], got 17/,
      );
      const top = (await s(c, { params: { nprobe: 16 } })).slice(0, 3).map((h) => Number(h.id));
      await c.delete({ collection_name: 'b', ids: top });
      for (const h of await s(c, { params: { nprobe: 16 } })) expect(top).not.toContain(Number(h.id));
    });
  }

  it('a bad nlist or metric is refused naming the parameter, and nothing is created', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    for (const [metric_type, params, re] of [
      ['HAMMING', { nlist: 0 }, /nlist: expected an integer in \[1, 65536\], got 0/],
      ['L2', { nlist: 8 }, /metric_type/],
    ] as const) {
      await expectRefused(
        c.createCollection({
          collection_name: 'x',
          fields,
          index_params: [{ field_name: 'bv', index_type: 'BIN_IVF_FLAT', metric_type, params }],
        }),
        re,
      );
      expect((await c.hasCollection({ collection_name: 'x' })).value).toBe(false);
    }
  });

  it('persists on idb:// and reopens without a rebuild, answering the same', async () => {
    const a = new MilvusClient({ uri: 'idb://unit-bin-ivf', idleSealMs: 0 });
    await a.createCollection({
      collection_name: 'b',
      fields,
      index_params: [
        { field_name: 'bv', index_type: 'BIN_IVF_FLAT', metric_type: 'HAMMING', params: { nlist: 16 } },
      ],
    });
    await a.insert({ collection_name: 'b', data });
    await a.delete({ collection_name: 'b', ids: [0, 1] });
    await a.flush();
    const q = Array.from(query());
    const s = (cl: { search: MilvusClient['search'] }) =>
      cl
        .search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 10, params: { nprobe: 2 } })
        .then((r) => r.results);
    const before = await s(a);
    await a.closeConnection();
    const build = vi.spyOn(Collection.prototype, 'buildIndex');
    const b = await openIdbClient('idb://unit-bin-ivf');
    expect(await s(b)).toEqual(before);
    expect(build).not.toHaveBeenCalled();
    build.mockRestore();
    // A row inserted after the reopen goes to its nearest list and is found at nprobe 1.
    await b.insert({ collection_name: 'b', data: [{ id: 99_999, bv: q, tag: 0 }] });
    const found = await b.search({
      collection_name: 'b',
      anns_field: 'bv',
      data: q,
      limit: 1,
      params: { nprobe: 1 },
    });
    expect((found.results[0] as unknown as Hit).id).toBe('99999');
    await b.closeConnection();
  });
});

async function expectRefused(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { code?: string; message: string },
  );
  expect(e?.code).toBe('IllegalArgument');
  expect(e?.message).toMatch(re);
}
