// The IndexedDB backend, idb:// clients, export/import and drop, on fake-indexeddb in Node.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MilvusClient } from '../src/client/milvus-client.js';
import { DataType } from '../src/schema/types.js';
import { storageError } from '../src/storage/errors.js';
import {
  dropDatabase,
  exportDatabase,
  importDatabase,
  listDatabases,
  openIdbClient,
} from '../src/storage/index.js';
import { IndexedDBStorage } from '../src/storage/indexeddb.js';
import { dump, expectError } from './storage-helpers.js';

describe('IndexedDB storage', () => {
  it('reads, lists, commits atomically and keeps binary values binary', async () => {
    const s = new IndexedDBStorage('unit-kv');
    await s.commit({
      put: [
        ['a/1', new Float32Array([1, 2])],
        ['a/2', { x: 1n }],
        ['b', new ArrayBuffer(3)],
      ],
    });
    expect(await s.read('a/1')).toEqual(new Float32Array([1, 2]));
    expect(await s.readMany(['a/2', 'zz'])).toEqual([{ x: 1n }, undefined]);
    expect(await s.list('a/')).toEqual(['a/1', 'a/2']);
    const all = await s.readAll(['a/', 'b']);
    expect(all.map(([k]) => k)).toEqual(['a/1', 'a/2', 'b']);
    // A value that cannot be cloned fails the whole batch: the delete and the first put do not happen.
    const e = await expectError(
      s.commit({
        remove: ['b'],
        put: [
          ['c', 1],
          ['d', { f: () => 1 } as never],
        ],
      }),
      'StorageError',
    );
    expect(e.message).toMatch(/DataCloneError/);
    expect(await s.list('')).toEqual(['a/1', 'a/2', 'b']);
    await s.commit({ remove: ['a/1', 'b'], put: [['b', 'again']] });
    expect(await s.readAll([''])).toEqual([
      ['a/2', { x: 1n }],
      ['b', 'again'],
    ]);
    await s.clear();
    expect(await s.list('')).toEqual([]);
    await s.close();
    await expectError(s.read('a'), 'StorageError');
  });

  it('maps a full quota to StorageQuotaExceeded and other failures to StorageError', () => {
    expect(storageError(new DOMException('full', 'QuotaExceededError'), 'x').code).toBe(
      'StorageQuotaExceeded',
    );
    expect(storageError(new DOMException('io', 'UnknownError'), 'x').code).toBe('StorageError');
  });
});

describe('idb:// clients', () => {
  it('persist through MilvusClient, export to one file and import elsewhere', async () => {
    const client = new MilvusClient({ uri: 'idb://unit-books', idleSealMs: 0 });
    await client.createCollection({
      collection_name: 'books',
      fields: [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 8 },
        { name: 'v', data_type: DataType.FloatVector, dim: 3 },
        { name: 'n', data_type: DataType.Int64 },
      ],
      enable_dynamic_field: true,
      index_params: { field_name: 'v', index_type: 'HNSW', metric_type: 'L2' },
    });
    await client.insert({
      collection_name: 'books',
      data: Array.from({ length: 50 }, (_, i) => ({
        id: `b${i}`,
        v: [i, 1, -i],
        n: BigInt(i) << 40n,
        tag: i % 3,
      })),
    });
    await client.flush();
    await client.delete({ collection_name: 'books', ids: ['b1', 'b2'] });
    const before = await dump((await client.client()) as never);
    await client.closeConnection();

    const again = await openIdbClient('idb://unit-books');
    expect(await dump(again)).toEqual(before);
    // A client holds the database: import and drop refuse only with Web Locks (absent in Node).
    await again.closeConnection();

    const file = await exportDatabase('unit-books');
    expect(file.type).toBe('application/x-elanus-db');
    await importDatabase('unit-copy', file);
    const copy = await openIdbClient({ uri: 'idb://unit-copy' });
    expect(await dump(copy)).toEqual(before);
    await copy.insert({ collection_name: 'books', data: [{ id: 'new', v: [0, 0, 0], n: 1 }] });
    await copy.closeConnection();
    expect(await listDatabases()).toEqual(expect.arrayContaining(['unit-books', 'unit-copy']));

    // Import replaces everything that was there.
    await importDatabase('unit-copy', new Uint8Array(await file.arrayBuffer()));
    const replaced = await openIdbClient({ uri: 'idb://unit-copy' });
    expect(await dump(replaced)).toEqual(before);
    await replaced.closeConnection();

    const bytes = new Uint8Array(await file.arrayBuffer());
    bytes[bytes.length - 1]! ^= 0xff;
    await expectError(importDatabase('unit-bad', bytes), 'IllegalArgument');
    await expectError(importDatabase('unit-bad', new Uint8Array(10)), 'IllegalArgument');
    await expectError(exportDatabase('unit-missing'), 'IllegalArgument');
    expect(await listDatabases()).not.toContain('unit-missing');

    await dropDatabase('unit-copy');
    expect(await listDatabases()).not.toContain('unit-copy');
    const empty = await openIdbClient({ uri: 'idb://unit-copy' });
    expect((await empty.listCollections()).collection_names).toEqual([]);
    await empty.closeConnection();
  });

  it('rejects malformed idb:// URIs', async () => {
    await expectError(openIdbClient({ uri: 'idb://' }), 'IllegalArgument');
  });
});
