// BulkWriter: the SDK 3.0.6 README snippet, with the file options replaced by a target collection (a page
// has no files): rows are buffered and inserted in batches (chunkSize) on commit()/close().
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { BulkWriter, DataType, ElanusError, MilvusClient } from '../src/index.js';

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vector', data_type: DataType.FloatVector, dim: 8 },
  { name: 'title', data_type: DataType.VarChar, max_length: 256 },
];
const INDEX = [{ field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' }];
const rows = Array.from({ length: 50 }, (_, i) => ({
  id: i,
  vector: Array.from({ length: 8 }, (_, k) => Math.cos(i + k)),
  title: `t${i}`,
}));

describe.each(['memory://', 'idb://sdk-bulk-writer'])('BulkWriter into %s', (address) => {
  it('buffers, commits in chunks, and close() inserts the rest', async () => {
    const client = new MilvusClient({ address });
    await client.createCollection({ collection_name: 'bulk', fields, index_params: INDEX });
    const writer = new BulkWriter({
      schema: { fields },
      client,
      collection_name: 'bulk',
      format: 'parquet', // accepted, unused
      localPath: './bulk_data',
      chunkSize: 1024, // bytes of values: a few rows per batch
    });
    const flushed: number[] = [];
    writer.on('flush', (e) => flushed.push(e.rowCount));
    for (const row of rows) {
      await writer.append(row);
    }
    expect(writer.totalRowCount).toBe(50);
    expect(flushed.length).toBeGreaterThan(1);
    const batchFiles = await writer.close();
    expect(batchFiles).toEqual([]);
    expect(writer.bufferRowCount).toBe(0);
    expect(flushed.reduce((a, b) => a + b, 0)).toBe(50);
    const n = await client.count({ collection_name: 'bulk' });
    expect(n.data).toBe(50);
    await client.dropCollection({ collection_name: 'bulk' });
    await client.closeConnection();
  });

  it('writeFrom an async iterable, and bad rows / options name the field or parameter', async () => {
    const client = new MilvusClient({ address });
    await client.createCollection({ collection_name: 'bulk2', fields, index_params: INDEX });
    const w = new BulkWriter({ schema: { fields }, client, collection_name: 'bulk2' });
    async function* gen() {
      yield* rows.slice(0, 5);
    }
    await w.writeFrom(gen());
    expect((await client.count({ collection_name: 'bulk2' })).data).toBe(5);
    const w2 = new BulkWriter({ schema: { fields }, client, collection_name: 'bulk2' });
    const e = await w2.append({ id: 1, vector: rows[0]!.vector }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).message).toMatch(/"title" is required/);
    expect((e as ElanusError).details).toMatchObject({ field: 'title' });
    expect(() => new BulkWriter({ schema: { fields } } as never)).toThrow(/invalid parameter client/);
    await client.dropCollection({ collection_name: 'bulk2' });
    await client.closeConnection();
  });
});
