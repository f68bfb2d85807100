/**
 * IndexedDB cache for model files, plugged into transformers.js as `env.customCache` (it needs only
 * `match` and `put`). Files are stored as Blobs keyed by the URL or path transformers.js asks for,
 * with a metadata record naming the model they belong to, so a model can be listed and evicted.
 * idb-keyval is imported on first use only: Node and apps that never embed do not load it.
 */
import { ElanusError } from '@elanus/core';
import { resolveModelName } from '../dense/known-models.js';

const DB_NAME = 'elanus-model-cache';
const STORE_NAME = 'files';

/** What `listCachedModels()` reports for one model. */
export interface CachedModelInfo {
  /** Model name as given to the embedding function, e.g. `sentence-transformers/all-MiniLM-L6-v2`. */
  model: string;
  /** Cached files (URLs or paths, as they were requested). */
  files: string[];
  /** Total size in bytes. */
  bytes: number;
  /** When the newest file was stored (ms since the epoch). */
  storedAt: number;
}

interface FileMeta {
  model: string;
  key: string;
  bytes: number;
  contentType: string;
  storedAt: number;
}

type Idb = typeof import('idb-keyval');
type Store = ReturnType<Idb['createStore']>;

let opened: Promise<{ idb: Idb; store: Store }> | undefined;

function open(): Promise<{ idb: Idb; store: Store }> {
  opened ??= import('idb-keyval').then((idb) => ({ idb, store: idb.createStore(DB_NAME, STORE_NAME) }));
  return opened;
}

// Two records per file, in one object store (idb-keyval opens one store per database):
// a small one to list and attribute, and the Blob itself, read only on a cache hit.
const metaKey = (key: string): IDBValidKey => ['meta', key];
const dataKey = (key: string): IDBValidKey => ['data', key];

/** Model names currently being loaded: the most reliable way to tell which model a URL belongs to. */
const activeModels = new Set<string>();

/** Marks `name` as being loaded, so that files stored meanwhile are attributed to it. Returns the undo. */
export function trackModel(name: string): () => void {
  activeModels.add(name);
  return () => activeModels.delete(name);
}

/** The model a cache key belongs to: a model being loaded, else the hub URL pattern, else the folder. */
export function modelOfKey(key: string): string {
  let best = '';
  for (const name of activeModels) {
    if ((key.includes(`/${name}/`) || key.startsWith(`${name}/`)) && name.length > best.length) best = name;
  }
  if (best) return best;
  const hub = /^[a-z]+:\/\/[^/]+\/(.+?)\/resolve\//.exec(key);
  if (hub?.[1]) return hub[1];
  const slash = key.replace(/\/onnx\/[^/]*$/, '/x').lastIndexOf('/');
  return slash > 0 ? key.slice(0, slash) : key;
}

const keyOf = (request: string | Request | URL): string =>
  typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;

/** The `match`/`put` pair transformers.js calls (a subset of the Web Cache API). */
export class IndexedDBModelCache {
  async match(request: string | Request | URL): Promise<Response | undefined> {
    const { idb, store } = await open();
    const key = keyOf(request);
    const [meta, blob] = await idb.getMany<FileMeta | Blob | undefined>([metaKey(key), dataKey(key)], store);
    if (!(blob instanceof Blob) || meta === undefined || meta instanceof Blob) return undefined;
    return new Response(blob, {
      status: 200,
      headers: { 'content-type': meta.contentType, 'content-length': String(blob.size) },
    });
  }

  async put(request: string | Request | URL, response: Response): Promise<void> {
    const { idb, store } = await open();
    const key = keyOf(request);
    const blob = await response.blob();
    const meta: FileMeta = {
      model: modelOfKey(key),
      key,
      bytes: blob.size,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      storedAt: Date.now(),
    };
    try {
      // One transaction: never a metadata record without its data, or the reverse.
      await idb.setMany(
        [
          [dataKey(key), blob],
          [metaKey(key), meta],
        ],
        store,
      );
    } catch (e) {
      const quota = e instanceof DOMException && e.name === 'QuotaExceededError';
      throw new ElanusError(
        quota ? 'StorageQuotaExceeded' : 'StorageError',
        `could not cache model file ${key} (${blob.size} bytes) in IndexedDB: ${String(e)}`,
        { key, model: meta.model },
      );
    }
  }
}

let cacheInstance: IndexedDBModelCache | undefined;

/** The shared cache instance (one per page or worker). */
export function indexedDBModelCache(): IndexedDBModelCache {
  cacheInstance ??= new IndexedDBModelCache();
  return cacheInstance;
}

async function allMeta(): Promise<FileMeta[]> {
  const { idb, store } = await open();
  const keys = (await idb.keys(store)).filter((k) => Array.isArray(k) && k[0] === 'meta');
  const metas = await idb.getMany<FileMeta | undefined>(keys, store);
  return metas.filter((m): m is FileMeta => m !== undefined);
}

/**
 * Models with files in the IndexedDB cache. Empty where IndexedDB does not exist (Node): there,
 * transformers.js caches hub downloads on disk itself.
 */
export async function listCachedModels(): Promise<CachedModelInfo[]> {
  if (typeof indexedDB === 'undefined') return [];
  const byModel = new Map<string, CachedModelInfo>();
  for (const m of await allMeta()) {
    let info = byModel.get(m.model);
    if (!info) {
      info = { model: m.model, files: [], bytes: 0, storedAt: 0 };
      byModel.set(m.model, info);
    }
    info.files.push(m.key);
    info.bytes += m.bytes;
    info.storedAt = Math.max(info.storedAt, m.storedAt);
  }
  return [...byModel.values()]
    .map((i) => ({ ...i, files: i.files.sort() }))
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

/**
 * Removes a model's files from the IndexedDB cache (the next load fetches them again). Accepts the
 * same names as `model_name`. Returns the number of files removed; 0 where IndexedDB does not exist.
 */
export async function evictModel(name: string): Promise<number> {
  if (typeof name !== 'string' || name === '') {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter name: expected a model name, got ${String(name)}`,
      {
        param: 'name',
      },
    );
  }
  if (typeof indexedDB === 'undefined') return 0;
  const wanted = resolveModelName(name);
  const doomed = (await allMeta()).filter((m) => m.model === wanted || m.model === name);
  if (doomed.length === 0) return 0;
  const { idb, store } = await open();
  await idb.delMany(
    doomed.flatMap((m) => [metaKey(m.key), dataKey(m.key)]),
    store,
  );
  return doomed.length;
}
