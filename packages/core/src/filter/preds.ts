import { DataType } from '../schema/types.js';
import {
  activeNulls,
  applyCmp,
  type CmpOp,
  EQ,
  FULL,
  fillFromTest,
  fillInt64Cmp,
  fillNumCmp,
  fillNumIn,
  fillNumRange,
  fillStrEq,
  GE,
  GT,
  int32View,
  LE,
  LT,
  NE,
  splitInt64,
} from './bitset-ops.js';
import { phraseMatchUnavailable, textMatchUnavailable } from './errors.js';
import type { ColumnView, FilterSource } from './types.js';
import { cmpNum, cmpStr, walkPath } from './values.js';

/** What one evaluation binds against: the source and the bitset geometry. */
export interface Env {
  source: FilterSource;
  rowCount: number;
  /** Number of 32-bit words in masks. */
  nw: number;
}

/**
 * A predicate bound to one source. Milvus's null semantics: a leaf over a null value is false
 * and "invalid"; `and`/`or` are invalid only where every operand is; `not` yields false where
 * its operand is invalid (so `not (n > 1)` excludes null `n`).
 */
export interface Bound {
  test(row: number): boolean;
  /** Null when no row can be invalid. */
  invalid: ((row: number) => boolean) | null;
  /** out[w] = mask[w] & value bits; out may be mask. */
  fill(mask: Uint32Array, out: Uint32Array): void;
  /** out[w] = mask[w] & invalid bits; only called when `invalid` is non-null. */
  fillInvalid(mask: Uint32Array, out: Uint32Array): void;
}

export interface Pred {
  /** Rough relative cost per row, to evaluate cheap operands of `and`/`or` first. */
  readonly cost: number;
  bind(env: Env): Bound;
}

function bound(
  test: (row: number) => boolean,
  invalid: ((row: number) => boolean) | null,
  fill?: (mask: Uint32Array, out: Uint32Array) => void,
): Bound {
  return {
    test,
    invalid,
    fill: fill ?? ((mask, out) => fillFromTest(test, mask, out)),
    fillInvalid: invalid ? (mask, out) => fillFromTest(invalid, mask, out) : (_mask, out) => out.fill(0),
  };
}

// ---- logic ------------------------------------------------------------------------------------

export class ConstPred implements Pred {
  readonly cost = 0;
  constructor(readonly value: boolean) {}
  bind(): Bound {
    const v = this.value;
    return bound(() => v, null, v ? (mask, out) => out !== mask && out.set(mask) : (_m, out) => out.fill(0));
  }
}

export class AndPred implements Pred {
  readonly cost: number;
  constructor(readonly operands: Pred[]) {
    this.cost = operands.reduce((s, p) => s + p.cost, 0);
  }
  bind(env: Env): Bound {
    const bs = this.operands.map((p) => p.bind(env));
    const n = bs.length;
    const test =
      n === 2
        ? (r: number) => bs[0]!.test(r) && bs[1]!.test(r)
        : (r: number) => {
            for (let i = 0; i < n; i++) if (!bs[i]!.test(r)) return false;
            return true;
          };
    const allInvalid = bs.every((b) => b.invalid !== null);
    const invalid = allInvalid
      ? (r: number) => {
          for (let i = 0; i < n; i++) if (!bs[i]!.invalid!(r)) return false;
          return true;
        }
      : null;
    return {
      test,
      invalid,
      fill(mask, out) {
        bs[0]!.fill(mask, out);
        for (let i = 1; i < n; i++) bs[i]!.fill(out, out);
      },
      fillInvalid(mask, out) {
        bs[0]!.fillInvalid(mask, out);
        for (let i = 1; i < n; i++) bs[i]!.fillInvalid(out, out);
      },
    };
  }
}

