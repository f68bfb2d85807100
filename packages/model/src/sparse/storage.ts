/**
 * Where BM25 params files live: `idb://<database>/<key>` in IndexedDB (via idb-keyval),
 * `http(s)://` URLs (read-only, via fetch), anything else a filesystem path (Node only).
 * Every backend is imported lazily so a browser bundle never pulls in `node:fs`.
 */
import { ElanusError } from '@elanus/core';
import { invalidParam } from './params.js';

const IDB_PREFIX = 'idb://';
// idb-keyval keeps one object store per database; the name is fixed so files are easy to find.
const IDB_STORE = 'keyval';

interface IdbTarget {
  db: string;
  key: string;
}

function parseIdb(path: string): IdbTarget {
  const rest = path.slice(IDB_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    invalidParam('path', 'idb://<database>/<key>', path);
  }
  return { db: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function checkPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) invalidParam('path', 'a non-empty string', path);
}

const isUrl = (p: string) => /^https?:\/\//i.test(p);

export async function writeParamsText(path: string, text: string): Promise<void> {
  checkPath(path);
  if (path.startsWith(IDB_PREFIX)) {
    const { db, key } = parseIdb(path);
    const { createStore, set } = await import('idb-keyval');
    await wrapStorage(path, () => set(key, text, createStore(db, IDB_STORE)));
    return;
  }
  if (isUrl(path)) invalidParam('path', 'a file path or idb://<database>/<key> (URLs are read-only)', path);
  const fs = await nodeFs(path);
  await wrapStorage(path, () => fs.writeFile(path, text, 'utf8'));
}

export async function readParamsText(path: string): Promise<string> {
  checkPath(path);
  if (path.startsWith(IDB_PREFIX)) {
    const { db, key } = parseIdb(path);
    const { createStore, get } = await import('idb-keyval');
    const v = await wrapStorage(path, () => get<unknown>(key, createStore(db, IDB_STORE)));
    if (v === undefined) throw new ElanusError('StorageError', `no BM25 params stored at ${path}`, { path });
    if (typeof v !== 'string') invalidParam('path', 'an IndexedDB entry holding a params JSON string', v);
    return v;
  }
  if (isUrl(path)) {
    const res = await wrapStorage(path, () => fetch(path));
    if (!res.ok) throw new ElanusError('StorageError', `GET ${path} failed: HTTP ${res.status}`, { path });
    return res.text();
  }
  const fs = await nodeFs(path);
  return wrapStorage(path, () => fs.readFile(path, 'utf8'));
}

/** The two calls of node:fs/promises used here (typed structurally: browser builds carry no Node types). */
interface NodeFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
}

async function nodeFs(path: string): Promise<NodeFs> {
  try {
    // The specifier is built at run time so bundlers leave node:fs out of browser builds.
    const spec = ['node', 'fs/promises'].join(':');
    return (await import(/* @vite-ignore */ spec)) as NodeFs;
  } catch {
    throw new ElanusError(
      'NotImplemented',
      `cannot access file path ${JSON.stringify(path)} in this environment; use idb://<database>/<key>`,
      { path },
    );
  }
}

async function wrapStorage<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof ElanusError) throw e;
    throw new ElanusError(
      'StorageError',
      `BM25 params I/O failed for ${path}: ${(e as Error)?.message ?? e}`,
      {
        path,
      },
    );
  }
}
