// Sync from an idb:// client (core's IndexedDB persistence, on fake-indexeddb): the push log is kept in
// IndexedDB and survives closing and reopening the database; pulled rows are not logged as local
// changes even though the idb:// client applies writes asynchronously.
import 'fake-indexeddb/auto';
import { DataType } from '@elanus/core';
import { openIdbClient } from '@elanus/core/idb';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore, recordOps, sync } from '../src/index.js';
import { localClient } from './helpers.js';

const C = 'notes';
const row = (i: number, v = 0) => ({
  id: i,
  vec: [Math.sin(i), Math.cos(i + v), v],
  text: `note ${i} v${v}`,
});

describe('idb:// local', () => {
  it('pushes from a persisted log across a reopen; pulls without echoing', async () => {
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const a = await openIdbClient({ uri: 'idb://sync-notes', idleSealMs: 0 });
    const logA = await recordOps(a);
    await a.createCollection({
      collection_name: C,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 3 },
        { name: 'text', data_type: DataType.VarChar, max_length: 32 },
      ],
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    });
    await a.insert({ collection_name: C, data: Array.from({ length: 50 }, (_, i) => row(i)) });
    const first = await sync({ local: a, remote, collection: C, direction: 'push', checkpoint });
    expect(first.pushMode).toBe('log');
    expect(first.verification?.equal).toBe(true);
    await a.delete({ collection_name: C, ids: [3] });
    await a.flush();
    await logA.close();
    await a.closeConnection();

    // Reopened: the same log (IndexedDB) continues, the deletion made before closing is still to push.
    const b = await openIdbClient({ uri: 'idb://sync-notes', idleSealMs: 0 });
    const logB = await recordOps(b);
    expect(logB.id).toBe(logA.id);
    await b.upsert({ collection_name: C, data: [row(4, 1)] });
    const second = await sync({ local: b, remote, collection: C, direction: 'push', checkpoint });
    expect(second.pushMode).toBe('log');
    expect(second.pushed).toEqual({ upserted: 1, deleted: 1 });
    expect(second.verification?.equal).toBe(true);

    // Pulled rows are applied by the idb:// client later than the call; they still are not logged.
    await remote.upsert({ collection_name: C, data: [row(5, 2), row(60, 2)] });
    await remote.delete({ collection_name: C, ids: [6] });
    const pulled = await sync({ local: b, remote, collection: C, direction: 'pull', checkpoint });
    expect(pulled.pulled).toEqual({ upserted: 2, deleted: 1 });
    const after = await sync({ local: b, remote, collection: C, direction: 'push', checkpoint });
    expect(after.pushed).toEqual({ upserted: 0, deleted: 0 });
    expect(after.verification?.equal).toBe(true);
    await logB.close();
    await b.closeConnection();
  });
});
