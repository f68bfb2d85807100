// The deviations an outside differential run against milvus-lite found (issue 20), each pinned to what
// the Milvus server does (its source and the SDK's behaviour), not to milvus-lite where the two differ.
import { describe, expect, it } from 'vitest';
import { ElanusError, MilvusClient, WeightedRanker } from '../src/index.js';

async function rejection(p: Promise<unknown>): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ElanusError);
  return e as ElanusError;
}

async function twoFields() {
  const c = new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'pk', data_type: 'Int64', is_primary_key: true },
      { name: 'a', data_type: 'Int32' },
      { name: 'dense', data_type: 'FloatVector', dim: 2 },
      { name: 'far', data_type: 'FloatVector', dim: 2 },
    ],
    index_params: [
      { field_name: 'dense', index_type: 'FLAT', metric_type: 'COSINE' },
      { field_name: 'far', index_type: 'FLAT', metric_type: 'L2' },
    ],
  });
  return c;
}

describe('Milvus server semantics (issue 20)', () => {
  it('WeightedRanker without normalisation turns L2 distances into larger-is-better scores first', async () => {
    const c = await twoFields();
    // A cosine tie; on the L2 field row 1 is at distance 0 and row 2 at distance 200 (squared).
    await c.insert({
      collection_name: 'c',
      data: [
        { pk: 1, a: 1, dense: [1, 0], far: [0, 0] },
        { pk: 2, a: 2, dense: [2, 0], far: [10, 10] },
      ],
    });
    const res = await c.hybridSearch({
      collection_name: 'c',
      data: [
        { anns_field: 'dense', data: [1, 0], limit: 2 },
        { anns_field: 'far', data: [0, 0], limit: 2 },
      ],
      rerank: WeightedRanker([0.5, 0.5], false),
      limit: 2,
    });
    const hits = res.results as { id: string; score: number }[];
    expect(hits.map((h) => h.id)).toEqual(['1', '2']);
    // 0.5·1 + 0.5·(1 − 2·atan(0)/π) = 1; 0.5·1 + 0.5·(1 − 2·atan(200)/π) ≈ 0.5016
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits[1]!.score).toBeCloseTo(0.5 + 0.5 * (1 - (2 * Math.atan(200)) / Math.PI), 5);
    // With normalisation (the default) the order is the same and scores stay in [0, 1].
    const norm = await c.hybridSearch({
      collection_name: 'c',
      data: [
        { anns_field: 'dense', data: [1, 0], limit: 2 },
        { anns_field: 'far', data: [0, 0], limit: 2 },
      ],
      rerank: WeightedRanker([0.5, 0.5]),
      limit: 2,
    });
    expect((norm.results as { id: string }[]).map((h) => h.id)).toEqual(['1', '2']);
  });

  it('an upsert that names one key twice keeps the last row and counts every row, as the server does', async () => {
    const c = await twoFields();
    await c.insert({ collection_name: 'c', data: [{ pk: 1, a: 0, dense: [1, 0], far: [0, 0] }] });
    const u = await c.upsert({
      collection_name: 'c',
      data: [
        { pk: 1, a: 111, dense: [1, 0], far: [0, 0] },
        { pk: 5, a: 5, dense: [1, 0], far: [0, 0] },
        { pk: 1, a: 222, dense: [1, 0], far: [0, 0] },
      ],
    });
    expect(u.upsert_cnt).toBe('3');
    expect(u.IDs).toEqual({ int_id: { data: ['1', '5', '1'] }, id_field: 'int_id' });
    const g = await c.query({ collection_name: 'c', filter: 'pk > 0', output_fields: ['a'] });
    expect([...g.data].sort((x, y) => Number(x.pk) - Number(y.pk))).toEqual([
      { pk: '1', a: 222 },
      { pk: '5', a: 5 },
    ]);
    // Insert keeps refusing a repeated key: the server would store both rows under one key.
    const e = await rejection(
      c.insert({
        collection_name: 'c',
        data: [
          { pk: 7, a: 1, dense: [1, 0], far: [0, 0] },
          { pk: 7, a: 2, dense: [1, 0], far: [0, 0] },
        ],
      }),
    );
    expect(e.code).toBe('DuplicatePrimaryKey');
  });

  it('delete by ids reports the keys of the request; by filter, the rows it matched', async () => {
    const c = await twoFields();
    await c.insert({
      collection_name: 'c',
      data: [1, 2, 3, 4].map((pk) => ({ pk, a: pk, dense: [1, 0], far: [0, 0] })),
    });
    const d = await c.delete({ collection_name: 'c', ids: [1, 2, 3, 12345] });
    expect(d.delete_cnt).toBe('4');
    expect(d.IDs).toEqual({ int_id: { data: ['1', '2', '3', '12345'] }, id_field: 'int_id' });
    const f = await c.delete({ collection_name: 'c', filter: 'pk in [4, 99999]' });
    expect(f.delete_cnt).toBe('1');
    expect((await c.count({ collection_name: 'c' })).data).toBe(0);
  });

  it('dropping a collection that is not there succeeds; an empty insert or upsert is refused', async () => {
    const c = await twoFields();
    const r = await c.dropCollection({ collection_name: 'never_created' });
    expect(r.error_code).toBe('Success');
    expect((await c.hasCollection({ collection_name: 'c' })).value).toBe(true);
    for (const verb of ['insert', 'upsert'] as const) {
      const e = await rejection(c[verb]({ collection_name: 'c', data: [] }));
      expect(e.code).toBe('IllegalArgument');
      expect(e.message).toMatch(/data.*at least one row/);
    }
  });

  it.each([
    ['a * a > 9000', /arithmetic between two fields/],
    ['pk + pk == 10', /arithmetic between two fields/],
    ['-a < -190', /negating a field/],
    ['pk > 1.5', /Int64 field `pk` with Double value 1.5/],
    ['a ** 2 == 9', /only be applied to constants/],
  ])('filter %s is refused, as the server refuses it', async (filter, message) => {
    const c = await twoFields();
    await c.insert({ collection_name: 'c', data: [{ pk: 1, a: 1, dense: [1, 0], far: [0, 0] }] });
    const e = await rejection(c.query({ collection_name: 'c', filter }));
    expect(e.code).toBe('InvalidFilter');
    expect(e.message).toMatch(message);
  });

  it('one field with a constant stays arithmetic the server evaluates', async () => {
    const c = await twoFields();
    await c.insert({
      collection_name: 'c',
      data: [10, 20, 30].map((a, i) => ({ pk: i + 1, a, dense: [1, 0], far: [0, 0] })),
    });
    const q = async (filter: string) =>
      (await c.query({ collection_name: 'c', filter, output_fields: ['pk'] })).data.map((r) => r.pk);
    expect(await q('a * 2 == 40')).toEqual(['2']);
    expect(await q('2 * a == 40')).toEqual(['2']);
    expect(await q('a + 1 > 15')).toEqual(['2', '3']);
    expect(await q('a % 20 == 10')).toEqual(['1', '3']);
    expect(await q('a > -(-15)')).toEqual(['2', '3']);
  });

  it.each(['IVF_RABITQ', 'HNSW_PQ', 'DISKANN', 'SCANN'])(
    '%s, a Milvus index type Elanus does not build, is refused by name and nothing is created',
    async (index_type) => {
      const c = new MilvusClient({ uri: 'memory://' });
      const e = await rejection(
        c.createCollection({
          collection_name: 'ivf',
          fields: [
            { name: 'pk', data_type: 'Int64', is_primary_key: true },
            { name: 'v', data_type: 'FloatVector', dim: 2 },
          ],
          index_params: [{ field_name: 'v', index_type, metric_type: 'L2', params: { nlist: 4 } }],
        }),
      );
      expect(e.code).toBe('NotImplemented');
      expect(e.message).toContain(`${index_type} is a Milvus index type Elanus does not build yet`);
      expect((await c.hasCollection({ collection_name: 'ivf' })).value).toBe(false);
    },
  );
});
