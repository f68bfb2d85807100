import type { CheckpointStore } from './checkpoint-store.js';

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
