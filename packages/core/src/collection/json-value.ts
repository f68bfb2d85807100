// What a JSON field (or the dynamic field) may hold, checked the way the server would see it after the
// SDK's JSON.stringify: no functions, symbols, BigInts, non-finite numbers, cycles or invalid UTF-16,
// and at most `maxBytes` of UTF-8 (the server's JSON limit, 64 KiB by default).

import { describe, elanusError } from '../errors/index.js';

/** The Milvus server's default limit on one JSON value (and on the dynamic field of a row). */
export const DEFAULT_MAX_JSON_BYTES = 65536;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();

/** The index of a lone surrogate (a string that is not valid UTF-8 once encoded), or -1. */
export function loneSurrogateAt(s: string): number {
  const m = LONE_SURROGATE.exec(s);
  return m ? m.index : -1;
}

function fail(field: string, row: number, path: string, expected: string, got: string): never {
  throw elanusError('jsonValueMismatch', { field, row, expected, path, got }, { field, row, path });
}

/** Sets a key as an own property, `__proto__` included (plain assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Returns a deep copy of `v` as JSON (so callers cannot mutate stored rows), or throws naming the field,
 * the row and the path of the first value JSON cannot hold.
 */
export function toJsonValue(
  v: unknown,
  field: string,
  row: number,
  maxBytes = DEFAULT_MAX_JSON_BYTES,
): unknown {
  const onPath = new Set<object>();
  const copy = (x: unknown, path: string): unknown => {
    if (x === null || typeof x === 'boolean') return x;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) fail(field, row, path, 'a finite number', String(x));
      return x;
    }
    if (typeof x === 'string') {
      const at = loneSurrogateAt(x);
      if (at >= 0) fail(field, row, path, 'valid UTF-16 text', `a lone surrogate at index ${at}`);
      return x;
    }
    if (typeof x === 'bigint')
      fail(field, row, path, 'a JSON value (JSON has no BigInt: pass a number or a string)', `${x}n`);
    if (typeof x === 'function') fail(field, row, path, 'a JSON value', 'a function');
    if (typeof x === 'symbol' || x === undefined) fail(field, row, path, 'a JSON value', String(x));
    const o = x as object;
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copy(toJSON.call(o), path); // Date and friends, as JSON.stringify
    if (onPath.has(o)) fail(field, row, path, 'a JSON value', 'a circular reference');
    onPath.add(o);
    let out: unknown;
    if (Array.isArray(o)) {
      out = o.map((e, i) => copy(e, `${path}[${i}]`));
    } else if (ArrayBuffer.isView(o) || o instanceof Map || o instanceof Set) {
      return fail(
        field,
        row,
        path,
        'a JSON value (plain object, array, string, number, boolean or null)',
        describe(o),
      );
    } else {
      const obj: Record<string, unknown> = {};
      for (const k of Object.keys(o)) {
        const e = (o as Record<string, unknown>)[k];
        if (e === undefined) continue; // dropped, as JSON.stringify drops it
        if (loneSurrogateAt(k) >= 0) fail(field, row, path, 'keys of valid UTF-16 text', JSON.stringify(k));
        setOwn(obj, k, copy(e, `${path}[${JSON.stringify(k)}]`));
      }
      out = obj;
    }
    onPath.delete(o);
    return out;
  };
  const result = copy(v, field);
  checkJsonBytes(result, field, row, maxBytes);
  return result;
}

/** Throws MaxLengthExceeded when `value` (already valid JSON) serialises to more than `maxBytes` of UTF-8. */
export function checkJsonBytes(value: unknown, field: string, row: number, maxBytes: number): void {
  const text = JSON.stringify(value);
  // UTF-8 is at most 3 bytes per UTF-16 unit: encode only when the limit could be reached.
  if (text.length * 3 <= maxBytes) return;
  const bytes = encoder.encode(text).length;
  if (bytes > maxBytes) {
    throw elanusError('jsonValueTooLarge', { field, row, max: maxBytes, got: bytes }, { field, row });
  }
}
