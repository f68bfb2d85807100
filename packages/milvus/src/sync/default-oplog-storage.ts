import type { OpLogStorage } from './oplog-storage.js';

/** An `idb://` client (core's PersistentClient): it has a database name and a committed sequence. */
function idbName(local: unknown): string | undefined {
  const l = local as { name?: unknown; sequence?: unknown; storageEstimate?: unknown };
  return typeof l.name === 'string' &&
    typeof l.sequence === 'number' &&
    typeof l.storageEstimate === 'function'
    ? l.name
    : undefined;
}

/**
 * Where the push log of `local` persists when the caller names no storage: IndexedDB for an `idb://`
 * client in a browser (its data survives reloads, so must its log); undefined (an in-memory log) else.
 */
export async function defaultOpLogStorage(local: unknown): Promise<OpLogStorage | undefined> {
  const name = idbName(local);
  if (name === undefined || typeof indexedDB === 'undefined') return undefined;
  // Loaded only where IndexedDB exists, so Node never loads idb-keyval.
  const { idbOpLogStorage } = await import('./oplog-idb.js');
  return idbOpLogStorage(name);
}
