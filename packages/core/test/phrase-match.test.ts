import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createAnalyzer } from '../src/functions/analyzer/index.js';
import { PhraseIndex, phrasePositionsMatch } from '../src/functions/phrase-index.js';
import { ElanusError, MilvusClient, RRFRanker } from '../src/index.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { openOn } from './storage-helpers.js';

/**
 * Written by tests/support/python/phrase_match_reference.py: Tantivy's PhraseQuery (what Milvus runs
 * for phrase_match; milvus-lite 3.2.2 has no phrase_match) over 409 documents, 161 phrases × 6 slops.
 */
const tantivy = JSON.parse(
  readFileSync(new URL('./fixtures/phrase-match-tantivy.json', import.meta.url), 'utf8'),
) as {
  analyzer_params: Record<string, unknown>;
  docs: string[];
  cases: { phrase: string; slop: number; ids: number[] }[];
};

async function collection(
  texts: (string | null)[],
  analyzer_params?: Record<string, unknown>,
  client = new MilvusClient({ uri: 'memory://' }),
) {
  await client.createCollection({
    collection_name: 'p',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      {
        name: 'text',
        data_type: 'VarChar',
        max_length: 1000,
        nullable: true,
        enable_analyzer: true,
        enable_match: true,
        ...(analyzer_params ? { analyzer_params } : {}),
      },
      { name: 'plain', data_type: 'VarChar', max_length: 100 },
      { name: 'n', data_type: 'Int32' },
      { name: 'v', data_type: 'FloatVector', dim: 2 },
    ],
    index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }],
  });
  if (texts.length > 0) await client.insert({ collection_name: 'p', data: rows(texts) });
  return client;
}

const rows = (texts: (string | null)[], from = 0) =>
  texts.map((text, i) => ({ id: from + i, text, plain: 'x', n: from + i, v: [from + i, 0] }));

async function ids(
  client: MilvusClient,
  filter: string,
  params?: Record<string, unknown>,
): Promise<number[]> {
  const r = await client.query({
    collection_name: 'p',
    filter,
    ...(params ? { filter_params: params } : {}),
    output_fields: ['id'],
    limit: 16384,
  });
  return r.data.map((x) => Number(x.id)).sort((a, b) => a - b);
}

const docs = [
  'machine learning boosts efficiency', // 0
  'learning machine', // 1
  'machine deep learning', // 2
  'Machine, learning!', // 3: punctuation is not a token
  'deep learning for machine translation', // 4
  null, // 5
  '', // 6
];

describe('phrase_match semantics (Tantivy phrase query)', () => {
  it('slop 0 needs the tokens adjacent and in order; slop allows moves in either order', async () => {
    const c = await collection(docs);
    expect(await ids(c, 'phrase_match(text, "machine learning")')).toEqual([0, 3]);
    expect(await ids(c, 'phrase_match(text, "machine learning", 0)')).toEqual([0, 3]);
    // One word between: one move.
    expect(await ids(c, 'phrase_match(text, "machine learning", 1)')).toEqual([0, 2, 3]);
    // Swapped neighbours are two moves away (the example in Milvus's phrase match guide).
    expect(await ids(c, 'phrase_match(text, "machine learning", 2)')).toEqual([0, 1, 2, 3]);
    expect(await ids(c, 'phrase_match(text, "MACHINE Learning", 4)')).toEqual([0, 1, 2, 3, 4]);
    // One token is a term query (as on the server); none matches nothing; an unknown term nothing.
    expect(await ids(c, 'phrase_match(text, "deep")')).toEqual([2, 4]);
    expect(await ids(c, 'phrase_match(text, "")')).toEqual([]);
    expect(await ids(c, 'phrase_match(text, "...")')).toEqual([]);
    expect(await ids(c, 'phrase_match(text, "machine quantum", 100)')).toEqual([]);
  });

  it('keeps the positions a stop word leaves, in documents and in the phrase', async () => {
    const c = await collection(['the cat of the house', 'cat house', 'cat the house', 'house of cat'], {
      type: 'standard',
      stop_words: ['the', 'of'],
    });
    // "cat of the house": cat at 1, house at 4: three positions apart.
    expect(await ids(c, 'phrase_match(text, "cat house")')).toEqual([1]);
    expect(await ids(c, 'phrase_match(text, "cat the house")')).toEqual([2]);
    expect(await ids(c, 'phrase_match(text, "cat of the house")')).toEqual([0]);
    expect(await ids(c, 'phrase_match(text, "cat house", 2)')).toEqual([0, 1, 2]);
    expect(await ids(c, 'phrase_match(text, "the of")')).toEqual([]);
    // The analyzer reports those positions (english: stemmed, then stopped).
    const pos: number[] = [];
    expect(createAnalyzer({ type: 'english' }).tokenize('The cats of Rome', pos)).toEqual(['cat', 'rome']);
    expect(pos).toEqual([1, 3]);
  });

  it('ports the position walk exactly (pairs and carried slop)', () => {
    // Two terms: distance in either order.
    expect(phrasePositionsMatch([[1], [2]], 0)).toBe(false);
    expect(phrasePositionsMatch([[2], [2]], 0)).toBe(true);
    expect(phrasePositionsMatch([[3], [1]], 2)).toBe(true);
    expect(phrasePositionsMatch([[4], [1]], 2)).toBe(false);
    // Three terms: the middle term spends from the same budget...
    expect(phrasePositionsMatch([[1], [2], [2]], 1)).toBe(true);
    expect(phrasePositionsMatch([[1], [3], [3]], 1)).toBe(false);
    // ...but the last one is checked against the slop alone, as Tantivy does without scoring.
    expect(phrasePositionsMatch([[1], [2], [3]], 1)).toBe(true);
  });

  it(`agrees with Tantivy on ${tantivy.cases.length} phrase/slop cases`, async () => {
    const c = await collection(tantivy.docs, tantivy.analyzer_params);
    const wrong: string[] = [];
    for (const k of tantivy.cases) {
      const got = await ids(c, `phrase_match(text, ${JSON.stringify(k.phrase)}, ${k.slop})`);
      if (JSON.stringify(got) !== JSON.stringify(k.ids)) wrong.push(`${k.phrase} ~${k.slop}`);
    }
    expect(wrong).toEqual([]);
    expect(tantivy.cases.filter((k) => k.ids.length > 0).length).toBeGreaterThan(800);
  });
});

