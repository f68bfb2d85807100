// Sync of Float16Vector, BFloat16Vector and Int8Vector fields between two in-page engines (a LocalClient
// stands in for the remote; milvus-lite 3.2.2 refuses these types, so no real server is in this test).
import { DataType, type RowData } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore, recordOps, sync } from '../src/index.js';
import { toCreateRequest } from '../src/schema/schema.js';
import { allRows, localClient, rng } from './helpers.js';

const C = 'half';
const dim = 8;

function row(i: number, version = 0): RowData {
  const r = rng(i * 31 + version + 1);
  return {
    id: i,
    f16: Array.from({ length: dim }, () => r() * 2 - 1),
    bf16: Array.from({ length: dim }, () => (r() - 0.5) * 1e6),
    i8: Array.from({ length: dim }, () => Math.floor(r() * 256) - 128),
  };
}

async function seeded(n: number, record: boolean) {
  const c = await localClient();
  if (record) await recordOps(c);
  await c.createCollection({
    collection_name: C,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'f16', data_type: DataType.Float16Vector, dim },
      { name: 'bf16', data_type: DataType.BFloat16Vector, dim },
      { name: 'i8', data_type: DataType.Int8Vector, dim },
    ],
    index_params: [
      { field_name: 'f16', index_type: 'HNSW', metric_type: 'L2' },
      { field_name: 'bf16', index_type: 'IVF_FLAT', metric_type: 'IP', params: { nlist: 4 } },
      { field_name: 'i8', index_type: 'HNSW', metric_type: 'COSINE' },
    ],
  });
  await c.insert({ collection_name: C, data: Array.from({ length: n }, (_, i) => row(i)) });
  return c;
}

describe('sync: Float16Vector, BFloat16Vector, Int8Vector', () => {
  it('push creates the remote with dims and indexes, carries the stored values; pull brings changes back', async () => {
    const local = await seeded(120, true);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const r1 = await sync({ local, remote, collection: C, direction: 'push', batchSize: 50, checkpoint });
    expect(r1.pushed.upserted).toBe(120);
    expect(r1.verification?.equal).toBe(true);
    const desc = await remote.describeCollection({ collection_name: C });
    expect(desc.schema.fields.map((f) => [f.name, f.data_type, f.dim])).toEqual([
      ['id', 'Int64', undefined],
      ['f16', 'Float16Vector', String(dim)],
      ['bf16', 'BFloat16Vector', String(dim)],
      ['i8', 'Int8Vector', String(dim)],
    ]);
    const idx = await remote.describeIndex({ collection_name: C });
    expect(
      Object.fromEntries(idx.index_descriptions.map((d) => [d.field_name, [d.index_type, d.metric_type]])),
    ).toEqual({ f16: ['HNSW', 'L2'], bf16: ['IVF_FLAT', 'IP'], i8: ['HNSW', 'COSINE'] });
    // The stored values themselves, bit for bit (float16 / bfloat16 read back as the numbers they hold).
    expect(await allRows(remote, C)).toEqual(await allRows(local, C));
    await remote.upsert({ collection_name: C, data: [row(7, 1)] });
    await remote.delete({ collection_name: C, ids: [8] });
    const r2 = await sync({ local, remote, collection: C, direction: 'pull', checkpoint });
    expect(r2.pulled).toEqual({ upserted: 1, deleted: 1 });
    expect(r2.verification?.equal).toBe(true);
    const got = await local.get({ collection_name: C, ids: [7], output_fields: ['i8'] });
    expect(got.data[0]!.i8).toEqual(row(7, 1).i8);
  });

  it('a created local collection maps indexes the engine cannot build on an Int8Vector to HNSW', () => {
    const fields = [
      { name: 'id', type: 'Int64', isPrimary: true },
      { name: 'v', type: 'Int8Vector', dim },
      { name: 'h', type: 'Float16Vector', dim },
    ].map((f) => ({
      autoID: false,
      nullable: false,
      partitionKey: false,
      functionOutput: false,
      enableAnalyzer: false,
      enableMatch: false,
      description: '',
      isPrimary: false,
      ...f,
    })) as never[];
    const info = {
      name: C,
      description: '',
      fields,
      functions: [],
      dynamic: false,
      pk: fields[0]!,
      hasPartitionKey: false,
    };
    const req = toCreateRequest(info, C, {
      target: 'local',
      indexes: [{ field: 'v', name: 'v', type: 'DISKANN', metric: 'IP', params: {} }],
    });
    expect(req.fields?.map((f) => [f.name, f.dim])).toEqual([
      ['id', undefined],
      ['v', dim],
      ['h', dim],
    ]);
    expect(req.index_params).toEqual([
      { field_name: 'v', index_name: 'v', index_type: 'AUTOINDEX', metric_type: 'IP', params: {} },
      { field_name: 'h', index_name: 'h', index_type: 'FLAT', metric_type: 'COSINE', params: {} },
    ]);
  });
});
