import { elanusError } from '../errors/index.js';
import { storageError } from './errors.js';
import {
  applyBatch,
  encodeBatch,
  journalFileName,
  type ReplayResult,
  replay,
  snapshotRecords,
} from './opfs-journal.js';
import type { Storage, StorageBatch, StoredValue } from './types.js';
import { decodeValue } from './value-codec.js';

/** The OPFS folder that holds one folder per `opfs://<name>` database. */
export const OPFS_ROOT = 'elanus';

/** The folder name of a database (percent-encoded: names may hold `/`, and `.`/`..` are not file names). */
export function opfsFolderName(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}

/** The synchronous access handle of dedicated workers (not in TypeScript's DOM lib). */
interface SyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

/** True where `navigator.storage.getDirectory()` exists (it may still reject, e.g. on opaque origins). */
export function opfsAvailable(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof (navigator as { storage?: { getDirectory?: unknown } }).storage?.getDirectory === 'function'
  );
}

/** True in a dedicated worker, where files can be written through synchronous access handles. */
export function syncHandlesAvailable(): boolean {
  return (
    typeof FileSystemFileHandle !== 'undefined' &&
    typeof (FileSystemFileHandle.prototype as Partial<SyncCapableHandle>).createSyncAccessHandle ===
      'function'
  );
}

/** The database folder, or undefined when it does not exist and `create` is false. */
export async function opfsDirectory(
  name: string,
  create: boolean,
): Promise<FileSystemDirectoryHandle | undefined> {
  const root = await navigator.storage.getDirectory();
  try {
    const top = await root.getDirectoryHandle(OPFS_ROOT, { create });
    return await top.getDirectoryHandle(opfsFolderName(name), { create });
  } catch (e) {
    if (!create && (e as { name?: string })?.name === 'NotFoundError') return undefined;
    throw e;
  }
}

