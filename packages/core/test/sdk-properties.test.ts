// Collection, field and index properties: the SDK 3.0.6 doc snippets of alterCollectionProperties,
// dropCollectionProperties, alterCollectionFieldProperties, alterIndexProperties and dropIndexProperties,
// with only the address changed (memory://, idb:// reopened through fake-indexeddb, and a worker).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DataType, ElanusError, MilvusClient } from '../src/index.js';
import { fakeWorker } from './worker-support.js';

const dim = 4;
let databases = 0;

async function setUp(client: MilvusClient) {
  await client.createCollection({
    collection_name: 'my_collection',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'title', data_type: DataType.VarChar, max_length: 8 },
      { name: 'vector', data_type: DataType.FloatVector, dim },
    ],
    index_params: [{ field_name: 'vector', index_name: 'my_index', index_type: 'FLAT', metric_type: 'L2' }],
  });
}

const props = async (client: MilvusClient) =>
  Object.fromEntries(
    (await client.describeCollection({ collection_name: 'my_collection' })).properties.map((p) => [
      p.key,
      p.value,
    ]),
  );

async function caught(p: Promise<unknown>): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(ElanusError);
  return e as ElanusError;
}

const backends: [string, () => Record<string, unknown>][] = [
  ['memory://', () => ({ address: 'memory://' })],
  ['idb://', () => ({ address: `idb://sdk-properties-${++databases}` })],
  ['memory:// worker', () => ({ address: 'memory://', worker: () => fakeWorker() as unknown as Worker })],
  [
    'idb:// worker',
    () => ({
      address: `idb://sdk-properties-${++databases}`,
      worker: () => fakeWorker() as unknown as Worker,
    }),
  ],
];

describe.each(backends)('properties on %s', (_name, config) => {
  it('alterCollectionProperties / dropCollectionProperties (the SDK examples)', async () => {
    const milvusClient = new MilvusClient(config());
    await setUp(milvusClient);
    expect(await props(milvusClient)).toEqual({});
    const resStatus = await milvusClient.alterCollectionProperties({
      collection_name: 'my_collection',
      properties: { 'collection.ttl.seconds': 18000 },
    });
    expect(resStatus.error_code).toBe('Success');
    await milvusClient.alterCollection({
      collection_name: 'my_collection',
      properties: { 'mmap.enabled': true, 'my.own.key': 'anything' },
    });
    expect(await props(milvusClient)).toEqual({
      'collection.ttl.seconds': '18000',
      'mmap.enabled': 'true',
      'my.own.key': 'anything',
    });
    await milvusClient.dropCollectionProperties({
      collection_name: 'my_collection',
      properties: ['collection.ttl.seconds'],
    });
    expect(await props(milvusClient)).toEqual({ 'mmap.enabled': 'true', 'my.own.key': 'anything' });
    await milvusClient.closeConnection();
  });

  it('alterCollectionFieldProperties changes max_length (enforced) and mmap.enabled', async () => {
    const milvusClient = new MilvusClient(config());
    await setUp(milvusClient);
    const row = (title: string) => ({ id: 1, title, vector: [1, 2, 3, 4] });
    await expect(
      milvusClient.insert({ collection_name: 'my_collection', data: [row('0123456789')] }),
    ).rejects.toThrow(/max/i);
    const resStatus = await milvusClient.alterCollectionFieldProperties({
      collection_name: 'my_collection',
      field_name: 'title',
      properties: { 'mmap.enabled': true, max_length: 128 },
    });
    expect(resStatus.error_code).toBe('Success');
    const ins = await milvusClient.insert({ collection_name: 'my_collection', data: [row('0123456789')] });
    expect(ins.insert_cnt).toBe('1');
    const d = await milvusClient.describeCollection({ collection_name: 'my_collection' });
    const title = d.schema.fields.find((f) => f.name === 'title')!;
    expect(title.max_length).toBe('128');
    expect(title.type_params).toContainEqual({ key: 'mmap.enabled', value: 'true' });
    await milvusClient.closeConnection();
  });

  it('alterIndexProperties / dropIndexProperties (the SDK examples)', async () => {
    const milvusClient = new MilvusClient(config());
    await setUp(milvusClient);
    const params = async () =>
      (await milvusClient.describeIndex({ collection_name: 'my_collection', index_name: 'my_index' }))
        .index_descriptions[0]!.params;
    const res = await milvusClient.alterIndexProperties({
      collection_name: 'my_collection',
      index_name: 'my_index',
      params: { 'mmap.enabled': true },
    });
    expect(res.error_code).toBe('Success');
    expect(await params()).toContainEqual({ key: 'mmap.enabled', value: 'true' });
    const dropIndexPropertiesReq = {
      collection_name: 'my_collection',
      index_name: 'my_index',
      properties: ['mmap.enabled'],
    };
    await milvusClient.dropIndexProperties(dropIndexPropertiesReq);
    expect((await params()).map((p) => p.key)).not.toContain('mmap.enabled');
    await milvusClient.closeConnection();
  });

  it('bad input names the parameter', async () => {
    const c = new MilvusClient(config());
    await setUp(c);
    const ttl = await caught(
      c.alterCollectionProperties({
        collection_name: 'my_collection',
        properties: { 'collection.ttl.seconds': -1 },
      }),
    );
    expect(ttl.code).toBe('IllegalArgument');
    expect(ttl.message).toMatch(/properties.*collection\.ttl\.seconds/);
    expect(
      (
        await caught(
          c.alterCollectionProperties({ collection_name: 'my_collection', properties: 3 as never }),
        )
      ).message,
    ).toMatch(/parameter properties/);
    const field = await caught(
      c.alterCollectionFieldProperties({
        collection_name: 'my_collection',
        field_name: 'title',
        properties: { nullable: true },
      }),
    );
    expect(field.message).toMatch(/"nullable" is not an alterable property/);
    const nofield = await caught(
      c.alterCollectionFieldProperties({
        collection_name: 'my_collection',
        field_name: 'nope',
        properties: { max_length: 9 },
      }),
    );
    expect(nofield.details?.param).toBe('field_name');
    const idx = await caught(
      c.alterIndexProperties({
        collection_name: 'my_collection',
        index_name: 'nope',
        params: { 'mmap.enabled': true },
      }),
    );
    expect(idx.details?.param).toBe('index_name');
    const missing = await caught(
      c.alterCollectionProperties({ collection_name: 'nope', properties: { a: 1 } }),
    );
    expect(missing.code).toBe('CollectionNotExists');
    await c.closeConnection();
  });
});

