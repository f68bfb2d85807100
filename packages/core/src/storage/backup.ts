import { promisifyRequest } from 'idb-keyval';
import { elanusError } from '../errors/index.js';
import { storageError } from './errors.js';
import { DATABASE_PREFIX, databaseName, IndexedDBStorage } from './indexeddb.js';
import { channelName, defaultCoordination, lockName } from './tabs.js';
import type { StoredValue } from './types.js';
import { ByteReader, ByteWriter, crc32, readValue, writeValue } from './value-codec.js';

// Export file: a 24-byte header, then the records.
//   header   "ELANUSDB" | u32 version | u32 record count | u32 CRC-32 of the records | u32 flags (0)
//   record   u32 key length | key (UTF-8) | value (tagged value codec)
// Values are the stored ones (manifest, log entries, binary segments and index parts), so an import
// reproduces the database byte for byte in any browser.

const MAGIC = [0x45, 0x4c, 0x41, 0x4e, 0x55, 0x53, 0x44, 0x42]; // ELANUSDB
const FILE_VERSION = 1;
const HEADER_BYTES = 24;
export const EXPORT_MIME = 'application/x-elanus-db';

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw elanusError('databaseNameInvalid', { got: name }, { param: 'name' });
  }
  return name;
}

/**
 * Runs `fn` while holding the database's writer lock, so that no client has it open for writing.
 * Without the Web Locks API it just runs `fn`.
 */
async function whileClosed<T>(name: string, what: string, fn: () => Promise<T>): Promise<T> {
  const { locks } = defaultCoordination();
  if (!locks) return fn();
  let result: { value: T } | undefined;
  await locks.request(lockName(name), { ifAvailable: true }, async (lock) => {
    if (!lock) {
      throw elanusError('databaseOpen', { action: what, name });
    }
    result = { value: await fn() };
  });
  return result!.value;
}

/** Encodes key/value records into the export format. */
export function encodeRecords(records: [string, StoredValue][]): Uint8Array<ArrayBuffer>[] {
  const body = new ByteWriter();
  for (const [k, v] of records) {
    body.string(k);
    writeValue(body, v);
  }
  const bytes = body.result();
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC);
  const dv = new DataView(header.buffer);
  dv.setUint32(8, FILE_VERSION, true);
  dv.setUint32(12, records.length, true);
  dv.setUint32(16, crc32(bytes), true);
  return [header, bytes];
}

/** Decodes and verifies an export file. */
export function decodeRecords(file: Uint8Array): [string, StoredValue][] {
  const bad = (why: string): never => {
    throw elanusError('backupInvalid', { why }, { param: 'data' });
  };
  if (file.length < HEADER_BYTES || MAGIC.some((b, i) => file[i] !== b))
    bad('a file without the ELANUSDB header');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FILE_VERSION) bad(`format version ${version} (this version reads ${FILE_VERSION})`);
  const count = dv.getUint32(12, true);
  const body = file.subarray(HEADER_BYTES);
  if (crc32(body) !== dv.getUint32(16, true)) bad('a damaged or truncated file (checksum mismatch)');
  const r = new ByteReader(body);
  const out: [string, StoredValue][] = [];
  for (let i = 0; i < count; i++) out.push([r.string(), readValue(r) as StoredValue]);
  if (r.pos !== body.length) bad('trailing bytes after the records');
  return out;
}

/**
 * The whole database `name` (`idb://name`) as one binary file, read in one transaction (a consistent
 * snapshot even while a client writes). For backups and moving a database between browsers.
 */
export async function exportDatabase(name: string): Promise<Blob> {
  const storage = new IndexedDBStorage(checkName(name), { create: false });
  try {
    const records = await storage.readAll(['']);
    return new Blob(encodeRecords(records), { type: EXPORT_MIME });
  } finally {
    await storage.close();
  }
}

/**
 * Replaces database `name` with the content of an export file, in one transaction (all or nothing).
 * No client may have the database open; clients opened afterwards see the imported data.
 */
export async function importDatabase(name: string, data: Blob | ArrayBuffer | Uint8Array): Promise<void> {
  checkName(name);
  const bytes =
    data instanceof Uint8Array
      ? data
      : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : typeof Blob !== 'undefined' && data instanceof Blob
          ? new Uint8Array(await data.arrayBuffer())
          : undefined;
  if (!bytes) {
    throw elanusError('backupDataType', {}, { param: 'data' });
  }
  const records = decodeRecords(bytes);
  await whileClosed(name, 'import into', async () => {
    const storage = new IndexedDBStorage(name);
    try {
      const existing = await storage.list('');
      await storage.commit({ remove: existing, put: records });
    } finally {
      await storage.close();
    }
  });
  const { channel } = defaultCoordination();
  if (channel) {
    // Tabs still following this database (there should be none) reload instead of keeping stale state.
    const ch = channel(channelName(name));
    ch.postMessage({ t: 'reset' });
    ch.close();
  }
}

/** Deletes database `name` (`idb://name`) and everything in it. No client may have it open. */
export async function dropDatabase(name: string): Promise<void> {
  checkName(name);
  await whileClosed(name, 'drop', async () => {
    try {
      await promisifyRequest(indexedDB.deleteDatabase(databaseName(name)));
    } catch (e) {
      throw storageError(e, `deleting database "${name}"`);
    }
  });
}

/** Names of the Elanus databases of this origin (where `indexedDB.databases()` exists). */
export async function listDatabases(): Promise<string[]> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return [];
  const all = await indexedDB.databases();
  return all
    .map((d) => d.name ?? '')
    .filter((n) => n.startsWith(DATABASE_PREFIX))
    .map((n) => n.slice(DATABASE_PREFIX.length))
    .sort();
}
