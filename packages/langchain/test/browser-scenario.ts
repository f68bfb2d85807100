// The ElanusVectorStore scenario the Chromium suite (tests/e2e/frameworks.spec.ts) runs in a page:
// real @langchain/core, an Elanus client over `uri` (in the page or its engine worker), a reopen.
import { MilvusClient } from '@elanus/core';
import '@elanus/core/idb';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { ElanusVectorStore } from '../src/index.js';

/** Letter counts: a deterministic stand-in for a model (the store is under test, not embeddings). */
class LetterEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  private vec(text: string): number[] {
    const v = new Array<number>(26).fill(0);
    for (const ch of text.toLowerCase()) {
      const i = ch.charCodeAt(0) - 97;
      if (i >= 0 && i < 26) v[i]! += 1;
    }
    return v;
  }
  async embedDocuments(texts: string[]) {
    return texts.map((t) => this.vec(t));
  }
  async embedQuery(text: string) {
    return this.vec(text);
  }
}

export async function runScenario(uri: string, worker: boolean) {
  const e = new LetterEmbeddings();
  const client = new MilvusClient({ uri, worker });
  const store = await ElanusVectorStore.fromDocuments(
    [
      new Document({ pageContent: 'cats purr', metadata: { kind: 'pet' } }),
      new Document({ pageContent: 'zebra zigzag', metadata: { kind: 'wild' } }),
      new Document({ pageContent: 'dogs bark', metadata: { kind: 'pet' } }),
    ],
    e,
    { client, collectionName: 'docs' },
  );
  const top = (await store.similaritySearch('cats', 1)).map((d) => d.pageContent);
  const wild = (await store.similaritySearch('cats', 3, { kind: 'wild' })).map((d) => d.pageContent);
  const mmr = (await store.maxMarginalRelevanceSearch('cats', { k: 2, fetchK: 3 })).length;
  await store.delete({ filter: { kind: 'wild' } });
  const left = (await store.similaritySearch('zebra', 3)).map((d) => d.pageContent).sort();
  await client.closeConnection();
  // Reopen: an idb:// store finds what it wrote; memory:// starts empty.
  const again = new MilvusClient({ uri, worker });
  const kept = (await again.hasCollection({ collection_name: 'docs' })).value
    ? (
        await (
          await ElanusVectorStore.fromExistingCollection(e, { client: again, collectionName: 'docs' })
        ).similaritySearch('dogs', 3)
      ).map((d) => d.pageContent)
    : null;
  await again.closeConnection();
  return { top, wild, mmr, left, kept };
}
