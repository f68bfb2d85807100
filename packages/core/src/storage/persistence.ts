import type { Collection, IndexDef, PartitionInfo } from '../collection/collection.js';
import { ALIAS_OPS, type Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { TermDictionary } from '../functions/analyzer/term-dictionary.js';
import type { FieldTextEncoder } from '../functions/bm25-function.js';
import { mentionsText, textEncoderFor } from '../functions/text-support.js';
import { type LazyNeeds, lazyNeeds } from '../indexes/lazy-indexes.js';
import { type CollectionSchema, DataType, isDenseVectorType, type SparseVector } from '../schema/types.js';
import { applyOp, type LogEntry, type LogOp, logKey, opRows, seqOfLogKey } from './log.js';
import { decodeChunk, encodeSparse, encodeTyped, encodeValues, encodeVectors } from './segment-codec.js';
import type { StorageBatch, StoredValue } from './types.js';

// Layout of one database (keys of the one object store):
//   manifest                      what is sealed: collections, schemas, index defs, partitions, load
//                                 state, counters, segment count, the last log seq the segments cover
//   log/<seq>                     one public write not yet sealed (LogEntry)
//   seg/<cid>/<k>/<field>         rows [k*chunkRows, (k+1)*chunkRows) of one column (segment-codec)
//   seg/<cid>/<k>/$dynamic|$partition   dynamic-field objects and partition ids of those rows
//   seg/<cid>/live                live-row bitset (Uint32Array words)
//   idx/<cid>/<field>/<j>         part j of VectorIndex.serialize(), reloaded without rebuilding
//   dict/<cid>/<field>            BM25 term dictionary of a text field
// <cid> is the collection's numeric id, so a rename rewrites only the manifest.

export const FORMAT = 1;
/** Rows per stored chunk: a full chunk never changes again until a compaction renumbers rows. */
export const CHUNK_ROWS = 4096;
const DYNAMIC = '$dynamic';
const PARTITION = '$partition';

export interface CollectionManifest {
  id: number;
  name: string;
  schema: CollectionSchema;
  created: number;
  partitions: PartitionInfo[];
  nextPartitionId: number;
  nextAutoId: bigint;
  loaded: boolean;
  indexes: IndexDef[];
  scalarIndexes: IndexDef[];
  /** Internal rows stored (dead ones included; the live bitset tells them apart). */
  rows: number;
  chunkRows: number;
  /** Number of stored chunks (ids 0..segments-1). */
  segments: number;
  /** Serialized parts per indexed field. */
  indexParts: Record<string, number>;
  /** Fields with a stored term dictionary. */
  dictionaries: string[];
}

export interface Manifest {
  format: number;
  /** The last log sequence number the stored segments include. */
  seq: number;
  nextCollectionId: number;
  collections: CollectionManifest[];
  /** [alias, collection name] pairs (absent in databases written before aliases existed). */
  aliases?: [string, string][];
  /** The latest forwarded writes by id, with their results (see LogEntry.write), oldest first. */
  recentWrites?: [string, unknown][];
}

export const emptyManifest = (): Manifest => ({
  format: FORMAT,
  seq: 0,
  nextCollectionId: 1,
  collections: [],
});

/** What a sealer must know about the stored state to write only what changed. */
export interface SealedState {
  manifest: Manifest;
  /** Collection epoch (compaction count) when its rows were last stored, by collection id. */
  epochs: Map<number, number>;
  /** Collections changed since the last seal, by id. */
  dirty: Set<number>;
  /** Sequence numbers of the log entries in storage (all > manifest.seq). */
  logSeqs: number[];
  /** Rows carried by those log entries. */
  logRows: number;
  /** The last applied sequence number. */
  seq: number;
}

function asBuffer(v: StoredValue | undefined, key: string): ArrayBuffer {
  if (v instanceof ArrayBuffer) return v;
  if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  throw elanusError('corruptDatabaseKey', { key });
}

function checkManifest(v: StoredValue | undefined): Manifest {
  if (v === undefined) return emptyManifest();
  const m = v as unknown as Manifest;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.collections) || typeof m.seq !== 'number') {
    throw elanusError('corruptManifest', {});
  }
  if (m.format !== FORMAT) {
    throw elanusError('databaseFormat', { format: m.format, expected: FORMAT });
  }
  return m;
}

/** Whether stored collections or logged ops name text-analysed fields (their analyzers must load first). */
export function storedNeedText(entries: Iterable<[string, StoredValue]>): boolean {
  for (const [key, value] of entries) {
    if (key === 'manifest') {
      // Shape errors are left to checkManifest / the replay, which name them.
      const cols = (value as unknown as Partial<Manifest> | null)?.collections;
      if (Array.isArray(cols) && cols.some((cm) => mentionsText(cm?.schema))) return true;
    } else if (key.startsWith('log/') && logNeedsText((value as unknown as LogEntry | null)?.ops))
      return true;
  }
  return false;
}