export class OrPred implements Pred {
  readonly cost: number;
  constructor(readonly operands: Pred[]) {
    this.cost = operands.reduce((s, p) => s + p.cost, 0);
  }
  bind(env: Env): Bound {
    const bs = this.operands.map((p) => p.bind(env));
    const n = bs.length;
    const test = (r: number) => {
      for (let i = 0; i < n; i++) if (bs[i]!.test(r)) return true;
      return false;
    };
    const allInvalid = bs.every((b) => b.invalid !== null);
    const invalid = allInvalid
      ? (r: number) => {
          for (let i = 0; i < n; i++) if (!bs[i]!.invalid!(r)) return false;
          return true;
        }
      : null;
    const rest = new Uint32Array(env.nw);
    const saved = new Uint32Array(env.nw);
    return {
      test,
      invalid,
      fill(mask, out) {
        // The first operand may overwrite the mask when refining in place: keep a copy.
        let base = mask;
        if (out === mask) {
          saved.set(mask);
          base = saved;
        }
        bs[0]!.fill(base, out);
        const nw = out.length;
        for (let i = 1; i < n; i++) {
          let any = 0;
          for (let w = 0; w < nw; w++) {
            const r = base[w]! & ~out[w]!;
            rest[w] = r;
            any |= r;
          }
          if (any === 0) break;
          bs[i]!.fill(rest, rest);
          for (let w = 0; w < nw; w++) out[w] = out[w]! | rest[w]!;
        }
      },
      fillInvalid(mask, out) {
        bs[0]!.fillInvalid(mask, out);
        for (let i = 1; i < n; i++) bs[i]!.fillInvalid(out, out);
      },
    };
  }
}

export class NotPred implements Pred {
  readonly cost: number;
  constructor(readonly operand: Pred) {
    this.cost = operand.cost + 1;
  }
  bind(env: Env): Bound {
    const b = this.operand.bind(env);
    const inv = b.invalid;
    const tmp = new Uint32Array(env.nw);
    const tmpInv = inv ? new Uint32Array(env.nw) : tmp;
    return {
      test: inv ? (r) => !b.test(r) && !inv(r) : (r) => !b.test(r),
      invalid: inv,
      fill(mask, out) {
        b.fill(mask, tmp);
        const nw = out.length;
        if (inv) {
          b.fillInvalid(mask, tmpInv);
          for (let w = 0; w < nw; w++) out[w] = mask[w]! & ~tmp[w]! & ~tmpInv[w]!;
        } else {
          for (let w = 0; w < nw; w++) out[w] = mask[w]! & ~tmp[w]!;
        }
      },
      fillInvalid: (mask, out) => b.fillInvalid(mask, out),
    };
  }
}

// ---- column access ----------------------------------------------------------------------------

/** Where a value comes from. Paths are JSON-pointer-like string segments. */
export type Ref =
  | { k: 'scalar'; field: string; type: DataType }
  | { k: 'array'; field: string; elem: DataType }
  | { k: 'elem'; field: string; elem: DataType; index: number }
  | { k: 'json'; field: string; dynamic: boolean; nullable: boolean; path: string[] }
  | { k: 'arrlen'; of: Extract<Ref, { k: 'array' } | { k: 'json' }> };

/** Reads one row's value: undefined when missing (absent JSON key, out-of-range index, JSON null). */
export interface Accessor {
  get(row: number): unknown;
  /** Null-valued rows (the leaf is false and invalid there); null when there are none. */
  isNull: ((row: number) => boolean) | null;
}

const NO_VALUES: Accessor = { get: () => undefined, isNull: () => true };

function column(env: Env, field: string): ColumnView | undefined {
  return env.source.column(field);
}

function nullsOf(view: ColumnView): ((row: number) => boolean) | null {
  if (view.kind === 'number' || view.kind === 'int64' || view.kind === 'bool') {
    const nulls = activeNulls(view.nulls);
    return nulls ? (r) => nulls[r] === 1 : null;
  }
  if (view.kind === 'string' || view.kind === 'array') {
    const v = view.values;
    return (r) => v[r] == null;
  }
  return null;
}

