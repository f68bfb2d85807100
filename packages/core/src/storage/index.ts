/**
 * `@elanus/core/idb`: durable IndexedDB databases and the tools around them.
 *
 * ```ts
 * const client = new MilvusClient({ uri: 'idb://books' }); // or: await openIdbClient('idb://books')
 * await client.insert({ collection_name: 'c', data });       // resolves once the write is on disk
 * await client.flush();                                      // seal now (also runs in the background)
 * await client.storageEstimate(); await client.requestPersistence();
 * const file = await exportDatabase('books');                // Blob; importDatabase('copy', file)
 * ```
 *
 * - Writes: each call is atomic. It resolves after the IndexedDB transaction holding its log entry
 *   committed (`durability: 'strict'` by default; `'relaxed'` skips the disk flush and still survives a
 *   tab or browser crash). On failure the client returns to the last committed state and rejects with
 *   `StorageQuotaExceeded` (quota full) or `StorageError`. Calls not awaited one by one commit together.
 * - Layout: `manifest`, `log/<seq>`, `seg/<collection id>/<chunk>/<column>`, `idx/<collection id>/<field>/<part>`,
 *   `dict/<collection id>/<field>` (see storage/persistence.ts). Reopening reads the manifest, loads the
 *   segments and the serialized indexes (no rebuild) and replays the log tail.
 * - Several tabs: the holder of the database's Web Lock writes; other tabs (and other clients of the same
 *   database in one tab) keep a replica that follows the writer's commits over BroadcastChannel and
 *   forward their writes to it (callbacks and abort signals of forwarded requests are dropped). A
 *   forwarded write resolves once the local replica includes it. When the writer closes, the next tab
 *   takes over; a write forwarded to a writer that vanished goes to the next one under the same id, and
 *   is applied exactly once (a writer that committed it answers the retry with the stored result).
 *   Without Web Locks (old browsers, Node) the client assumes it is the only writer.
 * - `importDatabase` and `dropDatabase` refuse (`Unavailable`) while any client has the database open.
 *
 * The engine loads lazily (on the first `idb://` client), so importing this entry stays small.
 * @packageDocumentation
 */
import type { IdbClient, IdbClientConfig } from './idb-client.js';

export { dropDatabase, EXPORT_MIME, exportDatabase, importDatabase, listDatabases } from './backup.js';
export { requestPersistence, type StorageEstimate, storageEstimate } from './quota.js';
export type { Coordination } from './tabs.js';
export type { IdbClient, IdbClientConfig };

/**
 * Opens `config.uri` (`idb://<name>`) directly, without the `MilvusClient` facade: the returned client
 * also has `flush()`, `storageEstimate()`, `requestPersistence()` and `closeConnection()`.
 */
export async function openIdbClient(config: IdbClientConfig | string): Promise<IdbClient> {
  const { openIdbClient: open } = await import('./idb-client.js');
  return open(typeof config === 'string' ? { uri: config } : config);
}
