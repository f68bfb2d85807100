import type { RowData } from '@elanus/core';
import type { FieldInfo, SchemaInfo } from '../schema/schema.js';

/** Primary keys travel as strings: Int64 keys as decimal text (exact beyond 2^53), VarChar keys as is. */
export type Key = string;

export function isIntKey(schema: SchemaInfo): boolean {
  return schema.pk.type === 'Int64';
}

export function keyOf(v: unknown, intKey: boolean): Key {
  if (intKey) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return BigInt(v).toString();
    if (typeof v === 'string') return BigInt(v.trim()).toString();
  } else if (typeof v === 'string') return v;
  throw new TypeError(`unexpected primary key ${String(v)}`);
}

/** Primary-key order (numeric for Int64; UTF-16 code units for VarChar, as the local engine sorts). */
export function compareKeys(a: Key, b: Key, intKey: boolean): number {
  if (intKey) {
    if (a.length < 19 && b.length < 19) return Number(a) - Number(b);
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortKeys(keys: Key[], intKey: boolean): Key[] {
  return keys.sort((a, b) => compareKeys(a, b, intKey));
}

/** A string literal for a Milvus filter expression. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s);
}

export function keysFilter(schema: SchemaInfo, keys: Key[]): string {
  const lits = isIntKey(schema) ? keys : keys.map(stringLiteral);
  return `${schema.pk.name} in [${lits.join(',')}]`;
}

/** Matches every row; Milvus rejects an empty filter without a limit. */
export function allRowsFilter(schema: SchemaInfo): string {
  const pk = schema.pk.name;
  // -2^63 itself cannot be written as a literal (its magnitude overflows int64), hence the second clause.
  return isIntKey(schema) ? `${pk} >= -9223372036854775807 or ${pk} < -9223372036854775807` : `${pk} >= ""`;
}

/** Fields that hold data (function outputs are computed by the side that stores them). */
export function dataFields(schema: SchemaInfo): FieldInfo[] {
  return schema.fields.filter((f) => !f.functionOutput);
}

/** What sync reads: data fields and dynamic keys, not function outputs (each side computes its own). */
export function readFields(schema: SchemaInfo): string[] {
  return [...dataFields(schema).map((f) => f.name), ...(schema.dynamic ? ['$meta'] : [])];
}

/**
 * A row as read from one side (SDK shape: `$meta` holds dynamic keys) turned into a row either side
 * accepts on upsert: function outputs dropped, dynamic keys spread at the top level.
 */
export function toWritableRow(row: RowData, schema: SchemaInfo): RowData {
  const out: RowData = {};
  for (const f of schema.fields) {
    if (f.functionOutput) continue;
    const v = row[f.name];
    if (v !== undefined) out[f.name] = v;
  }
  if (schema.dynamic) {
    const meta = row.$meta;
    if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
      for (const [k, v] of Object.entries(meta as Record<string, unknown>)) if (!(k in out)) out[k] = v;
    }
    // Dynamic keys some backends return at the top level (REST flattens them).
    for (const [k, v] of Object.entries(row)) {
      if (k === '$meta' || k in out || schema.fields.some((f) => f.name === k)) continue;
      out[k] = v;
    }
  }
  return out;
}

/** Rough encoded size of a row in bytes (JSON-ish), to keep requests under the server's message limit. */
export function estimateRowBytes(row: RowData): number {
  let n = 2;
  for (const [k, v] of Object.entries(row)) n += k.length + 4 + estimateValueBytes(v);
  return n;
}

function estimateValueBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'number' || typeof v === 'bigint') return 12;
  if (typeof v === 'boolean') return 5;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = v as ArrayLike<unknown>;
    if (a.length === 0) return 2;
    const first = a[0];
    // Vectors: about 20 characters per float in JSON.
    if (typeof first === 'number') return a.length * 20;
    let n = 2;
    for (let i = 0; i < a.length; i++) n += estimateValueBytes(a[i]) + 1;
    return n;
  }
  if (typeof v === 'object') {
    let n = 2;
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      n += k.length + 4 + estimateValueBytes(x);
    return n;
  }
  return 8;
}
