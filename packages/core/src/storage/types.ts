/** A value the storage layer keeps: binary chunks or small structured-cloneable records. */
export type StoredValue = ArrayBuffer | Uint8Array | Record<string, unknown> | unknown[] | string | number;

/** One storage backend per file behind this interface; the engine never calls IndexedDB directly. */
export interface Storage {
  readonly kind: 'memory' | 'indexeddb';
  read(key: string): Promise<StoredValue | undefined>;
  readMany(keys: string[]): Promise<(StoredValue | undefined)[]>;
  /** Atomically writes `put` and deletes `remove`: all of it is visible after a crash, or none of it. */
  commit(batch: { put?: [string, StoredValue][]; remove?: string[] }): Promise<void>;
  list(prefix: string): Promise<string[]>;
  /** Deletes everything. */
  clear(): Promise<void>;
  close(): Promise<void>;
}
