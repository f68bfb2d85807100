import type { RowData } from '@elanus/core';
import type { FieldInfo, SchemaInfo } from '../schema/schema.js';
import { dataFields } from './rows.js';

/**
 * Row fingerprints that come out the same whichever side a row was read from: values are hashed in a
 * canonical binary form (float32 bits for vectors and Float fields, decimal text for Int64, sorted
 * keys for JSON and dynamic fields, sorted indices for sparse vectors), so a float that travelled as
 * JSON text and one read from a Float32Array hash alike. Two independent 32-bit lanes give 64 bits.
 */
const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64u = new Uint32Array(f64.buffer);

class Hasher {
  a = 0x811c9dc5 | 0;
  b = 0x2545f491 | 0;

  u32(x: number): void {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let b = (this.b + (x | 0)) | 0;
    b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
    this.b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) ^ 0x27d4eb2f;
  }

  float32(x: number): void {
    f32[0] = x;
    // One NaN for all NaNs, and 0 for -0 (both sides may normalise differently).
    this.u32(Number.isNaN(f32[0]) ? 0x7fc00000 : f32[0] === 0 ? 0 : f32u[0]!);
  }

  float64(x: number): void {
    f64[0] = x === 0 ? 0 : x;
    this.u32(f64u[0]!);
    this.u32(f64u[1]!);
  }

  str(s: string): void {
    const n = s.length;
    this.u32(n);
    let i = 0;
    for (; i + 1 < n; i += 2) this.u32(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.u32(s.charCodeAt(i));
  }

  digest(): [number, number] {
    return [fmix(this.a), fmix(this.b ^ 0x9e3779b9)];
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** JSON text with object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as Record<string, unknown>)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

function int64Text(v: unknown): string {
  try {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
    if (typeof v === 'string') return BigInt(v.trim()).toString();
  } catch {
    // fall through: hash whatever it is
  }
  return String(v);
}

function sparseEntries(v: unknown): [number, number][] {
  const out: [number, number][] = [];
  if (v instanceof Map) for (const [k, x] of v) out.push([Number(k), Number(x)]);
  else if (v && typeof v === 'object' && 'indices' in v && 'values' in v) {
    const o = v as { indices: ArrayLike<number>; values: ArrayLike<number> };
    for (let i = 0; i < o.indices.length; i++) out.push([Number(o.indices[i]), Number(o.values[i])]);
  } else if (Array.isArray(v)) {
    for (const e of v) if (Array.isArray(e)) out.push([Number(e[0]), Number(e[1])]);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push([Number(k), Number(x)]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

function scalar(h: Hasher, type: string, v: unknown): void {
  switch (type) {
    case 'Bool':
      h.u32(1);
      h.u32(v === true || v === 'true' ? 1 : 0);
      return;
    case 'Int8':
    case 'Int16':
    case 'Int32':
      h.u32(2);
      h.float64(Number(v));
      return;
    case 'Int64':
      h.u32(3);
      h.str(int64Text(v));
      return;
    case 'Float':
      h.u32(4);
      h.float32(Number(v));
      return;
    case 'Double':
      h.u32(5);
      h.float64(Number(v));
      return;
    default:
      h.u32(6);
      h.str(typeof v === 'string' ? v : canonicalJson(v));
  }
}

function value(h: Hasher, f: FieldInfo, v: unknown): void {
  if (v === null || v === undefined) {
    h.u32(0);
    return;
  }
  switch (f.type) {
    case 'JSON':
      h.u32(7);
      h.str(canonicalJson(v));
      return;
    case 'Array': {
      const a = (Array.isArray(v) ? v : []) as unknown[];
      h.u32(8);
      h.u32(a.length);
      for (const x of a) scalar(h, f.elementType ?? 'VarChar', x);
      return;
    }
    case 'FloatVector': {
      const a = v as ArrayLike<number>;
      h.u32(9);
      h.u32(a.length);
      for (let i = 0; i < a.length; i++) h.float32(a[i]!);
      return;
    }
    // Numbers as the SDK and the local engine return them (float16 / bfloat16 decoded, int8 as integers):
    // each is a float32 value, so its bits are canonical.
    case 'Float16Vector':
    case 'BFloat16Vector':
    case 'Int8Vector': {
      const a = v as ArrayLike<number>;
      h.u32(f.type === 'Float16Vector' ? 13 : f.type === 'BFloat16Vector' ? 14 : 15);
      h.u32(a.length);
      for (let i = 0; i < a.length; i++) h.float32(a[i]!);
      return;
    }
    case 'SparseFloatVector': {
      const e = sparseEntries(v);
      h.u32(10);
      h.u32(e.length);
      for (const [i, x] of e) {
        h.u32(i);
        h.float32(x);
      }
      return;
    }
    case 'BinaryVector': {
      const a = v as ArrayLike<number>;
      h.u32(11);
      h.u32(a.length);
      for (let i = 0; i < a.length; i++) h.u32(a[i]!);
      return;
    }
    default:
      scalar(h, f.type, v);
  }
}

export type RowHasher = (row: RowData) => string;

/** A hasher for rows of `schema`: 16 hex digits per row. */
export function rowHasher(schema: SchemaInfo): RowHasher {
  const fields = dataFields(schema)
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(schema.fields.map((f) => f.name));
  return (row: RowData) => {
    const h = new Hasher();
    for (const f of fields) value(h, f, row[f.name]);
    if (schema.dynamic) {
      let meta = row.$meta as Record<string, unknown> | undefined;
      if (meta === undefined) {
        // Rows whose dynamic keys sit at the top level (as written) hash like rows with `$meta`.
        const extra = Object.keys(row).filter((k) => !names.has(k) && k !== '$meta');
        if (extra.length) meta = Object.fromEntries(extra.map((k) => [k, row[k]]));
      }
      h.u32(12);
      h.str(meta && Object.keys(meta).length ? canonicalJson(meta) : '{}');
    }
    const [a, b] = h.digest();
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  };
}

/** Order-independent summary of a set of rows: count and the sums of both hash lanes mod 2^32. */
export class Checksum {
  count = 0;
  private a = 0;
  private b = 0;

  add(hex: string): void {
    this.count++;
    this.a = (this.a + Number.parseInt(hex.slice(0, 8), 16)) >>> 0;
    this.b = (this.b + Number.parseInt(hex.slice(8), 16)) >>> 0;
  }

  get value(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }

  toJSON(): { count: number; checksum: string } {
    return { count: this.count, checksum: this.value };
  }
}
