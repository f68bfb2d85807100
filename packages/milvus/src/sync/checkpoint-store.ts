/**
 * Where sync keeps its progress. Values are plain JSON data; they never contain credentials (the
 * remote is identified by its URL without user info, never by its token).
 */
export interface CheckpointStore {
  load(key: string): Promise<unknown>;
  save(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}