describe.each([false, true])('idb:// keeps properties across a reopen (worker: %s)', (inWorker) => {
  const extra = () => (inWorker ? { worker: () => fakeWorker() as unknown as Worker } : {});
  it('collection, field and index properties survive', async () => {
    const address = `idb://sdk-properties-reopen-${++databases}`;
    const a = new MilvusClient({ address, ...extra() });
    await setUp(a);
    await a.alterCollectionProperties({
      collection_name: 'my_collection',
      properties: { 'collection.ttl.seconds': 60, 'my.key': 'v' },
    });
    await a.dropCollectionProperties({ collection_name: 'my_collection', properties: ['my.key'] });
    await a.alterCollectionFieldProperties({
      collection_name: 'my_collection',
      field_name: 'title',
      properties: { max_length: 64 },
    });
    await a.alterIndexProperties({
      collection_name: 'my_collection',
      index_name: 'my_index',
      params: { 'mmap.enabled': false },
    });
    // A write after the change goes to the log: the reopen replays it over the sealed properties.
    await a.insert({
      collection_name: 'my_collection',
      data: [{ id: 7, title: 'a longer title', vector: [1, 2, 3, 4] }],
    });
    await a.closeConnection();

    const b = new MilvusClient({ address, ...extra() });
    expect(await props(b)).toEqual({ 'collection.ttl.seconds': '60' });
    const d = await b.describeCollection({ collection_name: 'my_collection' });
    expect(d.schema.fields.find((f) => f.name === 'title')!.max_length).toBe('64');
    const i = await b.describeIndex({ collection_name: 'my_collection', index_name: 'my_index' });
    expect(i.index_descriptions[0]!.params).toContainEqual({ key: 'mmap.enabled', value: 'false' });
    const n = await b.count({ collection_name: 'my_collection' });
    expect(n.data).toBe(1);
    await b.closeConnection();
  });
});
