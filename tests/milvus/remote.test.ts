// @elanus/milvus against a real Milvus API (milvus-lite, or MILVUS_URI): the gRPC transport, schema
// mapping both ways, push of 20,000 rows and search parity, pull into an empty local, deletions.
import {
  ConsistencyLevelEnum,
  MilvusClient as CoreClient,
  createEngine,
  DataType,
  ElanusError,
  LocalClient,
  type SearchHit,
} from '@elanus/core';
import {
  compareSchemas,
  createLocalFrom,
  createRemoteFrom,
  describeSchema,
  GrpcClient,
  MemoryCheckpointStore,
  recordOps,
  registerGrpcTransport,
  sync,
} from '@elanus/milvus/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcUri, sdkLogLevel, token, uniqueName } from '../support/remote-env';

const DIM = 32;
const N = 20_000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function local(): Promise<LocalClient> {
  return new LocalClient(await createEngine({ device: 'js' }));
}

function remoteClient(): GrpcClient {
  const t = token();
  return new GrpcClient({ uri: grpcUri(), logLevel: sdkLogLevel, ...(t ? { token: t } : {}) });
}

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
  { name: 'sp', data_type: DataType.SparseFloatVector },
  { name: 'title', data_type: DataType.VarChar, max_length: 128, enable_analyzer: true },
  { name: 'bm', data_type: DataType.SparseFloatVector },
  { name: 'year', data_type: DataType.Int32 },
  { name: 'big', data_type: DataType.Int64, nullable: true },
  { name: 'rating', data_type: DataType.Float },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'meta', data_type: DataType.JSON },
  {
    name: 'tags',
    data_type: DataType.Array,
    element_type: DataType.VarChar,
    max_capacity: 4,
    max_length: 16,
  },
];
const functions = [
  {
    name: 'title_bm25',
    type: 'BM25' as const,
    input_field_names: ['title'],
    output_field_names: ['bm'],
    params: {},
  },
];
const indexes = [
  { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
  { field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
  { field_name: 'bm', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
];

function row(i: number, version = 0) {
  const r = rng(i * 31 + version + 1);
  const vec = Array.from({ length: DIM }, () => r() * 2 - 1);
  const out: Record<string, unknown> = {
    id: i,
    vec,
    sp: { [i % 500]: 0.25 + r(), [500 + ((i * 13) % 9000)]: r() },
    title: `book ${i} about ${['cats', 'dogs', 'birds', 'fish'][i % 4]} v${version}`,
    year: 1950 + (i % 70),
    big: i % 7 === 0 ? null : String(9007199254740993n + BigInt(i)),
    rating: Math.round(r() * 50) / 10,
    flag: i % 2 === 0,
    meta: { i, shelf: `s${i % 10}`, v: version },
    tags: [`t${i % 3}`],
  };
  if (i % 4 === 0) out.note = `dynamic ${i}`;
  return out;
}

describe('gRPC transport', () => {
  let remote: GrpcClient;
  beforeAll(() => {
    remote = remoteClient();
  });
  afterAll(() => remote.closeConnection());

  it('needs an explicit port', () => {
    expect(() => new GrpcClient({ uri: 'grpc://localhost' })).toThrow(/explicit port/);
  });

  it('turns error statuses into ElanusError with the server code and message', async () => {
    const missing = await remote
      .describeCollection({ collection_name: 'no_such_collection_x' })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(ElanusError);
    expect(missing.code).toBe('CollectionNotExists');
    expect(missing.details.remote).toBe(true);
    const name = uniqueName('errs');
    await remote.createCollection({
      collection_name: name,
      dimension: 4,
      index_params: { index_type: 'FLAT', metric_type: 'L2' },
    });
    const bad = await remote.query({ collection_name: name, filter: 'id >> 2' }).catch((e) => e);
    expect(bad).toBeInstanceOf(ElanusError);
    expect(bad.message).toMatch(/query: .*unexpected token/);
    const dim = await remote
      .insert({ collection_name: name, data: [{ id: 1, vector: [1, 2] }] })
      .catch((e) => e);
    expect(dim).toBeInstanceOf(ElanusError);
    expect(dim.message).toMatch(/dim/);
    await remote.dropCollection({ collection_name: name });
  });

  it('reports an unreachable server as Unavailable', async () => {
    const c = new GrpcClient({
      uri: 'grpc://127.0.0.1:9',
      timeout: 3000,
      logLevel: sdkLogLevel,
      sdk: { maxRetries: 0 },
    });
    const e = await c.listCollections().catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.code).toBe('Unavailable');
    expect(e.message).toMatch(/cannot reach Milvus at 127\.0\.0\.1:9/);
    await c.closeConnection();
  });

  it('is what core MilvusClient uses for grpc:// once registered', async () => {
    registerGrpcTransport();
    const c = new CoreClient({
      uri: grpcUri(),
      logLevel: sdkLogLevel,
      ...(token() ? { token: token() } : {}),
    });
    const res = await c.listCollections();
    expect(Array.isArray(res.collection_names)).toBe(true);
    expect(await c.client()).toBeInstanceOf(GrpcClient);
    await c.closeConnection();
  });

  it('pages queryIterator in primary-key order', async () => {
    const name = uniqueName('iter');
    await remote.createCollection({
      collection_name: name,
      dimension: 2,
      index_params: { index_type: 'FLAT', metric_type: 'L2' },
    });
    // Inserted out of key order: milvus-lite pages in storage order unless asked for key order.
    const ids = Array.from({ length: 250 }, (_, i) => (i * 7919) % 1009);
    await remote.insert({ collection_name: name, data: ids.map((id) => ({ id, vector: [id, 1] })) });
    const seen: string[] = [];
    for await (const page of await remote.queryIterator({
      collection_name: name,
      batchSize: 40,
      output_fields: ['id'],
    })) {
      seen.push(...page.map((r) => String(r.id)));
    }
    expect(seen).toEqual(ids.map(String).sort((a, b) => Number(a) - Number(b)));
    await remote.dropCollection({ collection_name: name });
  });
});

describe('schema mapping', () => {
  let remote: GrpcClient;
  beforeAll(() => {
    remote = remoteClient();
  });
  afterAll(() => remote.closeConnection());

  it('creates the remote from a local collection (every field type, BM25, partitions, indexes) and back', async () => {
    const name = uniqueName('schema');
    const l = await local();
    await l.createCollection({
      collection_name: name,
      fields: [
        ...fields,
        { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 8 },
        { name: 'd', data_type: DataType.Double, default_value: 1.5 },
      ],
      functions,
      enable_dynamic_field: true,
      index_params: [
        {
          field_name: 'vec',
          index_type: 'HNSW',
          metric_type: 'COSINE',
          params: { M: 8, efConstruction: 64 },
        },
        ...indexes.slice(1),
      ],
    });
    await l.createPartition({ collection_name: name, partition_name: 'extra' });
    const created = await createRemoteFrom(l, remote, name);
    expect(created.created).toBe(true);
    expect(created.partitions).toEqual(['extra']);
    expect(compareSchemas(await describeSchema(l, name), await describeSchema(remote, name))).toEqual([]);
    const idx = await remote.describeIndex({ collection_name: name, field_name: 'vec' });
    expect(idx.index_descriptions[0]?.index_type).toBe('HNSW');
    expect(idx.index_descriptions[0]?.metric_type).toBe('COSINE');
    expect((await remote.hasPartition({ collection_name: name, partition_name: 'extra' })).value).toBe(true);
    // Again: compatible, nothing created.
    expect((await createRemoteFrom(l, remote, name)).created).toBe(false);
    // And back into another local engine.
    const l2 = await local();
    const back = await createLocalFrom(remote, l2, name);
    expect(back.created).toBe(true);
    expect(compareSchemas(await describeSchema(l2, name), await describeSchema(remote, name))).toEqual([]);
    expect(
      (await l2.describeIndex({ collection_name: name, field_name: 'vec' })).index_descriptions[0]
        ?.index_type,
    ).toBe('HNSW');
    await remote.dropCollection({ collection_name: name });
  });

  it('reports an incompatible remote schema field by field and writes nothing', async () => {
    const name = uniqueName('mismatch');
    const l = await local();
    await l.createCollection({ collection_name: name, fields, functions, index_params: indexes });
    await l.insert({ collection_name: name, data: [row(1)] });
    await remote.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.VarChar, max_length: 32, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM * 2 },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
      ],
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    });
    const e = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'push',
      checkpoint: new MemoryCheckpointStore(),
    }).catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.code).toBe('SchemaMismatch');
    const diffs = e.details.differences as { field: string; property: string }[];
    expect(diffs).toContainEqual({ field: 'id', property: 'type', local: 'Int64', remote: 'VarChar' });
    expect(diffs).toContainEqual({ field: 'vec', property: 'dim', local: DIM, remote: DIM * 2 });
    expect(diffs).toContainEqual({ field: 'title', property: 'maxLength', local: 128, remote: 64 });
    expect(
      diffs
        .filter((d) => d.property === 'presence')
        .map((d) => d.field)
        .sort(),
    ).toEqual(['big', 'bm', 'flag', 'meta', 'rating', 'sp', 'tags', 'year']);
    expect((await remote.count({ collection_name: name })).data).toBe(0);
    await remote.dropCollection({ collection_name: name });
  });
});

