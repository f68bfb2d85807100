import { describe, expect, it } from 'vitest';
import { ElanusError, FunctionType, MilvusClient, RRFRanker } from '../src/index.js';

const docs = [
  'The quick brown fox jumps over the lazy dog',
  'A fast brown fox leaps over sleeping dogs',
  'Vector databases store embeddings for similarity search',
  'Milvus supports full text search with BM25',
  'The dog sleeps all day in the sun',
  'Foxes are small omnivorous mammals',
];

async function corpus(analyzer_params?: Record<string, unknown>) {
  const c = new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'ft',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      {
        name: 'text',
        data_type: 'VarChar',
        max_length: 1000,
        enable_analyzer: true,
        enable_match: true,
        ...(analyzer_params ? { analyzer_params } : {}),
      },
      { name: 'sparse', data_type: 'SparseFloatVector' },
      { name: 'dense', data_type: 'FloatVector', dim: 2 },
    ],
    functions: [
      { name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'] },
    ],
    index_params: [
      {
        field_name: 'sparse',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'BM25',
        params: { bm25_k1: 1.2, bm25_b: 0.75 },
      },
      { field_name: 'dense', index_type: 'FLAT', metric_type: 'L2' },
    ],
  });
  await c.insert({ collection_name: 'ft', data: docs.map((text, i) => ({ id: i, text, dense: [i, 0] })) });
  return c;
}

/** BM25 as Milvus defines it, computed directly over whitespace tokens of the lowercased docs. */
function bm25(query: string[], texts: string[][], k1 = 1.2, b = 0.75) {
  const N = texts.length;
  const avgdl = texts.reduce((s, t) => s + t.length, 0) / N;
  return texts.map((t) =>
    query.reduce((s, q) => {
      const df = texts.filter((x) => x.includes(q)).length;
      const tf = t.filter((x) => x === q).length;
      if (!tf) return s;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      return s + (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * t.length) / avgdl));
    }, 0),
  );
}

describe('full-text search (BM25 function)', () => {
  it('searches raw text and scores like Milvus BM25', async () => {
    const c = await corpus();
    const r = await c.search({
      collection_name: 'ft',
      anns_field: 'sparse',
      data: 'brown fox',
      limit: 3,
      output_fields: ['text'],
    });
    const hits = r.results as { id: string; score: number }[];
    const toks = docs.map((d) => d.toLowerCase().split(/\s+/));
    const expected = bm25(['brown', 'fox'], toks);
    const order = expected
      .map((s, i) => [i, s] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1]);
    expect(hits.map((h) => h.id)).toEqual(order.map(([i]) => String(i)));
    for (const [i, h] of hits.entries()) expect(h.score).toBeCloseTo(order[i]![1], 4);
    // Inserts carry only text; the sparse vector is not accepted from the user.
    await expect(
      c.insert({ collection_name: 'ft', data: [{ id: 99, text: 'x', sparse: { 1: 1 }, dense: [0, 0] }] }),
    ).rejects.toBeInstanceOf(ElanusError);
  });

  it('keeps statistics current through deletes', async () => {
    const c = await corpus();
    await c.delete({ collection_name: 'ft', ids: [0] });
    const r = await c.search({ collection_name: 'ft', anns_field: 'sparse', data: 'brown fox', limit: 3 });
    const hits = r.results as { id: string; score: number }[];
    const rest = docs.slice(1).map((d) => d.toLowerCase().split(/\s+/));
    const expected = bm25(['brown', 'fox'], rest);
    expect(hits[0]!.id).toBe('1');
    expect(hits[0]!.score).toBeCloseTo(expected[0]!, 4);
  });

  it('text_match filters with the field analyzer; english stems', async () => {
    const c = await corpus({ type: 'english' });
    const q = await c.query({
      collection_name: 'ft',
      filter: "text_match(text, 'dog fox')",
      output_fields: ['text'],
    });
    // english analyzer: "dogs" -> "dog", "foxes" -> "fox"
    expect(q.data.map((r) => r.id).sort()).toEqual(['0', '1', '4', '5']);
    const s = await c.search({
      collection_name: 'ft',
      anns_field: 'sparse',
      data: 'sleeping dogs',
      limit: 2,
    });
    expect((s.results as { id: string }[]).map((h) => h.id).sort()).toEqual(['1', '4']);
  });

  it('hybrid search over dense and BM25 fields', async () => {
    const c = await corpus();
    const r = await c.hybridSearch({
      collection_name: 'ft',
      data: [
        { data: ['fox'], anns_field: 'sparse', limit: 5 },
        { data: [[5, 0]], anns_field: 'dense', limit: 5 },
      ],
      rerank: RRFRanker(10),
      limit: 3,
    });
    const ids = (r.results as { id: string }[]).map((h) => h.id);
    expect(ids).toHaveLength(3);
    expect(ids).toContain('5');
  });
});

