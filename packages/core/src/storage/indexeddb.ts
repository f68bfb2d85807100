import { clear, get, getMany, promisifyRequest, type UseStore } from 'idb-keyval';
import { elanusError } from '../errors/index.js';
import { storageError } from './errors.js';
import type { Storage, StorageBatch, StoredValue } from './types.js';

/** The one object store of an Elanus database (keys are strings such as `manifest`, `log/…`, `seg/…`). */
export const OBJECT_STORE = 'kv';
/** IndexedDB database names get this prefix so that `idb://books` cannot collide with an app's own databases. */
export const DATABASE_PREFIX = 'elanus:';

export function databaseName(name: string): string {
  return DATABASE_PREFIX + name;
}

export interface IndexedDBStorageOptions {
  /**
   * Transaction durability: `strict` (default) waits until the data is flushed to disk, `relaxed` only
   * until the browser has it (faster; survives a tab or browser crash but maybe not an OS crash).
   */
  durability?: 'strict' | 'relaxed' | 'default';
  /** Called when the connection is closed from outside (the database was deleted or upgraded elsewhere). */
  onClosed?: () => void;
  /** Create the database when missing (default true); false makes opening a missing one fail. */
  create?: boolean;
}

function requireIndexedDB(): IDBFactory {
  if (typeof indexedDB === 'undefined') {
    throw elanusError('indexedDbUnavailable', {});
  }
  return indexedDB;
}

/** Opens an Elanus database by its full IndexedDB name, creating it on first use unless `create` is false. */
export function openDatabase(fullName: string, create = true): Promise<IDBDatabase> {
  let request: IDBOpenDBRequest;
  try {
    request = requireIndexedDB().open(fullName, 1);
  } catch (e) {
    return Promise.reject(storageError(e, `opening database "${fullName}"`));
  }
  let missing = false;
  request.onupgradeneeded = (ev) => {
    if (ev.oldVersion === 0 && !create) {
      // Aborting the first upgrade leaves no database behind.
      missing = true;
      request.transaction?.abort();
      return;
    }
    const db = request.result;
    if (!db.objectStoreNames.contains(OBJECT_STORE)) db.createObjectStore(OBJECT_STORE);
  };
  return promisifyRequest(request).catch((e) => {
    if (missing) {
      throw elanusError(
        'databaseNotFound',
        { got: fullName.slice(DATABASE_PREFIX.length) },
        { param: 'name' },
      );
    }
    throw storageError(e, `opening database "${fullName}"`);
  });
}

const range = (prefix: string): IDBKeyRange | undefined =>
  prefix === '' ? undefined : IDBKeyRange.bound(prefix, `${prefix}\uffff`);

/**
 * The IndexedDB backend: one database per `idb://<name>`, one object store, reached through an
 * idb-keyval custom store (so a commit is one readwrite transaction and a read-all one readonly one).
 */
export class IndexedDBStorage implements Storage {
  readonly kind = 'indexeddb' as const;
  readonly fullName: string;
  private dbp: Promise<IDBDatabase> | undefined;
  private closedReason: string | undefined;
  private readonly durability: IDBTransactionDurability;
  /** idb-keyval custom store over this database. */
  readonly store: UseStore;

  constructor(
    readonly name: string,
    private readonly options: IndexedDBStorageOptions = {},
  ) {
    this.fullName = databaseName(name);
    this.durability = options.durability ?? 'strict';
    this.store = (mode, callback) =>
      this.database().then((db) =>
        callback(
          db.transaction(OBJECT_STORE, mode, { durability: this.durability }).objectStore(OBJECT_STORE),
        ),
      );
  }

  private database(): Promise<IDBDatabase> {
    if (this.closedReason !== undefined) {
      return Promise.reject(elanusError('databaseClosed', { name: this.name, reason: this.closedReason }));
    }
    if (!this.dbp) {
      this.dbp = openDatabase(this.fullName, this.options.create ?? true).then((db) => {
        // Let dropDatabase()/importDatabase() in another tab proceed instead of blocking on this connection.
        db.onversionchange = () => {
          db.close();
          this.closedReason = 'deleted or upgraded by another connection';
          this.options.onClosed?.();
        };
        db.onclose = () => {
          this.closedReason = 'closed by the browser';
          this.options.onClosed?.();
        };
        return db;
      });
      this.dbp.catch(() => {
        this.dbp = undefined;
      });
    }
    return this.dbp;
  }

  async read(key: string): Promise<StoredValue | undefined> {
    try {
      return await get<StoredValue>(key, this.store);
    } catch (e) {
      throw storageError(e, `reading "${key}"`);
    }
  }

  async readMany(keys: string[]): Promise<(StoredValue | undefined)[]> {
    try {
      return await getMany<StoredValue>(keys, this.store);
    } catch (e) {
      throw storageError(e, `reading ${keys.length} keys`);
    }
  }

  async readAll(prefixes: string[]): Promise<[string, StoredValue][]> {
    try {
      // All requests go out in one readonly transaction: a consistent snapshot of every prefix.
      const parts = await this.store('readonly', (s) =>
        Promise.all(
          prefixes.map((p) =>
            Promise.all([promisifyRequest(s.getAllKeys(range(p))), promisifyRequest(s.getAll(range(p)))]),
          ),
        ),
      );
      const out: [string, StoredValue][] = [];
      for (const [keys, values] of parts) {
        for (let i = 0; i < keys.length; i++) out.push([String(keys[i]), values[i] as StoredValue]);
      }
      return out;
    } catch (e) {
      throw storageError(e, 'reading the database');
    }
  }

  async commit(batch: StorageBatch): Promise<void> {
    try {
      await this.store('readwrite', (s) => {
        try {
          for (const k of batch.remove ?? []) s.delete(k);
          for (const [k, v] of batch.put ?? []) s.put(v, k);
        } catch (e) {
          // A value that cannot be cloned throws synchronously: abort so the earlier requests do not commit.
          s.transaction.abort();
          throw e;
        }
        return promisifyRequest(s.transaction);
      });
    } catch (e) {
      throw storageError(e, 'committing');
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      const keys = await this.store('readonly', (s) => promisifyRequest(s.getAllKeys(range(prefix))));
      return keys.map(String);
    } catch (e) {
      throw storageError(e, `listing "${prefix}"`);
    }
  }

  async clear(): Promise<void> {
    try {
      await clear(this.store);
    } catch (e) {
      throw storageError(e, 'clearing the database');
    }
  }

  async close(): Promise<void> {
    const dbp = this.dbp;
    this.closedReason ??= 'closeConnection() was called';
    this.dbp = undefined;
    if (dbp) {
      const db = await dbp.catch(() => undefined);
      db?.close();
    }
  }
}
