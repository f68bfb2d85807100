/**
 * Constant values of the expression language and the typed comparisons the evaluator uses.
 * Integers are bigint (INT64 exact), floats are numbers, as Milvus's GenericValue keeps them apart.
 */
export type Const =
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'list'; v: Const[] };

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Milvus's type name for a constant, for messages. */
export function constTypeName(c: Const): string {
  switch (c.k) {
    case 'int':
      return 'Int64';
    case 'float':
      return 'Double';
    case 'str':
      return 'VarChar';
    case 'bool':
      return 'Bool';
    case 'list':
      return 'Array';
  }
}

export function showConst(c: Const): string {
  switch (c.k) {
    case 'int':
      return c.v.toString();
    case 'float':
      return Number.isInteger(c.v) && Math.abs(c.v) < 1e21 ? c.v.toFixed(1) : String(c.v);
    case 'str':
      return JSON.stringify(c.v.length > 40 ? `${c.v.slice(0, 37)}...` : c.v);
    case 'bool':
      return String(c.v);
    case 'list':
      return c.v.length > 6
        ? `[${c.v.slice(0, 6).map(showConst).join(', ')}, ...]`
        : `[${c.v.map(showConst).join(', ')}]`;
  }
}

/**
 * Three-way numeric comparison across number and bigint, exact for all values.
 * Returns NaN when either side is NaN (unordered).
 */
export function cmpNum(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number')
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -cmpBigNum(b as bigint, a);
  return cmpBigNum(a, b as number);
}

function cmpBigNum(a: bigint, b: number): number {
  if (Number.isNaN(b)) return Number.NaN;
  if (b === Number.POSITIVE_INFINITY) return -1;
  if (b === Number.NEGATIVE_INFINITY) return 1;
  const fb = Math.floor(b);
  const bb = BigInt(fb);
  if (a < bb) return -1;
  if (a > bb) return 1;
  return fb === b ? 0 : -1;
}

/**
 * String order as Milvus has it: UTF-8 byte order, which is code-point order. JS `<` compares
 * UTF-16 units, which differs only when a surrogate meets a unit in U+E000..U+FFFF.
 */
export function cmpStr(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** True when native `<` on this string agrees with code-point order against any other string. */
export function nativeOrderSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return false;
  return true;
}

const isNum = (x: unknown): x is number | bigint => typeof x === 'number' || typeof x === 'bigint';

/**
 * Equality of a JSON (or array-element) value with a constant, by JSON type: numbers compare
 * numerically (int or float), strings with strings, booleans with booleans, arrays element-wise.
 * A type mismatch, a missing value or JSON null is simply not equal.
 */
export function jsonEquals(x: unknown, c: Const): boolean {
  switch (c.k) {
    case 'int':
    case 'float':
      return isNum(x) && cmpNum(x, c.v) === 0;
    case 'str':
      return x === c.v;
    case 'bool':
      return x === c.v;
    case 'list': {
      if (!Array.isArray(x) || x.length !== c.v.length) return false;
      for (let i = 0; i < x.length; i++) if (!jsonEquals(x[i], c.v[i]!)) return false;
      return true;
    }
  }
}

/** Three-way comparison of a JSON value with a scalar constant of the same JSON type; NaN if not comparable. */
export function jsonCompare(x: unknown, c: Const): number {
  switch (c.k) {
    case 'int':
    case 'float':
      return isNum(x) ? cmpNum(x, c.v) : Number.NaN;
    case 'str':
      return typeof x === 'string' ? cmpStr(x, c.v) : Number.NaN;
    case 'bool':
      return typeof x === 'boolean' ? (x === c.v ? 0 : x ? 1 : -1) : Number.NaN;
    case 'list':
      return Number.NaN;
  }
}

const INDEX_RE = /^(0|[1-9][0-9]*)$/;

/**
 * Walks a JSON path like a JSON pointer does: on arrays a segment is an index, on objects a key
 * (so `["0"]` and `[0]` both work on either). Only own properties count. `undefined` = missing.
 */
export function walkPath(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const seg = path[i]!;
    if (Array.isArray(cur)) {
      if (!INDEX_RE.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}
