// ElanusVectorStore with fullText: query modes 'sparse' (BM25) and 'hybrid' (hybridSearch, RRF or alpha
// weights) on the real engine and @llamaindex/core's query shape. Embeddings are letter counts: an
// anagram of the query is its nearest dense neighbour while sharing no word with it.
import { MilvusClient } from '@elanus/core';
import { TextNode } from '@llamaindex/core/schema';
import { FilterOperator, VectorStoreQueryMode } from '@llamaindex/core/vector-store';
import { describe, expect, it } from 'vitest';
import { ElanusVectorStore, type ElanusVectorStoreArgs } from '../src/index.js';

function letters(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  return v;
}
const embedModel = {} as never; // queries arrive as embeddings: the store never embeds

const node = (id: string, text: string, kind: string) =>
  new TextNode({ id_: id, text, metadata: { kind }, embedding: letters(text) });
const nodes = [
  node('anagram', 'enlist tinsel', 'a'), // the letters of "listen" twice, no word in common
  node('keyword', 'please listen to the buzzing jazz quartz xylophone', 'b'),
  node('cats', 'cats purr', 'a'),
  node('dogs', 'dogs bark', 'b'),
  node('zebra', 'zebra zigzag', 'c'),
];

async function filled(extra: Partial<ElanusVectorStoreArgs> = { fullText: true }) {
  const store = new ElanusVectorStore({
    client: new MilvusClient({ uri: 'memory://' }),
    collectionName: 'li_hybrid',
    embedModel,
    ...extra,
  });
  await store.add(nodes);
  return store;
}

const q = (mode: `${VectorStoreQueryMode}`, k: number, extra: object = {}) =>
  ({ queryEmbedding: letters('listen'), queryStr: 'listen', similarityTopK: k, mode, ...extra }) as never;

describe('ElanusVectorStore fullText (LlamaIndex hybrid / sparse modes)', () => {
  it('sparse finds the keyword only, default the anagram, hybrid both', async () => {
    const store = await filled();
    const sparse = await store.query(q(VectorStoreQueryMode.SPARSE, 5, { queryEmbedding: undefined }));
    expect(sparse.ids).toEqual(['keyword']);
    expect(sparse.similarities[0]).toBeGreaterThan(0);
    expect((await store.query(q('default', 1))).ids).toEqual(['anagram']);
    const hybrid = await store.query(q(VectorStoreQueryMode.HYBRID, 2));
    expect([...hybrid.ids].sort()).toEqual(['anagram', 'keyword']);
    expect((hybrid.nodes![0] as TextNode).getText()).toMatch(/listen|enlist/);
    for (const s of hybrid.similarities) expect(s).toBeLessThanOrEqual(2 / 61 + 1e-12);
    expect(hybrid.similarities.find((_, i) => hybrid.ids[i] === 'anagram')).toBeCloseTo(1 / 61, 12);
  });

  it('alpha weights the sides (1 = dense, 0 = BM25); the store ranker and filters pass through', async () => {
    const store = await filled();
    expect((await store.query(q('hybrid', 1, { alpha: 1 }))).ids).toEqual(['anagram']);
    expect((await store.query(q('hybrid', 1, { alpha: 0 }))).ids).toEqual(['keyword']);
    const filters = { filters: [{ key: 'kind', value: 'a', operator: FilterOperator.EQ }] };
    const a = await store.query(q('hybrid', 5, { filters }));
    expect(a.ids).not.toContain('keyword');
    expect(a.ids[0]).toBe('anagram');
    expect((await store.query(q('sparse', 5, { filters }))).ids).toEqual([]);
    const rrf10 = await filled({ fullText: true, hybridRankerParams: { k: 10 } });
    const r = await rrf10.query(q('hybrid', 2));
    expect(r.similarities.find((_, i) => r.ids[i] === 'anagram')).toBeCloseTo(1 / 11, 12);
    const weighted = await filled({
      fullText: { analyzerParams: { type: 'english' } },
      hybridRanker: 'WeightedRanker',
      hybridRankerParams: { weights: [0, 1] },
    });
    expect((await weighted.query(q('hybrid', 1, { queryStr: 'listening' }))).ids).toEqual(['keyword']);
  });

  it('bad options: clear errors naming the parameter', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    const mk = (extra: object) =>
      new ElanusVectorStore({ client, collectionName: 'bad', embedModel, ...extra });
    expect(() => mk({ fullText: 'yes' })).toThrow(/invalid parameter fullText:/);
    expect(() => mk({ fullText: { analyzerParams: 1 } })).toThrow(/fullText\.analyzerParams/);
    expect(() => mk({ fullText: { sparseField: 'content' } })).toThrow(/fullText\.sparseField/);
    expect(() => mk({ hybridRanker: 'RRF' })).toThrow(
      /invalid parameter hybridRanker: expected 'RRFRanker' or/,
    );
    expect(() => mk({ hybridRankerParams: { k: 0 } })).toThrow(/hybridRankerParams\.k/);
    expect(() => mk({ hybridRanker: 'WeightedRanker', hybridRankerParams: { weights: [0.5, 1.5] } })).toThrow(
      /hybridRankerParams\.weights\[1\]: expected a number in \[0, 1\]/,
    );
    const plain = await filled({});
    await expect(plain.query(q('hybrid', 2))).rejects.toThrow(
      /invalid parameter fullText: expected a store made/,
    );
    const store = await filled();
    await expect(store.query(q('hybrid', 2, { queryStr: '' }))).rejects.toThrow(
      /invalid parameter query\.queryStr/,
    );
    await expect(store.query(q('hybrid', 2, { alpha: 2 }))).rejects.toThrow(/invalid parameter query\.alpha/);
    await expect(store.query(q('hybrid', 2, { queryEmbedding: undefined }))).rejects.toThrow(
      /query\.queryEmbedding/,
    );
    await expect(store.query(q('hybrid', 0))).rejects.toThrow(/query\.similarityTopK/);
  });
});
