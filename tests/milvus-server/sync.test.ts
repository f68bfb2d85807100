// Sync against a genuine Milvus server (2.3.5 standalone, the server tier): push, search parity, pull,
// deletions and updates both ways, two-way sync, each checked with checksums of both sides. The schema
// keeps to what 2.3 has (no sparse vectors, BM25 functions or nullable fields).
import { createEngine, DataType, LocalClient, type SearchHit } from '@elanus/core';
import { GrpcClient, MemoryCheckpointStore, recordOps, sync } from '@elanus/milvus/node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sdkLogLevel, uniqueName } from '../support/remote-env';

const DIM = 32;
const N = 10_000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
  { name: 'title', data_type: DataType.VarChar, max_length: 128 },
  { name: 'year', data_type: DataType.Int32 },
  { name: 'score', data_type: DataType.Double },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'meta', data_type: DataType.JSON },
  { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
];

function row(i: number, version = 0) {
  const r = rng(i * 31 + version);
  return {
    id: i,
    vec: Array.from({ length: DIM }, () => Math.round((r() - 0.5) * 2000) / 1000),
    title: `doc ${i} v${version}`,
    year: 1950 + (i % 70),
    score: Math.round(r() * 1e6) / 1e3,
    flag: i % 3 === 0,
    meta: { i, tag: i % 2 ? 'odd' : 'even', v: version },
    nums: [String(2n ** 60n + BigInt(i)), i],
    ...(i % 2 ? { extra: `dyn ${i}` } : {}),
  };
}

const ids = (h: SearchHit[] | SearchHit[][]) => (h as SearchHit[]).map((x) => String(x.id));
const scores = (h: SearchHit[] | SearchHit[][]) => (h as SearchHit[]).map((x) => x.score);

describe(`sync of ${N} rows with a Milvus 2.3 server`, () => {
  let remote: GrpcClient;
  let l: LocalClient;
  const name = uniqueName('srv');
  const checkpoint = new MemoryCheckpointStore();

  beforeAll(async () => {
    remote = new GrpcClient({ uri: `grpc://${inject('milvusAddress')}`, logLevel: sdkLogLevel });
    l = new LocalClient(await createEngine({ device: 'js' }));
    await recordOps(l);
    await l.createCollection({
      collection_name: name,
      fields,
      enable_dynamic_field: true,
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    });
    await l.insert({ collection_name: name, data: Array.from({ length: N }, (_, i) => row(i)) });
  }, 120_000);
  afterAll(async () => {
    await remote.dropCollection({ collection_name: name }).catch(() => {});
    await remote.closeConnection();
  });

  it('pushes every field type 2.3 has and dynamic fields; both sides check out equal', async () => {
    const res = await sync({ local: l, remote, collection: name, direction: 'push', checkpoint });
    expect(res.pushed.upserted).toBe(N);
    expect(res.verification).toMatchObject({ equal: true, local: { count: N }, remote: { count: N } });
  }, 240_000);

  it('answers the same search requests as the local engine (FLAT L2, with filters)', async () => {
    for (const i of [5, 777, 4321]) {
      const q = row(i, 9).vec;
      for (const req of [
        { anns_field: 'vec', data: q, limit: 10, output_fields: ['title', 'year'] },
        {
          anns_field: 'vec',
          data: q,
          limit: 5,
          filter: 'year > 2000 and flag == true',
          output_fields: ['year'],
        },
        { anns_field: 'vec', data: q, limit: 5, filter: 'meta["tag"] == "odd"', output_fields: ['meta'] },
      ]) {
        const a = await l.search({ collection_name: name, ...req });
        const b = await remote.search({ collection_name: name, ...req });
        expect(ids(b.results)).toEqual(ids(a.results));
        // Same distances up to float32 summation order.
        scores(b.results).forEach((d, k) => {
          expect(d).toBeCloseTo(scores(a.results)[k]!, 3);
        });
      }
    }
  });

  it('pulls into an empty local collection and checks out equal', async () => {
    const fresh = new LocalClient(await createEngine({ device: 'js' }));
    const res = await sync({
      local: fresh,
      remote,
      collection: name,
      direction: 'pull',
      checkpoint: new MemoryCheckpointStore(),
    });
    expect(res.pulled.upserted).toBe(N);
    expect(res.verification).toMatchObject({ equal: true, local: { count: N } });
  }, 240_000);

  it('carries deletions and updates from either side, and both ways at once', async () => {
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
    await l.delete({ collection_name: name, ids: [40] });
    await remote.delete({ collection_name: name, ids: [41] });
    await l.upsert({ collection_name: name, data: [row(42, 3)] });
    await remote.upsert({ collection_name: name, data: [row(43, 3)] });
    const both = await sync({ local: l, remote, collection: name, direction: 'both', checkpoint });
    expect(both.verification).toMatchObject({ equal: true, local: { count: N - 6 } });
  }, 240_000);
});
