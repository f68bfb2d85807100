// The REST v2 transport end to end, through the test gateway (tests/support/rest-gateway.ts — test
// infrastructure translating REST v2 into SDK calls against milvus-lite, which has no REST API), and
// directly against a real Milvus when MILVUS_URI is set.
import {
  MilvusClient as CoreClient,
  createEngine,
  DataType,
  ElanusError,
  LocalClient,
  type SearchHit,
} from '@elanus/core';
import {
  MemoryCheckpointStore,
  MilvusClient,
  recordOps,
  registerRemoteTransport,
  sync,
} from '@elanus/milvus';
import { RestClient } from '@elanus/milvus/rest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { token as envToken, externalRestUri, uniqueName } from '../support/remote-env';
import { type RestGateway, startRestGateway } from '../support/rest-gateway';

const DIM = 16;
const TOKEN = 'root:Milvus-test-secret';

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

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
  { name: 'sp', data_type: DataType.SparseFloatVector },
  { name: 'title', data_type: DataType.VarChar, max_length: 64 },
  { name: 'big', data_type: DataType.Int64 },
  { name: 'rating', data_type: DataType.Float },
  { name: 'meta', data_type: DataType.JSON },
  { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
];
const indexes = [
  { field_name: 'vec', index_type: 'FLAT', metric_type: 'COSINE' },
  { field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
];

function row(i: number, v = 0) {
  const r = rng(i + 17 * v + 3);
  return {
    // Keys and Int64 values beyond 2^53 must survive JSON both ways.
    id: String(9_007_199_254_740_993n + BigInt(i)),
    vec: Array.from({ length: DIM }, () => r() - 0.5),
    sp: { [i % 50]: 1 + r(), 99: r() },
    title: `doc ${i} v${v}`,
    big: String(-(2n ** 62n) - BigInt(i)),
    rating: r() * 10,
    meta: { i, tags: ['a', i % 2 ? 'odd' : 'even'], v },
    nums: [String(2n ** 60n + BigInt(i)), i],
    ...(i % 2 ? { extra: `dyn ${i}` } : {}),
  };
}

async function seeded(name: string, n: number): Promise<LocalClient> {
  const l = await local();
  await recordOps(l);
  await l.createCollection({
    collection_name: name,
    fields,
    enable_dynamic_field: true,
    index_params: indexes,
  });
  await l.insert({ collection_name: name, data: Array.from({ length: n }, (_, i) => row(i)) });
  return l;
}

const hits = (h: SearchHit[] | SearchHit[][]) =>
  (h as SearchHit[]).map((x) => [x.id, Number(x.score.toFixed(4)), x.title]);

describe.each(['number', 'string'] as const)(
  'REST transport through the test gateway (Int64 as %s)',
  (int64As) => {
    let gw: RestGateway;
    let remote: RestClient;
    beforeAll(async () => {
      gw = await startRestGateway({ milvusAddress: inject('milvusAddress'), token: TOKEN, int64As });
      remote = new RestClient({ uri: gw.url, token: TOKEN });
    });
    afterAll(() => gw.close());

    it('pushes a local collection, searches it like the local engine, pulls it back', async () => {
      const name = uniqueName('rest');
      const l = await seeded(name, 600);
      const checkpoint = new MemoryCheckpointStore();
      const pushed = await sync({
        local: l,
        remote,
        collection: name,
        direction: 'push',
        batchSize: 128,
        checkpoint,
      });
      expect(pushed.pushed.upserted).toBe(600);
      expect(pushed.verification?.equal).toBe(true);
      // Only the CORS-safe pair of headers goes out.
      const sent = new Set(
        gw.requests
          .flatMap((r) => Object.keys(r.headers))
          .filter(
            (h) =>
              ![
                'host',
                'connection',
                'content-length',
                'accept',
                'accept-encoding',
                'accept-language',
                'sec-fetch-mode',
                'user-agent',
              ].includes(h),
          ),
      );
      expect([...sent].sort()).toEqual(['authorization', 'content-type']);

      const q = row(12_345).vec;
      for (const req of [
        { anns_field: 'vec', data: q, limit: 8, output_fields: ['title'] },
        { anns_field: 'vec', data: [q, row(7).vec], limit: 3, output_fields: ['title'] },
        {
          anns_field: 'sp',
          data: { 3: 1, 99: 0.5 },
          limit: 5,
          output_fields: ['title'],
          filter: 'rating > 2',
        },
      ]) {
        const a = await l.search({ collection_name: name, ...req });
        const b = await remote.search({ collection_name: name, ...req });
        if (Array.isArray(a.results[0])) {
          expect((b.results as SearchHit[][]).map(hits)).toEqual((a.results as SearchHit[][]).map(hits));
        } else expect(hits(b.results)).toEqual(hits(a.results));
      }
      const got = await remote.get({ collection_name: name, ids: [row(5).id], output_fields: ['*'] });
      expect(got.data[0]).toMatchObject({
        id: row(5).id,
        big: row(5).big,
        nums: row(5).nums.map(String),
        meta: row(5).meta,
        $meta: { extra: 'dyn 5' },
      });

      const fresh = await local();
      const pulled = await sync({
        local: fresh,
        remote,
        collection: name,
        direction: 'pull',
        batchSize: 200,
        checkpoint: new MemoryCheckpointStore(),
      });
      expect(pulled.pulled.upserted).toBe(600);
      expect(pulled.verification?.equal).toBe(true);
      await remote.dropCollection({ collection_name: name });
    }, 120_000);

    it('resumes after a server error mid-batch, with a consistent checkpoint', async () => {
      const name = uniqueName('rest_fail');
      const l = await seeded(name, 500);
      const checkpoint = new MemoryCheckpointStore();
      gw.failNext('entities/upsert', { after: 2, code: 65535, message: 'segment flush failed' });
      const e = await sync({
        local: l,
        remote,
        collection: name,
        direction: 'push',
        batchSize: 100,
        checkpoint,
      }).catch((x) => x);
      expect(e).toBeInstanceOf(ElanusError);
      expect(e.status).toBe(65535);
      expect(e.message).toMatch(/entities\/upsert: segment flush failed/);
      expect((await remote.count({ collection_name: name })).data).toBe(200);
      const r = await sync({
        local: l,
        remote,
        collection: name,
        direction: 'push',
        batchSize: 100,
        checkpoint,
      });
      expect(r.resumed).toBe(true);
      expect(r.pushed.upserted).toBe(300);
      expect(r.verification).toMatchObject({ equal: true, remote: { count: 500 } });
      await remote.dropCollection({ collection_name: name });
    }, 120_000);
  },
);

describe('REST transport errors', () => {
  let gw: RestGateway;
  beforeAll(async () => {
    gw = await startRestGateway({ milvusAddress: inject('milvusAddress'), token: TOKEN });
  });
  afterAll(() => gw.close());

  it('wrong credentials: a clear error that does not echo the token', async () => {
    const bad = new RestClient({ uri: gw.url, token: 'root:wrong-password' });
    const e = await bad.listCollections().catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.status).toBe(1800);
    expect(e.message).toMatch(/authentication failed .*check the token/);
    expect(e.message).not.toMatch(/wrong-password/);
    expect(JSON.stringify(bad)).not.toMatch(/wrong-password/);
    const none = new RestClient({ uri: gw.url });
    await expect(none.hasCollection({ collection_name: 'x' })).rejects.toThrow(/authentication failed/);
  });

  it('unreachable host and timeout: Unavailable', async () => {
    const dead = new RestClient({ uri: 'http://127.0.0.1:9', token: TOKEN, timeout: 2000 });
    const e1 = await dead.listCollections().catch((x) => x);
    expect(e1.code).toBe('Unavailable');
    expect(e1.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    const slow = new RestClient({ uri: gw.url, token: TOKEN, timeout: 300 });
    gw.delayNext('collections/list', 1500);
    const e2 = await slow.listCollections().catch((x) => x);
    expect(e2.code).toBe('Unavailable');
    expect(e2.message).toMatch(/no answer .* within 300 ms/);
  });

  it('server errors keep their Milvus code and message', async () => {
    const c = new RestClient({ uri: gw.url, token: TOKEN });
    const e = await c.describeCollection({ collection_name: 'does_not_exist_anywhere' }).catch((x) => x);
    expect(e.code).toBe('CollectionNotExists');
    expect(e.status).toBe(100);
    const name = uniqueName('rest_err');
    await c.createCollection({ collection_name: name, dimension: 4, metric_type: 'L2' });
    const q = await c.query({ collection_name: name, filter: 'id >> 1' }).catch((x) => x);
    expect(q).toBeInstanceOf(ElanusError);
    expect(q.message).toMatch(/entities\/query: .*unexpected token/);
    await c.dropCollection({ collection_name: name });
  });

  it('an incompatible remote schema is reported field by field and nothing is written', async () => {
    const name = uniqueName('rest_mismatch');
    const c = new RestClient({ uri: gw.url, token: TOKEN });
    await c.createCollection({
      collection_name: name,
      dimension: DIM + 1,
      metric_type: 'L2',
      vector_field_name: 'vec',
    });
    const l = await seeded(name, 10);
    const e = await sync({
      local: l,
      remote: c,
      collection: name,
      direction: 'push',
      checkpoint: new MemoryCheckpointStore(),
    }).catch((x) => x);
    expect(e.code).toBe('SchemaMismatch');
    expect(e.details.differences).toContainEqual({
      field: 'vec',
      property: 'dim',
      local: DIM,
      remote: DIM + 1,
    });
    expect((await c.count({ collection_name: name })).data).toBe(0);
    await c.dropCollection({ collection_name: name });
  });

  it('core MilvusClient reaches the REST transport for http(s) URIs', async () => {
    registerRemoteTransport();
    const viaCore = new CoreClient({ uri: gw.url, token: TOKEN });
    expect(await viaCore.client()).toBeInstanceOf(RestClient);
    const own = new MilvusClient({ uri: gw.url, token: TOKEN });
    const name = uniqueName('facade');
    await own.createCollection({ collection_name: name, dimension: 4, metric_type: 'L2' });
    await own.insert({
      collection_name: name,
      data: [
        { id: 1, vector: [1, 0, 0, 0] },
        { id: 2, vector: [0, 1, 0, 0] },
      ],
    });
    const res = await own.search({ collection_name: name, data: [0.9, 0.1, 0, 0], limit: 1 });
    expect((res.results as SearchHit[])[0]?.id).toBe('1');
    await own.dropCollection({ collection_name: name });
  });
});

// The same push/pull against a real Milvus REST API when one is configured.
describe.runIf(Boolean(externalRestUri()))('REST transport against MILVUS_URI', () => {
  it('pushes and pulls with equal checksums', async () => {
    const t = envToken();
    const remote = new RestClient({ uri: externalRestUri()!, ...(t ? { token: t } : {}) });
    const name = uniqueName('rest_real');
    const l = await seeded(name, 300);
    try {
      const r = await sync({
        local: l,
        remote,
        collection: name,
        direction: 'push',
        checkpoint: new MemoryCheckpointStore(),
      });
      expect(r.verification?.equal).toBe(true);
      const fresh = await local();
      const p = await sync({
        local: fresh,
        remote,
        collection: name,
        direction: 'pull',
        checkpoint: new MemoryCheckpointStore(),
      });
      expect(p.verification?.equal).toBe(true);
    } finally {
      await remote.dropCollection({ collection_name: name }).catch(() => {});
    }
  }, 120_000);
});
