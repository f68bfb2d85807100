// Hybrid BM25 + dense search in ElanusVectorStore (fullText) and ElanusHybridRetriever, on the real engine.
// The embedder is the deterministic letter-count function of vector-store.test.ts: an anagram of the
// query is its nearest dense neighbour while sharing no word with it, so each side finds what the other
// cannot.
import { MilvusClient } from '@elanus/core';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { ElanusHybridRetriever, ElanusVectorStore } from '../src/index.js';

function letters(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  return v;
}

class LetterEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]) {
    return texts.map(letters);
  }
  async embedQuery(text: string) {
    return letters(text);
  }
}

const ANAGRAM = 'enlist tinsel'; // the letters of "listen" twice: dense cosine 1, no word in common
const KEYWORD = 'please listen to the buzzing jazz quartz xylophone'; // the word, lost among other letters
const docs = [
  new Document({ id: 'anagram', pageContent: ANAGRAM, metadata: { kind: 'a', year: 2001 } }),
  new Document({ id: 'keyword', pageContent: KEYWORD, metadata: { kind: 'b', year: 2010 } }),
  new Document({ id: 'cats', pageContent: 'cats purr', metadata: { kind: 'a', year: 2005 } }),
  new Document({ id: 'dogs', pageContent: 'dogs bark', metadata: { kind: 'b', year: 1999 } }),
  new Document({ id: 'zebra', pageContent: 'zebra zigzag', metadata: { kind: 'c', year: 2020 } }),
];

async function store(
  collectionName: string,
  fullText: ConstructorParameters<typeof ElanusVectorStore>[1]['fullText'] = true,
) {
  return ElanusVectorStore.fromDocuments(docs, new LetterEmbeddings(), {
    client: new MilvusClient({ uri: 'memory://' }),
    collectionName,
    fullText,
  });
}

const contents = (ds: Document[]) => ds.map((d) => d.pageContent);

