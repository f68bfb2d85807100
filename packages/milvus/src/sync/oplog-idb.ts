import { createStore, delMany, entries, get, getMany, setMany, type UseStore } from 'idb-keyval';
import type { OpLogStorage } from './oplog-storage.js';

/**
 * The push log of an `idb://<name>` database, kept in a database of its own (`elanus-sync-log:<name>`)
 * rather than in the Elanus database, whose layout and export belong to core's persistence.
 */
export function idbOpLogStorage(name: string): OpLogStorage {
  const store: UseStore = createStore(`elanus-sync-log:${name}`, 'log');
  return {
    read: (key) => get(key, store),
    readMany: (keys) => getMany(keys, store),
    async list(prefix) {
      const all = await entries<string, unknown>(store);
      return all
        .map(([k]) => k)
        .filter((k) => k.startsWith(prefix))
        .sort();
    },
    async commit(batch) {
      // Two idb-keyval calls: puts first, so a crash in between leaves extra entries, never missing ones.
      if (batch.put?.length) await setMany(batch.put, store);
      if (batch.remove?.length) await delMany(batch.remove, store);
    },
  };
}