async function fileNames(dir: FileSystemDirectoryHandle): Promise<string[]> {
  const out: string[] = [];
  for await (const n of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(n);
  return out;
}

export interface OpfsStorageOptions {
  /**
   * Write through `FileSystemSyncAccessHandle` (default: where available, i.e. in dedicated workers);
   * false uses the asynchronous API (one file per commit, written to a swap file and renamed on close).
   */
  syncHandles?: boolean;
  /** Compact once the journal exceeds this many bytes and twice the snapshot's size (default 64 MiB). */
  compactBytes?: number;
  /** Compact once the journal has this many files (asynchronous mode; default 512). */
  compactFiles?: number;
  /** Create the database when missing (default true); false makes opening a missing one fail. */
  create?: boolean;
}

/**
 * The OPFS backend: one folder per `opfs://<name>` under `navigator.storage.getDirectory()/elanus/`, an
 * append-only journal of checksummed batch records and a snapshot per generation (format and crash
 * rules in opfs-journal.ts). All of it is kept in memory (encoded) after the first read; a commit is
 * one record, flushed before it resolves.
 *
 * - In a dedicated worker the journal is one file appended through a synchronous access handle
 *   (`write` + `flush`); a failed write is truncated away.
 * - Elsewhere (a page) every commit is its own journal file written with `createWritable()`, which
 *   Chromium writes to a swap file and renames on `close()`: the file appears whole or not at all.
 * - Repairs (truncating a torn tail, deleting stale files) wait until this instance first commits: only
 *   the writer (the Web Lock holder, see persistent-client.ts) changes files. Until then `readAll`
 *   re-reads the folder, so a replica sees what the writer committed.
 */
export class OpfsStorage implements Storage {
  readonly kind = 'opfs' as const;
  private dirp: Promise<FileSystemDirectoryHandle> | undefined;
  private state: ReplayResult | undefined;
  /** Set once this instance has repaired the folder and written: its in-memory state is the truth. */
  private owned = false;
  private closed = false;
  private readonly sync: boolean;
  private handle: SyncAccessHandle | undefined;
  private handleSize = 0;
  /** Journal bytes and files since the live snapshot. */
  private journalBytes = 0;
  private journalFiles = 0;
  private nextIndex = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last failed compaction (a later commit retries). */
  lastCompactError: unknown;

  constructor(
    readonly name: string,
    private readonly options: OpfsStorageOptions = {},
  ) {
    this.sync = options.syncHandles ?? syncHandlesAvailable();
  }

  /** `sync` (synchronous access handles) or `async` (createWritable). */
  get mode(): 'sync' | 'async' {
    return this.sync ? 'sync' : 'async';
  }

  private directory(): Promise<FileSystemDirectoryHandle> {
    if (this.closed) {
      return Promise.reject(
        elanusError('databaseClosed', { name: this.name, reason: 'closeConnection() was called' }),
      );
    }
    if (!this.dirp) {
      this.dirp = opfsDirectory(this.name, this.options.create ?? true).then((d) => {
        if (!d) throw elanusError('databaseNotFound', { got: this.name }, { param: 'name' });
        return d;
      });
      this.dirp.catch(() => {
        this.dirp = undefined;
      });
    }
    return this.dirp;
  }

  /** Runs `fn` after every earlier operation (commits, compactions, scans never interleave). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async readFile(dir: FileSystemDirectoryHandle, name: string): Promise<Uint8Array> {
    const file = await (await dir.getFileHandle(name)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  }

  /** Replays the folder from disk (read-only). A file deleted under the scan (a compaction elsewhere) retries. */
  private async scan(): Promise<ReplayResult> {
    const dir = await this.directory();
    for (let attempt = 0; ; attempt++) {
      try {
        const state = await replay(await fileNames(dir), (n) => this.readFile(dir, n));
        this.state = state;
        return state;
      } catch (e) {
        if (attempt >= 3 || (e as { name?: string })?.name !== 'NotFoundError') throw e;
      }
    }
  }

  /** The current state: this instance's own when it writes, else (with `fresh`) re-read from disk. */
  private async current(fresh: boolean): Promise<ReplayResult> {
    if (this.owned || (this.state && !fresh)) return this.state!;
    return this.scan();
  }

  async read(key: string): Promise<StoredValue | undefined> {
    try {
      const state = await this.serial(() => this.current(false));
      const v = state.map.get(key);
      return v === undefined ? undefined : (decodeValue(v) as StoredValue);
    } catch (e) {
      throw storageError(e, `reading "${key}"`);
    }
  }

  async readMany(keys: string[]): Promise<(StoredValue | undefined)[]> {
    try {
      const state = await this.serial(() => this.current(false));
      return keys.map((k) => {
        const v = state.map.get(k);
        return v === undefined ? undefined : (decodeValue(v) as StoredValue);
      });
    } catch (e) {
      throw storageError(e, `reading ${keys.length} keys`);
    }
  }

  async readAll(prefixes: string[]): Promise<[string, StoredValue][]> {
    try {
      const state = await this.serial(() => this.current(true));
      const keys = [...state.map.keys()].sort();
      const out: [string, StoredValue][] = [];
      for (const p of prefixes) {
        for (const k of keys)
          if (k.startsWith(p)) out.push([k, decodeValue(state.map.get(k)!) as StoredValue]);
      }
      return out;
    } catch (e) {
      throw storageError(e, 'reading the database');
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      const state = await this.serial(() => this.current(false));
      return [...state.map.keys()].filter((k) => k.startsWith(prefix)).sort();
    } catch (e) {
      throw storageError(e, `listing "${prefix}"`);
    }
  }

  /** Before the first write: re-read the folder, truncate torn tails, delete stale files, start a snapshot. */
  private async takeOwnership(): Promise<ReplayResult> {
    if (this.owned) return this.state!;
    const state = await this.scan();
    const dir = await this.directory();
    for (const t of state.torn) await this.truncateFile(dir, t.name, t.validBytes);
    for (const n of state.stale) await dir.removeEntry(n).catch(() => {});
    if (state.gen < 0) {
      await this.writeWholeFile(dir, journalFileName(0, 0), snapshotRecords([]));
      state.gen = 0;
    }
    this.journalBytes = 0;
    for (const j of state.journal) this.journalBytes += j.validBytes;
    this.journalFiles = state.journal.length;
    this.nextIndex = state.journal.length + 1;
    this.owned = true;
    return state;
  }

  private async truncateFile(dir: FileSystemDirectoryHandle, name: string, size: number): Promise<void> {
    const fh = await dir.getFileHandle(name);
    if (this.sync) {
      const h = await (fh as SyncCapableHandle).createSyncAccessHandle();
      try {
        h.truncate(size);
        h.flush();
      } finally {
        h.close();
      }
      return;
    }
    const w = await fh.createWritable({ keepExistingData: true });
    await w.truncate(size);
    await w.close();
  }

  /** Writes a whole new file: it only counts once complete (a snapshot-end record or whole swap file). */
  private async writeWholeFile(
    dir: FileSystemDirectoryHandle,
    name: string,
    records: Iterable<Uint8Array>,
  ): Promise<number> {
    const fh = await dir.getFileHandle(name, { create: true });
    let size = 0;
    try {
      if (this.sync) {
        const h = await (fh as SyncCapableHandle).createSyncAccessHandle();
        try {
          h.truncate(0);
          for (const r of records) size += h.write(r, { at: size });
          h.flush();
        } finally {
          h.close();
        }
      } else {
        const w = await fh.createWritable();
        try {
          for (const r of records) {
            await w.write(r as Uint8Array<ArrayBuffer>);
            size += r.length;
          }
        } catch (e) {
          await w.abort().catch(() => {});
          throw e;
        }
        await w.close();
      }
    } catch (e) {
      await dir.removeEntry(name).catch(() => {});
      throw e;
    }
    return size;
  }

  async commit(batch: StorageBatch): Promise<void> {
    const remove = batch.remove ?? [];
    let put: [string, Uint8Array][];
    let record: Uint8Array;
    try {
      // Encoding first: a value that cannot be stored fails the batch before anything is written.
      ({ record, put } = encodeBatch(remove, batch.put ?? []));
    } catch (e) {
      throw storageError(e, 'committing');
    }
    try {
      await this.serial(async () => {
        const state = await this.takeOwnership();
        const dir = await this.directory();
        await this.append(dir, state.gen, record);
        // The encoded values: the map holds exactly what is on disk (and copies, so callers cannot mutate it).
        applyBatch(state.map, { remove, put });
        this.journalBytes += record.length;
      });
    } catch (e) {
      throw storageError(e, 'committing');
    }
    if (this.needsCompaction()) void this.serial(() => this.compact()).catch(() => {});
  }

  private async append(dir: FileSystemDirectoryHandle, gen: number, record: Uint8Array): Promise<void> {
    if (!this.sync) {
      await this.writeWholeFile(dir, journalFileName(gen, this.nextIndex), [record]);
      this.nextIndex++;
      this.journalFiles++;
      return;
    }
    if (!this.handle) {
      // Appends go to the last journal file (already repaired), or a new one.
      const last = this.state!.journal.at(-1);
      const name = last ? last.name : journalFileName(gen, this.nextIndex++);
      const fh = await dir.getFileHandle(name, { create: true });
      this.handle = await (fh as SyncCapableHandle).createSyncAccessHandle();
      this.handleSize = this.handle.getSize();
      if (!last) this.journalFiles++;
    }
    const h = this.handle;
    const at = this.handleSize;
    try {
      const n = h.write(record, { at });
      if (n !== record.length) throw new DOMException('short write', 'UnknownError');
      h.flush();
      this.handleSize = at + n;
    } catch (e) {
      // Nothing of a failed batch may stay behind for a reopen to read.
      try {
        h.truncate(at);
        h.flush();
      } catch {
        this.dropHandle();
        this.owned = false;
      }
      throw e;
    }
  }

  private dropHandle(): void {
    try {
      this.handle?.close();
    } catch {
      // already closed
    }
    this.handle = undefined;
  }

  private needsCompaction(): boolean {
    const s = this.state;
    if (!s || !this.owned) return false;
    const limit = Math.max(this.options.compactBytes ?? 64 << 20, 2 * s.snapshotBytes);
    return this.journalBytes > limit || this.journalFiles >= (this.options.compactFiles ?? 512);
  }

  /** Writes the state as the next generation's snapshot, then deletes the old generation's files. */
  private async compact(force = false): Promise<void> {
    if ((!force && !this.needsCompaction()) || this.closed || !this.owned) return;
    const state = this.state!;
    const dir = await this.directory();
    const gen = state.gen + 1;
    try {
      state.snapshotBytes = await this.writeWholeFile(
        dir,
        journalFileName(gen, 0),
        snapshotRecords([...state.map].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      );
    } catch (e) {
      this.lastCompactError = storageError(e, 'compacting');
      return;
    }
    // From here the new snapshot is the live state; the old files are stale (a reopen ignores them).
    this.dropHandle();
    const old = [journalFileName(state.gen, 0), ...state.journal.map((j) => j.name)];
    for (let i = 1; i < this.nextIndex; i++) old.push(journalFileName(state.gen, i));
    for (const n of new Set(old)) await dir.removeEntry(n).catch(() => {});
    state.gen = gen;
    state.journal = [];
    this.journalBytes = 0;
    this.journalFiles = 0;
    this.nextIndex = 1;
    this.lastCompactError = undefined;
  }

  /** Compacts now (tests; also what a long-lived writer does on its own past the thresholds). */
  compactNow(): Promise<void> {
    return this.serial(async () => {
      await this.takeOwnership();
      await this.compact(true);
      if (this.lastCompactError !== undefined) throw this.lastCompactError;
    });
  }

  async clear(): Promise<void> {
    try {
      await this.serial(async () => {
        const dir = await this.directory();
        this.dropHandle();
        // The empty snapshot of a new generation first: whatever the deletes leave behind is stale.
        const gen = (this.state?.gen ?? -1) + 1;
        const names = (await fileNames(dir)).filter((n) => n !== journalFileName(gen, 0));
        const size = await this.writeWholeFile(dir, journalFileName(gen, 0), snapshotRecords([]));
        for (const n of names) await dir.removeEntry(n).catch(() => {});
        this.state = {
          map: new Map(),
          gen,
          journal: [],
          snapshotBytes: size,
          stale: [],
          torn: [],
        };
        this.journalBytes = 0;
        this.journalFiles = 0;
        this.nextIndex = 1;
        this.owned = true;
      });
    } catch (e) {
      throw storageError(e, 'clearing the database');
    }
  }

  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    this.dropHandle();
    this.state = undefined;
    this.owned = false;
    this.dirp = undefined;
  }
}

/** Names of the `opfs://` databases of this origin. */
export async function listOpfsDatabases(): Promise<string[]> {
  if (!opfsAvailable()) return [];
  const root = await navigator.storage.getDirectory();
  let top: FileSystemDirectoryHandle;
  try {
    top = await root.getDirectoryHandle(OPFS_ROOT);
  } catch {
    return [];
  }
  return (await fileNames(top)).map((n) => decodeURIComponent(n)).sort();
}

/** Deletes an `opfs://` database's folder (nothing happens when it does not exist). */
export async function dropOpfsDatabase(name: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  try {
    const top = await root.getDirectoryHandle(OPFS_ROOT);
    await top.removeEntry(opfsFolderName(name), { recursive: true });
  } catch (e) {
    if ((e as { name?: string })?.name !== 'NotFoundError') throw storageError(e, `deleting "${name}"`);
  }
}