/**
 * The lazily loaded modules stored collections or logged ops need (see indexes/lazy-indexes.ts): the IVF
 * family for the index types they name, the compact vector support for the field types.
 */
export function storedNeedLazyIndexes(entries: Iterable<[string, StoredValue]>): LazyNeeds {
  const needs: LazyNeeds = { ivf: false, compact: false };
  const add = (n: LazyNeeds) => {
    needs.ivf ||= n.ivf;
    needs.compact ||= n.compact;
  };
  for (const [key, value] of entries) {
    if (key === 'manifest') {
      const cols = (value as unknown as Partial<Manifest> | null)?.collections;
      if (Array.isArray(cols)) for (const cm of cols) add(lazyNeeds(cm));
    } else if (key.startsWith('log/')) add(logNeedsLazyIndexes((value as unknown as LogEntry | null)?.ops));
  }
  return needs;
}

/** Only createCollection and createIndex ops name index and field types; rows are never walked. */
export function logNeedsLazyIndexes(ops: readonly LogOp[] | undefined): LazyNeeds {
  const needs: LazyNeeds = { ivf: false, compact: false };
  if (!Array.isArray(ops)) return needs;
  for (const op of ops) {
    if (op?.kind !== 'createCollection' && op?.kind !== 'createIndex') continue;
    const n = lazyNeeds(op);
    needs.ivf ||= n.ivf;
    needs.compact ||= n.compact;
  }
  return needs;
}

/** The collection schemas stored in the manifest or logged by createCollection (what analyzers are built from). */
export function storedSchemas(entries: Iterable<[string, StoredValue]>): unknown[] {
  const out: unknown[] = [];
  for (const [key, value] of entries) {
    if (key === 'manifest') {
      const cols = (value as unknown as Partial<Manifest> | null)?.collections;
      if (Array.isArray(cols)) for (const cm of cols) out.push(cm?.schema);
    } else if (key.startsWith('log/')) out.push(...logSchemas((value as unknown as LogEntry | null)?.ops));
  }
  return out;
}

/** The schemas of a log entry's createCollection ops. */
export function logSchemas(ops: readonly LogOp[] | undefined): unknown[] {
  if (!Array.isArray(ops)) return [];
  return ops.flatMap((op) => (op?.kind === 'createCollection' ? [op.schema] : []));
}

/** Only createCollection ops carry schemas; rows are never walked. */
export function logNeedsText(ops: readonly LogOp[] | undefined): boolean {
  return Array.isArray(ops) && ops.some((op) => op?.kind === 'createCollection' && mentionsText(op.schema));
}

/**
 * Rebuilds an engine from a consistent snapshot of the store (all keys): manifest → segments and
 * stored indexes (no rebuild) → replay of the log tail. `engine` must be empty.
 */
export function loadEngine(engine: Engine, entries: Iterable<[string, StoredValue]>): SealedState {
  const data = new Map(entries);
  const manifest = checkManifest(data.get('manifest'));
  engine.nextCollectionId = manifest.nextCollectionId;
  const epochs = new Map<number, number>();
  const dirty = new Set<number>();
  for (const cm of manifest.collections) {
    const c = restoreCollection(engine, cm, data);
    epochs.set(c.id, c.epoch);
    if (!restoreIndexes(c, cm, data)) dirty.add(c.id);
  }
  for (const [alias, collection] of manifest.aliases ?? []) engine.setAlias(alias, collection, 'restore');
  const logSeqs = [...data.keys()]
    .filter((k) => k.startsWith('log/'))
    .map(seqOfLogKey)
    .filter((s) => s > manifest.seq)
    .sort((a, b) => a - b);
  let seq = manifest.seq;
  let logRows = 0;
  for (const s of logSeqs) {
    if (s !== seq + 1) {
      throw elanusError('corruptLog', { entry: seq + 1, found: s });
    }
    const entry = data.get(logKey(s)) as unknown as LogEntry;
    for (const op of entry.ops) {
      markDirty(engine, op, dirty);
      applyOp(engine, op);
      logRows += opRows(op);
    }
    seq = s;
  }
  return { manifest, epochs, dirty, logSeqs, logRows, seq };
}

/** Records which collection an op touches (before it is applied: a rename still has the old name). */
export function markDirty(
  engine: Engine,
  op: { kind: string; collection: string; id?: number },
  dirty: Set<number>,
): void {
  if (op.kind === 'createCollection' && op.id !== undefined) dirty.add(op.id);
  else if (ALIAS_OPS.has(op.kind))
    return; // the manifest carries aliases; no rows change
  else if (engine.has(op.collection)) dirty.add(engine.get(op.collection).id);
}

