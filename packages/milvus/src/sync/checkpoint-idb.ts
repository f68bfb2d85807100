import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { CheckpointStore } from './checkpoint-store.js';

/** Default database and object store for sync checkpoints (apart from Elanus data databases). */
export const CHECKPOINT_DB = 'elanus-sync';
export const CHECKPOINT_STORE = 'checkpoints';

/** Browser checkpoints in IndexedDB through idb-keyval (one small record per sync, plus its base hashes). */
export class IdbCheckpointStore implements CheckpointStore {
  private readonly store: UseStore;

  constructor(dbName = CHECKPOINT_DB, storeName = CHECKPOINT_STORE) {
    this.store = createStore(dbName, storeName);
  }

  load(key: string): Promise<unknown> {
    return get(key, this.store);
  }

  save(key: string, value: unknown): Promise<void> {
    return set(key, value, this.store);
  }

  remove(key: string): Promise<void> {
    return del(key, this.store);
  }
}