export function bindRef(ref: Ref, env: Env): Accessor {
  switch (ref.k) {
    case 'scalar': {
      const view = column(env, ref.field);
      if (!view) return NO_VALUES;
      const isNull = nullsOf(view);
      switch (view.kind) {
        case 'bool': {
          const v = view.values;
          return { get: (r) => v[r] === 1, isNull };
        }
        case 'number':
        case 'int64': {
          const v = view.values as ArrayLike<number | bigint>;
          return { get: (r) => v[r], isNull };
        }
        case 'string': {
          const v = view.values;
          return { get: (r) => v[r] ?? undefined, isNull };
        }
        default: {
          const v = view.values as ArrayLike<unknown>;
          return { get: (r) => v[r] ?? undefined, isNull: (r) => v[r] == null };
        }
      }
    }
    case 'array':
    case 'elem': {
      const view = column(env, ref.field);
      if (view?.kind !== 'array') return NO_VALUES;
      const v = view.values;
      const isNull = (r: number) => v[r] == null;
      if (ref.k === 'array') return { get: (r) => v[r] ?? undefined, isNull };
      const idx = ref.index;
      return { get: (r) => v[r]?.[idx], isNull };
    }
    case 'json': {
      const path = ref.path;
      const walk = (doc: unknown) => {
        const x = path.length === 0 ? doc : walkPath(doc, path);
        return x === null ? undefined : x;
      };
      if (ref.dynamic) {
        const view = column(env, ref.field);
        if (view && view.kind === 'json') {
          const v = view.values;
          return { get: (r) => walk(v[r]), isNull: null };
        }
        const src = env.source;
        return { get: (r) => walk(src.dynamic(r)), isNull: null };
      }
      const view = column(env, ref.field);
      if (!view) return NO_VALUES;
      const v = view.values as ArrayLike<unknown>;
      return { get: (r) => walk(v[r]), isNull: ref.nullable ? (r) => v[r] == null : null };
    }
    case 'arrlen': {
      const inner = bindRef(ref.of, env);
      const get = inner.get;
      return {
        get: (r) => {
          const a = get(r);
          return Array.isArray(a) ? a.length : undefined;
        },
        isNull: inner.isNull,
      };
    }
  }
}

/** A field name a ref reads (for `CompiledFilter.fields`). */
export function refField(ref: Ref): string {
  return ref.k === 'arrlen' ? refField(ref.of) : ref.field;
}

// ---- leaves -----------------------------------------------------------------------------------

/**
 * The general leaf: reads a value per row and checks it. `onMissing` is the result where the
 * value is missing but not null (Milvus: true for JSON `!=`, false otherwise).
 */
export class ValuePred implements Pred {
  constructor(
    readonly ref: Ref,
    readonly check: (v: unknown) => boolean,
    readonly onMissing: boolean,
    readonly cost: number,
  ) {}
  bind(env: Env): Bound {
    const { get, isNull } = bindRef(this.ref, env);
    const check = this.check;
    const miss = this.onMissing;
    const test = isNull
      ? (r: number) => {
          if (isNull(r)) return false;
          const v = get(r);
          return v === undefined ? miss : check(v);
        }
      : (r: number) => {
          const v = get(r);
          return v === undefined ? miss : check(v);
        };
    return bound(test, isNull);
  }
}

/** `field op constant` on a numeric or bool column, with typed-array kernels. */
export class ScalarCmpPred implements Pred {
  readonly cost = 1;
  /**
   * @param num the constant as a number (Float fields: already float32-rounded)
   * @param big the constant as a bigint when integral (for Int64 columns)
   */
  constructor(
    readonly field: string,
    readonly type: DataType,
    readonly op: CmpOp,
    readonly num: number,
    readonly big: bigint | undefined,
  ) {}

  bind(env: Env): Bound {
    const view = column(env, this.field);
    const { op, num, big } = this;
    if (!view)
      return bound(
        () => false,
        () => true,
      );
    const isNull = nullsOf(view);
    const nulls =
      view.kind === 'string' || view.kind === 'json' || view.kind === 'array' ? undefined : view.nulls;
    const active = activeNulls(nulls);
    if (view.kind === 'number' || view.kind === 'bool') {
      const v = view.values;
      // Float fields stored as plain doubles still compare as float32, like Milvus.
      if (this.type === DataType.Float && !(v instanceof Float32Array)) {
        const test = (r: number) => !(active && active[r] === 1) && cmpF(op, Math.fround(v[r]!), num);
        return bound(test, isNull);
      }
      const test = numTest(v, op, num, active);
      return bound(test, isNull, (mask, out) => fillNumCmp(v, op, num, active, mask, out));
    }
    if (view.kind === 'int64') {
      const v = view.values;
      if (big !== undefined) {
        const c = big;
        const test = (r: number) => !(active && active[r] === 1) && applyCmp(op, cmp3(v[r]!, c));
        const i32 = int32View(v);
        if (i32) {
          const parts = splitInt64(c);
          return bound(test, isNull, (mask, out) => fillInt64Cmp(i32, op, parts, active, mask, out));
        }
        return bound(test, isNull);
      }
      const test = (r: number) => !(active && active[r] === 1) && applyCmp(op, cmpNum(v[r]!, num));
      return bound(test, isNull);
    }
    return bound(
      () => false,
      () => true,
    );
  }
}