function restoreCollection(
  engine: Engine,
  cm: CollectionManifest,
  data: Map<string, StoredValue>,
): Collection {
  const dicts = new Map<string, TermDictionary>();
  for (const field of cm.dictionaries) {
    const key = `dict/${cm.id}/${field}`;
    dicts.set(field, TermDictionary.deserialize(asBuffer(data.get(key), key)));
  }
  const c = engine.create(cm.schema, {
    id: cm.id,
    textEncoderFor: (f) =>
      dicts.has(f.name) ? textEncoderFor(f, dicts.get(f.name)) : engine.options.textEncoderFor(f),
  });
  c.created = cm.created;
  c.partitions = cm.partitions.map((p) => ({ ...p }));
  c.counters = { nextAutoId: BigInt(cm.nextAutoId), nextPartitionId: cm.nextPartitionId };
  c.loaded = cm.loaded;
  for (const d of cm.scalarIndexes) c.scalarIndexes.set(d.field_name, d);
  for (let k = 0; k < cm.segments; k++) {
    const base = `seg/${cm.id}/${k}/`;
    const chunk = (name: string) => decodeChunk(asBuffer(data.get(base + name), base + name));
    const part = chunk(PARTITION);
    const count = part.count;
    const dyn = cm.schema.enable_dynamic_field ? chunk(DYNAMIC).values : [];
    c.restoreRows({
      count,
      columns: c.fields.map((f) => {
        const v = chunk(f.name).values;
        if (v.length !== (isDenseVectorType(f.data_type) ? count * f.dim! : count)) {
          throw elanusError('corruptColumn', { field: f.name, segment: base });
        }
        return v;
      }),
      dynamic: dyn as ArrayLike<Record<string, unknown> | undefined>,
      partitions: part.values as Uint16Array,
    });
  }
  if (c.rowCount !== cm.rows) {
    throw elanusError('corruptRowCount', { collection: cm.name, got: c.rowCount, expected: cm.rows });
  }
  const liveKey = `seg/${cm.id}/live`;
  const live = data.get(liveKey);
  c.restoreLive(live === undefined ? new Uint32Array(0) : new Uint32Array(asBuffer(live, liveKey)));
  return c;
}

/** Reloads stored indexes; rebuilds any that cannot be reloaded. Returns false when one was rebuilt. */
function restoreIndexes(c: Collection, cm: CollectionManifest, data: Map<string, StoredValue>): boolean {
  let reloaded = true;
  for (const def of cm.indexes) {
    const n = cm.indexParts[def.field_name] ?? 0;
    try {
      const parts: ArrayBuffer[] = [];
      for (let j = 0; j < n; j++) {
        const key = `idx/${cm.id}/${def.field_name}/${j}`;
        parts.push(asBuffer(data.get(key), key));
      }
      if (n > 0 && c.restoreIndex(def, parts)) continue;
    } catch {
      // An index written by an incompatible version (or damaged) is rebuilt from the stored vectors.
    }
    c.buildIndex(def);
    reloaded = false;
  }
  return reloaded;
}

/**
 * The one atomic batch of a seal: changed segments, indexes and dictionaries, the new manifest, and the
 * deletion of the log entries they now cover. Pure: the caller updates `state` once the commit succeeds.
 */
