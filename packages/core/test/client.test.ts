import { describe, expect, it } from 'vitest';
import { DataType, ElanusError, MilvusClient, RRFRanker, WeightedRanker } from '../src/index.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(ElanusError);
  expect((e as ElanusError).code).toBe(code);
  if (message) expect((e as ElanusError).message).toMatch(message);
  return e as ElanusError;
}

const schemaFields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
  { name: 'title', data_type: DataType.VarChar, max_length: 16 },
  { name: 'year', data_type: 'Int32' as const },
  { name: 'rating', data_type: DataType.Float, nullable: true },
  { name: 'lang', data_type: DataType.VarChar, max_length: 8, default_value: 'en' },
  { name: 'meta', data_type: DataType.JSON },
  {
    name: 'tags',
    data_type: DataType.Array,
    element_type: DataType.VarChar,
    max_capacity: 4,
    max_length: 10,
  },
];

async function books() {
  const client = new MilvusClient({ uri: 'memory://' });
  await client.createCollection({
    collection_name: 'books',
    fields: schemaFields,
    enable_dynamic_field: true,
    index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
  });
  const rows = [
    {
      id: 1,
      vec: [1, 0, 0, 0],
      title: 'Dune',
      year: 1965,
      rating: 4.5,
      meta: { a: { b: 1 } },
      tags: ['scifi'],
    },
    {
      id: 2,
      vec: [0, 1, 0, 0],
      title: 'Emma',
      year: 1815,
      rating: null,
      meta: { a: { b: 2 } },
      tags: ['classic'],
      color: 'red',
    },
    { id: 3, vec: [0, 0, 1, 0], title: 'Ulysses', year: 1922, meta: {}, tags: [], lang: 'en-IE' },
    {
      id: 4,
      vec: [0, 0, 0, 1],
      title: 'Solaris',
      year: 1961,
      rating: 4,
      meta: { a: { b: 3 } },
      tags: ['scifi', 'pl'],
    },
  ];
  await client.insert({ collection_name: 'books', data: rows });
  return client;
}

describe('addresses and connecting', () => {
  it('connectPromise is a promise (await client.connectPromise), the same one each time', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    expect(typeof c.connectPromise.then).toBe('function');
    expect(c.connectPromise).toBe(c.connectPromise);
    const backend = await c.connectPromise;
    expect(await c.client()).toBe(backend);
    expect((await c.listCollections()).collection_names).toEqual([]);
  });

  it("the SDK's host:port is a remote address: it needs the remote transport, with an error saying which import", async () => {
    for (const address of ['localhost:19530', '127.0.0.1:19530', '[::1]:19530', 'milvus-0.svc.local:443']) {
      const c = new MilvusClient({ address }); // accepted up front; the transport is looked up on first use
      const e = await c.hasCollection({ collection_name: 'x' }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ElanusError);
      expect(e).toMatchObject({ code: 'IllegalArgument' });
      expect((e as Error).message).toContain(`http://${address} is a remote Milvus`);
      expect((e as Error).message).toContain('@elanus/milvus');
    }
    for (const bad of ['localhost', 'localhost:', ':19530', 'local host:1', 'localhost:123456', 'a:1/b']) {
      expect(() => new MilvusClient({ address: bad }), bad).toThrow(
        expect.objectContaining({ code: 'IllegalArgument', message: expect.stringMatching(/host:port/) }),
      );
    }
  });
});

