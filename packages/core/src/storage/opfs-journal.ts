// The on-disk format of `opfs://` databases, apart from the OPFS calls so that Node tests can run it.
//
// A database is a directory of files named `<generation>-<index>.j`. Each file is a sequence of records:
//   u32 payload length | u32 CRC-32 of the payload | payload
// and a payload is one storage batch (tag 1: removed keys, then put keys with their encoded values) or
// the end of a snapshot (tag 2). File `<g>-0.j` is generation g's snapshot: batches of puts ending with
// a snapshot-end record; it only counts once that record is there. Files `<g>-1.j`, `<g>-2.j`, … are
// its journal, replayed in order after it. Appends only ever extend the last journal file, so the
// first record that is short or fails its checksum is a torn tail: it and everything after it in that
// file are dropped (and truncated before the next write). Compaction writes `<g+1>-0.j` completely,
// then deletes generation g; a crash in between leaves either a complete newer snapshot (g's files
// are then stale) or an incomplete one (ignored). Either way a reopen sees a prefix of the committed
// batches, never part of one.
import { ByteReader, ByteWriter, writeValue } from './value-codec.js';

const TAG_BATCH = 1;
const TAG_SNAPSHOT_END = 2;
/** Record header: payload length and checksum. */
export const RECORD_HEADER = 8;
/** A payload length above this is garbage, not a record (a batch is never near 1 GiB). */
const MAX_PAYLOAD = 1 << 30;

/** One decoded batch: keys removed, then keys put with their encoded values (value-codec bytes). */
export interface EncodedBatch {
  remove: string[];
  put: [string, Uint8Array][];
}

const FILE = /^(\d+)-(\d+)\.j$/;

/** The file name of generation `gen`'s file `index` (0 = its snapshot). */
export function journalFileName(gen: number, index: number): string {
  return `${gen}-${index}.j`;
}

