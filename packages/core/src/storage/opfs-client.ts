import type { ClientConfig } from '../client/config.js';
import { createEngine } from '../engine/create.js';
import { elanusError } from '../errors/index.js';
import { OpfsStorage, opfsAvailable, opfsDirectory } from './opfs.js';
import { PersistentClient } from './persistent-client.js';
import type { Coordination } from './tabs.js';

/** Options of `opfs://` clients, on top of the common client config. */
export interface OpfsClientConfig extends ClientConfig {
  /**
   * Write through `FileSystemSyncAccessHandle` (default: where available, i.e. in a dedicated worker such
   * as `worker: true` runs the engine in); false uses `createWritable()` (one file per commit).
   */
  syncHandles?: boolean;
  /** Compact the journal into a new snapshot once it exceeds this many bytes and twice the snapshot (default 64 MiB). */
  compactBytes?: number;
  /** Seal once the log holds this many rows (default: the larger of 4096 and 5% of all rows). */
  sealRows?: number;
  /** Seal after this many milliseconds without writes (default 1000; 0 = only by size or flush()). */
  idleSealMs?: number;
  /** Cross-tab coordination (default: `navigator.locks` and `BroadcastChannel`). */
  coordination?: Coordination;
}

/** The client of an `opfs://` database: the Milvus API plus `flush`, `storageEstimate`, `requestPersistence`. */
export type OpfsClient = PersistentClient;

/** The database name of an `opfs://<name>` URI (percent-decoded). */
export function opfsNameOf(uri: string): string {
  const m = /^opfs:\/\/(.+)$/i.exec(uri);
  let name: string | undefined;
  try {
    name = m ? decodeURIComponent(m[1]!.replace(/\/+$/, '')) : undefined;
  } catch {
    name = undefined;
  }
  if (!name) {
    throw elanusError(
      'invalidParamJson',
      { name: 'uri', expected: 'opfs://<database name>', got: uri },
      { param: 'uri' },
    );
  }
  return name;
}

/** Opens (creating if needed) the OPFS database of `config.uri` and loads it into an engine. */
export async function openOpfsClient(config: OpfsClientConfig): Promise<OpfsClient> {
  const uri = config.uri ?? config.address ?? '';
  const name = opfsNameOf(uri);
  if (!opfsAvailable()) {
    throw elanusError(
      'opfsUnavailable',
      { got: uri, why: 'navigator.storage.getDirectory is not defined in this environment' },
      { param: 'uri' },
    );
  }
  try {
    // Fails here, with the reason, where the browser refuses OPFS (opaque or insecure origins, some private modes).
    await opfsDirectory(name, true);
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw elanusError('opfsUnavailable', { got: uri, why }, { param: 'uri', cause: why });
  }
  const storage = new OpfsStorage(name, {
    ...(config.syncHandles !== undefined ? { syncHandles: config.syncHandles } : {}),
    ...(config.compactBytes !== undefined ? { compactBytes: config.compactBytes } : {}),
  });
  return PersistentClient.open({
    storage,
    // Its own lock and channel namespace: idb://x and opfs://x are different databases.
    name: `opfs:${name}`,
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
