// HttpClient: the SDK 3.0.6 README's HttpClient snippet and its REST v2 methods, with only the endpoint
// changed ('localhost:19530' → 'memory://' / 'idb://<name>'); REST v2 bodies in, `{ code, data }` out.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/index.js';
import { fakeWorker } from './worker-support.js';

const vec = (x: number, dim = 4) => Array.from({ length: dim }, (_, i) => Math.sin(x + i));
let databases = 0;

describe.each(['memory://', 'idb://'])('HttpClient on %s', (scheme) => {
  const endpoint = () => (scheme === 'memory://' ? scheme : `idb://sdk-http-${++databases}`);

  it('runs the README flow: createCollection, insert, search, query', async () => {
    const client = new HttpClient({
      endpoint: endpoint(),
      username: 'root',
      password: 'milvus',
      token: 'your-api-key',
      database: 'default',
      timeout: 60000,
    });
    expect(await client.createCollection({ collectionName: 'quick', dimension: 4 })).toEqual({
      code: 0,
      data: {},
    });
    const ins = await client.insert({
      collectionName: 'quick',
      data: [0, 1, 2, 3].map((i) => ({ id: i, vector: vec(i), color: `c${i}` })),
    });
    expect(ins).toEqual({ code: 0, data: { insertCount: 4, insertIds: [0, 1, 2, 3] } });
    const s = await client.search({
      collectionName: 'quick',
      data: [vec(2)],
      annsField: 'vector',
      limit: 2,
      outputFields: ['color'],
    });
    expect(s.code).toBe(0);
    const hits = s.data as { id: unknown; distance: number; color: string }[];
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ id: '2', color: 'c2' });
    expect(typeof hits[0]!.distance).toBe('number');
    expect(s.topks).toEqual([2]);
    const two = await client.search({ collectionName: 'quick', data: [vec(1), vec(3)], limit: 1 });
    expect((two.data as unknown[][]).map((g) => (g[0] as { id: string }).id)).toEqual(['1', '3']);
    const q = await client.query({
      collectionName: 'quick',
      filter: 'id in [1, 3]',
      outputFields: ['id', 'color'],
    });
    expect(q).toEqual({
      code: 0,
      data: [
        { id: '1', color: 'c1' },
        { id: '3', color: 'c3' },
      ],
    });
    const g = await client.get({ collectionName: 'quick', id: [0], outputFields: ['color'] });
    expect(g.data).toEqual([{ id: '0', color: 'c0' }]);
    expect(
      (await client.upsert({ collectionName: 'quick', data: [{ id: 0, vector: vec(9), color: 'z' }] })).data,
    ).toEqual({
      upsertCount: 1,
      upsertIds: [0],
    });
    expect((await client.delete({ collectionName: 'quick', filter: 'id == 3' })).code).toBe(0);
    expect((await client.getCollectionStatistics({ collectionName: 'quick' })).data).toEqual({ rowCount: 3 });
    await client.closeConnection();
  });

  it('collections, schema form, indexes, partitions, aliases, properties', async () => {
    const client = new HttpClient({ endpoint: endpoint() });
    const res = await client.createCollection({
      collectionName: 'docs',
      schema: {
        autoId: false,
        enabledDynamicField: false,
        fields: [
          { fieldName: 'my_id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'my_vector', dataType: 'FloatVector', elementTypeParams: { dim: 4 } },
          { fieldName: 'title', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
        ],
      },
      indexParams: [
        {
          fieldName: 'my_vector',
          indexName: 'vec_idx',
          metricType: 'COSINE',
          params: { index_type: 'FLAT' },
        },
      ],
    });
    expect(res).toEqual({ code: 0, data: {} });
    expect(await client.listCollections()).toEqual({ code: 0, data: ['docs'] });
    expect((await client.hasCollection({ collectionName: 'docs' })).data).toEqual({ has: true });
    const d = await client.describeCollection({ collectionName: 'docs' });
    const data = d.data as {
      collectionName: string;
      fields: { name: string; type: string; primaryKey: boolean }[];
      indexes: unknown[];
      load: string;
    };
    expect(data.collectionName).toBe('docs');
    expect(data.fields.map((f) => [f.name, f.type, f.primaryKey])).toEqual([
      ['my_id', 'Int64', true],
      ['my_vector', 'FloatVector', false],
      ['title', 'VarChar', false],
    ]);
    expect(data.indexes).toEqual([{ fieldName: 'my_vector', indexName: 'vec_idx', metricType: 'COSINE' }]);
    expect(data.load).toBe('LoadStateLoaded');
    expect((await client.listIndexes({ collectionName: 'docs' })).data).toEqual(['vec_idx']);
    const di = await client.describeIndex({ collectionName: 'docs', indexName: 'vec_idx' });
    expect((di.data as { indexType: string }[])[0]).toMatchObject({
      indexName: 'vec_idx',
      indexType: 'FLAT',
      indexState: 'Finished',
    });
    expect((await client.createPartition({ collectionName: 'docs', partitionName: 'p1' })).code).toBe(0);
    expect((await client.listPartitions({ collectionName: 'docs' })).data).toEqual(['_default', 'p1']);
    expect((await client.hasPartition({ collectionName: 'docs', partitionName: 'p1' })).data).toEqual({
      has: true,
    });
    expect((await client.createAlias({ collectionName: 'docs', aliasName: 'latest' })).code).toBe(0);
    expect((await client.describeAlias({ aliasName: 'latest' })).data).toEqual({
      aliasName: 'latest',
      collectionName: 'docs',
      dbName: 'default',
    });
    expect((await client.listAliases({})).data).toEqual(['latest']);
    expect(
      (
        await client.alterCollectionProperties({
          collectionName: 'docs',
          properties: { 'collection.ttl.seconds': 60 },
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await client.alterCollectionFieldProperties({
          collectionName: 'docs',
          fieldName: 'title',
          fieldParams: { max_length: 128 },
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await client.alterIndexProperties({
          collectionName: 'docs',
          indexName: 'vec_idx',
          properties: { 'mmap.enabled': true },
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await client.dropIndexProperties({
          collectionName: 'docs',
          indexName: 'vec_idx',
          propertyKeys: ['mmap.enabled'],
        })
      ).code,
    ).toBe(0);
    const props = (await client.describeCollection({ collectionName: 'docs' })).data as {
      properties: unknown;
    };
    expect(props.properties).toEqual([{ key: 'collection.ttl.seconds', value: '60' }]);
    expect(
      (
        await client.dropCollectionProperties({
          collectionName: 'docs',
          propertyKeys: ['collection.ttl.seconds'],
        })
      ).code,
    ).toBe(0);
    expect((await client.getCollectionLoadState({ collectionName: 'docs' })).data).toEqual({
      loadState: 'LoadStateLoaded',
      loadProgress: 100,
    });
    expect((await client.releaseCollection({ collectionName: 'docs' })).code).toBe(0);
    expect((await client.dropAlias({ aliasName: 'latest' })).code).toBe(0);
    expect((await client.dropCollection({ collectionName: 'docs' })).code).toBe(0);
    expect((await client.listCollections()).data).toEqual([]);
    await client.closeConnection();
  });

  it('errors come back as the server sends them: { code, message } naming the parameter', async () => {
    const client = new HttpClient({ endpoint: endpoint() });
    const missing = await client.describeCollection({ collectionName: 'nope' });
    expect(missing.code).toBe(100);
    expect(missing.message).toMatch(/nope/);
    const bad = await client.createCollection({ collectionName: 'x', dimension: 4, metricType: 'NOPE' });
    expect(bad.code).toBe(1100);
    expect(bad.message).toMatch(/metric/i);
    const db = await client.listCollections({ dbName: 'other' });
    expect(db.code).not.toBe(0);
    await client.closeConnection();
  });
});

describe('HttpClient with worker (the engine in a Worker)', () => {
  it('passes the other config keys to its MilvusClient', async () => {
    const client = new HttpClient({ endpoint: 'memory://', worker: () => fakeWorker() as unknown as Worker });
    await client.createCollection({ collectionName: 'w', dimension: 4 });
    await client.insert({
      collectionName: 'w',
      data: [
        { id: 1, vector: vec(1) },
        { id: 2, vector: vec(2) },
      ],
    });
    const s = await client.search({ collectionName: 'w', data: [vec(2)], limit: 1 });
    expect((s.data as { id: string }[])[0]!.id).toBe('2');
    await client.closeConnection();
  });
});

describe('HttpClient over http(s)', () => {
  it('POSTs REST v2 bodies to <endpoint>/v2/vectordb/... with the SDK headers', async () => {
    const calls: { url: string; init: Record<string, unknown> }[] = [];
    const client = new HttpClient({
      endpoint: 'localhost:19530',
      token: 'root:Milvus',
      fetch: async (url, init) => {
        calls.push({ url, init: init ?? {} });
        return { ok: true, status: 200, statusText: 'OK', json: async () => ({ code: 0, data: ['a'] }) };
      },
    });
    expect(client.baseURL).toBe('http://localhost:19530/v2');
    expect(await client.listCollections()).toEqual({ code: 0, data: ['a'] });
    expect(calls[0]!.url).toBe('http://localhost:19530/v2/vectordb/collections/list');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ dbName: 'default' });
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer root:Milvus');
  });

  it('never shows the token or password: JSON.stringify, util.inspect and config are masked', async () => {
    const { inspect } = await import('node:util');
    const client = new HttpClient({
      endpoint: 'https://db.example:19530',
      token: 's3cret-tok',
      password: 'pw-9',
    });
    for (const shown of [
      JSON.stringify(client),
      inspect(client, { depth: 5 }),
      JSON.stringify(client.config),
    ]) {
      expect(shown).not.toContain('s3cret-tok');
      expect(shown).not.toContain('pw-9');
    }
    expect(client.config).toMatchObject({
      endpoint: 'https://db.example:19530',
      token: '***',
      password: '***',
    });
  });
});
