import { elanusError } from '../errors/index.js';
import { compactModule } from '../indexes/lazy-indexes.js';
import {
  type CollectionSchema,
  DataType,
  DataTypeName,
  type FieldSchema,
  type SparseVector,
} from '../schema/types.js';
import {
  checkJsonBytes,
  DEFAULT_MAX_JSON_BYTES,
  loneSurrogateAt,
  setOwn,
  toJsonValue,
} from './json-value.js';

const INT_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.Int8]: [-128, 127],
  [DataType.Int16]: [-32768, 32767],
  [DataType.Int32]: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const encoder = new TextEncoder();

function mismatch(field: string, row: number, expected: string, got: unknown): never {
  throw elanusError('valueTypeMismatch', { field, row, expected, got }, { field, row });
}

/** Accepts number | bigint | integer string; returns a bigint within int64. */
export function toInt64(v: unknown, field: string, row: number): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^[+-]?\d{1,20}$/.test(v.trim())) b = BigInt(v.trim());
  if (b === undefined) {
    const hint =
      typeof v === 'number' && Number.isInteger(v) ? ' (beyond 2^53: pass a bigint or a string)' : '';
    return mismatch(field, row, `an Int64 (number, bigint or integer string)${hint}`, v);
  }
  if (b < INT64_MIN || b > INT64_MAX) return mismatch(field, row, 'an Int64 within [-2^63, 2^63-1]', v);
  return b;
}

function toScalar(t: DataType, v: unknown, field: FieldSchema, row: number, elemOf?: string): unknown {
  const name = elemOf ?? field.name;
  switch (t) {
    case DataType.Bool:
      if (typeof v !== 'boolean') mismatch(name, row, 'a Bool (true or false)', v);
      return v;
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32: {
      const [lo, hi] = INT_RANGES[t]!;
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) {
        mismatch(name, row, `an ${DataTypeName[t]} integer in [${lo}, ${hi}]`, v);
      }
      return n;
    }
    case DataType.Int64:
      return toInt64(v, name, row);
    case DataType.Float:
    case DataType.Double:
      if (typeof v !== 'number' || !Number.isFinite(v)) mismatch(name, row, `a finite ${DataTypeName[t]}`, v);
      // A Float is float32: 1e39 would be stored as Infinity.
      if (t === DataType.Float && !Number.isFinite(Math.fround(v)))
        mismatch(name, row, 'a Float within float32 range (±3.4e38)', v);
      return v;
    case DataType.VarChar: {
      if (typeof v !== 'string') mismatch(name, row, 'a VarChar string', v);
      const lone = loneSurrogateAt(v);
      // Milvus stores UTF-8: a lone surrogate has no encoding (and would break a sync).
      if (lone >= 0) mismatch(name, row, `valid UTF-16 text (a lone surrogate at index ${lone})`, v);
      const max = field.max_length ?? 65535;
      // Milvus measures max_length in UTF-8 bytes; skip the encode when it cannot matter.
      if (v.length > max / 3) {
        const bytes = encoder.encode(v).length;
        if (bytes > max) {
          throw elanusError('valueMaxLength', { field: name, row, max, got: bytes }, { field: name, row });
        }
      }
      return v;
    }
    default:
      return mismatch(name, row, 'a scalar', v);
  }
}

export function toFloatVector(v: unknown, field: FieldSchema, row: number): Float32Array {
  const dim = field.dim!;
  if (!(Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array)) {
    return mismatch(field.name, row, `a FloatVector of ${dim} numbers`, v);
  }
  if (v.length !== dim) {
    throw elanusError('valueDim', { field: field.name, row, dim, got: v.length }, { field: field.name, row });
  }
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      return mismatch(field.name, row, `finite numbers in the vector (index ${i})`, x);
    }
    out[i] = x;
    // Stored as float32: a finite double beyond ±3.4e38 would become Infinity and rank first for IP.
    if (!Number.isFinite(out[i]!)) {
      return mismatch(
        field.name,
        row,
        `numbers within float32 range (±3.4e38) in the vector (index ${i})`,
        x,
      );
    }
  }
  return out;
}

/** Canonical sparse vector: ascending unique indices in [0, 2^32-2], finite values. */
export function toSparseVector(v: unknown, field: string, row: number): SparseVector {
  let idx: number[] = [];
  let val: number[] = [];
  if (v instanceof Map) {
    for (const [k, x] of v) {
      idx.push(Number(k));
      val.push(x as number);
    }
  } else if (v && typeof v === 'object' && 'indices' in v && 'values' in v) {
    const o = v as { indices: ArrayLike<number>; values: ArrayLike<number> };
    if (o.indices.length !== o.values.length) {
      return mismatch(field, row, 'a sparse vector with as many indices as values', v);
    }
    idx = Array.from(o.indices);
    val = Array.from(o.values);
  } else if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      idx.push(Number(k));
      val.push(x as number);
    }
  } else {
    return mismatch(field, row, 'a sparse vector ({index: value} or {indices, values})', v);
  }
  const order = idx.map((_, i) => i).sort((a, b) => idx[a]! - idx[b]!);
  const indices = new Uint32Array(order.length);
  const values = new Float32Array(order.length);
  let n = 0;
  for (const i of order) {
    const k = idx[i]!;
    const x = val[i]!;
    if (!Number.isInteger(k) || k < 0 || k > 4294967294)
      mismatch(field, row, 'sparse indices in [0, 2^32-2]', k);
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x)))
      mismatch(field, row, 'finite sparse values within float32 range (±3.4e38)', x);
    if (n > 0 && indices[n - 1] === k) mismatch(field, row, 'unique sparse indices', k);
    indices[n] = k;
    values[n] = x;
    n++;
  }
  return { indices, values };
}