describe('phrase_match in every filter', () => {
  it('composes with other clauses; null text is neither a match nor a non-match', async () => {
    const c = await collection(docs);
    expect(await ids(c, 'phrase_match(text, "machine learning", 2) and n > 1')).toEqual([2, 3]);
    expect(await ids(c, 'not phrase_match(text, "machine learning")')).toEqual([1, 2, 4, 6]);
    expect(await ids(c, 'phrase_match(text, "deep learning") or text_match(text, "boosts")')).toEqual([
      0, 2, 4,
    ]);
    expect(await ids(c, 'phrase_match(text, {q}, {s})', { q: 'learning machine', s: 0 })).toEqual([1]);
  });

  it('filters search, hybrid search and delete', async () => {
    const c = await collection(docs);
    const s = await c.search({
      collection_name: 'p',
      anns_field: 'v',
      data: [[10, 0]],
      filter: 'phrase_match(text, "machine learning", 1)',
      limit: 10,
    });
    expect((s.results as { id: string }[]).map((h) => Number(h.id))).toEqual([3, 2, 0]);
    const h = await c.hybridSearch({
      collection_name: 'p',
      data: [
        { data: [[0, 0]], anns_field: 'v', limit: 5, expr: 'phrase_match(text, "deep learning")' },
        { data: [[10, 0]], anns_field: 'v', limit: 5, expr: 'phrase_match(text, "learning machine")' },
      ],
      rerank: RRFRanker(10),
      limit: 5,
    });
    expect((h.results as { id: string }[]).map((x) => Number(x.id)).sort()).toEqual([1, 2, 4]);
    const d = await c.delete({ collection_name: 'p', filter: 'phrase_match(text, "machine learning", 2)' });
    expect(Number(d.delete_cnt)).toBe(4);
    expect(await ids(c, 'n >= 0')).toEqual([4, 5, 6]);
    expect(await ids(c, 'phrase_match(text, "machine learning", 100)')).toEqual([4]);
  });
});