export function planSeal(
  engine: Engine,
  state: SealedState,
): { batch: StorageBatch; manifest: Manifest; epochs: Map<number, number> } {
  const put: [string, StoredValue][] = [];
  const remove: string[] = [];
  const prevById = new Map(state.manifest.collections.map((cm) => [cm.id, cm]));
  const epochs = new Map<number, number>();
  const collections: CollectionManifest[] = [];
  for (const name of engine.names()) {
    const c = engine.get(name);
    const prev = prevById.get(c.id);
    prevById.delete(c.id);
    const changed = !prev || state.dirty.has(c.id);
    const indexParts: Record<string, number> = {};
    const dictionaries: string[] = [];
    let segments = prev?.segments ?? 0;
    if (changed) {
      // Rows only append until a compaction renumbers them: then every chunk is rewritten.
      const rewrite = !prev || state.epochs.get(c.id) !== c.epoch;
      const first = rewrite ? 0 : Math.floor(prev.rows / CHUNK_ROWS);
      segments = Math.ceil(c.rowCount / CHUNK_ROWS);
      for (let k = first; k < segments; k++) {
        writeChunk(c, k, put);
      }
      for (let k = segments; k < (prev?.segments ?? 0); k++) removeChunk(c, k, remove);
      put.push([`seg/${c.id}/live`, c.liveBitset().words.slice().buffer]);
      for (const [field, { index }] of c.indexes) {
        const parts = index.serialize();
        parts.forEach((p, j) => {
          put.push([`idx/${c.id}/${field}/${j}`, p]);
        });
        indexParts[field] = parts.length;
        for (let j = parts.length; j < (prev?.indexParts[field] ?? 0); j++)
          remove.push(`idx/${c.id}/${field}/${j}`);
      }
      for (const [field, n] of Object.entries(prev?.indexParts ?? {})) {
        if (!(field in indexParts)) for (let j = 0; j < n; j++) remove.push(`idx/${c.id}/${field}/${j}`);
      }
      for (const [field, enc] of c.textEncoders) {
        const dict = (enc as Partial<FieldTextEncoder>).dictionary;
        if (!dict) continue;
        put.push([`dict/${c.id}/${field}`, dict.serialize()]);
        dictionaries.push(field);
      }
    } else {
      Object.assign(indexParts, prev.indexParts);
      dictionaries.push(...prev.dictionaries);
    }
    epochs.set(c.id, c.epoch);
    const { nextAutoId, nextPartitionId } = c.counters;
    collections.push({
      id: c.id,
      name: c.name,
      schema: c.schema,
      created: c.created,
      partitions: c.partitions.map((p) => ({ ...p })),
      nextPartitionId,
      nextAutoId,
      loaded: c.loaded,
      indexes: [...c.indexes.values()].map((e) => e.def),
      scalarIndexes: [...c.scalarIndexes.values()],
      rows: c.rowCount,
      chunkRows: CHUNK_ROWS,
      segments,
      indexParts,
      dictionaries,
    });
  }
  for (const gone of prevById.values()) removeCollection(gone, remove);
  for (const s of state.logSeqs) remove.push(logKey(s));
  const manifest: Manifest = {
    format: FORMAT,
    seq: state.seq,
    nextCollectionId: engine.nextCollectionId,
    collections,
    aliases: engine.aliases(),
  };
  put.push(['manifest', manifest as unknown as StoredValue]);
  return { batch: { put, remove }, manifest, epochs };
}

function writeChunk(c: Collection, k: number, put: [string, StoredValue][]): void {
  const from = k * CHUNK_ROWS;
  const to = Math.min(c.rowCount, from + CHUNK_ROWS);
  const base = `seg/${c.id}/${k}/`;
  c.fields.forEach((f, i) => {
    let buf: ArrayBuffer;
    if (f.data_type === DataType.FloatVector) {
      const dense = c.denseColumn(f.name)!;
      buf = encodeVectors(dense.data(), dense.dim, from, to);
    } else if (c.compactColumn(f.name)) {
      // The stored codes, row-major (Uint16 bits or Int8 values): the float32 scan copy is rebuilt on open.
      const compact = c.compactColumn(f.name)!;
      buf = encodeTyped(compact.data(), from * compact.dim, to * compact.dim);
    } else if (f.data_type === DataType.SparseFloatVector) {
      const rows: SparseVector[] = [];
      for (let r = from; r < to; r++) rows.push(c.value(r, i) as SparseVector);
      buf = encodeSparse(rows);
    } else {
      const view = c.column(f.name);
      if (
        view &&
        (view.kind === 'number' || view.kind === 'int64' || view.kind === 'bool') &&
        ArrayBuffer.isView(view.values)
      ) {
        buf = encodeTyped(view.values as never, from, to, view.nulls);
      } else {
        const values: unknown[] = [];
        for (let r = from; r < to; r++) values.push(c.value(r, i));
        buf = encodeValues(values, 0, values.length);
      }
    }
    put.push([base + f.name, buf]);
  });
  if (c.schema.enable_dynamic_field) {
    const dyn: unknown[] = [];
    for (let r = from; r < to; r++) dyn.push(c.dynamic(r));
    put.push([base + DYNAMIC, encodeValues(dyn, 0, dyn.length)]);
  }
  put.push([base + PARTITION, encodeTyped(c.partitionIds(), from, to)]);
}

function chunkColumns(schema: CollectionSchema): string[] {
  return [...schema.fields.map((f) => f.name), DYNAMIC, PARTITION];
}

function removeChunk(c: Collection, k: number, remove: string[]): void {
  for (const col of chunkColumns(c.schema)) remove.push(`seg/${c.id}/${k}/${col}`);
}

function removeCollection(cm: CollectionManifest, remove: string[]): void {
  for (let k = 0; k < cm.segments; k++) {
    for (const col of chunkColumns(cm.schema)) remove.push(`seg/${cm.id}/${k}/${col}`);
  }
  remove.push(`seg/${cm.id}/live`);
  for (const [field, n] of Object.entries(cm.indexParts))
    for (let j = 0; j < n; j++) remove.push(`idx/${cm.id}/${field}/${j}`);
  for (const field of cm.dictionaries) remove.push(`dict/${cm.id}/${field}`);
}