describe('collections', () => {
  it('creates with the quick form, loads, and describes like the Node SDK', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    expect(await c.createCollection({ collection_name: 'docs', dimension: 8 })).toEqual({
      error_code: 'Success',
      reason: '',
      code: 0,
    });
    const d = await c.describeCollection({ collection_name: 'docs' });
    expect(d.schema.fields.map((f) => [f.name, f.data_type])).toEqual([
      ['id', 'Int64'],
      ['vector', 'FloatVector'],
    ]);
    expect(d.schema.enable_dynamic_field).toBe(true);
    expect((await c.getLoadState({ collection_name: 'docs' })).state).toBe('LoadStateLoaded');
    expect((await c.hasCollection({ collection_name: 'docs' })).value).toBe(true);
    expect((await c.listCollections()).collection_names).toEqual(['docs']);
    const idx = await c.describeIndex({ collection_name: 'docs' });
    expect(idx.index_descriptions[0]).toMatchObject({
      field_name: 'vector',
      index_type: 'AUTOINDEX',
      metric_type: 'COSINE',
    });
    await c.renameCollection({ collection_name: 'docs', new_collection_name: 'docs2' });
    expect((await c.hasCollection({ collection_name: 'docs' })).value).toBe(false);
    await c.dropCollection({ collection_name: 'docs2' });
    expect((await c.listCollections()).collection_names).toEqual([]);
  });

  it('rejects bad schemas with a code and a message naming the parameter', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await expectError(
      c.createCollection({ collection_name: '1bad', dimension: 4 }),
      'IllegalArgument',
      /collection_name/,
    );
    await expectError(
      c.createCollection({ collection_name: 'x', fields: [{ name: 'v', data_type: 'FloatVector', dim: 4 }] }),
      'SchemaMismatch',
      /primary key/,
    );
    await expectError(
      c.createCollection({
        collection_name: 'x',
        fields: [
          { name: 'id', data_type: 'Int64', is_primary_key: true },
          { name: 'v', data_type: 'FloatVector' },
        ],
      }),
      'IllegalArgument',
      /fields\[1\]\.dim/,
    );
    await expectError(
      c.createCollection({
        collection_name: 'x',
        fields: schemaFields,
        index_params: { field_name: 'vec', index_type: 'IVF_MAGIC' },
      }),
      'IllegalArgument',
      /index_type: expected one of FLAT, HNSW, HNSW_SQ, IVF_FLAT, IVF_SQ8, IVF_PQ, AUTOINDEX/,
    );
    await expectError(
      c.createCollection({
        collection_name: 'x',
        fields: schemaFields,
        index_params: { field_name: 'vec', index_type: 'DISKANN' },
      }),
      'NotImplemented',
      /index_type: DISKANN is a Milvus index type Elanus does not build yet; expected one of FLAT/,
    );
    // IVF_PQ without m: the missing parameter is named.
    await expectError(
      c.createCollection({
        collection_name: 'x',
        fields: schemaFields,
        index_params: { field_name: 'vec', index_type: 'IVF_PQ' },
      }),
      'IllegalArgument',
      /invalid parameter m: expected an integer dividing dim/,
    );
    await expectError(
      c.createCollection({
        collection_name: 'x',
        fields: schemaFields,
        index_params: { field_name: 'vec', index_type: 'HNSW', params: '{"M": 8' as never },
      }),
      'IllegalArgument',
      /invalid parameter params: expected an object or a JSON object string, got "\{\\"M\\": 8"/,
    );
    // The failed create left nothing behind.
    expect((await c.hasCollection({ collection_name: 'x' })).value).toBe(false);
    await expectError(c.describeCollection({ collection_name: 'nope' }), 'CollectionNotExists', /nope/);
  });

  it('requires an index and a load before searching (schema form)', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({ collection_name: 's', fields: schemaFields });
    expect((await c.getLoadState({ collection_name: 's' })).state).toBe('LoadStateNotLoad');
    await expectError(c.loadCollection({ collection_name: 's' }), 'IndexNotExist', /vec/);
    await c.createIndex({
      collection_name: 's',
      field_name: 'vec',
      index_type: 'HNSW',
      metric_type: 'IP',
      params: { M: 8, efConstruction: 64 },
    });
    await c.createIndex({ collection_name: 's', field_name: 'year', index_type: 'STL_SORT' });
    expect((await c.listIndexes({ collection_name: 's' })).indexes.sort()).toEqual(['vec', 'year']);
    await expectError(c.search({ collection_name: 's', data: [1, 2, 3, 4] }), 'CollectionNotLoaded');
    await c.loadCollection({ collection_name: 's' });
    const r = await c.search({ collection_name: 's', data: [1, 2, 3, 4] });
    expect(r.results).toEqual([]);
    await expectError(c.dropIndex({ collection_name: 's', field_name: 'vec' }), 'IllegalArgument', /release/);
    await c.releaseCollection({ collection_name: 's' });
    await c.dropIndex({ collection_name: 's', field_name: 'vec' });
    expect((await c.listIndexes({ collection_name: 's' })).indexes).toEqual(['year']);
  });
});

