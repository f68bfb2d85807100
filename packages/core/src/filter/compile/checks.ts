/** Per-value checks for values read from JSON and ARRAY columns (numbers, bigints, strings, booleans). */
import { DataType } from '../../schema/types.js';
import { applyCmp, type CmpOp } from '../bitset-ops.js';
import { type Const, cmpNum, cmpStr, jsonEquals } from '../values.js';

/** Check of an array element (number/bigint/string/bool) against a constant cast to the element type. */
export function elemCheck(t: DataType, op: CmpOp, c: Const): (v: unknown) => boolean {
  if (c.k === 'str') {
    const s = c.v;
    return (v) => typeof v === 'string' && applyCmp(op, cmpStr(v, s));
  }
  if (c.k === 'bool') {
    const b = c.v ? 1 : 0;
    return (v) => typeof v === 'boolean' && applyCmp(op, (v ? 1 : 0) - b);
  }
  if (c.k === 'int' || c.k === 'float') {
    const x = c.v;
    const f32 = t === DataType.Float;
    return (v) =>
      (typeof v === 'number' || typeof v === 'bigint') &&
      applyCmp(op, cmpNum(f32 && typeof v === 'number' ? Math.fround(v) : v, x));
  }
  return () => false;
}

/** Whole-array equality; Float arrays compare at float32 precision. */
export function arrayEquals(v: readonly unknown[], items: Const[], f32: boolean): boolean {
  if (v.length !== items.length) return false;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (!jsonEquals(f32 && typeof e === 'number' ? Math.fround(e) : e, items[i]!)) return false;
  }
  return true;
}

const MAX_SAFE = 2n ** 53n - 1n;

/** `json in [...]` by JSON type: hashed strings and numbers, the rest compared one by one. */
export function jsonInCheck(items: Const[]): (v: unknown) => boolean {
  const strs = new Set<string>();
  const nums = new Set<number>();
  const bigs: bigint[] = [];
  const others: Const[] = [];
  for (const c of items) {
    if (c.k === 'str') strs.add(c.v);
    else if (c.k === 'float') nums.add(c.v);
    else if (c.k === 'int') {
      if (c.v >= -MAX_SAFE && c.v <= MAX_SAFE) nums.add(Number(c.v));
      else bigs.push(c.v);
    } else others.push(c);
  }
  return (v) => {
    if (typeof v === 'string') return strs.has(v);
    if (typeof v === 'number') {
      if (nums.has(v)) return true;
      for (const b of bigs) if (cmpNum(v, b) === 0) return true;
      return false;
    }
    if (typeof v === 'bigint') {
      if (v >= -MAX_SAFE && v <= MAX_SAFE) return nums.has(Number(v));
      for (const b of bigs) if (b === v) return true;
      return false;
    }
    for (const c of others) if (jsonEquals(v, c)) return true;
    return false;
  };
}
