// Partial upsert, as Milvus 2.6+ has it: `upsert({ partial_update: true })` updates only the fields a row
// gives and keeps the others; `field_ops` (the SDK's `FieldPartialUpdateOpType`) also appends to or
// removes from ARRAY fields. Rows are completed from the stored row here, then go through the ordinary
// upsert, so validation, function outputs (BM25) and the log see whole rows. A row whose key is new is
// inserted as given (fields it leaves out must be nullable or have a default, as for insert).

import {
  type FieldPartialUpdateOp,
  FieldPartialUpdateOpType,
  type InsertReq,
  type RowData,
} from '../client/types.js';
import type { Collection, PrimaryKey } from '../collection/collection.js';
import { elanusError } from '../errors/index.js';
import { DataType } from '../schema/types.js';
import { formatValue } from './common.js';

type OpName = keyof typeof FieldPartialUpdateOpType;
const OP_NAMES = Object.keys(FieldPartialUpdateOpType) as OpName[];

/** The per-field operations of a partial upsert, or undefined when the upsert replaces whole rows. */
export function partialUpdateOf(c: Collection, req: InsertReq): Map<string, OpName> | undefined {
  const flag = req.partial_update;
  if (flag !== undefined && typeof flag !== 'boolean') {
    throw elanusError('partialUpdateFlag', { got: typeof flag }, { param: 'partial_update' });
  }
  const list = req.field_ops;
  if (list !== undefined && !Array.isArray(list)) {
    throw elanusError('fieldOpsNotArray', { got: typeof list }, { param: 'field_ops' });
  }
  if (flag !== true && !list?.length) return undefined;
  const ops = new Map<string, OpName>();
  (list ?? []).forEach((entry: FieldPartialUpdateOp, i) => {
    const name = entry?.field_name;
    const f = typeof name === 'string' ? c.field(name) : undefined;
    if (!f) {
      throw elanusError(
        'paramFieldNotExists',
        { param: `field_ops[${i}].field_name`, field: name, collection: c.name },
        { param: 'field_ops', field: String(name) },
      );
    }
    const raw = entry.op;
    const op = typeof raw === 'number' ? OP_NAMES.find((k) => FieldPartialUpdateOpType[k] === raw) : raw;
    if (op === undefined || !OP_NAMES.includes(op as OpName)) {
      throw elanusError(
        'fieldOpUnknown',
        { index: i, expected: OP_NAMES.join(', '), got: raw },
        { param: 'field_ops' },
      );
    }
    if (op !== 'REPLACE' && f.data_type !== DataType.Array) {
      throw elanusError(
        'fieldOpNeedsArray',
        { index: i, op, field: f.name },
        { param: 'field_ops', field: f.name },
      );
    }
    if (f.name === c.pkField.name) {
      throw elanusError(
        'fieldOpOnPrimaryKey',
        { index: i, field: f.name },
        { param: 'field_ops', field: f.name },
      );
    }
    ops.set(f.name, op as OpName);
  });
  return ops;
}

/** The stored row in input form (what `upsert` accepts), function outputs left out: they are recomputed. */
function storedRow(c: Collection, row: number): RowData {
  const out: RowData = {};
  const meta = c.dynamic(row);
  if (meta) out.$meta = { ...meta };
  c.fields.forEach((f, i) => {
    if (f.is_function_output) return;
    out[f.name] = formatValue(f, c.value(row, i));
  });
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  // Int64 elements come back as strings; a row may give them as numbers or bigints.
  return a === b || (a !== null && b !== null && String(a) === String(b));
}

/** Completes each row from the stored one (or from an earlier row of the batch with the same key). */
export function completeRows(c: Collection, rows: RowData[], ops: Map<string, OpName>): RowData[] {
  const pk = c.pkField.name;
  const seen = new Map<PrimaryKey, RowData>();
  return rows.map((input, i) => {
    if (input === null || typeof input !== 'object' || !(pk in input)) {
      throw elanusError('partialUpsertPkMissing', { row: i, field: pk }, { field: pk, row: i });
    }
    const key = c.toPk(input[pk], `data[${i}].${pk}`);
    const earlier = seen.get(key);
    const stored = c.rowOf(key);
    const base = earlier ?? (stored === undefined ? undefined : storedRow(c, stored));
    const out: RowData = base ? { ...base } : {};
    for (const [k, v] of Object.entries(input)) {
      const op = ops.get(k);
      if (k === '$meta' && v && typeof v === 'object' && !Array.isArray(v)) {
        out.$meta = { ...((out.$meta as object | undefined) ?? {}), ...v };
      } else if (op === 'ARRAY_APPEND' && Array.isArray(v)) {
        const have = out[k];
        out[k] = [...(Array.isArray(have) ? have : []), ...v];
      } else if (op === 'ARRAY_REMOVE' && Array.isArray(v)) {
        const have = out[k];
        out[k] = (Array.isArray(have) ? have : []).filter((x) => !v.some((y) => sameValue(x, y)));
      } else if (!c.field(k) && k !== '$meta' && out.$meta && typeof out.$meta === 'object') {
        // A dynamic key updates that key; the row's other dynamic keys stay.
        out.$meta = { ...(out.$meta as object), [k]: v };
      } else {
        out[k] = v;
      }
    }
    seen.set(key, out);
    return out;
  });
}
