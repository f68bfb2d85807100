// Differential test: the same operations against Elanus (in-process) and milvus-lite (a real Milvus
// gRPC server, through @zilliz/milvus2-sdk-node), comparing results.

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

const rand = rng(42);
const rows = Array.from({ length: N }, (_, i) => ({
  id: i * 7 + 3,
  v: Array.from({ length: DIM }, () => Math.round((rand() - 0.5) * 1000) / 100),
  year: 1900 + Math.floor(rand() * 120),
  title: `t${i % 37}`,
}));
const queries = Array.from({ length: 10 }, () =>
  Array.from({ length: DIM }, () => Math.round((rand() - 0.5) * 1000) / 100),
);

const fields = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'v', data_type: 'FloatVector', dim: DIM },
  { name: 'year', data_type: 'Int32' },
  { name: 'title', data_type: 'VarChar', max_length: 32 },
] as const;

type Hit = { id: string | number; score: number };

describe.each(['COSINE', 'IP', 'L2'] as const)('FLAT search conformance (%s)', (metric) => {
  let sdk: SdkClient;
  const elanus = new MilvusClient({ uri: 'memory://' });
  const collection_name = `conf_${metric.toLowerCase()}_${Date.now()}`;

  beforeAll(async () => {
    sdk = milvusClient(inject('milvusAddress'));
    const req = {
      collection_name,
      fields: fields.map((f) => ({ ...f })),
      index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: metric }],
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

  it('returns the same ids and scores (within 1e-5) for 10 queries, with and without a filter', async () => {
    for (const filter of ['', 'year >= 1950 and title like "t1%"']) {
      const a = await sdk.search({
        collection_name,
        data: queries,
        limit: 10,
        filter,
        output_fields: ['id'],
      });
      const b = await elanus.search({ collection_name, data: queries, limit: 10, filter });
      const ra = a.results as unknown as Hit[][];
      const rb = b.results as Hit[][];
      expect(rb).toHaveLength(ra.length);
      for (let q = 0; q < ra.length; q++) {
        expect(rb[q]!.map((h) => String(h.id))).toEqual(ra[q]!.map((h) => String(h.id)));
        for (let k = 0; k < ra[q]!.length; k++) {
          const sa = ra[q]![k]!.score;
          const sb = rb[q]![k]!.score;
          expect(Math.abs(sa - sb)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(sa)));
        }
      }
    }
  });

  it('agrees on query with limit/offset, count(*), delete by filter and upsert', async () => {
    const page = {
      collection_name,
      filter: 'year < 1960',
      limit: 25,
      offset: 10,
      output_fields: ['year', 'title'],
    };
    const qa = await sdk.query(page);
    const qb = await elanus.query(page);
    const norm = (d: Record<string, unknown>[]) => d.map((r) => `${r.id}|${r.year}|${r.title}`).sort();
    expect(qb.data).toHaveLength(qa.data.length);
    // Pages are taken in primary-key order on both sides.
    expect(norm(qb.data)).toEqual(norm(qa.data));
    const count = async (filter: string) => {
      const x = await sdk.query({ collection_name, filter, output_fields: ['count(*)'] });
      expect(x.status.error_code, `milvus-lite: ${x.status.reason}`).toBe('Success');
      const y = await elanus.query({ collection_name, filter, output_fields: ['count(*)'] });
      expect(String(y.data[0]!['count(*)'])).toBe(String(x.data[0]!['count(*)']));
      return Number(y.data[0]!['count(*)']);
    };
    expect(await count('')).toBe(N);
    // (milvus-lite 3.2.2 rejects arithmetic such as `year % 10 == 3`, which the Milvus server accepts.)
    const del = 'year < 1910 or title in ["t5", "t6"]';
    const matching = await count(del);
    await sdk.delete({ collection_name, filter: del });
    const db = await elanus.delete({ collection_name, filter: del });
    // milvus-lite 3.2.2 reports delete_cnt "0" for a delete by filter; the Milvus server reports the
    // number of deleted entities, as Elanus does. Compare what is left instead.
    expect(db.delete_cnt).toBe(String(matching));
    expect(await count('')).toBe(N - matching);
    const up = rows.slice(0, 50).map((r) => ({ ...r, year: 2100 }));
    await sdk.upsert({ collection_name, data: up });
    await elanus.upsert({ collection_name, data: up });
    expect(await count('year == 2100')).toBe(50);
    expect(await count('')).toBeGreaterThan(0);
    const a = await sdk.search({
      collection_name,
      data: [queries[0]!],
      limit: 20,
      filter: 'year > 2000',
      output_fields: ['id'],
    });
    const b = await elanus.search({ collection_name, data: [queries[0]!], limit: 20, filter: 'year > 2000' });
    // One query vector: both return a flat list of hits.
    expect((b.results as Hit[]).map((h) => String(h.id))).toEqual(
      (a.results as unknown as Hit[]).map((h) => String(h.id)),
    );
  });
});