/** `lower <(=) field <(=) upper` on a numeric column. */
export class ScalarRangePred implements Pred {
  readonly cost = 1;
  constructor(
    readonly field: string,
    readonly type: DataType,
    readonly lo: { num: number; big: bigint | undefined; inc: boolean },
    readonly hi: { num: number; big: bigint | undefined; inc: boolean },
  ) {}

  bind(env: Env): Bound {
    const view = column(env, this.field);
    const { lo, hi } = this;
    if (!view)
      return bound(
        () => false,
        () => true,
      );
    const isNull = nullsOf(view);
    const nulls =
      view.kind === 'string' || view.kind === 'json' || view.kind === 'array' ? undefined : view.nulls;
    const active = activeNulls(nulls);
    const loOp: CmpOp = lo.inc ? GE : GT;
    const hiOp: CmpOp = hi.inc ? LE : LT;
    if (view.kind === 'number' || view.kind === 'bool') {
      const v = view.values;
      const f32 = this.type === DataType.Float && !(v instanceof Float32Array);
      const test = (r: number) => {
        if (active && active[r] === 1) return false;
        const x = f32 ? Math.fround(v[r]!) : v[r]!;
        return cmpF(loOp, x, lo.num) && cmpF(hiOp, x, hi.num);
      };
      if (f32) return bound(test, isNull);
      return bound(test, isNull, (mask, out) =>
        fillNumRange(v, lo.num, lo.inc, hi.num, hi.inc, active, mask, out),
      );
    }
    if (view.kind === 'int64') {
      const v = view.values;
      const l = lo.big ?? lo.num;
      const h = hi.big ?? hi.num;
      const test = (r: number) => {
        if (active && active[r] === 1) return false;
        const x = v[r]!;
        return applyCmp(loOp, cmpNum(x, l)) && applyCmp(hiOp, cmpNum(x, h));
      };
      const i32 = int32View(v);
      if (i32 && lo.big !== undefined && hi.big !== undefined) {
        const lp = splitInt64(lo.big);
        const hp = splitInt64(hi.big);
        return bound(test, isNull, (mask, out) => {
          fillInt64Cmp(i32, loOp, lp, active, mask, out);
          fillInt64Cmp(i32, hiOp, hp, undefined, out, out);
        });
      }
      return bound(test, isNull);
    }
    return bound(
      () => false,
      () => true,
    );
  }
}

/** `field op "constant"` on a VarChar column. */
export class StringCmpPred implements Pred {
  readonly cost = 2;
  constructor(
    readonly field: string,
    readonly op: CmpOp,
    readonly c: string,
    readonly nativeSafe: boolean,
  ) {}
  bind(env: Env): Bound {
    const view = column(env, this.field);
    if (view?.kind !== 'string')
      return bound(
        () => false,
        () => true,
      );
    const v = view.values;
    const { op, c } = this;
    const isNull = (r: number) => v[r] == null;
    let test: (r: number) => boolean;
    if (op === EQ || op === NE) {
      const negate = op === NE;
      test = negate ? (r) => v[r] != null && v[r] !== c : (r) => v[r] === c;
      return bound(test, isNull, (mask, out) => fillStrEq(v, c, negate, mask, out));
    }
    if (this.nativeSafe) {
      // No surrogates in the constant: native UTF-16 order agrees with code-point order.
      switch (op) {
        case LT:
          test = (r) => v[r] != null && v[r]! < c;
          break;
        case LE:
          test = (r) => v[r] != null && v[r]! <= c;
          break;
        case GT:
          test = (r) => v[r] != null && v[r]! > c;
          break;
        default:
          test = (r) => v[r] != null && v[r]! >= c;
      }
    } else test = (r) => v[r] != null && applyCmp(op, cmpStr(v[r]!, c));
    return bound(test, isNull);
  }
}

