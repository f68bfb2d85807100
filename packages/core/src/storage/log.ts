import type { Collection, IndexDef, PrimaryKey } from '../collection/collection.js';
import { setProperties } from '../collection/properties.js';
import type { Engine, PropertyTarget, WriteOp } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { type CollectionSchema, DataType, isVectorType } from '../schema/types.js';

/** One logged column: packed vectors (float32, or the codes of a compact vector field) or values. */
type LoggedColumn = Float32Array | Uint16Array | Int8Array | unknown[];

/**
 * One applied write as the log stores it (structured-clone form: vectors as one Float32Array per
 * field, never JSON numbers). Inserted rows are read back from the collection right after the engine
 * applied the write, so the log holds the validated, converted values and the final primary keys.
 */
export type LogOp =
  | { kind: 'createCollection'; collection: string; schema: CollectionSchema; id: number; created: number }
  | { kind: 'dropCollection'; collection: string }
  | { kind: 'renameCollection'; collection: string; newName: string }
  | { kind: 'createPartition'; collection: string; partition: string; created?: number }
  | { kind: 'dropPartition'; collection: string; partition: string }
  | { kind: 'createIndex'; collection: string; def: IndexDef }
  | { kind: 'dropIndex'; collection: string; field: string }
  | { kind: 'load' | 'release'; collection: string }
  | {
      kind: 'insert' | 'upsert';
      collection: string;
      partition: string | undefined;
      count: number;
      /** Stored values by field name (function outputs left out: replay recomputes them). */
      columns: Record<string, LoggedColumn>;
      dynamic?: (Record<string, unknown> | undefined)[];
      /** Primary keys were generated (autoID): replay keeps them instead of generating new ones. */
      autoIds?: boolean;
    }
  | { kind: 'delete'; collection: string; keys: PrimaryKey[] }
  | { kind: 'createAlias' | 'alterAlias' | 'dropAlias'; collection: string; alias: string }
  /** Properties after `alter…Properties` / `drop…Properties`: the new state of one target, replayed as is. */
  | { kind: 'setProperties'; collection: string; target: PropertyTarget };

/** The value stored at `log/<seq>`: the ops of one public write. */
export interface LogEntry {
  ops: LogOp[];
  /** A write forwarded by another tab: its id and result, so a retry of it is answered, not re-applied. */
  write?: { id: string; result: unknown };
}

/** `log/<seq>`, zero-padded so that keys sort by sequence number. */
export function logKey(seq: number): string {
  return `log/${String(seq).padStart(12, '0')}`;
}

export function seqOfLogKey(key: string): number {
  return Number(key.slice(4));
}

/** Rows carried by an op (seal thresholds count them). */
export function opRows(op: LogOp): number {
  return op.kind === 'insert' || op.kind === 'upsert' ? op.count : op.kind === 'delete' ? op.keys.length : 0;
}

/** Turns a write the engine just applied into its log form. Must run synchronously inside `Engine.record`. */
export function encodeOp(engine: Engine, op: WriteOp): LogOp {
  switch (op.kind) {
    case 'createCollection': {
      const c = engine.get(op.collection);
      return { kind: op.kind, collection: op.collection, schema: op.schema, id: c.id, created: c.created };
    }
    case 'createPartition': {
      const p = engine.get(op.collection).partitions.find((x) => x.name === op.partition);
      return {
        kind: op.kind,
        collection: op.collection,
        partition: op.partition,
        ...(p ? { created: p.created } : {}),
      };
    }
    case 'insert':
    case 'upsert': {
      const c = engine.get(op.collection);
      const pkName = c.pkField.name;
      const rows = op.rows.map((r, i) => {
        const row = c.rowOf(c.toPk(r[pkName], `data[${i}].${pkName}`));
        if (row === undefined) throw elanusError('insertedRowMissing', { row: i });
        return row;
      });
      return {
        kind: op.kind,
        collection: op.collection,
        partition: op.partition,
        count: rows.length,
        columns: readColumns(c, rows),
        ...(c.schema.enable_dynamic_field ? { dynamic: rows.map((r) => c.dynamic(r)) } : {}),
        ...(op.kind === 'insert' && c.pkField.autoID ? { autoIds: true } : {}),
      };
    }
    default:
      return op;
  }
}