/** `[generation, index]` of a database file name, or undefined for other names (e.g. `.crswap` files). */
export function parseFileName(name: string): [number, number] | undefined {
  const m = FILE.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

let tables: Uint32Array[] | undefined;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32 (IEEE, as value-codec's `crc32`), eight bytes a step: journals checksum every byte they hold. */
export function journalCrc32(data: Uint8Array): number {
  if (!tables) {
    tables = Array.from({ length: 8 }, () => new Uint32Array(256));
    const t0 = tables[0]!;
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t0[n] = c >>> 0;
    }
    for (let n = 0; n < 256; n++) {
      let c = t0[n]!;
      for (let k = 1; k < 8; k++) {
        c = t0[c & 0xff]! ^ (c >>> 8);
        tables[k]![n] = c;
      }
    }
  }
  const [t0, t1, t2, t3, t4, t5, t6, t7] = tables as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let c = 0xffffffff;
  let i = 0;
  const n8 = data.length - (data.length % 8);
  if (LITTLE_ENDIAN && (data.byteOffset & 3) === 0) {
    // Two aligned 32-bit loads per step instead of eight byte loads.
    const words = new Uint32Array(data.buffer, data.byteOffset, n8 >>> 2);
    for (let w = 0; w < words.length; w += 2) {
      const a = (c ^ words[w]!) >>> 0;
      const b = words[w + 1]!;
      c =
        t7[a & 0xff]! ^
        t6[(a >>> 8) & 0xff]! ^
        t5[(a >>> 16) & 0xff]! ^
        t4[a >>> 24]! ^
        t3[b & 0xff]! ^
        t2[(b >>> 8) & 0xff]! ^
        t1[(b >>> 16) & 0xff]! ^
        t0[b >>> 24]!;
    }
    i = n8;
  }
  for (; i < n8; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function frame(w: ByteWriter, start: number): Uint8Array<ArrayBuffer> {
  const out = w.result();
  const view = new DataView(out.buffer);
  const payload = out.subarray(start + RECORD_HEADER);
  view.setUint32(start, payload.length, true);
  view.setUint32(start + 4, journalCrc32(payload), true);
  return out;
}

/**
 * One record holding a batch. `put` values are StoredValues (encoded here) or already encoded bytes
 * (`encoded: true`, as a snapshot copies them). Throws `StorageError` on values that cannot be stored.
 */
export function encodeBatchRecord(
  remove: readonly string[],
  put: readonly [string, unknown][],
  encoded = false,
): Uint8Array<ArrayBuffer> {
  if (!encoded) return encodeBatch(remove, put).record;
  const w = new ByteWriter();
  w.u32(0);
  w.u32(0);
  w.u8(TAG_BATCH);
  w.u32(remove.length);
  for (const k of remove) w.string(k);
  w.u32(put.length);
  for (const [k, v] of put) {
    w.string(k);
    const bytes = v as Uint8Array;
    w.u32(bytes.length);
    w.bytes(bytes);
  }
  return frame(w, 0);
}

/**
 * One record holding a batch of StoredValues, encoded in one pass; also returns the encoded values as
 * views into the record (what the in-memory map keeps). Throws `StorageError` on values that cannot be stored.
 */
export function encodeBatch(
  remove: readonly string[],
  put: readonly [string, unknown][],
): { record: Uint8Array<ArrayBuffer>; put: [string, Uint8Array][] } {
  const w = new ByteWriter();
  w.u32(0);
  w.u32(0);
  w.u8(TAG_BATCH);
  w.u32(remove.length);
  for (const k of remove) w.string(k);
  w.u32(put.length);
  const spans: [number, number][] = [];
  for (const [k, v] of put) {
    w.string(k);
    const at = w.length;
    w.u32(0);
    writeValue(w, v);
    spans.push([at, w.length]);
  }
  const record = w.result();
  const view = new DataView(record.buffer);
  const out: [string, Uint8Array][] = [];
  spans.forEach(([at, end], i) => {
    view.setUint32(at, end - at - 4, true);
    out.push([put[i]![0], record.subarray(at + 4, end)]);
  });
  const payload = record.subarray(RECORD_HEADER);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, journalCrc32(payload), true);
  return { record, put: out };
}

/** The record that closes a snapshot file. */
export function encodeSnapshotEnd(): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter();
  w.u32(0);
  w.u32(0);
  w.u8(TAG_SNAPSHOT_END);
  return frame(w, 0);
}

/**
 * The records of a snapshot holding `entries` (encoded values), in chunks of about `chunkBytes`,
 * ending with the snapshot-end record.
 */
export function* snapshotRecords(
  entries: Iterable<[string, Uint8Array]>,
  chunkBytes = 8 << 20,
): Generator<Uint8Array<ArrayBuffer>> {
  let chunk: [string, Uint8Array][] = [];
  let bytes = 0;
  for (const e of entries) {
    chunk.push(e);
    bytes += e[1].length + 2 * e[0].length + 8;
    if (bytes >= chunkBytes) {
      yield encodeBatchRecord([], chunk, true);
      chunk = [];
      bytes = 0;
    }
  }
  if (chunk.length > 0) yield encodeBatchRecord([], chunk, true);
  yield encodeSnapshotEnd();
}

/** What a file holds: its valid records, where they end, and whether a snapshot-end record closed it. */
export interface ParsedFile {
  batches: EncodedBatch[];
  /** Bytes of valid records from the start; anything after is a torn tail. */
  validBytes: number;
  /** A snapshot-end record was read (nothing after it counts). */
  snapshotEnd: boolean;
}

function decodePayload(payload: Uint8Array): EncodedBatch | 'end' | undefined {
  try {
    const r = new ByteReader(payload);
    const tag = r.u8();
    if (tag === TAG_SNAPSHOT_END) return r.pos === payload.length ? 'end' : undefined;
    if (tag !== TAG_BATCH) return undefined;
    const remove: string[] = [];
    for (let n = r.u32(); n > 0; n--) remove.push(r.string());
    const put: [string, Uint8Array][] = [];
    for (let n = r.u32(); n > 0; n--) {
      const k = r.string();
      put.push([k, r.bytes(r.u32())]);
    }
    return r.pos === payload.length ? { remove, put } : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the records of one file's bytes up to the first torn or damaged one (or a snapshot end). */
export function parseFile(bytes: Uint8Array): ParsedFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: EncodedBatch[] = [];
  let pos = 0;
  while (pos + RECORD_HEADER <= bytes.length) {
    const len = view.getUint32(pos, true);
    if (len === 0 || len > MAX_PAYLOAD || pos + RECORD_HEADER + len > bytes.length) break;
    const payload = bytes.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + len);
    if (journalCrc32(payload) !== view.getUint32(pos + 4, true)) break;
    const rec = decodePayload(payload);
    if (rec === undefined) break;
    pos += RECORD_HEADER + len;
    if (rec === 'end') return { batches, validBytes: pos, snapshotEnd: true };
    batches.push(rec);
  }
  return { batches, validBytes: pos, snapshotEnd: false };
}

/** Applies a batch to the key/value map: removes first, then puts (as the IndexedDB backend does). */
export function applyBatch(map: Map<string, Uint8Array>, batch: EncodedBatch): void {
  for (const k of batch.remove) map.delete(k);
  for (const [k, v] of batch.put) map.set(k, v);
}

/** The state a directory's files replay to, and what a writer must repair before appending. */
export interface ReplayResult {
  /** Key → encoded value. */
  map: Map<string, Uint8Array>;
  /** The live generation (-1: none yet, an empty database). */
  gen: number;
  /** The live generation's journal files in order, with their sizes after repair. */
  journal: { index: number; name: string; validBytes: number; size: number }[];
  /** Bytes of the live snapshot file. */
  snapshotBytes: number;
  /** Files that do not belong to the live state (older generations, incomplete snapshots, files after a gap). */
  stale: string[];
  /** Journal files with a torn tail: truncate to `validBytes` before appending. */
  torn: { name: string; validBytes: number; size: number }[];
}

/**
 * Replays a directory: `names` are its file names, `read` gives a file's bytes. Picks the newest
 * generation with a complete snapshot, then applies its journal files in index order.
 */
export async function replay(
  names: readonly string[],
  read: (name: string) => Promise<Uint8Array>,
): Promise<ReplayResult> {
  const files = new Map<number, Map<number, string>>();
  const other: string[] = [];
  for (const n of names) {
    const p = parseFileName(n);
    if (!p) {
      if (n.endsWith('.crswap')) other.push(n);
      continue;
    }
    let g = files.get(p[0]);
    if (!g) {
      g = new Map();
      files.set(p[0], g);
    }
    g.set(p[1], n);
  }
  const gens = [...files.keys()].sort((a, b) => b - a);
  const map = new Map<string, Uint8Array>();
  const stale: string[] = [...other];
  let live = -1;
  let snapshotBytes = 0;
  for (const g of gens) {
    const snap = files.get(g)!.get(0);
    if (live < 0 && snap !== undefined) {
      const bytes = await read(snap);
      const parsed = parseFile(bytes);
      if (parsed.snapshotEnd) {
        live = g;
        snapshotBytes = bytes.length;
        for (const b of parsed.batches) applyBatch(map, b);
        continue;
      }
    }
    stale.push(...files.get(g)!.values());
  }
  const journal: ReplayResult['journal'] = [];
  const torn: ReplayResult['torn'] = [];
  if (live >= 0) {
    const g = files.get(live)!;
    const indexes = [...g.keys()].filter((i) => i > 0).sort((a, b) => a - b);
    let gap = false;
    for (const i of indexes) {
      const name = g.get(i)!;
      // A missing index means its batches are gone: what comes after it is not a prefix.
      if (gap || i !== journal.length + 1) {
        gap = true;
        stale.push(name);
        continue;
      }
      const bytes = await read(name);
      const parsed = parseFile(bytes);
      for (const b of parsed.batches) applyBatch(map, b);
      journal.push({ index: i, name, validBytes: parsed.validBytes, size: bytes.length });
      if (parsed.validBytes < bytes.length) {
        torn.push({ name, validBytes: parsed.validBytes, size: bytes.length });
        // Later files were written after this torn record: not part of the committed prefix.
        gap = true;
      }
    }
  }
  return { map, gen: live, journal, snapshotBytes, stale, torn };
}
