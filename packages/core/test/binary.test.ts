import { describe, expect, it } from 'vitest';
import { MilvusClient } from '../src/index.js';
import { binaryDistance } from '../src/indexes/bin-flat.js';
import { DataType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { rng } from './index-helpers.js';
import { dump, expectError, openOn } from './storage-helpers.js';

// BinaryVector fields with BIN_FLAT (HAMMING, JACCARD) through the client, against a brute-force reference.

const dim = 64;
const n = 600;
const r = rng(17);
const vecs = Array.from({ length: n }, () => Array.from({ length: dim / 8 }, () => Math.floor(r() * 256)));
const popcount = (x: number) => x.toString(2).replaceAll('0', '').length;
function refDistance(metric: 'HAMMING' | 'JACCARD', a: number[], b: number[]): number {
  let x = 0;
  let and = 0;
  let or = 0;
  for (let i = 0; i < a.length; i++) {
    x += popcount(a[i]! ^ b[i]!);
    and += popcount(a[i]! & b[i]!);
    or += popcount(a[i]! | b[i]!);
  }
  return metric === 'HAMMING' ? x : or === 0 ? 0 : 1 - and / or;
}

async function setup(metric: 'HAMMING' | 'JACCARD', client?: Awaited<ReturnType<typeof openOn>>) {
  const c = client ?? new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'b',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'bv', data_type: DataType.BinaryVector, dim },
      { name: 'tag', data_type: DataType.Int32 },
    ],
    index_params: [{ field_name: 'bv', index_type: 'BIN_FLAT', metric_type: metric }],
  });
  await c.insert({
    collection_name: 'b',
    // The SDK's forms: byte lists, and Uint8Arrays.
    data: vecs.map((v, i) => ({ id: i, bv: i % 2 ? v : Uint8Array.from(v), tag: i % 4 })),
  });
  return c;
}

describe('BinaryVector search (BIN_FLAT)', () => {
  for (const metric of ['HAMMING', 'JACCARD'] as const) {
    it(`${metric}: exact top-k, distances as Milvus reports them, filters, range, search by ids`, async () => {
      const c = await setup(metric);
      const q = vecs[5]!.map((b, i) => (i === 0 ? b ^ 0b1011 : b));
      const want = vecs
        .map((v, i) => ({ i, d: refDistance(metric, q, v) }))
        .sort((a, b) => a.d - b.d || a.i - b.i);
      const res = (await c.search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 10 }))
        .results as unknown as { id: string; score: number }[];
      expect(res.map((h) => Number(h.id))).toEqual(want.slice(0, 10).map((w) => w.i));
      for (const [k, h] of res.entries()) expect(h.score).toBeCloseTo(want[k]!.d, 6);
      expect(res[0]!.id).toBe('5');
      if (metric === 'HAMMING') expect(res[0]!.score).toBe(3);
      // Filter inside the search: only tag 1, still a full page.
      const f = (
        await c.search({
          collection_name: 'b',
          anns_field: 'bv',
          data: q,
          limit: 10,
          filter: 'tag == 1',
          output_fields: ['tag'],
        })
      ).results as unknown as { id: string; tag: number }[];
      expect(f.map((h) => Number(h.id))).toEqual(
        want
          .filter((w) => w.i % 4 === 1)
          .slice(0, 10)
          .map((w) => w.i),
      );
      // Range: distances in [range_filter, radius).
      // Bounds off the exact values, so float32 scores cannot round across them.
      const radius = want[20]!.d + 1e-4;
      const lo = want[2]!.d - 1e-4;
      const ranged = (
        await c.search({
          collection_name: 'b',
          anns_field: 'bv',
          data: q,
          limit: 100,
          params: { radius, range_filter: lo },
        })
      ).results as unknown as { score: number }[];
      expect(ranged.length).toBe(want.filter((w) => w.d < radius && w.d >= lo).length);
      // By primary key: row 7's stored vector is the query.
      const byId = (await c.search({ collection_name: 'b', anns_field: 'bv', ids: [7], limit: 1 }))
        .results as unknown as {
        id: string;
        score: number;
      }[];
      expect(byId[0]).toMatchObject({ id: '7', score: 0 });
      // Several queries at once, as Uint8Arrays.
      const two = await c.search({
        collection_name: 'b',
        anns_field: 'bv',
        data: [Uint8Array.from(vecs[1]!), Uint8Array.from(vecs[2]!)],
        limit: 1,
      });
      expect((two.results as unknown as { id: string }[][]).map((h) => h[0]!.id)).toEqual(['1', '2']);
      // Stored vectors come back as the SDK gives them.
      const got = await c.get({ collection_name: 'b', ids: [3], output_fields: ['bv'] });
      expect(Array.from(got.data[0]!.bv as ArrayLike<number>)).toEqual(vecs[3]);
      // Deleted rows are never hits.
      await c.delete({ collection_name: 'b', ids: [5] });
      const after = (await c.search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 1 }))
        .results as unknown as { id: string }[];
      expect(after[0]!.id).not.toBe('5');
    });
  }

  it('binaryDistance agrees with the reference on random pairs', () => {
    for (let t = 0; t < 200; t++) {
      const a = vecs[t]!;
      const b = vecs[t + 1]!;
      expect(binaryDistance('HAMMING', Uint8Array.from(a), Uint8Array.from(b))).toBe(
        refDistance('HAMMING', a, b),
      );
      expect(binaryDistance('JACCARD', Uint8Array.from(a), Uint8Array.from(b))).toBeCloseTo(
        refDistance('JACCARD', a, b),
        12,
      );
    }
    expect(binaryDistance('JACCARD', new Uint8Array(8), new Uint8Array(8))).toBe(0);
  });

  it('persists: the index and vectors reload without a rebuild and answer the same', async () => {
    const storage = new MemoryStorage();
    const a = await setup('HAMMING', await openOn(storage));
    await a.flush();
    const q = vecs[9]!;
    const before = await a.search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 5 });
    const state = await dump(a);
    await a.closeConnection();
    const b = await openOn(storage);
    expect(await dump(b)).toEqual(state);
    expect((await b.search({ collection_name: 'b', anns_field: 'bv', data: q, limit: 5 })).results).toEqual(
      before.results,
    );
    await b.closeConnection();
  });

  it('bad input is refused naming the parameter', async () => {
    const c = await setup('HAMMING');
    const s = (data: unknown) =>
      c.search({ collection_name: 'b', anns_field: 'bv', data: data as number[], limit: 3 });
    expect((await expectError(s([1, 2, 3]), 'DimensionMismatch')).message).toMatch(
      /data: expected a binary query vector of 8 bytes \(dim 64\) for field "bv", got 3 bytes/,
    );
    expect((await expectError(s([1, 2, 3, 4, 5, 6, 7, 256]), 'IllegalArgument')).message).toMatch(
      /got 256 at index 7/,
    );
    expect((await expectError(s([1, 2, 3, 4, 5, 6, 7, 0.5]), 'IllegalArgument')).message).toMatch(
      /got 0.5 at index 7/,
    );
    const m = new MilvusClient({ uri: 'memory://' });
    const e = await expectError(
      m.createCollection({
        collection_name: 'x',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'bv', data_type: DataType.BinaryVector, dim },
        ],
        index_params: [{ field_name: 'bv', index_type: 'BIN_FLAT', metric_type: 'L2' }],
      }),
      'IllegalArgument',
    );
    expect(e.message).toMatch(
      /metric_type: expected one of HAMMING, JACCARD for a BinaryVector field, got "L2"/,
    );
    expect((await m.hasCollection({ collection_name: 'x' })).value).toBe(false);
  });
});