describe(`sync of ${N} rows`, () => {
  let remote: GrpcClient;
  let l: LocalClient;
  const name = uniqueName('books');
  const checkpoint = new MemoryCheckpointStore();

  beforeAll(async () => {
    remote = remoteClient();
    l = await local();
    await recordOps(l);
    await l.createCollection({
      collection_name: name,
      fields,
      functions,
      enable_dynamic_field: true,
      index_params: indexes,
    });
    for (let i = 0; i < N; i += 5000) {
      await l.insert({ collection_name: name, data: Array.from({ length: 5000 }, (_, j) => row(i + j)) });
    }
  }, 120_000);
  afterAll(async () => {
    await remote.dropCollection({ collection_name: name }).catch(() => {});
    await remote.closeConnection();
  });

  const hits = (h: SearchHit[] | SearchHit[][]) =>
    (h as SearchHit[]).map((x) => [String(x.id), Number(x.score.toFixed(3))]);

  it('pushes vectors, scalars, JSON, sparse vectors and dynamic fields; both sides check out equal', async () => {
    const res = await sync({ local: l, remote, collection: name, direction: 'push', checkpoint });
    expect(res.pushMode).toBe('log');
    expect(res.pushed.upserted).toBe(N);
    expect(res.verification).toMatchObject({ equal: true, local: { count: N }, remote: { count: N } });
    const again = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'push',
      checkpoint,
      verify: false,
    });
    expect(again.pushed).toEqual({ upserted: 0, deleted: 0 });
  }, 240_000);

  it('answers the same search request like the local engine', async () => {
    const q = row(123_456).vec as number[];
    for (const req of [
      { anns_field: 'vec', data: q, limit: 10, output_fields: ['title', 'year'] },
      {
        anns_field: 'vec',
        data: q,
        limit: 5,
        filter: 'year > 2000 and flag == true',
        output_fields: ['year', 'flag'],
      },
      { anns_field: 'sp', data: { 7: 1, 123: 0.5 }, limit: 5, output_fields: ['title'] },
    ]) {
      const a = await l.search({ collection_name: name, ...req });
      const b = await remote.search({ collection_name: name, ...req });
      expect(hits(b.results)).toEqual(hits(a.results));
      const fieldsOf = (h: SearchHit[] | SearchHit[][]) =>
        (h as SearchHit[]).map((x) => req.output_fields.map((f) => x[f]));
      expect(fieldsOf(b.results)).toEqual(fieldsOf(a.results));
    }
  });

  it('takes consistency_level on reads as the SDK does (enum number or name), on both sides', async () => {
    const q = row(654_321).vec as number[];
    for (const level of [ConsistencyLevelEnum.Strong, ConsistencyLevelEnum.Bounded, 'Eventually'] as const) {
      const req = { collection_name: name, anns_field: 'vec', data: q, limit: 5, consistency_level: level };
      const a = await l.search(req);
      const b = await remote.search(req);
      expect(hits(b.results)).toEqual(hits(a.results));
      const count = { collection_name: name, filter: 'year > 2000', consistency_level: level };
      expect((await remote.count(count)).data).toBe((await l.count(count)).data);
    }
  });

  it('pulls into an empty local collection and checks out equal', async () => {
    const fresh = await local();
    const res = await sync({
      local: fresh,
      remote,
      collection: name,
      direction: 'pull',
      checkpoint: new MemoryCheckpointStore(),
    });
    expect(res.pulled.upserted).toBe(N);
    expect(res.verification).toMatchObject({ equal: true, local: { count: N } });
    const q = row(99).vec as number[];
    const a = await fresh.search({ collection_name: name, anns_field: 'vec', data: q, limit: 10 });
    const b = await l.search({ collection_name: name, anns_field: 'vec', data: q, limit: 10 });
    expect(hits(a.results)).toEqual(hits(b.results));
  }, 240_000);

  it('carries deletions and updates from either side', async () => {
    await l.delete({ collection_name: name, ids: [1, 2, 3] });
    await l.upsert({ collection_name: name, data: [row(10, 1), row(N + 1)] });
    const pushed = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'push',
      checkpoint,
      verify: false,
    });
    expect(pushed.pushed).toEqual({ upserted: 2, deleted: 3 });
    await remote.delete({ collection_name: name, ids: [20, 21] });
    await remote.upsert({ collection_name: name, data: [row(30, 2)] });
    const pulled = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'pull',
      checkpoint,
      verify: false,
    });
    expect(pulled.pulled).toEqual({ upserted: 1, deleted: 2 });
    // Two-way: a deletion on each side, one edit each.
    await l.delete({ collection_name: name, ids: [40] });
    await remote.delete({ collection_name: name, ids: [41] });
    await l.upsert({ collection_name: name, data: [row(42, 3)] });
    await remote.upsert({ collection_name: name, data: [row(43, 3)] });
    const both = await sync({ local: l, remote, collection: name, direction: 'both', checkpoint });
    expect(both.verification).toMatchObject({ equal: true, local: { count: N - 6 } });
    const got = await remote.get({ collection_name: name, ids: [40, 41, 42, 43], output_fields: ['title'] });
    expect(got.data.map((x) => x.title)).toEqual(['book 42 about birds v3', 'book 43 about fish v3']);
  }, 300_000);
});
