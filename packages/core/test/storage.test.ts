// Persistence over the memory backend: reopen restores everything, writes are atomic and roll back on a
// failed commit, seals store segments and indexes that reload without rebuilding, tabs follow a writer.
import { describe, expect, it, vi } from 'vitest';
import { Collection } from '../src/collection/collection.js';
import { DataType, FunctionType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { CHUNK_ROWS } from '../src/storage/persistence.js';
import {
  decodeChunk,
  encodeSparse,
  encodeTyped,
  encodeValues,
  encodeVectors,
} from '../src/storage/segment-codec.js';
import { crc32, decodeValue, encodeValue } from '../src/storage/value-codec.js';
import { dump, expectError, FakeLocks, openOn } from './storage-helpers.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const vec = (r: () => number, dim: number) => Array.from({ length: dim }, () => r() * 2 - 1);

const FIELDS = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 8 },
  { name: 'title', data_type: DataType.VarChar, max_length: 64 },
  { name: 'year', data_type: DataType.Int32 },
  { name: 'small', data_type: DataType.Int8, nullable: true },
  { name: 'rating', data_type: DataType.Float, nullable: true },
  { name: 'score', data_type: DataType.Double },
  { name: 'big', data_type: DataType.Int64, nullable: true },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'lang', data_type: DataType.VarChar, max_length: 8, default_value: 'en' },
  { name: 'meta', data_type: DataType.JSON },
  {
    name: 'tags',
    data_type: DataType.Array,
    element_type: DataType.VarChar,
    max_capacity: 4,
    max_length: 10,
  },
  { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
];

function bookRow(i: number, r: () => number) {
  return {
    id: i,
    vec: vec(r, 8),
    title: `title ${i}`,
    year: 1900 + (i % 120),
    small: i % 5 === 0 ? null : (i % 100) - 50,
    rating: i % 7 === 0 ? null : (i % 50) / 10,
    score: i / 3,
    big: i % 3 === 0 ? null : BigInt(i) * 10_000_000_000n,
    flag: i % 2 === 0,
    ...(i % 4 === 0 ? {} : { lang: 'fr' }),
    meta: { i, nested: { even: i % 2 === 0 }, list: [i, 'x'] },
    tags: i % 3 === 0 ? [] : [`t${i % 10}`],
    nums: [BigInt(i), -1n],
    ...(i % 2 === 0 ? { color: i % 4 === 0 ? 'red' : 'blue' } : { extra: { deep: [i] } }),
  };
}

async function seedBooks(client: Awaited<ReturnType<typeof openOn>>, n: number, seed = 1) {
  await client.createCollection({
    collection_name: 'books',
    fields: FIELDS,
    enable_dynamic_field: true,
    index_params: {
      field_name: 'vec',
      index_type: 'HNSW',
      metric_type: 'L2',
      params: { M: 8, efConstruction: 40 },
    },
  });
  await client.createPartition({ collection_name: 'books', partition_name: 'archive' });
  const r = rng(seed);
  const rows = Array.from({ length: n }, (_, i) => bookRow(i, r));
  await client.insert({ collection_name: 'books', data: rows.filter((_, i) => i % 3 !== 0) });
  await client.insert({
    collection_name: 'books',
    partition_name: 'archive',
    data: rows.filter((_, i) => i % 3 === 0),
  });
}

async function searchIds(client: Awaited<ReturnType<typeof openOn>>, q: number[]) {
  const res = await client.search({ collection_name: 'books', data: q, limit: 5, params: { ef: 64 } });
  return (res.results as { id: string }[]).map((h) => h.id);
}

