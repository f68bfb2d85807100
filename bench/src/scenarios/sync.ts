import { clusteredVectors, row } from '../lib/data.js';
import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const DIM = 384;

/**
 * Remote sync throughput: @elanus/milvus `sync()` pushing a local collection to milvus-lite over gRPC and
 * pulling it into an empty local one, next to the Node SDK's own batched `insert` of the same rows into the
 * same server (the peer: what the transport alone costs). Node only; needs the `.venv` made by setup.
 */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('sync', 'Remote sync throughput (milvus-lite, gRPC)', ctx.runtime);
  if (ctx.runtime !== 'node') {
    res.skipped.push('remote sync: Node only (gRPC transport)');
    return res;
  }
  const { existsSync } = await import('node:fs');
  if (!existsSync('.venv/bin/milvus-lite')) {
    res.skipped.push('remote sync: .venv/bin/milvus-lite missing (run bash scripts/setup.sh)');
    return res;
  }
  const { startMilvusServer } = await import('../../../tests/support/milvus-server.js');
  const { createEngine, LocalClient } = await import('@elanus/core');
  const { GrpcClient, MemoryCheckpointStore, recordOps, sync } = await import('@elanus/milvus/node');
  const { MilvusClient: SdkClient } = await import('@zilliz/milvus2-sdk-node');
  const n = ctx.quick ? 5_000 : 100_000;
  const batch = 1000;
  const data = clusteredVectors({ n, nq: 1, dim: DIM, seed: 23 });
  const fields = [
    { name: 'id', data_type: 'Int64', is_primary_key: true },
    { name: 'embedding', data_type: 'FloatVector', dim: DIM },
    { name: 'year', data_type: 'Int32' },
  ];
  const index_params = [{ field_name: 'embedding', index_type: 'FLAT', metric_type: 'COSINE' }];
  const rowsAt = (from: number, to: number) => {
    const out = [];
    for (let i = from; i < to; i++)
      out.push({ id: i, embedding: row(data.base, DIM, i), year: 2000 + (i % 25) });
    return out;
  };
  const server = await startMilvusServer();
  try {
    const sdk = new SdkClient({
      address: server.address,
      telemetry: { enabled: false },
      logLevel: 'error',
    } as never);
    await sdk.createCollection({ collection_name: 'raw', fields, index_params } as never);
    const tRaw0 = performance.now();
    for (let i = 0; i < n; i += batch) {
      const r = await sdk.insert({
        collection_name: 'raw',
        data: rowsAt(i, Math.min(n, i + batch)).map((x) => ({ ...x, embedding: Array.from(x.embedding) })),
      });
      if (r.status.error_code !== 'Success') throw new Error(r.status.reason);
    }
    const rawMs = performance.now() - tRaw0;
    await sdk.closeConnection();

    const local = new LocalClient(await createEngine({ device: 'js' }));
    await recordOps(local);
    await local.createCollection({ collection_name: 'synced', fields, index_params } as never);
    for (let i = 0; i < n; i += 5000)
      await local.insert({ collection_name: 'synced', data: rowsAt(i, Math.min(n, i + 5000)) });
    const remote = new GrpcClient({ uri: `grpc://${server.address}`, logLevel: 'error' });
    const t0 = performance.now();
    const pushed = await sync({
      local,
      remote,
      collection: 'synced',
      direction: 'push',
      batchSize: batch,
      checkpoint: new MemoryCheckpointStore(),
      verify: false,
    });
    const pushMs = performance.now() - t0;
    const fresh = new LocalClient(await createEngine({ device: 'js' }));
    const t1 = performance.now();
    const pulled = await sync({
      local: fresh,
      remote,
      collection: 'synced',
      direction: 'pull',
      batchSize: batch,
      checkpoint: new MemoryCheckpointStore(),
      verify: false,
    });
    const pullMs = performance.now() - t1;
    await remote.closeConnection();
    if (pushed.pushed.upserted !== n || pulled.pulled.upserted !== n)
      throw new Error('sync moved the wrong number of rows');
    const mb = (n * DIM * 4) / 1e6;
    const line = (what: string, ms: number) => [
      what,
      round((n * 1000) / ms, 4),
      round(mb / (ms / 1000), 3),
      round(ms / 1000, 3),
    ];
    res.tables.push({
      title: `Remote sync, ${n.toLocaleString('en-US')} rows × ${DIM} (+ an Int32), batches of ${batch}, milvus-lite over gRPC`,
      columns: ['what', 'rows/s', 'MB/s (float32 vectors)', 's'],
      rows: [
        line('Node SDK insert (peer: transport alone)', rawMs),
        line('Elanus sync push', pushMs),
        line('Elanus sync pull (into an empty local)', pullMs),
      ],
      note: 'One run each (the server is the bottleneck: milvus-lite is Python); the ratio is the claim, not the absolute rate.',
    });
    res.headline.push({
      label: `Sync push ${n / 1000}k × ${DIM} ÷ Node SDK insert of the same rows (rows/s)`,
      value: `${round(rawMs / pushMs, 3)}×`,
    });
    res.headline.push({
      label: `Sync pull ${n / 1000}k × ${DIM} ÷ Node SDK insert of the same rows (rows/s)`,
      value: `${round(rawMs / pullMs, 3)}×`,
    });
  } finally {
    await server.stop();
  }
  return res;
}
