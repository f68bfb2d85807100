import type { ResStatus, RowData } from '../client/types.js';
import type { Collection, PrimaryKey } from '../collection/collection.js';
import type { CompactVector } from '../collection/compact-vector-column.js';
import { elanusError } from '../errors/index.js';
import { compactModule } from '../indexes/lazy-indexes.js';
import { DataType, type FieldSchema, type SparseVector } from '../schema/types.js';

export const ok = (): ResStatus => ({ error_code: 'Success', reason: '', code: 0 });

/** Properties (collection, field, index) as the SDK's describe results show them: `[{ key, value }]`. */
export function propertyList(p: Record<string, string> | undefined): { key: string; value: string }[] {
  return Object.entries(p ?? {}).map(([key, value]) => ({ key, value }));
}

export function requireString(v: unknown, param: string): string {
  if (typeof v !== 'string' || v === '') {
    throw elanusError('nonEmptyString', { param, got: v }, { param });
  }
  return v;
}

export function optionalInt(v: unknown, param: string, min: number, max: number, def: number): number {
  if (v === undefined || v === null) return def;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw elanusError('intOutOfRange', { param, min, max, got: v }, { param });
  }
  return n;
}

/** The Node SDK returns every primary key as a string (int64 keys would lose precision as numbers). */
export const formatPk = (pk: PrimaryKey): string => (typeof pk === 'bigint' ? pk.toString() : pk);

export function sparseToObject(v: SparseVector): Record<number, number> {
  const o: Record<number, number> = {};
  for (let i = 0; i < v.indices.length; i++) o[v.indices[i]!] = v.values[i]!;
  return o;
}

/** One stored value as the Node SDK returns it. */
export function formatValue(field: FieldSchema, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (field.data_type) {
    case DataType.Int64:
      return (v as bigint).toString();
    case DataType.FloatVector:
      return Array.from(v as Float32Array);
    case DataType.BinaryVector:
      return Array.from(v as Uint8Array);
    // As the SDK's query/search output gives them by default: float16 / bfloat16 decoded to numbers
    // (its f16BytesToF32Array / bf16BytesToF32Array), int8 as numbers (Array.from of an Int8Array).
    case DataType.Float16Vector:
    case DataType.BFloat16Vector:
      return Array.from(compactModule().decodeCompact(field.data_type, v as CompactVector));
    case DataType.Int8Vector:
      return Array.from(v as Int8Array);
    case DataType.SparseFloatVector:
      return sparseToObject(v as SparseVector);
    case DataType.Array:
      return field.element_type === DataType.Int64
        ? (v as bigint[]).map((x) => x.toString())
        : [...(v as unknown[])];
    default:
      return v;
  }
}

export interface OutputPlan {
  /** Schema field indexes to emit (pk excluded; it is always emitted as the key). */
  fields: number[];
  /** Named dynamic keys to emit. */
  dynamicKeys: string[];
  /** Emit every dynamic key. */
  allDynamic: boolean;
}

/**
 * Resolves `output_fields` (`*`, field names, dynamic keys) against the schema. Left out, it is `['*']`:
 * the Node SDK sends that default, so code written for it (LlamaIndex reads its stored fields from hits
 * it asked nothing of) gets every field here too.
 */
export function planOutput(
  c: Collection,
  output: string[] | undefined = ['*'],
  param = 'output_fields',
): OutputPlan {
  const plan: OutputPlan = { fields: [], dynamicKeys: [], allDynamic: false };
  if (!Array.isArray(output)) {
    throw elanusError('fieldNamesNotArray', { param, got: typeof output }, { param });
  }
  const add = (i: number) => {
    if (i !== c.pkIndex && !plan.fields.includes(i)) plan.fields.push(i);
  };
  for (const name of output) {
    if (name === '*') {
      c.fields.forEach((_, i) => {
        add(i);
      });
      if (c.schema.enable_dynamic_field) plan.allDynamic = true;
      continue;
    }
    const i = c.fieldIndex(name);
    if (i >= 0) {
      add(i);
    } else if (name === '$meta' && c.schema.enable_dynamic_field) {
      plan.allDynamic = true;
    } else if (c.schema.enable_dynamic_field && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      plan.dynamicKeys.push(name);
    } else {
      throw elanusError(
        'paramFieldNotExists',
        { param, field: name, collection: c.name },
        { param, field: name },
      );
    }
  }
  return plan;
}

/** Builds the row object for one internal row: the primary key first, then output fields, then dynamic keys. */
export function buildRow(c: Collection, row: number, plan: OutputPlan, target: RowData = {}): RowData {
  const pk = c.pkField;
  target[pk.name] = formatPk(c.pkOf(row));
  for (const i of plan.fields) target[c.fields[i]!.name] = formatValue(c.fields[i]!, c.value(row, i));
  if (plan.allDynamic || plan.dynamicKeys.length) {
    const meta = c.dynamic(row);
    // As the Node SDK shows them: `*` yields the `$meta` object, a named dynamic key yields its value.
    if (plan.allDynamic) target.$meta = meta ? { ...meta } : {};
    for (const k of plan.dynamicKeys) if (meta && k in meta) target[k] = meta[k];
  }
  return target;
}

export function idsResult(c: Collection, keys: PrimaryKey[]) {
  const data = keys.map(formatPk);
  return c.pkField.data_type === DataType.VarChar
    ? { str_id: { data }, id_field: 'str_id' as const }
    : { int_id: { data }, id_field: 'int_id' as const };
}

export function filterOf(req: { filter?: string; expr?: string }): string | undefined {
  const f = req.filter ?? req.expr;
  if (f !== undefined && typeof f !== 'string') {
    throw elanusError('filterNotString', { got: typeof f }, { param: 'filter' });
  }
  return f;
}

export function filterParamsOf(req: {
  filter_params?: Record<string, unknown>;
  exprValues?: Record<string, unknown>;
}) {
  return req.filter_params ?? req.exprValues;
}

const CONSISTENCY_NAMES = ['Strong', 'Session', 'Bounded', 'Eventually', 'Customized'];

/**
 * Reads accept the SDK's `consistency_level` (its enum number or name). The engine reads its own writes,
 * so every level is served as Strong; an unknown level is refused rather than ignored.
 */
export function checkConsistency(req: { consistency_level?: unknown }): void {
  const v = req.consistency_level;
  if (v === undefined || v === null) return;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < CONSISTENCY_NAMES.length) return;
  if (typeof v === 'string' && CONSISTENCY_NAMES.includes(v)) return;
  throw elanusError(
    'consistencyLevel',
    { expected: CONSISTENCY_NAMES.join(', '), got: v },
    { param: 'consistency_level' },
  );
}

// Here, not in query.ts: the lazily loaded query-aggregate.ts needs it too (no import circle).
const AGGREGATE = /^\s*(count|sum|avg|min|max)\s*\(\s*(\*|[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/i;

/** True when `output` names an aggregate such as `count(*)` or `avg(price)`. */
export function isAggregateName(output: unknown): boolean {
  return typeof output === 'string' && AGGREGATE.test(output);
}
