// Fault injection: a TCP proxy between the gRPC client and milvus-lite cuts the connection after N bytes,
// several times during a push and during a pull. Each interrupted sync leaves a consistent checkpoint;
// resuming finishes with both sides equal (counts and checksums), without duplicated or lost rows.
import { createEngine, DataType, ElanusError, LocalClient } from '@elanus/core';
import { GrpcClient, MemoryCheckpointStore, recordOps, type SyncOptions, sync } from '@elanus/milvus/node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { sdkLogLevel, uniqueName } from '../support/remote-env';

// The server tier (Milvus 2.3 standalone) runs this file too: no sparse vectors there, and ten cuts each
// way instead of three.
const STANDALONE = inject('milvusKind') === 'standalone';
const DIM = 16;
const N = STANDALONE ? 6000 : 3000;
const BATCH = 150;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const row = (i: number) => {
  const r = rng(i + 11);
  return {
    id: i * 3 + 1,
    vec: Array.from({ length: DIM }, () => r() - 0.5),
    ...(STANDALONE ? {} : { sp: { [i % 300]: r() + 0.1 } }),
    name: `item ${i}`,
    meta: { i, even: i % 2 === 0 },
  };
};

async function local(): Promise<LocalClient> {
  return new LocalClient(await createEngine({ device: 'js' }));
}

describe('sync through a connection that breaks', () => {
  let proxy: FaultProxy;
  let remote: GrpcClient;
  let direct: GrpcClient;
  const name = uniqueName('fault');

  beforeAll(async () => {
    proxy = await startFaultProxy(inject('milvusAddress'));
    // One SDK retry at most: the proxy refuses connections for a while after each cut, so the error surfaces.
    remote = new GrpcClient({
      uri: `grpc://${proxy.address}`,
      logLevel: 'off',
      timeout: 20_000,
      sdk: { maxRetries: 1, retryDelay: 10 },
    });
    direct = new GrpcClient({ uri: `grpc://${inject('milvusAddress')}`, logLevel: sdkLogLevel });
  });
  afterAll(async () => {
    await direct.dropCollection({ collection_name: name }).catch(() => {});
    await remote.closeConnection();
    await direct.closeConnection();
    await proxy.close();
  });

  /** Runs sync with a cut armed each time until it completes; returns the number of interrupted attempts. */
  async function untilDone(
    opts: SyncOptions,
    cuts: number[],
    direction: 'up' | 'down',
  ): Promise<{ failures: number; last: Awaited<ReturnType<typeof sync>> }> {
    let failures = 0;
    for (const bytes of cuts) {
      proxy.cutAfter(bytes, { direction, refuseMs: 1500 });
      const e = await sync(opts).catch((x) => x);
      proxy.heal();
      expect(e, `cut after ${bytes} bytes should interrupt the sync`).toBeInstanceOf(ElanusError);
      expect((e as ElanusError).code).toBe('Unavailable');
      failures++;
    }
    const last = await sync(opts);
    return { failures, last };
  }

  it('push: cuts mid-transfer, then the resumed push completes with equal checksums', async () => {
    const l = await local();
    await recordOps(l);
    await l.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
        ...(STANDALONE ? [] : [{ name: 'sp', data_type: DataType.SparseFloatVector }]),
        { name: 'name', data_type: DataType.VarChar, max_length: 64 },
        { name: 'meta', data_type: DataType.JSON },
      ],
      enable_dynamic_field: true,
      index_params: [
        { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
        ...(STANDALONE ? [] : [{ field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' }]),
      ],
    });
    await l.insert({ collection_name: name, data: Array.from({ length: N }, (_, i) => row(i)) });
    const checkpoint = new MemoryCheckpointStore();
    const opts: SyncOptions = {
      local: l,
      remote,
      collection: name,
      direction: 'push',
      batchSize: BATCH,
      checkpoint,
    };
    // Each attempt gets through the collection setup and a couple of batches (~40 KB each) before its cut.
    const pushCuts = STANDALONE
      ? Array.from({ length: 10 }, (_, k) => 20_000 + 1_337 * k)
      : [30_000, 90_000, 150_000];
    const { failures, last } = await untilDone(opts, pushCuts, 'up');
    expect(failures).toBe(pushCuts.length);
    expect(proxy.stats.cuts).toBe(pushCuts.length);
    expect(last.resumed).toBe(true);
    expect(last.pushed.upserted).toBeLessThan(N);
    expect(last.verification).toMatchObject({ equal: true, local: { count: N }, remote: { count: N } });
    // No duplicates: Milvus would count a key written twice by insert; sync only upserts.
    expect((await direct.count({ collection_name: name })).data).toBe(N);
    const again = await sync({ ...opts, verify: false });
    expect(again.pushed).toEqual({ upserted: 0, deleted: 0 });

    // Changes after the cut-up push: deletions and updates go through the same way.
    await l.delete({ collection_name: name, ids: Array.from({ length: 400 }, (_, i) => i * 3 + 1) });
    await l.upsert({
      collection_name: name,
      data: Array.from({ length: 400 }, (_, i) => ({ ...row(1000 + i), name: 'changed' })),
    });
    const second = await untilDone(opts, [8_000], 'up');
    expect(second.last.verification).toMatchObject({ equal: true, remote: { count: N - 400 } });
  }, 300_000);

  it('pull: cuts while reading, then the resumed pull completes with equal checksums', async () => {
    // Measure what a whole pull reads, then cut at points inside the row transfer.
    const before = proxy.stats.down;
    await sync({
      local: await local(),
      remote,
      collection: name,
      direction: 'pull',
      batchSize: BATCH,
      checkpoint: new MemoryCheckpointStore(),
      verify: false,
    });
    const total = proxy.stats.down - before;
    const fresh = await local();
    const checkpoint = new MemoryCheckpointStore();
    const opts: SyncOptions = {
      local: fresh,
      remote,
      collection: name,
      direction: 'pull',
      batchSize: BATCH,
      checkpoint,
    };
    const fractions = STANDALONE
      ? Array.from({ length: 10 }, (_, k) => 0.04 + 0.01 * (k % 3))
      : [0.3, 0.2, 0.2];
    const { failures, last } = await untilDone(
      opts,
      fractions.map((f) => Math.round(total * f)),
      'down',
    );
    expect(failures).toBe(fractions.length);
    expect(last.resumed).toBe(true);
    expect(last.pulled.upserted).toBeLessThan(N - 400);
    expect(last.verification).toMatchObject({
      equal: true,
      local: { count: N - 400 },
      remote: { count: N - 400 },
    });
    const again = await sync({ ...opts, verify: false });
    expect(again.pulled).toEqual({ upserted: 0, deleted: 0 });
  }, 300_000);
});
