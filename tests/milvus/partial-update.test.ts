// Partial upsert through the gRPC transport against a real Milvus API (milvus-lite), next to the local
// engine: the same partial upserts leave the same rows.
import { createEngine, LocalClient, type VectorClient } from '@elanus/core';
import { GrpcClient } from '@elanus/milvus/node';
import { describe, expect, it } from 'vitest';
import { grpcUri, sdkLogLevel, token, uniqueName } from '../support/remote-env';

async function scenario(c: VectorClient, name: string) {
  await c.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vec', data_type: 'FloatVector', dim: 2 },
      { name: 'n', data_type: 'Int32' },
      { name: 'title', data_type: 'VarChar', max_length: 32 },
      { name: 'note', data_type: 'VarChar', max_length: 32, nullable: true },
    ],
    enable_dynamic_field: true,
    index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
  } as never);
  await c.insert({
    collection_name: name,
    data: [
      { id: 1, vec: [1, 0], n: 1, title: 'one', note: 'x', d: 5, e: 6 },
      { id: 2, vec: [0, 1], n: 2, title: 'two', note: null },
    ],
  });
  // One upsert per field set: the server's column format needs the same fields in every row of a batch.
  await c.upsert({ collection_name: name, partial_update: true, data: [{ id: 1, n: 10, d: 7 }] });
  await c.upsert({
    collection_name: name,
    partial_update: true,
    data: [{ id: 2, title: 'TWO', vec: [0.5, 0.5] }],
  });
  const rows = await c.query({
    collection_name: name,
    filter: 'id > 0',
    output_fields: ['id', 'vec', 'n', 'title', 'note', 'd', 'e'],
  });
  await c.dropCollection({ collection_name: name });
  return rows.data
    .map((r) => ({
      id: String(r.id),
      vec: (r.vec as number[]).map((x) => Number(x)),
      n: r.n,
      title: r.title,
      note: r.note ?? null,
      d: r.d ?? (r.$meta as Record<string, unknown> | undefined)?.d,
      e: r.e ?? (r.$meta as Record<string, unknown> | undefined)?.e,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('partial upsert agrees with a real Milvus API', () => {
  it('gRPC and the local engine keep the fields a partial upsert leaves out', async () => {
    const local = new LocalClient(await createEngine({ device: 'js' }));
    const t = token();
    const grpc = new GrpcClient({ uri: grpcUri(), logLevel: sdkLogLevel, ...(t ? { token: t } : {}) });
    const l = await scenario(local, uniqueName('pu'));
    const g = await scenario(grpc, uniqueName('pu'));
    await grpc.closeConnection();
    expect(l).toEqual([
      { id: '1', vec: [1, 0], n: 10, title: 'one', note: 'x', d: 7, e: 6 },
      { id: '2', vec: [0.5, 0.5], n: 2, title: 'TWO', note: null, d: undefined, e: undefined },
    ]);
    expect(g).toEqual(l);
  });
});
