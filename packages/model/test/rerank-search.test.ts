// rerankSearchResults: reranking the hits of search / hybridSearch by a text field, with a plain
// function reranker, an API reranker on the loopback stub, and an in-memory Elanus collection.
import { MilvusClient } from '@elanus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STUB_KEYS, StubProviders, stubRelevance } from '../../../tests/support/stub-providers.js';
import { JinaRerankFunction } from '../src/rerank/api.js';
import { rerankSearchResults } from '../src/rerank/search.js';
import type { RerankFunction } from '../src/rerank/types.js';

/** Longest text first: a reranker whose order is easy to predict. */
const byLength: RerankFunction = async (_query, documents, options) => {
  const topK = typeof options === 'object' && options?.top_k ? options.top_k : documents.length;
  return documents
    .map((text, index) => ({ index, score: text.length, text }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, topK);
};

const HITS = [
  { id: 'a', score: 0.9, text: 'short', lang: 'en' },
  { id: 'b', score: 0.8, text: 'the longest text of all', lang: 'en' },
  { id: 'c', score: 0.7, text: 'medium text', lang: 'fr' },
  { id: 'd', score: 0.6, text: 'a very long text indeed, longest' },
];

describe('rerankSearchResults', () => {
  it('reorders hits by the reranker score, keeping fields, the original score and rank', async () => {
    const out = await rerankSearchResults(byLength, 'q', HITS, { text_field: 'text' });
    expect(out.map((h) => h.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(out[0]).toEqual({
      id: 'd',
      text: 'a very long text indeed, longest',
      score: 32,
      original_score: 0.6,
      original_rank: 3,
    });
    expect(out[1]).toMatchObject({ id: 'b', lang: 'en', original_score: 0.8, original_rank: 1 });
    expect(HITS[0]!.score).toBe(0.9); // the input is not modified
  });

  it('reranks only the first `candidates` hits and returns top_k of them', async () => {
    const out = await rerankSearchResults(byLength, 'q', HITS, {
      text_field: 'text',
      candidates: 3,
      top_k: 2,
    });
    expect(out.map((h) => [h.id, h.original_rank])).toEqual([
      ['b', 1],
      ['c', 2],
    ]);
    expect(await rerankSearchResults(byLength, 'q', [], { text_field: 'text' })).toEqual([]);
  });

  it('names the hit whose text field is missing, and rejects multi-query results', async () => {
    await expect(
      rerankSearchResults(byLength, 'q', [...HITS, { id: 'e', score: 0.1 }], { text_field: 'text' }),
    ).rejects.toMatchObject({ code: 'IllegalArgument', message: expect.stringContaining('hits[4].text') });
    await expect(rerankSearchResults(byLength, 'q', [HITS] as never, { text_field: 'text' })).rejects.toThrow(
      /one query's hits/,
    );
    await expect(rerankSearchResults(byLength, 'q', HITS, { text_field: '' })).rejects.toThrow(/text_field/);
    await expect(rerankSearchResults(byLength, 'q', HITS, { text_field: 'text', top_k: -1 })).rejects.toThrow(
      /top_k/,
    );
  });

  describe('on an in-memory collection, with an API reranker (loopback stub of its service)', () => {
    let stub: StubProviders;
    beforeAll(async () => {
      stub = await StubProviders.start();
    });
    afterAll(async () => {
      await stub.close();
    });

    it('reranks the hits of search() by their text field', async () => {
      const client = new MilvusClient({ uri: 'memory://' });
      await client.createCollection({ collection_name: 'docs', dimension: 2, metric_type: 'L2' });
      const texts = [
        'Berlin is the capital of Germany.',
        'Paris is the capital of France.',
        'The quick brown fox.',
        'France is in Europe.',
      ];
      await client.insert({
        collection_name: 'docs',
        data: texts.map((text, i) => ({ id: i + 1, vector: [i, 0], text })),
      });
      const { results } = await client.search({
        collection_name: 'docs',
        data: [0, 0],
        limit: 4,
        output_fields: ['text'],
      });
      const hits = results as Array<{ id: string; score: number; text: string }>;
      expect(hits.map((h) => h.text)).toEqual(texts); // nearest first: insertion order here
      const rf = new JinaRerankFunction({ api_key: STUB_KEYS.jina, base_url: stub.baseUrl('jina') });
      const query = 'capital of france';
      const out = await rerankSearchResults(rf, query, hits, { text_field: 'text', top_k: 2 });
      expect(out.map((h) => h.text)).toEqual([
        'Paris is the capital of France.',
        'Berlin is the capital of Germany.',
      ]);
      expect(out[0]).toMatchObject({ original_rank: 1, score: stubRelevance(query, texts[1]!) });
      expect(out[0]!.original_score).toBe(hits[1]!.score);
      await client.closeConnection();
    });
  });
});
