import { elanusError } from '../errors/index.js';

/**
 * The IVF family (k-means, SQ8, PQ) loads only when a schema or index request names an IVF type, so an app
 * using FLAT or HNSW does not download it. Every path that can build or restore an index is async up front
 * (createCollection, createIndex, reopen, replay, another tab's commit) and awaits `prepareLazyIndexes`
 * there; the registry then builds synchronously.
 */
type IvfModule = typeof import('./ivf.js');

let loaded: IvfModule | undefined;
let loading: Promise<IvfModule> | undefined;

const LAZY = /^IVF_/i;

/** Whether a request or stored value names a lazily loaded index type (an `index_type`) in its first levels. */
export function mentionsLazyIndex(value: unknown, depth = 5): boolean {
  if (depth < 0 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (Array.isArray(value)) return value.some((v) => mentionsLazyIndex(v, depth - 1));
  const o = value as Record<string, unknown>;
  if (typeof o.index_type === 'string' && LAZY.test(o.index_type)) return true;
  for (const k in o) {
    // Rows never name index types; skip them so a big insert is not walked.
    if (k === 'data' || k === 'rows') continue;
    if (mentionsLazyIndex(o[k], depth - 1)) return true;
  }
  return false;
}

/** Loads the IVF module once when `needed`. */
export async function prepareLazyIndexes(needed = true): Promise<void> {
  if (!needed || loaded) return;
  loading ??= import('./ivf.js');
  try {
    loaded = await loading;
  } catch (e) {
    loading = undefined; // a failed chunk load may succeed on the next call
    throw e;
  }
}

/** The IVF module; it must have been prepared (an engine bug otherwise, never user input). */
export function ivfModule(): IvfModule {
  if (!loaded) {
    throw elanusError('ivfModuleNotLoaded', {});
  }
  return loaded;
}