/** `field in [...]` on a scalar column, by hash set. */
export class ScalarInPred implements Pred {
  readonly cost = 2;
  /** @param set members in the column's JS representation (number / bigint / string / 0|1) */
  constructor(
    readonly field: string,
    readonly type: DataType,
    readonly set: Set<unknown>,
  ) {}
  bind(env: Env): Bound {
    const view = column(env, this.field);
    if (!view)
      return bound(
        () => false,
        () => true,
      );
    const isNull = nullsOf(view);
    const set = this.set;
    if (view.kind === 'int64') {
      const v = view.values;
      const nulls = activeNulls(view.nulls);
      // Safe-integer members can be looked up as numbers from the int32 halves (no BigInt per row).
      const i32 = int32View(v);
      const allSafe = [...set].every((x) => typeof x === 'bigint' && x > -(2n ** 53n) && x < 2n ** 53n);
      if (i32 && allSafe) {
        const numSet = new Set([...set].map((x) => Number(x)));
        const test = (r: number) =>
          !(nulls && nulls[r] === 1) && numSet.has(i32[2 * r + 1]! * 4294967296 + (i32[2 * r]! >>> 0));
        return bound(test, isNull);
      }
      return bound((r) => !(nulls && nulls[r] === 1) && set.has(v[r]), isNull);
    }
    if (view.kind === 'number' || view.kind === 'bool') {
      const v = view.values;
      const nulls = activeNulls(view.nulls);
      const f32 = this.type === DataType.Float && !(v instanceof Float32Array);
      if (f32) return bound((r) => !(nulls && nulls[r] === 1) && set.has(Math.fround(v[r]!)), isNull);
      const test = nulls ? (r: number) => nulls[r] !== 1 && set.has(v[r]) : (r: number) => set.has(v[r]);
      if (set.size <= 8 && [...set].every((x) => typeof x === 'number' && !Number.isNaN(x))) {
        const cs = Float64Array.from(set as Set<number>);
        return bound(test, isNull, (mask, out) => fillNumIn(v, cs, nulls, mask, out));
      }
      return bound(test, isNull);
    }
    if (view.kind === 'string') {
      const v = view.values;
      return bound((r) => set.has(v[r]), isNull);
    }
    return bound(
      () => false,
      () => true,
    );
  }
}

/** `a op b` between two columns (or array elements). */
export class ColumnCmpPred implements Pred {
  readonly cost = 3;
  constructor(
    readonly left: Ref,
    readonly right: Ref,
    readonly op: CmpOp,
    readonly kind: 'num' | 'str' | 'bool',
    readonly f32Left: boolean,
    readonly f32Right: boolean,
  ) {}
  bind(env: Env): Bound {
    const a = bindRef(this.left, env);
    const b = bindRef(this.right, env);
    const { op, kind, f32Left, f32Right } = this;
    const isNull =
      a.isNull && b.isNull ? (r: number) => a.isNull!(r) || b.isNull!(r) : (a.isNull ?? b.isNull ?? null);
    const test = (r: number) => {
      if (isNull?.(r)) return false;
      let x = a.get(r);
      let y = b.get(r);
      if (x === undefined || y === undefined) return false;
      if (kind === 'str') return applyCmp(op, cmpStr(x as string, y as string));
      if (kind === 'bool') return applyCmp(op, (x ? 1 : 0) - (y ? 1 : 0));
      if (f32Left && typeof x === 'number') x = Math.fround(x);
      if (f32Right && typeof y === 'number') y = Math.fround(y);
      return applyCmp(op, cmpNum(x as number | bigint, y as number | bigint));
    };
    return bound(test, isNull);
  }
}

/** `field like "pattern"` on a VarChar column. */
export class StringTestPred implements Pred {
  constructor(
    readonly field: string,
    readonly check: (s: string) => boolean,
    readonly cost: number,
  ) {}
  bind(env: Env): Bound {
    const view = column(env, this.field);
    if (view?.kind !== 'string')
      return bound(
        () => false,
        () => true,
      );
    const v = view.values;
    const check = this.check;
    return bound(
      (r) => {
        const s = v[r];
        return s != null && check(s);
      },
      (r) => v[r] == null,
    );
  }
}

