import type { RowData, VectorInput } from '@elanus/core';

/**
 * Plain values for the wire: typed-array vectors become arrays, canonical sparse vectors
 * ({indices, values}) become `{index: value}` objects, bigints become decimal strings (both the SDK and
 * Milvus's REST API accept Int64 given as a string), and a `$meta` object is spread into the row.
 */
export function wireValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x]));
  if (v && typeof v === 'object' && !Array.isArray(v) && 'indices' in v && 'values' in v) {
    const s = v as { indices: ArrayLike<number>; values: ArrayLike<number> };
    const o: Record<string, number> = {};
    for (let i = 0; i < s.indices.length; i++) o[String(s.indices[i])] = Number(s.values[i]);
    return o;
  }
  if (Array.isArray(v) && v.some((x) => typeof x === 'bigint'))
    return v.map((x) => (typeof x === 'bigint' ? x.toString() : x));
  return v;
}

export function wireRow(row: RowData): RowData {
  const out: RowData = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === '$meta' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) if (!(mk in row)) out[mk] = mv;
      continue;
    }
    out[k] = wireValue(v);
  }
  return out;
}

/** Search input: one vector or several, as arrays / sparse objects / text. */
export function wireVectors(v: VectorInput | VectorInput[] | undefined): unknown[] {
  if (v === undefined) return [];
  const isOne =
    typeof v === 'string' ||
    ArrayBuffer.isView(v) ||
    (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number')) ||
    (!Array.isArray(v) && typeof v === 'object');
  const list = (isOne ? [v] : v) as unknown[];
  return list.map(wireValue);
}

export function toStringKeys(ids: unknown[]): string[] {
  return ids.map((x) => (typeof x === 'bigint' ? x.toString() : String(x)));
}
