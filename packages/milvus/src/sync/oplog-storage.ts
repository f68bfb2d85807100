/** The few storage calls the persisted log needs (core's `Storage` interface has them too). */
export interface OpLogStorage {
  read(key: string): Promise<unknown>;
  readMany(keys: string[]): Promise<unknown[]>;
  list(prefix: string): Promise<string[]>;
  commit(batch: { put?: [string, unknown][]; remove?: string[] }): Promise<void>;
}
