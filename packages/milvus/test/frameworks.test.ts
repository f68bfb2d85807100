// LangChain.js's and LlamaIndex.TS's own Milvus vector stores, unchanged, over an Elanus client: the
// drop-in promise is that their code runs against the in-page engine with only the client swapped.
// The embedder is a deterministic letter-count function (not a model): the stores are under test here.
import { MilvusClient } from '@elanus/core';
import { Milvus } from '@langchain/community/vectorstores/milvus';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { TextNode } from '@llamaindex/core/schema';
import { MilvusVectorStore } from '@llamaindex/milvus';
import { describe, expect, it } from 'vitest';

/** 26 letter counts, then zeros: texts sharing letters land near each other. */
function letters(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

class LetterEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => letters(t, 32));
  }
  async embedQuery(text: string): Promise<number[]> {
    return letters(text, 32);
  }
}

const texts = ['cats purr', 'dogs bark', 'zebra zigzag', 'catnap at noon'];

describe('LangChain.js Milvus store over an Elanus client', () => {
  it('addDocuments (insert + flushSync), similaritySearch (older search form), filter, delete', async () => {
    // The store builds its own SDK client from `url`; it is replaced before any call, as a user would.
    const store = new Milvus(new LetterEmbeddings(), {
      collectionName: 'lc_docs',
      clientConfig: { address: '127.0.0.1:9', logLevel: 'error' } as never,
    });
    const sdkClient = store.client;
    // Its first connect attempt fails (nothing listens there): that rejection is expected, not the test's.
    (sdkClient as unknown as { connectPromise?: Promise<unknown> }).connectPromise?.catch(() => {});
    store.client = new MilvusClient({ uri: 'memory://' }) as unknown as typeof store.client;
    await sdkClient.closeConnection().catch(() => {});

    await store.addDocuments(
      texts.map((t, i) => new Document({ pageContent: t, metadata: { source: `s${i}`, n: i } })),
    );
    const hits = await store.similaritySearchWithScore('cat', 2);
    expect(hits.map(([d]) => d.pageContent).sort()).toEqual(['catnap at noon', 'cats purr']);
    const cats = hits.find(([d]) => d.pageContent === 'cats purr')!;
    expect(cats[0].metadata).toMatchObject({ source: 's0', n: 0 });
    expect(hits[0]![1]).toBeGreaterThanOrEqual(0);

    const filtered = await store.similaritySearch('cat', 4, 'n >= 2');
    expect(filtered.map((d) => d.pageContent).sort()).toEqual(['catnap at noon', 'zebra zigzag']);

    await store.delete({ filter: 'n == 0' });
    const after = await store.similaritySearch('cat', 4);
    expect(after.map((d) => d.pageContent)).not.toContain('cats purr');
    expect(after).toHaveLength(3);
  });
});

describe('LlamaIndex.TS Milvus store over an Elanus client', () => {
  it('add, query without output_fields (reads content and metadata), filters, delete', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    // Queries arrive as embeddings, so the store's own embedder is never called.
    const store = new MilvusVectorStore({
      milvusClient: client as never,
      collection: 'li_nodes',
      embeddingModel: {} as never,
    });
    const nodes = texts.map(
      (t, i) =>
        new TextNode({
          id_: `node-${i}`,
          text: t,
          metadata: { topic: i % 2 === 0 ? 'even' : 'odd' },
          embedding: letters(t, 1536), // the store creates a 1536-d field
        }),
    );
    const ids = await store.add(nodes);
    expect(ids).toEqual(['node-0', 'node-1', 'node-2', 'node-3']);

    const res = await store.query({
      queryEmbedding: letters('cat', 1536),
      similarityTopK: 2,
      mode: 'default',
    } as never);
    expect([...res.ids].sort()).toEqual(['node-0', 'node-3']);
    const byId = new Map(res.nodes!.map((n) => [n.id_, n as TextNode]));
    expect(byId.get('node-0')!.getText()).toBe('cats purr');
    expect(byId.get('node-3')!.getText()).toBe('catnap at noon');
    expect(byId.get('node-0')!.metadata).toMatchObject({ topic: 'even' });

    const odd = await store.query({
      queryEmbedding: letters('cat', 1536),
      similarityTopK: 4,
      mode: 'default',
      filters: { filters: [{ key: 'topic', value: 'odd', operator: '==' }] },
    } as never);
    expect(odd.ids.sort()).toEqual(['node-1', 'node-3']);

    await store.delete('node-0');
    const after = await store.query({
      queryEmbedding: letters('cat', 1536),
      similarityTopK: 4,
      mode: 'default',
    } as never);
    expect(after.ids).not.toContain('node-0');
    expect(after.ids).toHaveLength(3);
  });
});
