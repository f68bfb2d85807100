// Smoke test of the Milvus tier: the server started by globalSetup answers the Node SDK, and a
// create → insert → search round trip returns the expected neighbours.
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { milvusClient } from '../support/milvus-client';

describe('milvus-lite server', () => {
  let client: MilvusClient;
  const collection_name = `smoke_${Date.now()}`;

  beforeAll(() => {
    client = milvusClient(inject('milvusAddress'));
  });
  afterAll(async () => {
    await client.dropCollection({ collection_name }).catch(() => {});
    await client.closeConnection();
  });

  it('creates a collection, inserts and finds the nearest vectors', async () => {
    const created = await client.createCollection({
      collection_name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'vector', data_type: DataType.FloatVector, dim: 4 },
        { name: 'tag', data_type: DataType.VarChar, max_length: 32 },
      ],
      // milvus-lite needs an explicit index to load the collection.
      index_params: [{ field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' }],
    });
    expect(created.error_code).toBe('Success');

    const inserted = await client.insert({
      collection_name,
      data: [
        { id: 1, vector: [0, 0, 0, 0], tag: 'origin' },
        { id: 2, vector: [1, 0, 0, 0], tag: 'x' },
        { id: 3, vector: [0, 5, 0, 0], tag: 'far' },
      ],
    });
    expect(inserted.status.error_code).toBe('Success');
    expect(Number(inserted.insert_cnt)).toBe(3);

    const res = await client.search({
      collection_name,
      data: [[0.9, 0, 0, 0]],
      limit: 2,
      // milvus-lite 3.2.2 leaves the primary key out of hits unless it is asked for (Milvus always returns it).
      output_fields: ['id', 'tag'],
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results.map((h) => [String(h.id), h.tag])).toEqual([
      ['2', 'x'],
      ['1', 'origin'],
    ]);
    // L2 scores are squared distances: 0.1² and 0.9².
    expect(res.results[0]?.score).toBeCloseTo(0.01, 5);
    expect(res.results[1]?.score).toBeCloseTo(0.81, 5);
  });
});
