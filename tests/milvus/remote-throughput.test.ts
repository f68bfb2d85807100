// Push and pull throughput of 20,000 × 384-d rows over gRPC against milvus-lite (or MILVUS_URI). Prints
// rows/s and MB/s; asserts correctness only, never time (2 shared cores: numbers vary run to run).
import { createEngine, DataType, LocalClient } from '@elanus/core';
import { GrpcClient, MemoryCheckpointStore, recordOps, sync } from '@elanus/milvus/node';
import { afterAll, expect, it } from 'vitest';
import { grpcUri, sdkLogLevel, token, uniqueName } from '../support/remote-env';

const N = Number(process.env.ELANUS_THROUGHPUT_ROWS ?? 20_000);
const DIM = 384;

const name = uniqueName('throughput');
const t = token();
const remote = new GrpcClient({ uri: grpcUri(), logLevel: sdkLogLevel, ...(t ? { token: t } : {}) });

afterAll(async () => {
  await remote.dropCollection({ collection_name: name }).catch(() => {});
  await remote.closeConnection();
});

function report(what: string, rows: number, ms: number, extra = '') {
  const mb = (rows * DIM * 4) / 1e6;
  const s = ms / 1000;
  const line = `[throughput] ${what}: ${rows} rows × ${DIM}-d in ${s.toFixed(1)} s = ${Math.round(rows / s)} rows/s, ${(mb / s).toFixed(1)} MB/s of float32 vectors (${mb.toFixed(1)} MB)${extra}`;
  console.log(line);
}

it(`push and pull ${N} × ${DIM} rows`, async () => {
  const local = new LocalClient(await createEngine({ device: 'js' }));
  await recordOps(local);
  await local.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'embedding', data_type: DataType.FloatVector, dim: DIM },
      { name: 'title', data_type: DataType.VarChar, max_length: 64 },
      { name: 'year', data_type: DataType.Int32 },
    ],
    index_params: [{ field_name: 'embedding', index_type: 'FLAT', metric_type: 'COSINE' }],
  });
  let s = 7;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < N; i += 2000) {
    const data = Array.from({ length: Math.min(2000, N - i) }, (_, j) => ({
      id: i + j,
      embedding: Float32Array.from({ length: DIM }, rand),
      title: `row ${i + j}`,
      year: 2000 + ((i + j) % 25),
    }));
    await local.insert({ collection_name: name, data });
  }

  const t0 = Date.now();
  const pushed = await sync({
    local,
    remote,
    collection: name,
    direction: 'push',
    batchSize: 1000,
    checkpoint: new MemoryCheckpointStore(),
    verify: false,
  });
  const pushMs = Date.now() - t0;
  expect(pushed.pushed.upserted).toBe(N);
  report(
    'push (gRPC)',
    N,
    pushMs,
    `; ${pushed.batches} requests, ${(pushMs - pushed.transferMs) / 1000} s outside writes`,
  );

  const fresh = new LocalClient(await createEngine({ device: 'js' }));
  const t1 = Date.now();
  const pulled = await sync({
    local: fresh,
    remote,
    collection: name,
    direction: 'pull',
    batchSize: 1000,
    checkpoint: new MemoryCheckpointStore(),
    verify: false,
  });
  const pullMs = Date.now() - t1;
  expect(pulled.pulled.upserted).toBe(N);
  report('pull (gRPC)', N, pullMs);

  const t2 = Date.now();
  const check = await sync({
    local: fresh,
    remote,
    collection: name,
    direction: 'pull',
    batchSize: 1000,
    checkpoint: new MemoryCheckpointStore(),
  });
  expect(check.pulled).toEqual({ upserted: 0, deleted: 0 });
  expect(check.verification).toMatchObject({ equal: true, local: { count: N }, remote: { count: N } });
  report('no-op pull + verification (reads both sides twice)', N, Date.now() - t2);
}, 600_000);