describe('data operations', () => {
  it('inserts and returns ids as strings, with stats', async () => {
    const c = await books();
    const s = await c.getCollectionStatistics({ collection_name: 'books' });
    expect(s.data.row_count).toBe('4');
    const r = await c.insert({
      collection_name: 'books',
      data: [{ id: 10, vec: [1, 1, 1, 1], title: 'X', year: 1, meta: {}, tags: [] }],
    });
    expect(r.IDs).toEqual({ int_id: { data: ['10'] }, id_field: 'int_id' });
    expect(r.insert_cnt).toBe('1');
  });

  it('search returns L2 squared distances, output fields and dynamic keys', async () => {
    const c = await books();
    const r = await c.search({
      collection_name: 'books',
      data: [1, 0.5, 0, 0],
      limit: 2,
      output_fields: ['title', 'color', 'rating'],
    });
    expect(r.results).toEqual([
      { id: '1', score: 0.25, title: 'Dune', rating: 4.5 },
      { id: '2', score: 1.25, title: 'Emma', rating: null, color: 'red' },
    ]);
  });

  it('filters inside the search, with offsets and several query vectors', async () => {
    const c = await books();
    const r = await c.search({
      collection_name: 'books',
      data: [
        [0, 0, 1, 0.5],
        [0, 0, 0.5, 1],
      ],
      filter: 'year > 1900 and title like "%s%"',
      limit: 5,
    });
    const lists = r.results as { id: string }[][];
    expect(lists.map((l) => l.map((h) => h.id))).toEqual([
      ['3', '4'],
      ['4', '3'],
    ]);
    const off = await c.search({ collection_name: 'books', data: [1, 0, 0, 0], limit: 2, offset: 1 });
    expect((off.results as { id: string }[]).map((h) => h.id)).toHaveLength(2);
    expect((off.results as { id: string }[])[0]!.id).not.toBe('1');
  });

  it('query supports count(*), limit/offset in key order, * and defaults/nulls', async () => {
    const c = await books();
    expect(
      (await c.query({ collection_name: 'books', filter: 'year < 1950', output_fields: ['count(*)'] })).data,
    ).toEqual([{ 'count(*)': '2' }]);
    const q = await c.query({
      collection_name: 'books',
      filter: '',
      limit: 2,
      offset: 1,
      output_fields: ['title'],
    });
    expect(q.data).toEqual([
      { id: '2', title: 'Emma' },
      { id: '3', title: 'Ulysses' },
    ]);
    const all = await c.query({ collection_name: 'books', filter: 'id == 2', output_fields: ['*'] });
    expect(all.data[0]).toMatchObject({
      id: '2',
      lang: 'en',
      rating: null,
      tags: ['classic'],
      $meta: { color: 'red' },
    });
    expect(all.data[0]!.vec).toEqual([0, 1, 0, 0]);
    await expectError(c.query({ collection_name: 'books', filter: '' }), 'IllegalArgument', /limit/);
    await expectError(c.query({ collection_name: 'books', filter: 'year >> 2' }), 'InvalidFilter', /column/);
  });

  it('get, delete by ids and by filter, upsert', async () => {
    const c = await books();
    const g = await c.get({ collection_name: 'books', ids: [4, 1, 99], output_fields: ['title'] });
    expect(g.data).toEqual([
      { id: '4', title: 'Solaris' },
      { id: '1', title: 'Dune' },
    ]);
    const d = await c.delete({ collection_name: 'books', ids: [1, 99] });
    expect(d.delete_cnt).toBe('2');
    const df = await c.delete({ collection_name: 'books', filter: 'array_contains(tags, "scifi")' });
    expect(df.IDs).toEqual({ int_id: { data: ['4'] }, id_field: 'int_id' });
    const u = await c.upsert({
      collection_name: 'books',
      data: [{ id: 2, vec: [0, 1, 0, 0], title: 'Emma (2)', year: 1816, meta: {}, tags: [] }],
    });
    expect(u.upsert_cnt).toBe('1');
    const q = await c.query({ collection_name: 'books', filter: 'id > 0', output_fields: ['title', 'year'] });
    expect(q.data).toEqual([
      { id: '2', title: 'Emma (2)', year: 1816 },
      { id: '3', title: 'Ulysses', year: 1922 },
    ]);
    await expectError(c.delete({ collection_name: 'books' }), 'IllegalArgument', /filter/);
  });

  it('a failing batch writes nothing, and each error names field, expectation and value', async () => {
    const c = await books();
    const good = { vec: [1, 1, 1, 1], title: 'ok', year: 2000, meta: {}, tags: [] };
    await expectError(
      c.insert({
        collection_name: 'books',
        data: [
          { id: 20, ...good },
          { id: 21, ...good, vec: [1, 2, 3] },
        ],
      }),
      'DimensionMismatch',
      /"vec" of row 1: expected a vector of dim 4, got dim 3/,
    );
    await expectError(
      c.insert({ collection_name: 'books', data: [{ id: 22, ...good, title: 'x'.repeat(17) }] }),
      'MaxLengthExceeded',
      /max_length=16/,
    );
    await expectError(
      c.insert({ collection_name: 'books', data: [{ id: 23, ...good, year: 'x' }] }),
      'DataTypeMismatch',
      /"year".*Int32.*"x"/,
    );
    await expectError(
      c.insert({ collection_name: 'books', data: [{ ...good }] }),
      'PrimaryKeyMissing',
      /"id"/,
    );
    await expectError(
      c.insert({ collection_name: 'books', data: [{ id: 1, ...good }] }),
      'DuplicatePrimaryKey',
      /upsert/,
    );
    await expectError(
      c.insert({ collection_name: 'books', data: [{ id: 24, ...good, tags: ['a', 'b', 'c', 'd', 'e'] }] }),
      'IllegalArgument',
      /max_capacity=4/,
    );
    await expectError(c.insert({ collection_name: 'nope', data: [good] }), 'CollectionNotExists');
    expect((await c.getCollectionStatistics({ collection_name: 'books' })).data.row_count).toBe('4');
    expect(
      (await c.query({ collection_name: 'books', filter: 'id >= 20', output_fields: ['count(*)'] })).data,
    ).toEqual([{ 'count(*)': '0' }]);
  });

  it('keeps int64 keys beyond 2^53 exact (bigint and string input)', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({
      collection_name: 'big',
      dimension: 2,
      metric_type: 'L2',
      index_params: { index_type: 'FLAT' },
    });
    const max = '9223372036854775807';
    await c.insert({
      collection_name: 'big',
      data: [
        { id: 2n ** 63n - 1n, vector: [0, 0] },
        { id: '9223372036854775806', vector: [1, 1] },
        { id: -(2n ** 63n), vector: [2, 2] },
      ],
    });
    const r = await c.search({ collection_name: 'big', data: [0, 0], limit: 3 });
    expect((r.results as { id: string }[]).map((h) => h.id)).toEqual([
      max,
      '9223372036854775806',
      '-9223372036854775808',
    ]);
    const q = await c.query({ collection_name: 'big', filter: `id == ${max}` });
    // No output_fields means every field, as the Node SDK sends `['*']`.
    expect(q.data).toEqual([{ id: max, vector: [0, 0], $meta: {} }]);
    const q2 = await c.query({
      collection_name: 'big',
      filter: 'id > 9223372036854775806',
      output_fields: [],
    });
    expect(q2.data).toEqual([{ id: max }]);
    await expectError(
      c.insert({ collection_name: 'big', data: [{ id: 2 ** 60, vector: [0, 0] }] }),
      'DataTypeMismatch',
      /bigint or a string/,
    );
    const g = await c.get({ collection_name: 'big', ids: [max], output_fields: [] });
    expect(g.data).toEqual([{ id: max }]);
  });

  it('auto ids, VarChar keys and partitions', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({ collection_name: 'a', dimension: 2, auto_id: true });
    const r = await c.insert({ collection_name: 'a', data: [{ vector: [1, 0] }, { vector: [0, 1] }] });
    const ids = (r.IDs as { int_id: { data: string[] } }).int_id.data;
    expect(ids).toHaveLength(2);
    expect(BigInt(ids[1]!)).toBeGreaterThan(BigInt(ids[0]!));
    await c.createCollection({ collection_name: 'v', dimension: 2, id_type: 'VarChar', max_length: 32 });
    await c.createPartition({ collection_name: 'v', partition_name: 'p1' });
    expect((await c.hasPartition({ collection_name: 'v', partition_name: 'p1' })).value).toBe(true);
    await c.insert({ collection_name: 'v', data: [{ id: 'a', vector: [1, 0] }] });
    await c.insert({ collection_name: 'v', partition_name: 'p1', data: [{ id: 'b', vector: [1, 0] }] });
    const inP1 = await c.search({ collection_name: 'v', data: [1, 0], partition_names: ['p1'] });
    expect((inP1.results as { id: string }[]).map((h) => h.id)).toEqual(['b']);
    expect((await c.listPartitions({ collection_name: 'v' })).partition_names).toEqual(['_default', 'p1']);
    await c.dropPartition({ collection_name: 'v', partition_name: 'p1' });
    expect((await c.query({ collection_name: 'v', filter: '', limit: 10, output_fields: [] })).data).toEqual([
      { id: 'a' },
    ]);
    await expectError(
      c.insert({ collection_name: 'v', partition_name: 'p9', data: [{ id: 'c', vector: [1, 0] }] }),
      'PartitionNotExists',
    );
  });

  it('rejects unknown fields without dynamic fields, and wrong query dims', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({
      collection_name: 'strict',
      fields: [
        { name: 'pk', data_type: 'VarChar', is_primary_key: true, max_length: 8 },
        { name: 'v', data_type: 'FloatVector', dim: 3 },
      ],
      index_params: { field_name: 'v', index_type: 'FLAT', metric_type: 'IP' },
    });
    await expectError(
      c.insert({ collection_name: 'strict', data: [{ pk: 'a', v: [1, 2, 3], extra: 1 }] }),
      'FieldNotExists',
      /"extra"/,
    );
    await expectError(
      c.search({ collection_name: 'strict', data: [1, 2] }),
      'DimensionMismatch',
      /dim 3.*got dim 2/,
    );
    await expectError(
      c.search({ collection_name: 'strict', data: [1, 2, 3], metric_type: 'L2' }),
      'IllegalArgument',
      /metric_type/,
    );
    await c.insert({ collection_name: 'strict', data: [{ pk: 'a', v: [1, 2, 3] }] });
    const r = await c.search({ collection_name: 'strict', data: [1, 1, 1], output_fields: ['v'] });
    expect(r.results).toEqual([{ id: 'a', pk: 'a', score: 6, v: [1, 2, 3] }]);
  });
});

