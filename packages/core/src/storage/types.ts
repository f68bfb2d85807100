/**
 * A value the storage layer keeps: binary chunks or structured-cloneable records (objects and arrays
 * of primitives, bigints, typed arrays and ArrayBuffers).
 */
export type StoredValue =
  | ArrayBuffer
  | ArrayBufferView
  | Record<string, unknown>
  | unknown[]
  | string
  | number;

/** One atomic write: every put and delete becomes visible together, or (after a failure or crash) none. */
export interface StorageBatch {
  put?: [string, StoredValue][];
  remove?: string[];
}

/** One storage backend per file behind this interface; the engine never calls IndexedDB directly. */
export interface Storage {
  readonly kind: 'memory' | 'indexeddb' | 'opfs';
  read(key: string): Promise<StoredValue | undefined>;
  readMany(keys: string[]): Promise<(StoredValue | undefined)[]>;
  /**
   * Every key/value under each prefix (`''` = everything), read in one transaction so the result is a
   * consistent snapshot even while another connection commits. Keys ascend within a prefix.
   */
  readAll(prefixes: string[]): Promise<[string, StoredValue][]>;
  /** Atomically writes `put` and deletes `remove`: all of it is visible after a crash, or none of it. */
  commit(batch: StorageBatch): Promise<void>;
  /** Keys under a prefix, ascending. */
  list(prefix: string): Promise<string[]>;
  /** Deletes everything. */
  clear(): Promise<void>;
  close(): Promise<void>;
}
