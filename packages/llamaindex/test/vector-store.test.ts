// ElanusVectorStore with the real @llamaindex/core: add, query (filters for every operator, docIds, MMR),
// delete by source document, reopen over idb://. Embeddings are letter counts (the store is under test).
import 'fake-indexeddb/auto';
import { ElanusError, MilvusClient } from '@elanus/core';
import '@elanus/core/idb';
import { Document, NodeRelationship, TextNode } from '@llamaindex/core/schema';
import type { MetadataFilter } from '@llamaindex/core/vector-store';
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
const embedModel = {} as never; // queries arrive as embeddings: the store never embeds

function node(id: string, text: string, metadata: Record<string, unknown>, doc?: string) {
  const n = new TextNode({ id_: id, text, metadata, embedding: letters(text) });
  if (doc) n.relationships = { [NodeRelationship.SOURCE]: { nodeId: doc, metadata: {} } } as never;
  return n;
}

const nodes = [
  node('n1', 'cats purr', { kind: 'pet', year: 2001, tags: ['fur', 'small'] }, 'docA'),
  node('n2', 'cats nap', { kind: 'pet', year: 2005, tags: ['fur'] }, 'docA'),
  node('n3', 'zebra zigzag', { kind: 'wild', year: 1999, tags: ['stripes'] }, 'docB'),
  node('n4', 'dogs bark', { kind: 'pet', year: 2010, tags: [] }, 'docC'),
];

async function filled(uri = 'memory://') {
  const store = new ElanusVectorStore({
    client: new MilvusClient({ uri }),
    collectionName: 'li',
    embedModel,
  });
  expect(await store.add(nodes)).toEqual(['n1', 'n2', 'n3', 'n4']);
  return store;
}

const q = (text: string, k = 4, extra: object = {}) =>
  ({ queryEmbedding: letters(text), similarityTopK: k, mode: 'default', ...extra }) as never;

describe('ElanusVectorStore (LlamaIndex.TS BaseVectorStore)', () => {
  it('add and query: the same node type, text, metadata and scores come back', async () => {
    const store = await filled();
    const r = await store.query(q('cats', 2));
    expect([...r.ids].sort()).toEqual(['n1', 'n2']);
    const n1 = r.nodes!.find((n) => n.id_ === 'n1') as TextNode;
    expect(n1).toBeInstanceOf(TextNode);
    expect(n1.getText()).toBe('cats purr');
    expect(n1.metadata).toMatchObject({ kind: 'pet', year: 2001 });
    expect(r.similarities).toHaveLength(2);
    expect(r.similarities[0]).toBeGreaterThan(0.5);
  });

  it.each([
    [{ key: 'kind', value: 'wild', operator: '==' }, ['n3']],
    [{ key: 'kind', value: 'pet', operator: '!=' }, ['n3']],
    [{ key: 'year', value: 2005, operator: '>=' }, ['n2', 'n4']],
    [{ key: 'year', value: 2001, operator: '<' }, ['n3']],
    [{ key: 'kind', value: ['wild', 'none'], operator: 'in' }, ['n3']],
    [{ key: 'kind', value: ['pet'], operator: 'nin' }, ['n3']],
    [{ key: 'tags', value: 'fur', operator: 'contains' }, ['n1', 'n2']],
    [{ key: 'tags', value: ['small', 'stripes'], operator: 'any' }, ['n1', 'n3']],
    [{ key: 'tags', value: ['fur', 'small'], operator: 'all' }, ['n1']],
    [{ key: 'tags', operator: 'is_empty' }, ['n4']],
    [{ key: 'kind', value: 'il', operator: 'text_match' }, ['n3']],
  ] as [MetadataFilter, string[]][])('filter %o', async (filter, ids) => {
    const store = await filled();
    const r = await store.query(q('cats', 4, { filters: { filters: [filter] } }));
    expect([...r.ids].sort()).toEqual(ids);
  });

  it('or-conditions, docIds, MMR, and delete by source document', async () => {
    const store = await filled();
    const or = await store.query(
      q('cats', 4, {
        filters: {
          condition: 'or',
          filters: [
            { key: 'kind', value: 'wild', operator: '==' },
            { key: 'year', value: 2010, operator: '==' },
          ],
        },
      }),
    );
    expect([...or.ids].sort()).toEqual(['n3', 'n4']);
    expect((await store.query(q('cats', 4, { docIds: ['docB', 'docC'] }))).ids.sort()).toEqual(['n3', 'n4']);
    const mmr = await store.query(q('cats purr', 2, { mode: 'mmr', mmrThreshold: 0.1 }));
    expect(mmr.ids[0]).toBe('n1');
    expect(mmr.ids[1]).not.toBe('n2'); // the near-duplicate gives way to variety
    await store.delete('docA');
    expect((await store.query(q('cats'))).ids.sort()).toEqual(['n3', 'n4']);
  });

  it('bad input: clear errors naming the parameter', async () => {
    const client = new MilvusClient({ uri: 'memory://' });
    expect(() => new ElanusVectorStore({ client, collectionName: '', embedModel })).toThrow(/collectionName/);
    const store = new ElanusVectorStore({ client, collectionName: 'bad', embedModel });
    await expect(store.add([new TextNode({ text: 'x' })])).rejects.toThrow(
      /nodes\[0\]: expected a node with an embedding/,
    );
    await expect(store.query({ similarityTopK: 1, mode: 'default' } as never)).rejects.toThrow(
      /queryEmbedding/,
    );
    expect(() =>
      toMilvusFilter({ filters: [{ key: 'a"] or true', value: 1, operator: '==' }] }, 'metadata'),
    ).toThrow(ElanusError);
    expect(() => toMilvusFilter({ filters: [{ key: 'a', value: 1, operator: 'in' }] }, 'metadata')).toThrow(
      /expected an array/,
    );
    expect(toMilvusFilter({ filters: [{ key: 'k', value: 'x" or "1', operator: '==' }] }, 'metadata')).toBe(
      '(metadata["k"] == "x\\" or \\"1")',
    );
  });

  it('a Document as a node, and idb:// persistence across a reopen', async () => {
    const uri = `idb://li-${Date.now()}`;
    const a = await filled(uri);
    await a.add([
      Object.assign(new Document({ id_: 'd1', text: 'zebra stripes' }), {
        embedding: letters('zebra stripes'),
      }),
    ]);
    await a.client().closeConnection();
    const b = new ElanusVectorStore({ client: new MilvusClient({ uri }), collectionName: 'li', embedModel });
    const r = await b.query(q('zebra', 2));
    expect([...r.ids].sort()).toEqual(['d1', 'n3']);
    const d1 = r.nodes!.find((n) => n.id_ === 'd1') as TextNode;
    expect(d1.getText()).toBe('zebra stripes');
    await b.client().closeConnection();
  });
});
