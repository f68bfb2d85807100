// ElanusVectorStore with the real @langchain/core: add, search (scores, filters, MMR), delete, reopen.
// The embedder is a deterministic letter-count function, not a model: the store is under test.
import 'fake-indexeddb/auto';
import { ElanusError, MilvusClient } from '@elanus/core';
import '@elanus/core/idb';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { ElanusVectorStore, toMilvusFilter } from '../src/index.js';

function letters(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  return v;
}

class LetterEmbeddings extends Embeddings {
  calls = 0;
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]) {
    this.calls++;
    return texts.map(letters);
  }
  async embedQuery(text: string) {
    return letters(text);
  }
}

const docs = [
  new Document({ pageContent: 'cats purr', metadata: { kind: 'pet', year: 2001 } }),
  new Document({ pageContent: 'cats nap', metadata: { kind: 'pet', year: 2005 } }),
  new Document({ pageContent: 'zebra zigzag', metadata: { kind: 'wild', year: 1999 } }),
  new Document({ pageContent: 'dogs bark', metadata: { kind: 'pet', year: 2010 } }),
];

describe('ElanusVectorStore (LangChain.js VectorStore)', () => {
  it('fromDocuments, similaritySearchWithScore, metadata and expression filters', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    const store = await ElanusVectorStore.fromDocuments(docs, new LetterEmbeddings(), {
      client,
      collectionName: 'lc',
    });
    const hits = await store.similaritySearchWithScore('cats', 2);
    expect(hits.map(([d]) => d.pageContent).sort()).toEqual(['cats nap', 'cats purr']);
    expect(hits[0]![1]).toBeGreaterThan(hits.at(-1)![1] - 1e-9);
    expect(hits[0]![0].metadata.kind).toBe('pet');
    expect(hits[0]![0].id).toMatch(/^[0-9a-f-]{36}$/);

    const wild = await store.similaritySearch('cats', 4, { kind: 'wild' });
    expect(wild.map((d) => d.pageContent)).toEqual(['zebra zigzag']);
    const either = await store.similaritySearch('cats', 4, { kind: ['wild', 'none'] });
    expect(either).toHaveLength(1);
    const expr = await store.similaritySearch('cats', 4, 'metadata["year"] >= 2005');
    expect(expr.map((d) => d.pageContent).sort()).toEqual(['cats nap', 'dogs bark']);

    // As a retriever, the way LangChain chains use it.
    const got = await store.asRetriever({ k: 1, filter: { kind: 'pet' } }).invoke('dogs');
    expect(got.map((d) => d.pageContent)).toEqual(['dogs bark']);
  });

  it('ids: given ids are kept, adding again replaces, delete by ids and by filter', async () => {
    const store = new ElanusVectorStore(new LetterEmbeddings(), {
      client: new MilvusClient({ uri: 'memory://' }),
      collectionName: 'lc_ids',
      metricType: 'L2',
      indexType: 'FLAT',
    });
    expect(await store.addDocuments(docs, { ids: ['a', 'b', 'c', 'd'] })).toEqual(['a', 'b', 'c', 'd']);
    await store.addDocuments([new Document({ pageContent: 'cats purr loudly', metadata: { kind: 'pet' } })], {
      ids: ['a'],
    });
    const all = await store.similaritySearch('cats', 10);
    expect(all).toHaveLength(4);
    expect(all.find((d) => d.id === 'a')!.pageContent).toBe('cats purr loudly');
    await store.delete({ ids: ['a'] });
    await store.delete({ filter: { kind: 'wild' } });
    expect((await store.similaritySearch('cats', 10)).map((d) => d.id).sort()).toEqual(['b', 'd']);
  });

  it('maxMarginalRelevanceSearch trades nearness for variety', async () => {
    const store = await ElanusVectorStore.fromTexts(
      ['cats purr', 'cats purr!', 'cats purr?', 'dogs bark'],
      { kind: 'pet' },
      new LetterEmbeddings(),
      { client: new MilvusClient({ uri: 'memory://' }), collectionName: 'mmr' },
    );
    const near = await store.similaritySearch('cats purr', 2);
    expect(near.every((d) => d.pageContent.startsWith('cats purr'))).toBe(true);
    const varied = await store.maxMarginalRelevanceSearch('cats purr', { k: 2, fetchK: 4, lambda: 0.1 });
    expect(varied.map((d) => d.pageContent)).toContain('dogs bark');
  });

  it('bad input: a clear error, nothing written', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    expect(() => new ElanusVectorStore(new LetterEmbeddings(), { client, collectionName: '' })).toThrow(
      /collectionName/,
    );
    const store = new ElanusVectorStore(new LetterEmbeddings(), { client, collectionName: 'bad' });
    await expect(store.similaritySearch('x', 1)).rejects.toThrow(/collection not found/);
    await expect(store.addVectors([[1, 2]], [])).rejects.toThrow(/one vector per document/);
    expect(() => toMilvusFilter({ 'a"] or true or m["b': 1 }, 'metadata')).toThrow(ElanusError);
    expect(toMilvusFilter({ k: 'x" or "1' }, 'metadata')).toBe('metadata["k"] == "x\\" or \\"1"');
    await store.addDocuments(docs.slice(0, 1));
    await expect(store.similaritySearch('cats', 1, { year: Number.NaN })).rejects.toThrow(/filter.year/);
  });

  it('persists in idb:// and reopens over the same collection', async () => {
    const uri = `idb://lc-${Date.now()}`;
    const a = new MilvusClient({ uri });
    await ElanusVectorStore.fromDocuments(docs, new LetterEmbeddings(), {
      client: a,
      collectionName: 'kept',
    });
    await a.closeConnection();
    const b = new MilvusClient({ uri });
    const store = await ElanusVectorStore.fromExistingCollection(new LetterEmbeddings(), {
      client: b,
      collectionName: 'kept',
    });
    expect((await store.similaritySearch('zebra', 1))[0]!.pageContent).toBe('zebra zigzag');
    await b.closeConnection();
  });
});