function readColumns(c: Collection, rows: number[]): Record<string, LoggedColumn> {
  const out: Record<string, LoggedColumn> = {};
  c.fields.forEach((f, i) => {
    if (f.is_function_output) return;
    const compact = c.compactColumn(f.name);
    if (compact) {
      // The codes, packed like float vectors: replay hands each row's codes back to insert as is.
      const dim = compact.dim;
      const data = compact.data();
      const packed = new (data.constructor as { new (n: number): Uint16Array | Int8Array })(
        rows.length * dim,
      );
      rows.forEach((r, k) => {
        packed.set(data.subarray(r * dim, (r + 1) * dim) as never, k * dim);
      });
      out[f.name] = packed;
      return;
    }
    if (f.data_type === DataType.FloatVector) {
      const dense = c.denseColumn(f.name)!;
      const dim = dense.dim;
      const packed = new Float32Array(rows.length * dim);
      const data = dense.data();
      rows.forEach((r, k) => {
        packed.set(data.subarray(r * dim, (r + 1) * dim), k * dim);
      });
      out[f.name] = packed;
    } else {
      out[f.name] = rows.map((r) => c.value(r, i));
    }
  });
  return out;
}

/** Rebuilds the row objects of a logged insert, in the form `Collection.insert` accepts. */
function rowsOf(c: Collection, op: Extract<LogOp, { kind: 'insert' | 'upsert' }>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = Array.from({ length: op.count }, () => ({}));
  for (const f of c.fields) {
    const col = op.columns[f.name];
    if (col === undefined) continue;
    if (ArrayBuffer.isView(col)) {
      const dim = f.dim!;
      for (let r = 0; r < op.count; r++) rows[r]![f.name] = col.subarray(r * dim, (r + 1) * dim);
    } else {
      for (let r = 0; r < op.count; r++) rows[r]![f.name] = col[r];
    }
  }
  if (op.dynamic) {
    for (let r = 0; r < op.count; r++) {
      const d = op.dynamic[r];
      // `$meta` is how a row hands over its dynamic keys whatever their names.
      if (d) rows[r]!.$meta = d;
    }
  }
  return rows;
}

/** Applies one logged op to an engine (reopen and replay, other tabs catching up). */
export function applyOp(engine: Engine, op: LogOp): void {
  switch (op.kind) {
    case 'createCollection': {
      const c = engine.create(op.schema, { id: op.id });
      c.created = op.created;
      for (const p of c.partitions) p.created = op.created;
      return;
    }
    case 'dropCollection':
      engine.drop(op.collection);
      return;
    case 'renameCollection':
      engine.rename(op.collection, op.newName);
      return;
    case 'createPartition': {
      const c = engine.get(op.collection);
      c.createPartition(op.partition);
      const p = c.partitions.find((x) => x.name === op.partition);
      if (p && op.created !== undefined) p.created = op.created;
      return;
    }
    case 'dropPartition':
      engine.get(op.collection).dropPartition(op.partition);
      return;
    case 'createIndex': {
      const c = engine.get(op.collection);
      const f = c.field(op.def.field_name);
      if (f && isVectorType(f.data_type)) {
        const have = c.indexes.get(op.def.field_name)?.def;
        if (!have || JSON.stringify(have) !== JSON.stringify(op.def)) c.buildIndex(op.def);
      } else {
        c.scalarIndexes.set(op.def.field_name, op.def);
      }
      return;
    }
    case 'dropIndex': {
      const c = engine.get(op.collection);
      c.dropIndex(op.field);
      c.scalarIndexes.delete(op.field);
      return;
    }
    case 'load':
      engine.get(op.collection).loaded = true;
      return;
    case 'release':
      engine.get(op.collection).loaded = false;
      return;
    case 'insert':
    case 'upsert': {
      const c = engine.get(op.collection);
      // Generated keys are in the log; an upsert of new keys inserts them without generating others.
      const keys = c.insert(rowsOf(c, op), op.partition, op.autoIds ? 'upsert' : op.kind);
      if (op.autoIds) {
        let max = c.counters.nextAutoId - 1n;
        for (const k of keys) if (typeof k === 'bigint' && k > max) max = k;
        c.counters = { nextAutoId: max + 1n, nextPartitionId: 0 };
      }
      return;
    }
    case 'delete':
      engine.get(op.collection).deleteByKeys(op.keys);
      return;
    case 'createAlias':
    case 'alterAlias':
      engine.setAlias(op.alias, op.collection, 'restore');
      return;
    case 'dropAlias':
      engine.dropAlias(op.alias);
      return;
    case 'setProperties':
      setProperties(engine.get(op.collection), op.target);
      return;
  }
}
