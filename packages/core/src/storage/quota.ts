import { elanusError } from '../errors/index.js';

export interface StorageEstimate {
  /** Bytes this origin uses (all of its storage, not only Elanus databases). */
  usage: number;
  /** Bytes this origin may use. */
  quota: number;
  /** Whether the browser keeps this origin's data under storage pressure (see requestPersistence). */
  persisted: boolean;
}

type StorageManagerLike = {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
};

function manager(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

/** Usage and quota of this origin's storage (`navigator.storage.estimate()`). */
export async function storageEstimate(): Promise<StorageEstimate> {
  const m = manager();
  if (!m?.estimate) throw elanusError('storageEstimateUnavailable', {});
  const e = await m.estimate();
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted: (await m.persisted?.()) ?? false };
}

/**
 * Asks the browser not to evict this origin's data under storage pressure (`navigator.storage.persist()`).
 * Resolves whether the data is now persistent; browsers may decide without asking the user.
 */
export async function requestPersistence(): Promise<boolean> {
  const m = manager();
  if (!m?.persist) return false;
  return m.persist();
}
