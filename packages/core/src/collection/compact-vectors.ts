// The Float16Vector / BFloat16Vector / Int8Vector support, one lazily loaded chunk (indexes/lazy-indexes.ts):
// it loads when a schema names one of these types, so apps that never use them do not download it.
import { elanusError } from '../errors/index.js';
import { DataType, DataTypeName, type FieldSchema } from '../schema/types.js';
import type { CompactVector } from './compact-vector-column.js';
import {
  bf16Bits,
  bf16NotFinite,
  decodeBf16,
  decodeF16,
  F16_MAX,
  f16Bits,
  f16NotFinite,
} from './half-float.js';

export { CompactVectorColumn } from './compact-vector-column.js';
export { bf16Bits, decodeBf16, decodeF16, f16Bits } from './half-float.js';

/** Stored codes decoded to float32: what the kernels score, and the numbers query output returns. */
export function decodeCompact(dataType: DataType, codes: CompactVector): Float32Array {
  const out = new Float32Array(codes.length);
  if (codes instanceof Int8Array) out.set(codes);
  else (dataType === DataType.Float16Vector ? decodeF16 : decodeBf16)(codes, 0, codes.length, out);
  return out;
}

/**
 * A Float16Vector / BFloat16Vector / Int8Vector value in the Node SDK's input forms, as its stored codes:
 * `dim` numbers (converted as the SDK converts them), a Uint8Array / Buffer / ArrayBuffer of the SDK's
 * bytes (2·dim little-endian for float16 and bfloat16, dim for int8), or the stored form itself
 * (a Uint16Array of bits, an Int8Array). Infinity and NaN are refused, as for FloatVector.
 */
export function toCompactVector(
  v: unknown,
  field: FieldSchema,
  row: number,
  fail: CompactFailure = rowFailure(field, row),
): CompactVector {
  const dim = field.dim!;
  const int8 = field.data_type === DataType.Int8Vector;
  const bf16 = field.data_type === DataType.BFloat16Vector;
  const type = DataTypeName[field.data_type];
  const forms = int8
    ? `an ${type} of ${dim} integers in [-128, 127] (numbers or an Int8Array) or ${dim} bytes`
    : `a ${type} of ${dim} numbers or ${2 * dim} bytes`;
  const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : v instanceof Uint8Array ? v : undefined;
  if (bytes) {
    if (bytes.length !== (int8 ? dim : 2 * dim)) return fail('value', forms, v);
    if (int8) return new Int8Array(bytes.slice().buffer);
    const out = new Uint16Array(dim);
    for (let i = 0; i < dim; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    return checkBits(out, field, fail);
  }
  if (v instanceof Uint16Array && !int8) {
    if (v.length !== dim) return fail('value', forms, v);
    return checkBits(new Uint16Array(v), field, fail);
  }
  if (v instanceof Int8Array && int8) {
    if (v.length !== dim) return fail('value', forms, v);
    return new Int8Array(v);
  }
  const list = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!list || v instanceof Uint16Array || v instanceof Int8Array) return fail('value', forms, v);
  const arr = v as ArrayLike<unknown>;
  if (arr.length !== dim) return fail('dim', forms, arr.length);
  if (int8) {
    const out = new Int8Array(dim);
    for (let i = 0; i < dim; i++) {
      const x = arr[i];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < -128 || x > 127) {
        return fail('value', `integers in [-128, 127] in the ${type} (index ${i})`, x);
      }
      out[i] = x;
    }
    return out;
  }
  const out = new Uint16Array(dim);
  for (let i = 0; i < dim; i++) {
    const x = arr[i];
    const b = typeof x === 'number' ? (bf16 ? bf16Bits(x) : f16Bits(x)) : -1;
    if (b < 0) {
      const range = bf16 ? 'float32 range (±3.4e38)' : `float16 range (±${F16_MAX})`;
      return fail('value', `finite numbers within ${range} in the ${type} (index ${i})`, x);
    }
    out[i] = b;
  }
  return out;
}

/** Stored bits must be finite values: Infinity would rank first for IP, NaN would poison every score. */
function checkBits(bits: Uint16Array, field: FieldSchema, fail: CompactFailure): Uint16Array {
  const bad = field.data_type === DataType.BFloat16Vector ? bf16NotFinite : f16NotFinite;
  for (let i = 0; i < bits.length; i++) {
    if (bad(bits[i]!)) {
      const type = DataTypeName[field.data_type];
      return fail('value', `finite ${type} values (bits 0x${bits[i]!.toString(16)} at index ${i})`, bits);
    }
  }
  return bits;
}

/** How `toCompactVector` reports a bad value: a wrong length (`got` is the length) or anything else. */
export type CompactFailure = (kind: 'dim' | 'value', expected: string, got: unknown) => never;

/** Insert errors: naming the field and the row. */
function rowFailure(field: FieldSchema, row: number): CompactFailure {
  return (kind, expected, got) => {
    if (kind === 'dim') {
      throw elanusError(
        'valueDim',
        { field: field.name, row, dim: field.dim, got },
        { field: field.name, row },
      );
    }
    throw elanusError(
      'valueTypeMismatch',
      { field: field.name, row, expected, got },
      { field: field.name, row },
    );
  };
}