describe('value and segment codecs', () => {
  it('round-trips every stored value type', () => {
    const v = {
      a: [
        1,
        -2,
        3.5,
        2 ** 40,
        -0,
        Number.NaN,
        null,
        undefined,
        true,
        false,
        'héllo ✓',
        12345678901234567890n,
      ],
      f: new Float32Array([1.5, -2]),
      b: new BigInt64Array([1n, -2n]),
      u: new Uint32Array([7]),
      buf: new Uint8Array([1, 2, 3]).buffer,
      m: new Map<unknown, unknown>([['k', 1]]),
      nested: { x: { y: [] as unknown[] } },
      ['__proto__']: 1,
    };
    const back = decodeValue(encodeValue(v)) as typeof v;
    expect(back.a.slice(0, 5)).toEqual([1, -2, 3.5, 2 ** 40, -0]);
    expect(Object.is(back.a[4], -0)).toBe(true);
    expect(back.a[5]).toBeNaN();
    expect(back.a.slice(6)).toEqual([null, undefined, true, false, 'héllo ✓', 12345678901234567890n]);
    expect(back.f).toEqual(v.f);
    expect(back.b).toEqual(v.b);
    expect(back.u).toEqual(v.u);
    expect(new Uint8Array(back.buf)).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.m.get('k')).toBe(1);
    expect(back.nested).toEqual({ x: { y: [] } });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(() => encodeValue({ f: () => 1 })).toThrow(expect.objectContaining({ code: 'StorageError' }));
    expect(() => decodeValue(encodeValue([1, 2]).subarray(0, 6))).toThrow(
      expect.objectContaining({ code: 'StorageError' }),
    );
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips column chunks (typed with nulls, vectors, sparse, values)', () => {
    const i8 = new Int8Array([1, -2, 3, 4]);
    const nulls = new Uint8Array([0, 1, 0, 0]);
    expect(Array.from(decodeChunk(encodeTyped(i8, 1, 4, nulls)).values)).toEqual([null, 3, 4]);
    expect(
      Array.from(decodeChunk(encodeTyped(new Uint8Array([1, 0, 1]), 0, 3, new Uint8Array([0, 0, 1]))).values),
    ).toEqual([true, false, null]);
    const i64 = decodeChunk(encodeTyped(new BigInt64Array([5n, -6n, 7n]), 0, 3));
    expect(Array.from(i64.values as BigInt64Array)).toEqual([5n, -6n, 7n]);
    const f64 = decodeChunk(encodeTyped(new Float64Array([0.1, 0.2]), 0, 2));
    expect(Array.from(f64.values as Float64Array)).toEqual([0.1, 0.2]);
    const vectors = new Float32Array([1, 2, 3, 4, 5, 6]);
    const dv = decodeChunk(encodeVectors(vectors, 3, 1, 2));
    expect(dv.count).toBe(1);
    expect(Array.from(dv.values as Float32Array)).toEqual([4, 5, 6]);
    const odd = decodeChunk(encodeVectors(new Float32Array([1, 2, 3]), 3, 0, 1));
    expect(Array.from(odd.values as Float32Array)).toEqual([1, 2, 3]);
    const sp = decodeChunk(
      encodeSparse([
        { indices: new Uint32Array([1, 9]), values: new Float32Array([0.5, 2]) },
        { indices: new Uint32Array([]), values: new Float32Array([]) },
      ]),
    );
    expect(sp.values).toEqual([
      { indices: new Uint32Array([1, 9]), values: new Float32Array([0.5, 2]) },
      { indices: new Uint32Array([]), values: new Float32Array([]) },
    ]);
    expect(decodeChunk(encodeValues(['a', null, { j: [1n] }], 0, 3)).values).toEqual([
      'a',
      null,
      { j: [1n] },
    ]);
    expect(() => decodeChunk(new ArrayBuffer(8))).toThrow(expect.objectContaining({ code: 'StorageError' }));
  });
});

