// Differential test for HNSW_SQ against milvus-lite. milvus-lite 3.2.2 accepts index_type HNSW_SQ but
// answers every vector index with an exact (FLAT) search, and accepts any HNSW_SQ parameter without checking
// it. So the comparison is: Elanus's HNSW_SQ with FP32 refinement finds lite's exact top 10 with the same
// scores; and where lite accepts invalid parameters, Elanus refuses them by Milvus's documented rules (refine_type
// finer than sq_type; precision order SQ6 < SQ8 < BF16 < FP16 < FP32, BF16 vs FP16 by mantissa bits).

import { MilvusClient } from '@elanus/core';
import type { MilvusClient as SdkClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { milvusClient } from '../support/milvus-client';

const DIM = 16;
const N = 2000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rand = rng(7);
const rows = Array.from({ length: N }, (_, i) => ({
  id: i,
  v: Array.from({ length: DIM }, () => Math.round((rand() - 0.5) * 1000) / 100),
}));
const queries = Array.from({ length: 10 }, () =>
  Array.from({ length: DIM }, () => Math.round((rand() - 0.5) * 1000) / 100),
);
const fields = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'v', data_type: 'FloatVector', dim: DIM },
] as const;
const params = { M: 16, efConstruction: 100, sq_type: 'SQ8', refine: true, refine_type: 'FP32' };

type Hit = { id: string | number; score: number };

describe('HNSW_SQ conformance with milvus-lite (COSINE)', () => {
  let sdk: SdkClient;
  const elanus = new MilvusClient({ uri: 'memory://' });
  const collection_name = `conf_hnsw_sq_${Date.now()}`;

  beforeAll(async () => {
    sdk = milvusClient(inject('milvusAddress'));
    const req = {
      collection_name,
      fields: fields.map((f) => ({ ...f })),
      index_params: [{ field_name: 'v', index_type: 'HNSW_SQ', metric_type: 'COSINE', params }],
    };
    const created = await sdk.createCollection(req as never);
    expect(created.error_code).toBe('Success');
    await elanus.createCollection(req as never);
    for (let i = 0; i < N; i += 500) {
      const batch = rows.slice(i, i + 500);
      const r = await sdk.insert({ collection_name, data: batch });
      expect(r.status.error_code).toBe('Success');
      await elanus.insert({ collection_name, data: batch });
    }
    await sdk.loadCollection({ collection_name });
  }, 120_000);

  afterAll(async () => {
    await sdk.dropCollection({ collection_name }).catch(() => {});
    await sdk.closeConnection();
  });

  it('both describe the index as HNSW_SQ', async () => {
    const a = await sdk.describeIndex({ collection_name, field_name: 'v' });
    const b = await elanus.describeIndex({ collection_name, field_name: 'v' });
    // The SDK lists the type among the key/value params; Elanus also sets index_type.
    const typeOf = (d: { params: { key: string; value: string | number }[] }) =>
      d.params.find((p) => p.key === 'index_type')?.value;
    expect(typeOf(a.index_descriptions[0]!)).toBe('HNSW_SQ');
    expect(typeOf(b.index_descriptions[0]!)).toBe('HNSW_SQ');
    expect(b.index_descriptions[0]!.index_type).toBe('HNSW_SQ');
  });

  it('with FP32 refinement Elanus finds the exact top 10 lite returns, with its scores', async () => {
    const search = { collection_name, data: queries, limit: 10, params: { ef: 128, refine_k: 4 } };
    const ra = (await sdk.search({ ...search, output_fields: ['id'] })).results as unknown as Hit[][];
    const rb = (await elanus.search(search)).results as Hit[][];
    expect(rb).toHaveLength(ra.length);
    let same = 0;
    for (let q = 0; q < ra.length; q++) {
      const want = new Map(ra[q]!.map((h) => [String(h.id), h.score]));
      for (const h of rb[q]!) {
        const s = want.get(String(h.id));
        if (s === undefined) continue;
        same++;
        expect(Math.abs(s - h.score)).toBeLessThanOrEqual(1e-5);
      }
    }
    // Graph search, so not guaranteed exact: at least 98 of the 100 hits (measured 100).
    expect(same).toBeGreaterThanOrEqual(98);
  });

  it.each([
    [{ sq_type: 'SQ4' }, 'sq_type'],
    [{ sq_type: 'SQ8', refine: true, refine_type: 'SQ6' }, 'refine_type'],
    [{ sq_type: 'FP16', refine: true, refine_type: 'BF16' }, 'refine_type'],
  ])(
    "lite accepts %j unchecked; Elanus refuses it naming %s (by Milvus's documented rules)",
    async (p, name) => {
      const other = `${collection_name}_p${name}${Object.keys(p).length}`;
      const req = {
        collection_name: other,
        fields: fields.map((f) => ({ ...f })),
        index_params: [{ field_name: 'v', index_type: 'HNSW_SQ', metric_type: 'COSINE', params: p }],
      };
      const created = await sdk.createCollection(req as never);
      expect(created.error_code).toBe('Success');
      await sdk.dropCollection({ collection_name: other });
      await expect(elanus.createCollection(req as never)).rejects.toThrow(new RegExp(name));
    },
  );
});