describe('the positional index', () => {
  it('is built on the first text_match or phrase_match, then follows inserts, upserts, deletes and compaction', async () => {
    const sync = vi.spyOn(PhraseIndex.prototype, 'sync');
    try {
      const c = await collection(['red fox', 'fox red', 'red big fox']);
      expect(sync).not.toHaveBeenCalled();
      // text_match reads the same term index (its posting lists) instead of tokenizing every row.
      expect(await ids(c, 'text_match(text, "fox")')).toEqual([0, 1, 2]);
      expect(sync).toHaveBeenCalledTimes(1);
      expect(await ids(c, 'phrase_match(text, "red fox")')).toEqual([0]);
      expect(sync).toHaveBeenCalledTimes(2);
      await c.insert({ collection_name: 'p', data: rows(['the red fox', 'fox'], 3) });
      expect(await ids(c, 'phrase_match(text, "red fox")')).toEqual([0, 3]);
      await c.upsert({ collection_name: 'p', data: rows(['red fox again'], 1) });
      expect(await ids(c, 'phrase_match(text, "red fox")')).toEqual([0, 1, 3]);
      // Enough deletes to compact (rows are renumbered): the index is rebuilt for the new rows.
      const many = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 'red fox' : 'blue fox'));
      await c.insert({ collection_name: 'p', data: rows(many, 10) });
      await c.delete({ collection_name: 'p', filter: 'n >= 10 and n < 1500' });
      const want = [0, 1, 3, ...many.map((_, i) => i + 10).filter((id, i) => id >= 1500 && i % 3 === 0)];
      expect(await ids(c, 'phrase_match(text, "red fox")')).toEqual(want);
      expect(await ids(c, 'phrase_match(text, "fox red", 0)')).toEqual([]);
    } finally {
      sync.mockRestore();
    }
  });

  it('is rebuilt from the stored text when a persisted collection is reopened', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await collection(docs, undefined, a as unknown as MilvusClient);
    await a.flush();
    await a.insert({ collection_name: 'p', data: rows(['learning the machine'], 7) });
    const queries = [
      'phrase_match(text, "machine learning", 2)',
      'phrase_match(text, "learning machine", 1)',
    ];
    const before = await Promise.all(queries.map((q) => ids(a as unknown as MilvusClient, q)));
    expect(before).toEqual([
      [0, 1, 2, 3],
      [1, 4, 7],
    ]);
    await a.closeConnection();
    const b = (await openOn(storage)) as unknown as MilvusClient;
    expect(await Promise.all(queries.map((q) => ids(b, q)))).toEqual(before);
    await b.insert({ collection_name: 'p', data: rows(['machine learning'], 8) });
    expect(await ids(b, queries[0]!)).toEqual([0, 1, 2, 3, 8]);
    await b.closeConnection();
  });

  it('costs about 10 bytes a token in typed arrays (6 forward, about 4 for the row lists)', () => {
    const vocab = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const texts = Array.from({ length: 5000 }, () =>
      Array.from({ length: 20 }, () => vocab[Math.floor(rnd() ** 3 * vocab.length)]).join(' '),
    );
    const idx = new PhraseIndex(createAnalyzer());
    idx.sync(texts, 0);
    idx.match('w1 w2', 3);
    expect(idx.tokenCount).toBe(100_000);
    // Capacities double as rows arrive, so up to 2x the payload; the payload itself is ≤ 10 B/token.
    const perToken = idx.byteLength / idx.tokenCount;
    expect(perToken).toBeGreaterThan(6);
    expect(perToken).toBeLessThan(14);
  });
});

describe('phrase_match argument errors', () => {
  const bad = async (filter: string, reason: RegExp) => {
    const c = await collection(docs);
    const e = await c.query({ collection_name: 'p', filter }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e, filter).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).code, filter).toBe('InvalidFilter');
    expect((e as ElanusError).message, filter).toMatch(reason);
  };

  it('uses the server wording for the field and the slop', async () => {
    await bad('phrase_match(plain, "a b")', /field "plain" does not enable match/);
    await bad('phrase_match(n, "a b")', /phrase match operation on non-string is unsupported/);
    await bad('phrase_match(nope, "a b")', /field `nope` does not exist/);
    await bad('phrase_match(text, "a b", -1)', /"slop" should not be a negative interger. "slop" passed: -1/);
    await bad('phrase_match(text, "a b", 4294967296)', /"slop" exceeds the range of "uint32"/);
    await bad(
      'phrase_match(text, "a b", 1.5)',
      /"slop" should be a const integer expression with "uint32" value/,
    );
    await bad('phrase_match(text, "a b", "1")', /"slop" should be a const integer expression/);
    await bad('phrase_match(text, "a b", n)', /"slop" should be a const integer expression.*passed: n/);
  });

  it('rejects a non-string phrase, a wrong arity and options', async () => {
    await bad('phrase_match(text, 1)', /the phrase of phrase_match must be a string/);
    await bad('phrase_match(text)', /phrase_match expects 2 or 3 arguments, got 1/);
    await bad('phrase_match(text, "a", 1, 2)', /phrase_match expects 2 or 3 arguments, got 4/);
    await bad('phrase_match(text, "a", slop=1)', /phrase_match takes no options/);
    // The largest slop is fine.
    const c = await collection(docs);
    expect(await ids(c, 'phrase_match(text, "efficiency machine", 4294967295)')).toEqual([0]);
  });
});
