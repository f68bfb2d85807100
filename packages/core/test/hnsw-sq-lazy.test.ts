import { describe, expect, it } from 'vitest';
import { MilvusClient } from '../src/index.js';
import { hnswSqModule, mentionsLazyIndex } from '../src/indexes/lazy-indexes.js';
import { DataType } from '../src/schema/types.js';

// HNSW_SQ is a lazily loaded chunk (lazy-indexes.ts): this file never prepares it by hand, so the client's
// own createIndex path must load it (its own test file: module state is per file).

describe('HNSW_SQ lazy loading', () => {
  it('is named by index requests and loaded by createIndex itself', async () => {
    expect(mentionsLazyIndex({ index_type: 'hnsw_sq' })).toBe(true);
    expect(mentionsLazyIndex({ index_type: 'HNSW' })).toBe(false);
    expect(() => hnswSqModule()).toThrow(/prepareLazyIndexes/);
    const c = new MilvusClient({ uri: 'memory://' });
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    });
    await c.insert({
      collection_name: 'c',
      data: Array.from({ length: 50 }, (_, i) => ({ id: i, v: [i, 1, (i * 7) % 5, 2] })),
    });
    await c.createIndex({
      collection_name: 'c',
      field_name: 'v',
      index_type: 'HNSW_SQ',
      metric_type: 'L2',
      params: { sq_type: 'SQ6', refine: true, refine_type: 'FP32' },
    });
    await c.loadCollection({ collection_name: 'c' });
    const res = await c.search({
      collection_name: 'c',
      data: [17, 1, 4, 2],
      limit: 3,
      params: { ef: 16, refine_k: 3 },
    });
    expect((res.results[0] as { id: string; score: number }).id).toBe('17');
    expect((res.results[0] as { id: string; score: number }).score).toBe(0);
    expect(hnswSqModule().HnswSqIndex).toBeTypeOf('function');
  });
});
