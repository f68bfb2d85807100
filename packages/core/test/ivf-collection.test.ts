import { describe, expect, it, vi } from 'vitest';
import { Collection } from '../src/collection/collection.js';
import { MilvusClient, RRFRanker } from '../src/index.js';
import { DataType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { clustered } from './index-helpers.js';
import { dump, expectError, openOn } from './storage-helpers.js';

// The IVF family through the public client: Milvus index params, search params, filters, group_by,
// hybrid search, deletes, and a persistence round trip that reloads the trained lists without rebuilding.

const n = 2500;
const dim = 16;
const { data, query } = clustered(n, dim, 21, 12, 0.4);
const rows = Array.from({ length: n }, (_, i) => ({
  id: i,
  v: Array.from(data.subarray(i * dim, i * dim + dim)),
  cat: i % 5,
  sp: { [i % 50]: 1 },
}));
const TYPES = [
  { index_type: 'IVF_FLAT', params: { nlist: 16 } },
  { index_type: 'IVF_SQ8', params: { nlist: 16 } },
  { index_type: 'IVF_PQ', params: { nlist: 16, m: 4, nbits: 4 } },
] as const;

describe.each(TYPES)('$index_type through the client', ({ index_type, params }) => {
  it('builds, searches with nprobe, filters inside the search, groups, fuses, deletes and persists', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await a.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim },
        { name: 'cat', data_type: DataType.Int32 },
        { name: 'sp', data_type: DataType.SparseFloatVector },
      ],
      index_params: [
        { field_name: 'v', index_type, metric_type: 'L2', params },
        { field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
      ],
    });
    await a.insert({ collection_name: 'c', data: rows });
    const d = await a.describeIndex({ collection_name: 'c', field_name: 'v' });
    expect(d.index_descriptions[0]!.index_type).toBe(index_type);
    expect(d.index_descriptions[0]!.params).toContainEqual({ key: 'params', value: JSON.stringify(params) });

    const q = Array.from(query(0));
    const flat = (
      await a.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 10, params: { nprobe: 16 } })
    ).results;
    expect(flat).toHaveLength(10);
    // A filter is applied inside the search: a full page of matching rows even at nprobe 1.
    const filtered = (
      await a.search({
        collection_name: 'c',
        anns_field: 'v',
        data: q,
        limit: 10,
        filter: 'cat == 3 and id < 400',
        params: { nprobe: 1 },
        output_fields: ['cat'],
      })
    ).results as unknown as { id: string; cat: number }[];
    expect(filtered).toHaveLength(10);
    for (const h of filtered) {
      expect(h.cat).toBe(3);
      expect(Number(h.id)).toBeLessThan(400);
    }
    const grouped = (
      await a.search({
        collection_name: 'c',
        anns_field: 'v',
        data: q,
        limit: 5,
        group_by_field: 'cat',
        group_size: 2,
        params: { nprobe: 2 },
        output_fields: ['cat'],
      })
    ).results as unknown as { cat: number }[];
    expect(grouped).toHaveLength(10);
    const counts = new Map<number, number>();
    for (const h of grouped) counts.set(h.cat, (counts.get(h.cat) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2, 2, 2]);
    const hybrid = await a.hybridSearch({
      collection_name: 'c',
      data: [
        { data: [q], anns_field: 'v', limit: 20, params: { nprobe: 4 } },
        { data: [{ 7: 1 }], anns_field: 'sp', limit: 20 },
      ],
      rerank: RRFRanker(60),
      limit: 5,
    });
    expect(hybrid.results).toHaveLength(5);
    await expectError(
      a.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 10, params: { nprobe: 17 } }),
      'IllegalArgument',
    );

    // Deletes are never returned; then the state survives a reopen without rebuilding the index.
    const top = (flat as { id: string }[]).slice(0, 3).map((h) => Number(h.id));
    await a.delete({ collection_name: 'c', ids: top });
    const afterDelete = (
      await a.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 10, params: { nprobe: 4 } })
    ).results;
    for (const h of afterDelete as { id: string }[]) expect(top).not.toContain(Number(h.id));
    await a.flush();
    const before = await dump(a);
    await a.closeConnection();
    const build = vi.spyOn(Collection.prototype, 'buildIndex');
    const b = await openOn(storage);
    expect(build).not.toHaveBeenCalled();
    build.mockRestore();
    expect(await dump(b)).toEqual(before);
    expect(
      (await b.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 10, params: { nprobe: 4 } }))
        .results,
    ).toEqual(afterDelete);
    // Rows inserted after the reload go to their nearest list and are found.
    await b.insert({ collection_name: 'c', data: [{ id: 99_999, v: q, cat: 1, sp: { 1: 1 } }] });
    const found = (
      await b.search({ collection_name: 'c', anns_field: 'v', data: q, limit: 1, params: { nprobe: 1 } })
    ).results;
    expect((found[0] as { id: string }).id).toBe('99999');
    await b.closeConnection();
  });
});

describe('IVF parameters through the client', () => {
  it.each([
    ['IVF_FLAT', { nlist: 0 }, /nlist: expected an integer in \[1, 65536\], got 0/],
    ['IVF_PQ', { nlist: 8, m: 5 }, /m: expected an integer dividing dim \(16\), got 5/],
    ['IVF_PQ', { nlist: 8, m: 4, nbits: 9 }, /nbits: expected an integer in \[1, 8\], got 9/],
  ] as const)('%s %j is refused and nothing is created', async (index_type, params, re) => {
    const c = new MilvusClient({ uri: 'memory://' });
    const e = await expectError(
      c.createCollection({
        collection_name: 'bad',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim },
        ],
        index_params: [{ field_name: 'v', index_type, metric_type: 'L2', params }],
      }),
      'IllegalArgument',
    );
    expect(e.message).toMatch(re);
    expect((await c.hasCollection({ collection_name: 'bad' })).value).toBe(false);
  });

  it('a bad second index of one createIndex call builds neither', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({
      collection_name: 'two',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim },
        { name: 'w', data_type: DataType.FloatVector, dim },
      ],
    });
    await expectError(
      c.createIndex([
        {
          collection_name: 'two',
          field_name: 'v',
          index_type: 'IVF_FLAT',
          metric_type: 'L2',
          params: { nlist: 8 },
        },
        {
          collection_name: 'two',
          field_name: 'w',
          index_type: 'IVF_PQ',
          metric_type: 'L2',
          params: { nlist: 8, m: 3 },
        },
      ]),
      'IllegalArgument',
    );
    expect((await c.listIndexes({ collection_name: 'two' })).indexes).toEqual([]);
  });
});
