/**
 * `@elanus/core/opfs`: durable databases in the Origin Private File System, beside `idb://`.
 *
 * ```ts
 * const client = new MilvusClient({ uri: 'opfs://books', worker: true }); // or: await openOpfsClient('opfs://books')
 * await listOpfsDatabases(); // ['books']
 * await dropOpfsDatabase('books');
 * ```
 *
 * - Layout: one folder per database (`elanus/<name>/`) holding a snapshot and journal files of
 *   checksummed batch records; reopening replays whole records only, so a crash leaves a committed prefix
 *   (storage/opfs-journal.ts). In a dedicated worker (`worker: true`) commits go through one
 *   `FileSystemSyncAccessHandle`; in a page each commit is its own file written by `createWritable()`.
 * - Everything above the storage (log, seals, tabs, exactly-once forwarded writes) is the `idb://` client's.
 *
 * The backend loads lazily, so importing this entry stays small.
 * @packageDocumentation
 */
import type { OpfsClient, OpfsClientConfig } from './opfs-client.js';

export type { OpfsClient, OpfsClientConfig };

/** Opens `config.uri` (`opfs://<name>`) directly, without the `MilvusClient` facade. */
export async function openOpfsClient(config: OpfsClientConfig | string): Promise<OpfsClient> {
  const { openOpfsClient: open } = await import('./opfs-client.js');
  return open(typeof config === 'string' ? { uri: config } : config);
}

/** Names of this origin's `opfs://` databases (none where OPFS is unavailable). */
export async function listOpfsDatabases(): Promise<string[]> {
  return (await import('./opfs.js')).listOpfsDatabases();
}

/** Deletes an `opfs://` database (nothing happens when it does not exist). Close its clients first. */
export async function dropOpfsDatabase(name: string): Promise<void> {
  return (await import('./opfs.js')).dropOpfsDatabase(name);
}
