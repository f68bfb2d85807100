/**
 * `@elanus/core/idb`: durable IndexedDB databases (`new MilvusClient({ uri: 'idb://name' })`) and the
 * tools around them: export/import to one file, drop, list, storage quota and persistence.
 *
 * The engine itself loads lazily (on the first `idb://` client), so importing this entry stays small.
 * @packageDocumentation
 */
import type { IdbClient, IdbClientConfig } from './open-idb.js';

export { dropDatabase, EXPORT_MIME, exportDatabase, importDatabase, listDatabases } from './backup.js';
export { requestPersistence, type StorageEstimate, storageEstimate } from './quota.js';
export type { Coordination } from './tabs.js';
export type { IdbClient, IdbClientConfig };

/**
 * Opens `config.uri` (`idb://<name>`) directly, without the `MilvusClient` facade: the returned client
 * also has `flush()`, `storageEstimate()`, `requestPersistence()` and `closeConnection()`.
 */
export async function openIdbClient(config: IdbClientConfig | string): Promise<IdbClient> {
  const { openIdbClient: open } = await import('./open-idb.js');
  return open(typeof config === 'string' ? { uri: config } : config);
}
