/**
 * Where sync keeps its progress. Values are plain JSON data; they never contain credentials (the
 * remote is identified by its URL without user info, never by its token).
 */
export interface CheckpointStore {
  load(key: string): Promise<unknown>;
  save(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** In memory: survives repeated sync() calls in one process or page, not a reload. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly data = new Map<string, string>();

  async load(key: string): Promise<unknown> {
    const s = this.data.get(key);
    return s === undefined ? undefined : JSON.parse(s);
  }

  async save(key: string, value: unknown): Promise<void> {
    // A copy, so later mutation of the caller's object cannot change what was "persisted".
    this.data.set(key, JSON.stringify(value));
  }

  async remove(key: string): Promise<void> {
    this.data.delete(key);
  }

  keys(): string[] {
    return [...this.data.keys()];
  }
}

let sharedMemory: MemoryCheckpointStore | undefined;

/** IndexedDB (idb-keyval) where there is one, else one process-wide memory store. */
export async function defaultCheckpointStore(): Promise<CheckpointStore> {
  if (typeof indexedDB !== 'undefined') {
    const { IdbCheckpointStore } = await import('./checkpoint-idb.js');
    return new IdbCheckpointStore();
  }
  sharedMemory ??= new MemoryCheckpointStore();
  return sharedMemory;
}