describe('search features', () => {
  async function clustered(n: number, dim: number) {
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'dense', data_type: 'FloatVector', dim },
        { name: 'sparse', data_type: 'SparseFloatVector' },
        { name: 'cat', data_type: 'Int32' },
      ],
      index_params: [
        { field_name: 'dense', index_type: 'FLAT', metric_type: 'COSINE' },
        { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
      ],
    });
    const r = rng(7);
    const data = Array.from({ length: n }, (_, i) => ({
      id: i,
      dense: Array.from({ length: dim }, () => r() - 0.5),
      sparse: { [i % 50]: 1 + r(), [50 + (i % 7)]: r() },
      cat: i % 5,
    }));
    await c.insert({ collection_name: 'c', data });
    return { c, data };
  }

  it('COSINE scores match a direct computation; range search keeps (radius, range_filter]', async () => {
    const { c, data } = await clustered(300, 8);
    const q = data[5]!.dense;
    const r = await c.search({ collection_name: 'c', anns_field: 'dense', data: q, limit: 300 });
    const hits = r.results as { id: string; score: number }[];
    expect(hits[0]!.id).toBe('5');
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const cos = (a: number[], b: number[]) => {
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        d += a[i]! * b[i]!;
        na += a[i]! ** 2;
        nb += b[i]! ** 2;
      }
      return d / Math.sqrt(na * nb);
    };
    for (const h of hits.slice(0, 20)) expect(h.score).toBeCloseTo(cos(q, data[Number(h.id)]!.dense), 5);
    const ranged = await c.search({
      collection_name: 'c',
      anns_field: 'dense',
      data: q,
      limit: 300,
      params: { radius: 0.2, range_filter: 0.9 },
    });
    const rh = ranged.results as { score: number }[];
    expect(rh.length).toBeGreaterThan(0);
    expect(rh.length).toBe(hits.filter((h) => h.score > 0.2 && h.score <= 0.9).length);
  });

  it("search by primary keys (ids) answers as a search with those rows' stored vectors; bad ids are named", async () => {
    const { c, data } = await clustered(300, 8);
    const filter = 'cat in [1, 2]';
    for (const anns_field of ['dense', 'sparse'] as const) {
      const byIds = await c.search({ collection_name: 'c', anns_field, ids: [5, 17], limit: 10, filter });
      const byData = await c.search({
        collection_name: 'c',
        anns_field,
        data: [data[5]![anns_field], data[17]![anns_field]] as never,
        limit: 10,
        filter,
      });
      expect(byIds.results).toEqual(byData.results);
      expect((byIds.results as unknown[][]).map((l) => l.length)).toEqual([10, 10]);
    }
    const one = await c.search({ collection_name: 'c', anns_field: 'dense', ids: ['42'], limit: 3 });
    expect((one.results as { id: string }[])[0]!.id).toBe('42'); // one key: one flat list, as one vector
    await c.delete({ collection_name: 'c', ids: [17] });
    await expectError(
      c.search({ collection_name: 'c', anns_field: 'dense', ids: [5, 17] }),
      'IllegalArgument',
      /ids\[1\].*"17", which is not there/,
    );
    await expectError(
      c.search({ collection_name: 'c', anns_field: 'dense', ids: [] }),
      'IllegalArgument',
      /ids: expected a non-empty list/,
    );
    await expectError(
      c.search({ collection_name: 'c', anns_field: 'dense', ids: ['x'] as never }),
      'DataTypeMismatch',
      /ids\[0\]/,
    );
    await expectError(
      c.search({ collection_name: 'c', anns_field: 'dense', ids: [5], data: data[5]!.dense }),
      'IllegalArgument',
      /either ids or data/,
    );
  });

  it('search_aggregation is validated, not ignored', async () => {
    const { c, data } = await clustered(20, 8);
    await expectError(
      c.search({
        collection_name: 'c',
        anns_field: 'dense',
        data: data[0]!.dense,
        search_aggregation: {},
      } as never),
      'IllegalArgument',
      /search_aggregation\.fields/,
    );
  });

  it('group_by_field returns at most group_size hits per group', async () => {
    const { c } = await clustered(300, 8);
    const r = await c.search({
      collection_name: 'c',
      anns_field: 'dense',
      data: Array.from({ length: 8 }, () => 0.1),
      limit: 3,
      group_by_field: 'cat',
      group_size: 2,
    });
    const hits = r.results as unknown as { cat: number }[];
    expect(hits).toHaveLength(6);
    const counts = new Map<number, number>();
    for (const h of hits) counts.set(h.cat, (counts.get(h.cat) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2]);
  });

  it('hybridSearch fuses dense and sparse with RRF and weighted rankers', async () => {
    const { c, data } = await clustered(300, 8);
    const req = (rerank: ReturnType<typeof RRFRanker>) =>
      c.hybridSearch({
        collection_name: 'c',
        data: [
          { data: [data[3]!.dense], anns_field: 'dense', limit: 20 },
          { data: [{ 3: 1 }], anns_field: 'sparse', limit: 20 },
        ],
        rerank,
        limit: 5,
        output_fields: ['cat'],
      });
    const rrf = (await req(RRFRanker(60))).results as { id: string; score: number }[];
    // Expected fusion, computed from the two searches run on their own.
    const dense = (
      await c.search({ collection_name: 'c', anns_field: 'dense', data: data[3]!.dense, limit: 20 })
    ).results as { id: string }[];
    const sparse = (await c.search({ collection_name: 'c', anns_field: 'sparse', data: { 3: 1 }, limit: 20 }))
      .results as { id: string }[];
    const expected = new Map<string, number>();
    for (const list of [dense, sparse]) {
      for (const [rank, h] of list.entries()) expected.set(h.id, (expected.get(h.id) ?? 0) + 1 / (61 + rank));
    }
    const best = [...expected.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    expect(rrf.map((h) => h.id)).toEqual(best.map(([id]) => id));
    for (const [i, h] of rrf.entries()) expect(h.score).toBeCloseTo(best[i]![1], 9);
    expect(rrf[0]!.id).toBe('3');
    const w = (await req(WeightedRanker([0.5, 0.5]))).results as { id: string; score: number }[];
    expect(w[0]!.id).toBe('3');
    expect(w).toHaveLength(5);
    await expectError(req(WeightedRanker([1])), 'IllegalArgument', /weights/);
  });

  it('queryIterator and searchIterator page without duplicates', async () => {
    const { c } = await clustered(250, 8);
    const seen: string[] = [];
    for await (const page of await c.queryIterator({
      collection_name: 'c',
      batchSize: 60,
      filter: 'cat != 1',
      output_fields: ['cat'],
    })) {
      expect(page.length).toBeLessThanOrEqual(60);
      for (const row of page) seen.push(row.id as string);
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    const ids: string[] = [];
    let last = Number.POSITIVE_INFINITY;
    for await (const page of await c.searchIterator({
      collection_name: 'c',
      anns_field: 'dense',
      data: Array(8).fill(0.2),
      batchSize: 40,
      limit: 130,
    })) {
      for (const h of page) {
        expect(h.score).toBeLessThanOrEqual(last + 1e-6);
        last = h.score;
        ids.push(h.id);
      }
    }
    expect(ids).toHaveLength(130);
    expect(new Set(ids).size).toBe(130);
  });
});