describe('reopen restores the database exactly', () => {
  for (const sealed of [false, true]) {
    it(`collections, partitions, indexes, rows, dynamic fields, load state (${sealed ? 'sealed' : 'log only'})`, async () => {
      const storage = new MemoryStorage();
      const a = await openOn(storage);
      await seedBooks(a, 300);
      await a.createCollection({ collection_name: 'quick', dimension: 4, auto_id: true });
      await a.insert({
        collection_name: 'quick',
        data: [{ vector: [1, 0, 0, 0], k: 1 }, { vector: [0, 1, 0, 0] }],
      });
      await a.createCollection({
        collection_name: 'cold',
        fields: [
          { name: 'pk', data_type: DataType.VarChar, is_primary_key: true, max_length: 16 },
          { name: 'v', data_type: DataType.FloatVector, dim: 2 },
          { name: 'sp', data_type: DataType.SparseFloatVector },
        ],
      });
      await a.insert({ collection_name: 'cold', data: [{ pk: 'a', v: [1, 2], sp: { 3: 0.5, 10: 1 } }] });
      await a.createIndex({
        collection_name: 'cold',
        field_name: 'v',
        index_type: 'FLAT',
        metric_type: 'IP',
      });
      await a.createIndex({
        collection_name: 'cold',
        field_name: 'sp',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'IP',
      });
      await a.createIndex({ collection_name: 'books', field_name: 'year', index_type: 'STL_SORT' });
      await a.delete({ collection_name: 'books', filter: 'year < 1910' });
      await a.upsert({ collection_name: 'books', data: [bookRow(5, rng(9)), bookRow(1000, rng(10))] });
      if (sealed) await a.flush();
      const q = vec(rng(77), 8);
      const before = await dump(a);
      const hits = await searchIds(a, q);
      await expectError(
        a.search({ collection_name: 'cold', anns_field: 'v', data: [1, 0], limit: 1 }),
        'CollectionNotLoaded',
      );
      await a.closeConnection();

      const b = await openOn(storage);
      expect(await dump(b)).toEqual(before);
      expect(await searchIds(b, q)).toEqual(hits);
      await b.loadCollection({ collection_name: 'cold' });
      const sparse = await b.search({ collection_name: 'cold', anns_field: 'sp', data: { 3: 1 }, limit: 1 });
      expect((sparse.results as { id: string }[])[0]!.id).toBe('a');
      // The auto-id sequence continues past the stored ids.
      const old = (await b.query({ collection_name: 'quick', filter: '', limit: 10 })).data.map((r) =>
        BigInt(r.id as string),
      );
      const added = await b.insert({ collection_name: 'quick', data: [{ vector: [0, 0, 1, 0] }] });
      const newId = BigInt((added.IDs as { int_id: { data: string[] } }).int_id.data[0]!);
      for (const o of old) expect(newId > o).toBe(true);
      await b.closeConnection();
    });
  }

  it('seals incrementally, compacts, reloads indexes without rebuilding, and replays the tail', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage, { sealRows: 1_000_000 });
    const n = CHUNK_ROWS + 500;
    const r = rng(3);
    await a.createCollection({
      collection_name: 'big',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
        { name: 'g', data_type: DataType.Int16 },
      ],
      index_params: {
        field_name: 'v',
        index_type: 'HNSW',
        metric_type: 'COSINE',
        params: { M: 6, efConstruction: 20 },
      },
    });
    for (let i = 0; i < n; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
        id: i + k,
        v: vec(r, 4),
        g: (i + k) % 7,
      }));
      await a.insert({ collection_name: 'big', data: rows });
    }
    await a.flush();
    expect((await storage.list('log/')).length).toBe(0);
    expect(await storage.list('seg/')).toContain('seg/1/1/v');
    // A second seal after a small append rewrites only the last chunk.
    await a.insert({ collection_name: 'big', data: [{ id: -1, v: [1, 1, 1, 1], g: 1 }] });
    const spy = vi.spyOn(storage, 'commit');
    await a.flush();
    const put = spy.mock.calls[0]![0].put!.map(([k]) => k);
    spy.mockRestore();
    expect(put.filter((k) => k.startsWith('seg/1/0/'))).toEqual([]);
    expect(put).toContain('seg/1/1/v');
    // Delete 40% (compaction renumbers rows), then a tail that stays in the log.
    await a.delete({ collection_name: 'big', filter: 'id >= 0 and id % 5 < 2' });
    await a.flush();
    await a.insert({ collection_name: 'big', data: [{ id: -2, v: [1, 0, 0, 0], g: 2 }] });
    await a.delete({ collection_name: 'big', ids: [-1] });
    expect((await storage.list('log/')).length).toBe(2);
    const before = await dump(a);
    const q = [0.3, -0.2, 0.9, 0.1];
    const hits = await a.search({ collection_name: 'big', data: q, limit: 10, params: { ef: 50 } });
    await a.closeConnection();

    const build = vi.spyOn(Collection.prototype, 'buildIndex');
    const b = await openOn(storage);
    // The tail's createIndex is not in it, so nothing was rebuilt: the stored HNSW graph was reloaded.
    expect(build).not.toHaveBeenCalled();
    build.mockRestore();
    expect(await dump(b)).toEqual(before);
    expect(
      (await b.search({ collection_name: 'big', data: q, limit: 10, params: { ef: 50 } })).results,
    ).toEqual(hits.results);
    await b.closeConnection();
  });

  it('keeps drops, renames, partition drops, index drops and releases', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await seedBooks(a, 50);
    await a.createCollection({ collection_name: 'gone', dimension: 2 });
    await a.createCollection({ collection_name: 'old', dimension: 2 });
    await a.insert({ collection_name: 'old', data: [{ id: 1, vector: [1, 2] }] });
    await a.flush();
    await a.dropCollection({ collection_name: 'gone' });
    await a.renameCollection({ collection_name: 'old', new_collection_name: 'renamed' });
    await a.dropPartition({ collection_name: 'books', partition_name: 'archive' });
    await a.releaseCollection({ collection_name: 'renamed' });
    await a.dropIndex({ collection_name: 'renamed', field_name: 'vector' });
    const before = await dump(a);
    await a.closeConnection();
    const b = await openOn(storage);
    expect(await dump(b)).toEqual(before);
    await b.flush();
    expect((await storage.list('')).filter((k) => k.startsWith('seg/2/') || k.startsWith('idx/2/'))).toEqual(
      [],
    );
    await b.closeConnection();
    const c = await openOn(storage);
    expect(await dump(c)).toEqual(before);
    await c.closeConnection();
  });

  it('BM25 function collections keep their term dictionary', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await a.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        {
          name: 'text',
          data_type: DataType.VarChar,
          max_length: 200,
          enable_analyzer: true,
          enable_match: true,
        },
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
    });
    const texts = ['the quick brown fox', 'a lazy dog sleeps', 'quick quick rabbits', 'foxes and dogs'];
    await a.insert({ collection_name: 'docs', data: texts.slice(0, 2).map((text, id) => ({ id, text })) });
    await a.flush();
    await a.insert({ collection_name: 'docs', data: texts.slice(2).map((text, i) => ({ id: i + 2, text })) });
    const search = (c: typeof a, text: string) =>
      c.search({
        collection_name: 'docs',
        anns_field: 'sparse',
        data: text,
        limit: 3,
        output_fields: ['text'],
      });
    const hits = (await search(a, 'quick fox')).results;
    const match = (await a.query({ collection_name: 'docs', filter: "text_match(text, 'dog')" })).data;
    await a.closeConnection();
    const b = await openOn(storage);
    expect((await search(b, 'quick fox')).results).toEqual(hits);
    expect((await b.query({ collection_name: 'docs', filter: "text_match(text, 'dog')" })).data).toEqual(
      match,
    );
    await b.insert({ collection_name: 'docs', data: [{ id: 9, text: 'brand new words quick' }] });
    expect((await search(b, 'brand')).results).toHaveLength(1);
    await b.closeConnection();
  });
});

