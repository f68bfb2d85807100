// The REST v2 transport against recorded request/response pairs written from Milvus's RESTful API v2
// reference (fixtures/rest-v2.json): exact request bodies, CORS-safe headers, Int64 values beyond 2^53,
// error envelopes (HTTP 200 + non-zero code), and result shapes converted to the Node SDK's.
import { readFileSync } from 'node:fs';
import { ConsistencyLevelEnum, ElanusError } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { MilvusClient, parseJsonLossless } from '../src/index.js';
import { RestClient } from '../src/rest/index.js';

interface Fixture {
  path: string;
  request: unknown;
  response: string;
}
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/rest-v2.json', import.meta.url), 'utf8'),
) as Record<string, Fixture>;
const fx = (name: string): Fixture => fixtures[name]!;

interface Call {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch answering from fixtures by URL path (in order for repeated paths). */
function fakeFetch(...names: string[]) {
  const queue = names.map(fx);
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const i = queue.findIndex((q) => q.path === path);
    if (i < 0) throw new Error(`unexpected request to ${path}`);
    const [hit] = queue.splice(i, 1);
    calls.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(hit!.response, { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { f, calls };
}

const client = (f: typeof fetch, token = 'root:Milvus') =>
  new RestClient({ uri: 'http://milvus.example:19530', token, fetch: f });
const bodyOf = (c: Call) => parseJsonLossless(c.body);

describe('REST v2 fixtures', () => {
  it('describe: sends the documented body, converts to the SDK shape, keeps the int64 collection id exact', async () => {
    const { f, calls } = fakeFetch('describe');
    const d = await client(f).describeCollection({ collection_name: 'test_collection' });
    expect(calls[0]!.url).toBe('http://milvus.example:19530/v2/vectordb/collections/describe');
    expect(bodyOf(calls[0]!)).toEqual(fx('describe').request);
    expect(Object.keys(calls[0]!.headers).sort()).toEqual(['Authorization', 'Content-Type']);
    expect(calls[0]!.headers.Authorization).toBe('Bearer root:Milvus');
    expect(d.collectionID).toBe('448707763883002014');
    expect(d.schema.enable_dynamic_field).toBe(true);
    expect(d.schema.fields.map((x) => [x.name, x.data_type, x.is_primary_key])).toEqual([
      ['id', 'Int64', true],
      ['vector', 'FloatVector', false],
      ['color', 'VarChar', false],
      ['tags', 'Array', false],
      ['info', 'JSON', false],
    ]);
    expect(d.schema.fields[1]).toMatchObject({ dim: '5', type_params: [{ key: 'dim', value: '5' }] });
    expect(d.schema.fields[3]).toMatchObject({ element_type: 'Int64', max_capacity: '8' });
    expect(d.schema.fields[4]).toMatchObject({ nullable: true });
  });

  it("the SDK's address form: host:port (and [v6]:port) reaches the server over http://; connectPromise is a promise", async () => {
    const { f, calls } = fakeFetch('has', 'has');
    const c = new MilvusClient({ address: 'milvus.example:19530', token: 'root:Milvus', fetch: f });
    await expect(c.connectPromise).resolves.toBeInstanceOf(RestClient);
    expect(c.connectPromise).toBe(c.connectPromise);
    expect((await c.hasCollection({ collection_name: 'quick_setup' })).value).toBe(true);
    expect(calls[0]!.url).toBe('http://milvus.example:19530/v2/vectordb/collections/has');
    const v6 = new MilvusClient({ address: '[::1]:19530', fetch: f });
    await v6.hasCollection({ collection_name: 'quick_setup' });
    expect(calls[1]!.url).toBe('http://[::1]:19530/v2/vectordb/collections/has');
  });

  it('has / list / get_stats / get_load_state / partitions / indexes', async () => {
    const { f } = fakeFetch('has', 'list', 'stats', 'loadState', 'partitions', 'indexList', 'indexDescribe');
    const c = client(f);
    expect((await c.hasCollection({ collection_name: 'quick_setup' })).value).toBe(true);
    expect((await c.listCollections()).collection_names).toEqual([
      'quick_setup',
      'customized_setup_1',
      'customized_setup_2',
    ]);
    expect((await c.getCollectionStatistics({ collection_name: 'quick_setup' })).data.row_count).toBe('3000');
    expect((await c.getLoadState({ collection_name: 'quick_setup' })).state).toBe('LoadStateLoaded');
    expect((await c.listPartitions({ collection_name: 'quick_setup' })).partition_names).toEqual([
      '_default',
      'partitionA',
    ]);
    const idx = await c.describeIndex({ collection_name: 'quick_setup' });
    expect(idx.index_descriptions[0]).toMatchObject({
      index_name: 'vector',
      field_name: 'vector',
      index_type: 'AUTOINDEX',
      metric_type: 'COSINE',
    });
  });

  it('create: quick form and schema form (fields, BM25 function, partition key, index params)', async () => {
    const { f, calls } = fakeFetch('createQuick', 'createSchema');
    const c = client(f);
    await c.createCollection({ collection_name: 'quick_setup', dimension: 5, metric_type: 'COSINE' });
    expect(bodyOf(calls[0]!)).toEqual(fx('createQuick').request);
    await c.createCollection({
      collection_name: 'customized_setup_2',
      fields: [
        { name: 'my_id', data_type: 'Int64', is_primary_key: true },
        { name: 'my_vector', data_type: 'FloatVector', dim: 5 },
        { name: 'my_varchar', data_type: 'VarChar', max_length: 512, is_partition_key: true },
        { name: 'doc', data_type: 'VarChar', max_length: 1000, enable_analyzer: true },
        { name: 'sparse', data_type: 'SparseFloatVector' },
        { name: 'tags', data_type: 'Array', element_type: 'VarChar', max_capacity: 4, max_length: 16 },
      ],
      functions: [
        {
          name: 'bm25',
          type: 'BM25',
          input_field_names: ['doc'],
          output_field_names: ['sparse'],
          params: {},
        },
      ],
      enable_dynamic_field: true,
      index_params: [
        {
          field_name: 'my_vector',
          index_type: 'HNSW',
          metric_type: 'L2',
          params: { M: 16, efConstruction: 200 },
        },
        { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
      ],
    });
    expect(bodyOf(calls[1]!)).toEqual(fx('createSchema').request);
  });

  it('insert / upsert: Int64 beyond 2^53 goes out as an exact number, dynamic $meta is spread', async () => {
    const { f, calls } = fakeFetch('describe', 'insert', 'upsertBig');
    const c = client(f);
    const ins = await c.insert({
      collection_name: 'test_collection',
      data: [
        {
          id: 0,
          vector: [
            0.3580376395471989, -0.6023495712049978, 0.18414012509913835, -0.26286205330961354,
            0.9029438446296592,
          ],
          color: 'pink_8682',
        },
      ],
    });
    expect(ins.IDs).toEqual({ int_id: { data: ['0'] }, id_field: 'int_id' });
    expect(ins.insert_cnt).toBe('1');
    expect(bodyOf(calls[1]!)).toEqual({
      ...(fx('insert').request as object),
      collectionName: 'test_collection',
    });
    const up = await c.upsert({
      collection_name: 'test_collection',
      data: [
        {
          id: '9007199254740993',
          vector: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]).map((x) => x),
          tags: ['9223372036854775807', -1],
          $meta: { note: 'dynamic' },
        },
      ],
    });
    // Float32Array values widen to doubles; compare the exact text for the integers only.
    expect(calls[2]!.body).toContain('"id":9007199254740993');
    expect(calls[2]!.body).toContain('"tags":[9223372036854775807,-1]');
    expect(calls[2]!.body).toContain('"note":"dynamic"');
    expect(calls[2]!.body).not.toContain('$meta');
    expect(up.IDs).toEqual({ int_id: { data: ['9007199254740993'] }, id_field: 'int_id' });
  });

  it('delete by ids becomes a filter on the primary key', async () => {
    const { f, calls } = fakeFetch('describe', 'delete');
    await client(f).delete({
      collection_name: 'test_collection',
      ids: ['9007199254740993', 448707763883002015n] as never,
    });
    expect(bodyOf(calls[1]!)).toEqual(fx('delete').request);
  });

  it('query: Int64 as numbers or strings both come back as exact strings; JSON text parsed; dynamic keys in $meta', async () => {
    const { f, calls } = fakeFetch('describe', 'query');
    const res = await client(f).query({
      collection_name: 'test_collection',
      filter: 'color like "red%"',
      limit: 3,
      output_fields: ['*'],
    });
    expect(bodyOf(calls[1]!)).toEqual(fx('query').request);
    expect(res.data[0]).toMatchObject({
      id: '448707763883002015',
      tags: ['9223372036854775807', '5'],
      info: { a: 1 },
      $meta: { note: 'dyn' },
    });
    expect(res.data[1]).toMatchObject({ id: '4', tags: [], info: null, $meta: {} });
  });

  it('search by ids and search_aggregation are refused by name before any request (not forwarded yet)', async () => {
    const { f, calls } = fakeFetch();
    for (const extra of [{ ids: [1] }, { data: [0.1, 0.2], search_aggregation: {} }]) {
      const e = await client(f)
        .search({ collection_name: 'c', ...extra } as never)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ElanusError);
      expect(e).toMatchObject({ code: 'NotImplemented' });
      expect((e as Error).message).toContain(`invalid parameter ${Object.keys(extra).pop()}:`);
    }
    expect(calls).toEqual([]);
  });

  it('partial upserts are refused before any request (REST would replace whole rows)', async () => {
    const { f, calls } = fakeFetch();
    for (const extra of [{ partial_update: true }, { field_ops: [{ field_name: 'tags', op: 1 }] }]) {
      const e = await client(f)
        .upsert({ collection_name: 'c', data: [{ id: 1 }], ...extra } as never)
        .catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'NotImplemented' });
      expect((e as Error).message).toContain(`invalid parameter ${Object.keys(extra)[0]}:`);
    }
    expect(calls).toEqual([]);
  });

