// The ElanusVectorStore scenario the Chromium suite (tests/e2e/frameworks.spec.ts) runs in a page:
// real @llamaindex/core nodes, an Elanus client over `uri` (in the page or its engine worker), a reopen.
import { MilvusClient } from '@elanus/core';
import '@elanus/core/idb';
import { TextNode } from '@llamaindex/core/schema';
import { ElanusVectorStore } from '../src/index.js';

/** Letter counts: a deterministic stand-in for a model (the store is under test, not embeddings). */
function letters(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  return v;
}
const q = (text: string, k: number, extra: object = {}) =>
  ({ queryEmbedding: letters(text), similarityTopK: k, mode: 'default', ...extra }) as never;

export async function runScenario(uri: string, worker: boolean) {
  const open = () =>
    new ElanusVectorStore({
      client: new MilvusClient({ uri, worker }),
      collectionName: 'nodes',
      embedModel: {} as never,
    });
  const store = open();
  await store.add(
    [
      ['a', 'cats purr', 'pet'],
      ['b', 'zebra zigzag', 'wild'],
      ['c', 'dogs bark', 'pet'],
    ].map(
      ([id, text, kind]) => new TextNode({ id_: id, text, metadata: { kind }, embedding: letters(text!) }),
    ),
  );
  const top = (await store.query(q('cats', 1))).nodes!.map((n) => (n as TextNode).getText());
  const wild = (
    await store.query(
      q('cats', 3, { filters: { filters: [{ key: 'kind', value: 'wild', operator: '==' }] } }),
    )
  ).ids;
  const mmr = (await store.query(q('cats', 2, { mode: 'mmr' }))).ids.length;
  await store.delete('b');
  const left = [...(await store.query(q('zebra', 3))).ids].sort();
  await store.client().closeConnection();
  const again = open();
  const kept = (await again.client().hasCollection({ collection_name: 'nodes' })).value
    ? [...(await again.query(q('dogs', 3))).ids].sort()
    : null;
  await again.client().closeConnection();
  return { top, wild, mmr, left, kept };
}
