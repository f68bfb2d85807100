import { MemoryCheckpointStore } from './checkpoint-memory.js';
import type { CheckpointStore } from './checkpoint-store.js';

let sharedMemory: MemoryCheckpointStore | undefined;

/** IndexedDB (idb-keyval) where there is one, else one process-wide memory store. */
export async function defaultCheckpointStore(): Promise<CheckpointStore> {
  if (typeof indexedDB !== 'undefined') {
    // Loaded only where IndexedDB exists, so Node never loads idb-keyval.
    const { IdbCheckpointStore } = await import('./checkpoint-idb.js');
    return new IdbCheckpointStore();
  }
  sharedMemory ??= new MemoryCheckpointStore();
  return sharedMemory;
}