export interface ConvertedRow {
  /** Values in schema field order (undefined for function outputs computed later). */
  values: unknown[];
  dynamic: Record<string, unknown> | undefined;
}

/**
 * Validates and converts one input row to storage values. `pkProvided` says whether the
 * primary key is expected in the row (false for autoID inserts).
 */
export interface ConvertLimits {
  /** Largest JSON value, and largest dynamic field of a row, in UTF-8 bytes (the server's 64 KiB default). */
  maxJsonBytes?: number;
}

export function convertRow(
  schema: CollectionSchema,
  input: Record<string, unknown>,
  row: number,
  pkProvided: boolean,
  limits: ConvertLimits = {},
): ConvertedRow {
  const maxJson = limits.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw elanusError('rowNotObject', { row, got: input }, { param: `data[${row}]` });
  }
  const values: unknown[] = new Array(schema.fields.length);
  for (let i = 0; i < schema.fields.length; i++) {
    const f = schema.fields[i]!;
    let v = input[f.name];
    if (f.is_primary_key && !pkProvided) {
      if (v !== undefined) {
        throw elanusError('valueAutoId', { field: f.name, row, got: v }, { field: f.name, row });
      }
      continue;
    }
    if (f.is_function_output) {
      if (v !== undefined) {
        throw elanusError('valueFunctionOutput', { field: f.name, row, got: v }, { field: f.name, row });
      }
      continue;
    }
    if (v === undefined || v === null) {
      if (f.default_value !== undefined) v = f.default_value;
      else if (f.nullable) {
        values[i] = null;
        continue;
      } else if (f.is_primary_key) {
        throw elanusError('rowPkMissing', { row, field: f.name, got: v }, { field: f.name, row });
      } else {
        throw elanusError(
          'valueNotNullable',
          { field: f.name, row, type: DataTypeName[f.data_type], got: v },
          { field: f.name, row },
        );
      }
    }
    switch (f.data_type) {
      case DataType.FloatVector:
        values[i] = toFloatVector(v, f, row);
        break;
      case DataType.SparseFloatVector:
        values[i] = toSparseVector(v, f.name, row);
        break;
      case DataType.Float16Vector:
      case DataType.BFloat16Vector:
      case DataType.Int8Vector:
        // Lazily loaded with the schema that names the type (indexes/lazy-indexes.ts).
        values[i] = compactModule().toCompactVector(v, f, row);
        break;
      case DataType.BinaryVector: {
        const bytes = f.dim! / 8;
        const arr =
          v instanceof Uint8Array ? v : Array.isArray(v) ? Uint8Array.from(v as number[]) : undefined;
        if (!arr || arr.length !== bytes) mismatch(f.name, row, `a BinaryVector of ${bytes} bytes`, v);
        values[i] = new Uint8Array(arr);
        break;
      }
      case DataType.JSON:
        values[i] = toJsonValue(v, f.name, row, maxJson);
        break;
      case DataType.Array: {
        if (!Array.isArray(v)) mismatch(f.name, row, `an Array of ${DataTypeName[f.element_type!]}`, v);
        if (v.length > f.max_capacity!) {
          throw elanusError(
            'valueMaxCapacity',
            { field: f.name, row, max: f.max_capacity, got: v.length },
            { field: f.name, row },
          );
        }
        values[i] = v.map((x) => {
          const c = toScalar(f.element_type!, x, f, row, `${f.name}[]`);
          return c;
        });
        break;
      }
      default:
        values[i] = toScalar(f.data_type, v, f, row);
    }
  }
  let dynamic: Record<string, unknown> | undefined;
  for (const key of Object.keys(input)) {
    if (schema.fields.some((f) => f.name === key)) continue;
    if (!schema.enable_dynamic_field) {
      throw elanusError('rowUnknownField', { row, field: key, collection: schema.name }, { field: key, row });
    }
    if (key === '$meta') {
      const meta = input[key];
      if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
        dynamic ??= {};
        for (const [k, x] of Object.entries(toJsonValue(meta, key, row, maxJson) as object))
          setOwn(dynamic, k, x);
        continue;
      }
    }
    const v = input[key];
    if (v === undefined) continue;
    dynamic ??= {};
    setOwn(dynamic, key, toJsonValue(v, key, row, maxJson));
  }
  // The server keeps the dynamic keys of a row as one JSON value: the limit holds for all of them.
  if (dynamic) checkJsonBytes(dynamic, '$meta', row, maxJson);
  return { values, dynamic };
}