describe('atomic writes', () => {
  it('a failed commit rolls the engine back to the last committed state', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await seedBooks(a, 30);
    const before = await dump(a);
    storage.failNextCommit = new DOMException('disk on fire', 'UnknownError');
    const e = await expectError(
      a.insert({ collection_name: 'books', data: [bookRow(500, rng(1))] }),
      'StorageError',
    );
    expect(e.message).toMatch(/UnknownError/);
    expect(await dump(a)).toEqual(before);
    storage.failNextCommit = new DOMException('x', 'UnknownError');
    await expectError(a.createCollection({ collection_name: 'never', dimension: 2 }), 'StorageError');
    expect((await a.hasCollection({ collection_name: 'never' })).value).toBe(false);
    // Validation errors stay validation errors and write nothing.
    await expectError(a.insert({ collection_name: 'books', data: [{ id: 1 }] }), 'DataTypeMismatch');
    await a.insert({ collection_name: 'books', data: [bookRow(501, rng(1))] });
    const after = await dump(a);
    await a.closeConnection();
    const b = await openOn(storage);
    expect(await dump(b)).toEqual(after);
    await b.closeConnection();
  });

  it('a full quota gives StorageQuotaExceeded and leaves nothing behind', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await a.createCollection({ collection_name: 'c', dimension: 64 });
    await a.insert({ collection_name: 'c', data: [{ id: 0, vector: vec(rng(1), 64) }] });
    storage.quotaBytes = storage.size + 20_000;
    const r = rng(2);
    const big = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, vector: vec(r, 64) }));
    await expectError(a.insert({ collection_name: 'c', data: big }), 'StorageQuotaExceeded');
    expect((await a.count({ collection_name: 'c' })).data).toBe(1);
    await a.insert({ collection_name: 'c', data: big.slice(0, 5) });
    expect((await a.count({ collection_name: 'c' })).data).toBe(6);
    await a.closeConnection();
    const b = await openOn(storage);
    expect((await b.count({ collection_name: 'c' })).data).toBe(6);
    await b.closeConnection();
  });

  it('concurrent writes commit together; a crash at any commit leaves a committed prefix', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await a.createCollection({ collection_name: 'c', dimension: 4 });
    const commits = storage.commits;
    const r = rng(5);
    await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        a.insert({
          collection_name: 'c',
          data: Array.from({ length: 10 }, (_, i) => ({ id: b * 10 + i, vector: vec(r, 4) })),
        }),
      ),
    );
    expect(storage.commits - commits).toBeLessThan(10);
    expect((await a.count({ collection_name: 'c' })).data).toBe(100);
    // The browser stops after k commits of a stream of awaited batches (seals included): what is
    // stored is exactly the batches whose promise resolved, and every row checks out.
    for (const k of [1, 4, 9, 15]) {
      const s = new MemoryStorage();
      const w = await openOn(s, { sealRows: 25 });
      await w.createCollection({ collection_name: 'c', dimension: 4 });
      s.failAfterCommits = s.commits + k;
      let ok = 0;
      for (let b = 0; b < 12; b++) {
        try {
          await w.insert({
            collection_name: 'c',
            data: Array.from({ length: 10 }, (_, i) => ({ id: b * 10 + i, vector: [b, i, 0, 1] })),
          });
          ok++;
        } catch (e) {
          expect(e).toMatchObject({ code: 'StorageError' });
          break;
        }
      }
      expect((await w.count({ collection_name: 'c' })).data).toBe(ok * 10);
      s.failAfterCommits = Number.POSITIVE_INFINITY;
      const reopened = await openOn(s);
      const rows = (
        await reopened.query({ collection_name: 'c', filter: '', limit: 1000, output_fields: ['vector'] })
      ).data;
      expect(rows.length).toBe(ok * 10);
      for (const row of rows) {
        const id = Number(row.id);
        expect(row.vector).toEqual([Math.floor(id / 10), id % 10, 0, 1]);
      }
    }
  });
});

