// The analyzers are a lazy chunk: every path that creates a collection must load them first. Each
// "realm" here is a fresh module graph (vi.resetModules), as a new tab or a reopened page would have.
import { describe, expect, it, vi } from 'vitest';
import { DataType, FunctionType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';

async function freshRealm() {
  vi.resetModules();
  const helpers = await import('./storage-helpers.js');
  const text = await import('../src/functions/text-support.js');
  return { ...helpers, text };
}

const analysed = { name: 'text', data_type: DataType.VarChar, max_length: 200, enable_analyzer: true };
const schema = {
  collection_name: 'docs',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    analysed,
    { name: 'sparse', data_type: DataType.SparseFloatVector },
  ],
  functions: [
    {
      name: 'bm25',
      type: FunctionType.BM25,
      input_field_names: ['text'],
      output_field_names: ['sparse'],
      params: {},
    },
  ],
  index_params: { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
};
const rows = [
  { id: 1, text: 'the quick brown fox' },
  { id: 2, text: 'a lazy dog sleeps' },
  { id: 3, text: 'quick quick rabbits' },
];
const searchReq = { collection_name: 'docs', anns_field: 'sparse', data: 'quick', limit: 3 };
const ids = (r: { results: readonly unknown[] }) => r.results.map((h) => String((h as { id: unknown }).id));

/** True when this realm's analyzer module is not loaded yet (asking for an encoder says so). */
function notLoaded(text: typeof import('../src/functions/text-support.js')): boolean {
  try {
    text.textEncoderFor({ ...analysed, data_type: DataType.VarChar } as never);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'UnexpectedError';
  }
}

describe('analyzers load on demand', () => {
  it('a collection without text fields never loads them; createCollection with one does', async () => {
    const realm = await freshRealm();
    const c = await realm.openOn(new MemoryStorage());
    await c.createCollection({ collection_name: 'plain', dimension: 2 });
    expect(notLoaded(realm.text)).toBe(true);
    await c.createCollection(schema);
    expect(notLoaded(realm.text)).toBe(false);
    await c.insert({ collection_name: 'docs', data: rows });
    expect(ids(await c.search(searchReq))).toEqual(['3', '1']);
    await c.closeConnection();
  });

  it('reopening stored BM25 collections (manifest and log tail) in a fresh realm loads them first', async () => {
    const storage = new MemoryStorage();
    const first = await freshRealm();
    const a = await first.openOn(storage);
    await a.createCollection(schema);
    await a.insert({ collection_name: 'docs', data: rows.slice(0, 2) });
    await a.flush(); // the collection is in the manifest...
    await a.createCollection({ ...schema, collection_name: 'tail' }); // ...and this one only in the log
    await a.insert({ collection_name: 'tail', data: rows });
    await a.insert({ collection_name: 'docs', data: rows.slice(2) });
    await a.closeConnection();

    const second = await freshRealm();
    expect(notLoaded(second.text)).toBe(true);
    const b = await second.openOn(storage);
    expect(ids(await b.search(searchReq))).toEqual(['3', '1']);
    expect(ids(await b.search({ ...searchReq, collection_name: 'tail' }))).toEqual(['3', '1']);
    await b.closeConnection();
  });

  it('a follower tab in a fresh realm loads them for a BM25 collection the writer creates', async () => {
    const storage = new MemoryStorage();
    const first = await freshRealm();
    const locks = new first.FakeLocks();
    const coordination = { locks, channel: (n: string) => new BroadcastChannel(n) };
    const name = `lazy-${Math.random()}`;
    const leader = await first.openOn(storage, { coordination, name });
    const second = await freshRealm();
    const follower = await second.openOn(storage, { coordination, name });
    expect(follower.mode).toBe('follower');
    await leader.createCollection(schema);
    await leader.insert({ collection_name: 'docs', data: rows });
    await vi.waitFor(async () => expect((await follower.count({ collection_name: 'docs' })).data).toBe(3));
    expect(notLoaded(second.text)).toBe(false);
    expect(ids(await follower.search(searchReq))).toEqual(['3', '1']);
    await follower.closeConnection();
    await leader.closeConnection();
  });
});