describe('ElanusVectorStore fullText: hybrid BM25 + dense', () => {
  it('creates the analyzed text field, the BM25 function and the sparse index', async () => {
    const s = await store('schema');
    const d = (await s.client.describeCollection({ collection_name: 'schema' })) as unknown as {
      schema: {
        fields: { name: string; data_type: unknown; enable_analyzer?: unknown }[];
        functions: unknown[];
      };
    };
    const names = d.schema.fields.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['id', 'vector', 'text', 'metadata', 'sparse']));
    expect(d.schema.functions).toHaveLength(1);
    const idx = await s.client.describeIndex({ collection_name: 'schema', field_name: 'sparse' });
    expect(JSON.stringify(idx)).toContain('BM25');
  });

  it('the keyword only BM25 finds, the anagram only the dense side finds, the fusion has both', async () => {
    const s = await store('both');
    // BM25: only the document with the word; the anagram shares no token with the query.
    const bm25 = await s.fullTextSearchWithScore('listen', 5);
    expect(contents(bm25.map(([d]) => d))).toEqual([KEYWORD]);
    expect(bm25[0]![1]).toBeGreaterThan(0);
    // Dense: the anagram first, the keyword document not near the top.
    const dense = await s.similaritySearch('listen', 1);
    expect(contents(dense)).toEqual([ANAGRAM]);
    // Hybrid (RRF, k 60): both, each with a fused score in (0, 2/61].
    const hybrid = await s.hybridSearchWithScore('listen', 2);
    expect(contents(hybrid.map(([d]) => d)).sort()).toEqual([ANAGRAM, KEYWORD].sort());
    for (const [doc, score] of hybrid) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(2 / 61 + 1e-12);
      expect(doc.id).toBeDefined();
      expect(doc.metadata.kind).toMatch(/^[ab]$/);
    }
    expect(hybrid[0]![1]).toBeGreaterThanOrEqual(hybrid[1]![1]);
    // The keyword document is found by both sides (dense at some rank ≤ 5), the anagram by one.
    const wide = await s.hybridSearchWithScore('listen', 2, { fetchK: 5 });
    expect(wide[0]![0].id).toBe('keyword');
    expect(wide[0]![1]).toBeGreaterThan(1 / 61);
    expect(wide[1]![0].id).toBe('anagram');
    expect(wide[1]![1]).toBeCloseTo(1 / 61, 12);
    expect(contents(await s.hybridSearch('listen', 2))).toHaveLength(2);
  });

  it('weighted ranking follows the weights; RRF k is passed through', async () => {
    const s = await store('weighted');
    const denseOnly = await s.hybridSearch('listen', 1, {
      rankerType: 'weighted',
      rankerParams: { weights: [1, 0] },
    });
    expect(contents(denseOnly)).toEqual([ANAGRAM]);
    const sparseOnly = await s.hybridSearch('listen', 1, {
      rankerType: 'weighted',
      rankerParams: { weights: [0, 1] },
    });
    expect(contents(sparseOnly)).toEqual([KEYWORD]);
    const raw = await s.hybridSearchWithScore('listen', 1, {
      rankerType: 'weighted',
      rankerParams: { weights: [1, 0], normScore: false },
    });
    expect(raw[0]![1]).toBeCloseTo(1, 5); // the anagram's raw cosine
    const rrf10 = await s.hybridSearchWithScore('listen', 2, { rankerParams: { k: 10 } });
    expect(rrf10.find(([d]) => d.id === 'anagram')![1]).toBeCloseTo(1 / 11, 12);
  });

  it('filters pass through: metadata objects and expression strings, on both sides', async () => {
    const s = await store('filters');
    const b = await s.hybridSearch('listen', 5, { filter: { kind: 'b' } });
    expect(b.map((d) => d.id).sort()).toEqual(['dogs', 'keyword']);
    const a = await s.hybridSearch('listen', 5, { filter: { kind: ['a', 'c'] } });
    expect(a.map((d) => d.id)).not.toContain('keyword');
    expect(a[0]!.id).toBe('anagram');
    const expr = await s.hybridSearch('listen', 5, { filter: 'metadata["year"] >= 2005' });
    expect(expr.map((d) => d.id).sort()).toEqual(['cats', 'keyword', 'zebra']);
    expect(contents((await s.fullTextSearchWithScore('listen', 5, { kind: 'a' })).map(([d]) => d))).toEqual(
      [],
    );
  });

  it('as a LangChain retriever: asHybridRetriever and ElanusHybridRetriever', async () => {
    const s = await store('retriever');
    const got = await s.asHybridRetriever({ k: 2, fetchK: 5 }).invoke('listen');
    expect(got.map((d) => d.id)).toEqual(['keyword', 'anagram']);
    expect(got[0]!.metadata.score).toBeGreaterThan(got[1]!.metadata.score as number);
    expect(got[0]!.metadata.kind).toBe('b');
    const r = new ElanusHybridRetriever({ vectorStore: s, k: 1, filter: { kind: 'a' }, scoreKey: null });
    const one = await r.invoke('listen');
    expect(one.map((d) => d.id)).toEqual(['anagram']);
    expect(one[0]!.metadata).toEqual({ kind: 'a', year: 2001 });
    const weighted = await s
      .asHybridRetriever({
        k: 1,
        rankerType: 'weighted',
        rankerParams: { weights: [0, 1] },
        scoreKey: 'fused',
      })
      .invoke('listen');
    expect(weighted[0]!.id).toBe('keyword');
    expect(typeof weighted[0]!.metadata.fused).toBe('number');
  });

  it('an analyzer: english stemming lets "listening" find "listen"', async () => {
    const s = await store('english', { analyzerParams: { type: 'english' }, sparseField: 'bm25' });
    const hits = await s.fullTextSearchWithScore('listening', 3);
    expect(hits.map(([d]) => d.id)).toEqual(['keyword']);
    const d = JSON.stringify(await s.client.describeCollection({ collection_name: 'english' }));
    expect(d).toContain('"bm25"');
  });

  it('bad options: clear errors naming the parameter', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    const e = new LetterEmbeddings();
    const mk = (fullText: unknown) =>
      new ElanusVectorStore(e, { client, collectionName: 'bad', fullText: fullText as never });
    expect(() => mk('yes')).toThrow(/invalid parameter fullText:/);
    expect(() => mk({ analyzerParams: 'english' })).toThrow(/invalid parameter fullText\.analyzerParams/);
    expect(() => mk({ sparseField: '' })).toThrow(/invalid parameter fullText\.sparseField/);
    expect(() => mk({ sparseField: 'text' })).toThrow(
      /fullText\.sparseField: expected a name no other field/,
    );

    const plain = await ElanusVectorStore.fromDocuments(docs, e, { client, collectionName: 'plain' });
    await expect(plain.hybridSearch('listen')).rejects.toThrow(
      /invalid parameter fullText: hybridSearchWithScore needs/,
    );
    await expect(plain.fullTextSearchWithScore('listen')).rejects.toThrow(/fullText/);
    expect(() => plain.asHybridRetriever()).toThrow(/fullText/);

    const s = await store('bad_opts');
    await expect(s.hybridSearch('listen', 0)).rejects.toThrow(
      /invalid parameter k: expected a positive integer, got 0/,
    );
    await expect(s.hybridSearch('listen', 2, { fetchK: 1.5 })).rejects.toThrow(/invalid parameter fetchK/);
    await expect(s.hybridSearch('listen', 2, { rankerType: 'rfr' as never })).rejects.toThrow(
      /invalid parameter rankerType: expected 'rrf' or 'weighted', got "rfr"/,
    );
    await expect(s.hybridSearch('listen', 2, { rankerParams: { k: -1 } })).rejects.toThrow(
      /invalid parameter rankerParams\.k/,
    );
    await expect(s.hybridSearch('listen', 2, { rankerParams: { weights: [0.5, 0.5] } })).rejects.toThrow(
      /rankerParams\.weights: expected no weights with rankerType 'rrf'/,
    );
    await expect(
      s.hybridSearch('listen', 2, { rankerType: 'weighted', rankerParams: { weights: [1] } }),
    ).rejects.toThrow(/invalid parameter rankerParams\.weights: expected two weights/);
    await expect(
      s.hybridSearch('listen', 2, { rankerType: 'weighted', rankerParams: { weights: [2, 0] } }),
    ).rejects.toThrow(/invalid parameter rankerParams\.weights\[0\]: expected a number in \[0, 1\], got 2/);
    await expect(
      s.hybridSearch('listen', 2, { rankerType: 'weighted', rankerParams: { k: 60 } }),
    ).rejects.toThrow(/rankerParams\.k/);
    await expect(s.hybridSearch('listen', 2, { filter: { 'a"b': 1 } })).rejects.toThrow(
      /invalid parameter filter/,
    );
    await expect(s.hybridSearch(42 as never)).rejects.toThrow(/invalid parameter query/);
    expect(() =>
      s.asHybridRetriever({ rankerType: 'weighted', rankerParams: { weights: [0.1, 0.2, 0.3] } }),
    ).toThrow(/rankerParams\.weights/);
    expect(() => s.asHybridRetriever({ k: -2 })).toThrow(/invalid parameter k/);
    expect(() => new ElanusHybridRetriever({ vectorStore: {} as never })).toThrow(
      /invalid parameter vectorStore/,
    );
  });
});