describe('sealing policy', () => {
  it('seals by log size and after an idle pause', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage, { sealRows: 30 });
    await a.createCollection({ collection_name: 'c', dimension: 2 });
    await a.insert({
      collection_name: 'c',
      data: Array.from({ length: 20 }, (_, id) => ({ id, vector: [id, 1] })),
    });
    expect((await storage.list('log/')).length).toBe(2);
    await a.insert({
      collection_name: 'c',
      data: Array.from({ length: 20 }, (_, id) => ({ id: id + 20, vector: [id, 2] })),
    });
    // 40 logged rows crossed the threshold: sealed in the background right after the commit.
    await vi.waitFor(async () => expect(await storage.list('log/')).toEqual([]));
    await a.closeConnection();
    const idle = await openOn(storage, { idleSealMs: 50 });
    await idle.delete({ collection_name: 'c', ids: [1] });
    expect((await storage.list('log/')).length).toBe(1);
    await vi.waitFor(async () => expect(await storage.list('log/')).toEqual([]), { timeout: 2000 });
    await idle.closeConnection();
    const b = await openOn(storage);
    expect((await b.count({ collection_name: 'c' })).data).toBe(39);
    await b.closeConnection();
  });

  it('the MilvusClient facade forwards storage extras to idb clients only', async () => {
    const { MilvusClient } = await import('../src/client/milvus-client.js');
    await expectError(new MilvusClient({ uri: 'memory://' }).storageEstimate(), 'NotImplemented');
  });
});