describe('full-text search in languages without spaces (icu tokenizer)', () => {
  it('BM25 over Chinese, Japanese and Thai documents finds each by a word of it', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    const analyzer_params = { tokenizer: 'icu', filter: ['lowercase', 'removepunct'] };
    await client.createCollection({
      collection_name: 'multi',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        {
          name: 'text',
          data_type: 'VarChar',
          max_length: 200,
          enable_analyzer: true,
          enable_match: true,
          analyzer_params,
        },
        { name: 'sparse', data_type: 'SparseFloatVector' },
      ],
      functions: [
        {
          name: 'bm25',
          type: FunctionType.BM25,
          input_field_names: ['text'],
          output_field_names: ['sparse'],
        },
      ],
      index_params: [{ field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' }],
    });
    await client.insert({
      collection_name: 'multi',
      data: [
        { id: 1, text: '向量数据库可以快速检索相似的内容。' },
        { id: 2, text: '東京は日本の首都です。' },
        { id: 3, text: 'กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย' },
        { id: 4, text: 'Привет! Как дела?' },
      ],
    });
    const top = async (q: string) =>
      (
        await client.search({ collection_name: 'multi', anns_field: 'sparse', data: q, limit: 1 })
      ).results.map((h) => h.id);
    expect(await top('数据库')).toEqual(['1']);
    expect(await top('首都')).toEqual(['2']);
    expect(await top('ประเทศไทย')).toEqual(['3']);
    expect(await top('дела')).toEqual(['4']);
    // text_match uses the same analyzer.
    const matched = await client.query({
      collection_name: 'multi',
      filter: 'text_match(text, "日本")',
      output_fields: ['id'],
    });
    expect(matched.data.map((r) => r.id)).toEqual(['2']);
  });
});

describe('text_match with minimum_should_match', () => {
  it('keeps the rows holding at least N of the query words (after analysis)', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    await client.createCollection({
      collection_name: 'm',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'v', data_type: 'FloatVector', dim: 2 },
        { name: 'text', data_type: 'VarChar', max_length: 200, enable_analyzer: true, enable_match: true },
      ],
      index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }],
    });
    const texts = [
      'red apple pie',
      'green apple',
      'red cherry pie with apple',
      'blue sky',
      'Apple, APPLE and apple',
    ];
    await client.insert({ collection_name: 'm', data: texts.map((text, id) => ({ id, v: [0, 1], text })) });
    const ids = async (filter: string) =>
      (await client.query({ collection_name: 'm', filter, output_fields: ['id'] })).data.map((r) =>
        Number(r.id),
      );
    // A reference over the same tokens (the standard analyzer lower-cases words).
    const words = (t: string) => new Set(t.toLowerCase().match(/[a-z]+/g));
    const expected = (q: string, n: number) =>
      texts.flatMap((t, i) => ([...words(q)].filter((w) => words(t).has(w)).length >= n ? [i] : []));
    for (const [q, n] of [
      ['red apple pie', 1],
      ['red apple pie', 2],
      ['red apple pie', 3],
      ['apple apple', 2], // the query has one distinct word: nothing can match twice
    ] as const) {
      expect(await ids(`text_match(text, "${q}", minimum_should_match=${n})`), `${q} / ${n}`).toEqual(
        expected(q, n),
      );
    }
    expect(await ids('text_match(text, "red apple pie", minimum_should_match=3)')).toEqual([0, 2]);
    expect(await ids('text_match(text, "apple apple", minimum_should_match=2)')).toEqual([]);
  });
});