/** `x in []`: false for every row, but still invalid (null) where the field is null. */
export class EmptyInPred implements Pred {
  readonly cost = 0;
  constructor(readonly ref: Ref) {}
  bind(env: Env): Bound {
    return new ValuePred(this.ref, () => false, false, 0).bind(env);
  }
}

/** `field is null` / `is not null` on a scalar, array or JSON field. Never invalid itself. */
export class NullPred implements Pred {
  readonly cost = 1;
  constructor(
    readonly ref: Ref,
    readonly negated: boolean,
  ) {}
  bind(env: Env): Bound {
    const view = column(env, refField(this.ref));
    let isNull: (r: number) => boolean;
    if (!view) isNull = () => true;
    else if (view.kind === 'number' || view.kind === 'int64' || view.kind === 'bool') {
      const nulls = view.nulls;
      isNull = nulls ? (r) => nulls[r] === 1 : () => false;
    } else {
      const v = view.values as ArrayLike<unknown>;
      isNull = (r) => v[r] == null;
    }
    return bound(this.negated ? (r) => !isNull(r) : isNull, null);
  }
}

/** `text_match(field, 'words')`, delegated to the source's analyzer. */
export class TextMatchPred implements Pred {
  readonly cost = 20;
  constructor(
    readonly field: string,
    readonly query: string,
    readonly minimumShouldMatch = 1,
  ) {}
  bind(env: Env): Bound {
    const fn = env.source.textMatch?.(this.field, this.query, this.minimumShouldMatch);
    if (!fn) {
      throw textMatchUnavailable(this.field);
    }
    const view = column(env, this.field);
    const v = view && view.kind === 'string' ? view.values : undefined;
    const isNull = v ? (r: number) => v[r] == null : null;
    return bound(isNull ? (r) => !isNull(r) && fn(r) : fn, isNull);
  }
}

/**
 * `phrase_match(field, 'phrase', slop)`: the source answers with the matching rows' bits at once
 * (from its positional index), so evaluation is a word-wise AND with the mask.
 */
export class PhraseMatchPred implements Pred {
  readonly cost = 4;
  constructor(
    readonly field: string,
    readonly query: string,
    readonly slop: number,
  ) {}
  bind(env: Env): Bound {
    const bits = env.source.phraseMatch?.(this.field, this.query, this.slop);
    if (!bits) {
      throw phraseMatchUnavailable(this.field);
    }
    const view = column(env, this.field);
    const v = view && view.kind === 'string' ? view.values : undefined;
    // Null text never matches (its bit is clear) and is invalid, as for text_match.
    const isNull = v ? (r: number) => v[r] == null : null;
    return bound(
      (r) => ((bits[r >>> 5]! >>> (r & 31)) & 1) === 1,
      isNull,
      (mask, out) => {
        for (let w = 0; w < mask.length; w++) out[w] = mask[w]! & (bits[w] ?? 0);
      },
    );
  }
}

function cmpF(op: CmpOp, x: number, c: number): boolean {
  switch (op) {
    case EQ:
      return x === c;
    case NE:
      return x !== c;
    case LT:
      return x < c;
    case LE:
      return x <= c;
    case GT:
      return x > c;
    default:
      return x >= c;
  }
}

function cmp3(x: bigint, c: bigint): number {
  return x < c ? -1 : x > c ? 1 : 0;
}

function numTest(
  v: ArrayLike<number>,
  op: CmpOp,
  c: number,
  nulls: Uint8Array | undefined,
): (r: number) => boolean {
  if (nulls) return (r) => nulls[r] !== 1 && cmpF(op, v[r]!, c);
  switch (op) {
    case EQ:
      return (r) => v[r] === c;
    case NE:
      return (r) => v[r] !== c;
    case LT:
      return (r) => v[r]! < c;
    case LE:
      return (r) => v[r]! <= c;
    case GT:
      return (r) => v[r]! > c;
    default:
      return (r) => v[r]! >= c;
  }
}

/** A bitset (as words) of all rows below rowCount. */
export function fullMask(rowCount: number): Uint32Array {
  const nw = (rowCount + 31) >>> 5;
  const m = new Uint32Array(nw).fill(FULL);
  const rem = rowCount & 31;
  if (rem !== 0 && nw > 0) m[nw - 1] = (1 << rem) - 1;
  return m;
}