describe('several tabs', () => {
  it('one writer; other tabs forward writes and follow committed ones; the next tab takes over', async () => {
    const storage = new MemoryStorage();
    const locks = new FakeLocks();
    const coordination = { locks, channel: (n: string) => new BroadcastChannel(n) };
    const name = `tabs-${Math.random()}`;
    const a = await openOn(storage, { coordination, name });
    const b = await openOn(storage, { coordination, name });
    expect(a.mode).toBe('leader');
    expect(b.mode).toBe('follower');
    await a.createCollection({ collection_name: 'c', dimension: 2 });
    await a.insert({ collection_name: 'c', data: [{ id: 1, vector: [1, 0] }] });
    await vi.waitFor(async () => expect((await b.count({ collection_name: 'c' })).data).toBe(1));
    // A write from the follower runs in the writer and is visible in both once it resolves.
    const res = await b.insert({ collection_name: 'c', data: [{ id: 2, vector: [0, 1] }] });
    expect(res.insert_cnt).toBe('1');
    expect((await b.count({ collection_name: 'c' })).data).toBe(2);
    expect((await a.count({ collection_name: 'c' })).data).toBe(2);
    await expectError(
      b.insert({ collection_name: 'c', data: [{ id: 2, vector: [0, 1] }] }),
      'DuplicatePrimaryKey',
    );
    await expectError(b.insert({ collection_name: 'nope', data: [{ id: 2 }] }), 'CollectionNotExists');
    // A seal in the writer does not disturb the follower.
    await b.flush();
    await a.insert({ collection_name: 'c', data: [{ id: 3, vector: [1, 1] }] });
    await vi.waitFor(async () => expect((await b.count({ collection_name: 'c' })).data).toBe(3));
    // The writer closes: the follower becomes the writer and keeps going.
    await a.closeConnection();
    await vi.waitFor(() => expect(b.mode).toBe('leader'));
    await b.insert({ collection_name: 'c', data: [{ id: 4, vector: [2, 1] }] });
    const c = await openOn(storage, { coordination, name });
    expect(c.mode).toBe('follower');
    expect((await c.count({ collection_name: 'c' })).data).toBe(4);
    await b.closeConnection();
    await c.closeConnection();
  });
});

describe('forwarded writes apply exactly once across a writer handover', () => {
  /** The writer applies and commits forwarded writes but never answers: as if it closed right after. */
  function mute(tab: object): void {
    const t = tab as { post(msg: { t: string }): void };
    const post = t.post.bind(tab);
    t.post = (msg) => {
      if (msg.t !== 'res') post(msg);
    };
  }

  async function scenario(order: 'follower-promoted' | 'other-tab-promoted', sealFirst: boolean) {
    const storage = new MemoryStorage();
    const coordination = { locks: new FakeLocks(), channel: (n: string) => new BroadcastChannel(n) };
    const name = `once-${Math.random()}`;
    const a = await openOn(storage, { coordination, name });
    // The lock queue is FIFO: the tab opened second becomes the next writer.
    const first = await openOn(storage, { coordination, name });
    const second = await openOn(storage, { coordination, name });
    const [sender, heir] = order === 'follower-promoted' ? [first, first] : [second, first];
    await a.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
        { name: 'vector', data_type: DataType.FloatVector, dim: 2 },
      ],
      index_params: { field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' },
    });
    mute(a);
    // autoID: applying the write twice would store two rows, not fail.
    const pending = sender.insert({ collection_name: 'c', data: [{ vector: [1, 2] }] });
    await vi.waitFor(async () => expect((await a.count({ collection_name: 'c' })).data).toBe(1));
    if (sealFirst) await a.flush(); // the write's id now lives in the manifest, not in a log entry
    await a.closeConnection();
    const res = await pending;
    await vi.waitFor(() => expect(heir.mode).toBe('leader'));
    await vi.waitFor(async () => expect((await sender.count({ collection_name: 'c' })).data).toBe(1));
    const stored = await heir.query({ collection_name: 'c', filter: 'id > 0', output_fields: ['id'] });
    const out = { res, stored: stored.data, heirCount: (await heir.count({ collection_name: 'c' })).data };
    await first.closeConnection();
    await second.closeConnection();
    return out;
  }

  for (const order of ['follower-promoted', 'other-tab-promoted'] as const) {
    for (const sealFirst of [false, true]) {
      it(`${order}${sealFirst ? ', after a seal' : ''}: the retry is answered with the first result`, async () => {
        const { res, stored, heirCount } = await scenario(order, sealFirst);
        expect(heirCount).toBe(1);
        expect(res.insert_cnt).toBe('1');
        expect((res.IDs as { int_id: { data: string[] } }).int_id.data).toEqual([String(stored[0]!.id)]);
      });
    }
  }
});
