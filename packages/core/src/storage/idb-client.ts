import type { ClientConfig } from '../client/config.js';
import { createEngine } from '../engine/create.js';
import { elanusError } from '../errors/index.js';
import { IndexedDBStorage } from './indexeddb.js';
import { PersistentClient } from './persistent-client.js';
import type { Coordination } from './tabs.js';

/** Options of `idb://` clients, on top of the common client config. */
export interface IdbClientConfig extends ClientConfig {
  /** IndexedDB transaction durability (default `strict`: a write resolves once it is on disk). */
  durability?: 'strict' | 'relaxed';
  /** Seal once the log holds this many rows (default: the larger of 4096 and 5% of all rows). */
  sealRows?: number;
  /** Seal after this many milliseconds without writes (default 1000; 0 = only by size or flush()). */
  idleSealMs?: number;
  /** Cross-tab coordination (default: `navigator.locks` and `BroadcastChannel`). */
  coordination?: Coordination;
}

/** The client of an `idb://` database: the Milvus API plus `flush`, `storageEstimate`, `requestPersistence`. */
export type IdbClient = PersistentClient;

/** The database name of an `idb://<name>` URI (percent-decoded). */
export function idbNameOf(uri: string): string {
  const m = /^idb:\/\/(.+)$/i.exec(uri);
  let name: string | undefined;
  try {
    name = m ? decodeURIComponent(m[1]!.replace(/\/+$/, '')) : undefined;
  } catch {
    name = undefined;
  }
  if (!name) {
    throw elanusError(
      'invalidParamJson',
      { name: 'uri', expected: 'idb://<database name>', got: uri },
      { param: 'uri' },
    );
  }
  return name;
}

/** Opens (creating if needed) the IndexedDB database of `config.uri` and loads it into an engine. */
export async function openIdbClient(config: IdbClientConfig): Promise<IdbClient> {
  const name = idbNameOf(config.uri ?? config.address ?? '');
  const storage = new IndexedDBStorage(name, { durability: config.durability ?? 'strict' });
  return PersistentClient.open({
    storage,
    name,
    createEngine: () =>
      createEngine({
        device: config.device ?? 'auto',
        ...(config.gpuMinBatch !== undefined ? { gpuMinBatch: config.gpuMinBatch } : {}),
        ...(config.threads !== undefined ? { threads: config.threads } : {}),
        ...(config.maxJsonBytes !== undefined ? { maxJsonBytes: config.maxJsonBytes } : {}),
      }),
    ...(config.coordination ? { coordination: config.coordination } : {}),
    ...(config.sealRows !== undefined ? { sealRows: config.sealRows } : {}),
    ...(config.idleSealMs !== undefined ? { idleSealMs: config.idleSealMs } : {}),
  });
}