  it('query grouping, ordering and aggregates other than count(*) alone are refused before any request', async () => {
    const { f, calls } = fakeFetch();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ group_by_fields: ['color'], output_fields: ['count(*)'] }, /invalid parameter group_by_fields:/],
      [{ order_by_fields: 'price:desc', limit: 3 }, /invalid parameter order_by_fields:/],
      [{ order_by: 'price', limit: 3 }, /invalid parameter order_by:/],
      [
        { output_fields: ['count(*)', 'sum(price)'] },
        /output_fields: aggregates other than count\(\*\) alone/,
      ],
      [{ output_fields: ['avg(price)'] }, /avg\(price\)/],
    ];
    for (const [extra, message] of cases) {
      const e = await client(f)
        .query({ collection_name: 'c', filter: '', ...extra } as never)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ElanusError);
      expect(e).toMatchObject({ code: 'NotImplemented' });
      expect((e as Error).message).toMatch(message);
    }
    expect(calls).toEqual([]);
  });

  it('search: hits in the SDK shape (id string, score), one list per query vector using topks', async () => {
    const { f, calls } = fakeFetch('describe', 'search', 'searchTwo');
    const c = client(f);
    const one = await c.search({
      collection_name: 'quick_setup',
      data: [
        0.3580376395471989, -0.6023495712049978, 0.18414012509913835, -0.26286205330961354,
        0.9029438446296592,
      ],
      anns_field: 'vector',
      limit: 3,
      output_fields: ['color'],
    });
    expect(bodyOf(calls[1]!)).toEqual(fx('search').request);
    expect(one.results).toEqual([
      { id: '0', score: 1, color: 'pink_8682' },
      { id: '1', score: 0.6290165, color: 'red_7025' },
      { id: '4', score: 0.5975797, color: 'red_4794' },
    ]);
    const two = await c.search({
      collection_name: 'quick_setup',
      data: [
        [0.1, 0.2, 0.3, 0.4, 0.5],
        [0.5, 0.4, 0.3, 0.2, 0.1],
      ],
      anns_field: 'vector',
      limit: 2,
      metric_type: 'COSINE',
      params: { ef: 64 },
    });
    expect(bodyOf(calls[2]!)).toEqual(fx('searchTwo').request);
    expect((two.results as { id: string }[][]).map((r) => r.map((h) => h.id))).toEqual([['1', '2'], ['3']]);
  });

  it('consistency_level: the SDK enum or a name goes out as consistencyLevel by name; an unknown one is refused', async () => {
    const { f, calls } = fakeFetch('describe', 'query', 'describe', 'search');
    const c = client(f);
    await c.query({
      collection_name: 'test_collection',
      filter: 'color like "red%"',
      limit: 3,
      output_fields: ['*'],
      consistency_level: ConsistencyLevelEnum.Bounded,
    });
    expect(bodyOf(calls[1]!)).toEqual({ ...(fx('query').request as object), consistencyLevel: 'Bounded' });
    await c.search({
      collection_name: 'quick_setup',
      data: [
        0.3580376395471989, -0.6023495712049978, 0.18414012509913835, -0.26286205330961354,
        0.9029438446296592,
      ],
      anns_field: 'vector',
      limit: 3,
      output_fields: ['color'],
      consistency_level: 'Eventually',
    });
    expect(bodyOf(calls[3]!)).toEqual({
      ...(fx('search').request as object),
      consistencyLevel: 'Eventually',
    });
    const e = await c
      .query({ collection_name: 'test_collection', filter: '', consistency_level: 7 as never })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).message).toMatch(/consistency_level: expected one of Strong, .* got 7/);
    expect(calls).toHaveLength(4);
  });

  it('hybrid_search: sub-requests and the reranker', async () => {
    const { f, calls } = fakeFetch('describe', 'hybrid');
    const res = await client(f).hybridSearch({
      collection_name: 'test_collection',
      data: [
        { data: [0.1, 0.2, 0.3, 0.4, 0.5], anns_field: 'vector', limit: 10 },
        { data: { indices: [3], values: [0.5] } as never, anns_field: 'sparse', limit: 10 },
      ],
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 2,
    });
    expect(bodyOf(calls[1]!)).toEqual(fx('hybrid').request);
    expect((res.results as { id: string }[]).map((h) => h.id)).toEqual(['7', '2']);
  });

  it('errors: HTTP 200 with a non-zero code becomes ElanusError with the Milvus code and message', async () => {
    const { f } = fakeFetch('notFound', 'unauthenticated');
    const c = client(f, 'root:secret-value');
    const e = await c.describeCollection({ collection_name: 'nope' }).catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.code).toBe('CollectionNotExists');
    expect(e.status).toBe(100);
    expect(e.message).toBe('collections/describe: collection not found[database=default][collection=nope]');
    const a = await c.listCollections().catch((x) => x);
    expect(a.code).toBe('RemoteError');
    expect(a.status).toBe(1800);
    expect(a.message).toMatch(
      /^authentication failed \(Milvus code 1800\): collections\/list: user hasn't authenticated; check the token$/,
    );
    expect(a.message).not.toContain('secret-value');
  });

  it('HTTP failures and credentials in the URI', async () => {
    const calls: Call[] = [];
    const f = (async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
      return new Response('<html>gateway</html>', { status: 502 });
    }) as unknown as typeof fetch;
    const c = new RestClient({
      uri: 'https://user:p%40ss@milvus.example:443/prefix/',
      fetch: f,
      db_name: 'books',
    });
    expect(c.identity).toBe('rest:https://milvus.example/prefix/books');
    const e = await c.listCollections().catch((x) => x);
    expect(e.code).toBe('Unavailable');
    expect(e.message).toMatch(/HTTP 502/);
    expect(calls[0]!.url).toBe('https://milvus.example/prefix/v2/vectordb/collections/list');
    expect(calls[0]!.headers.Authorization).toBe('Bearer user:p@ss');
    expect(bodyOf(calls[0]!)).toEqual({ dbName: 'books' });
    expect(JSON.stringify(c)).not.toContain('p@ss');
    expect(() => new RestClient({ uri: 'grpc://x:1' })).toThrow(/http\(s\):\/\/host:port/);
  });
});
