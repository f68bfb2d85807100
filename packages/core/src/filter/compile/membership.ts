/** Set and pattern tests on one field: `in [...]`, `like`, `is null`, `exists`. */
import { DataType } from '../../schema/types.js';
import type { Identifier, PathRef } from '../ast.js';
import { EQ } from '../bitset-ops.js';
import { compileLike } from '../like.js';
import {
  ConstPred,
  EmptyInPred,
  NotPred,
  NullPred,
  type Pred,
  ScalarInPred,
  StringTestPred,
  ValuePred,
} from '../preds.js';
import type { Const } from '../values.js';
import { arrayEquals, elemCheck, jsonInCheck } from './checks.js';
import { castTo } from './comparisons.js';
import { refOperand } from './names.js';
import { type CompileContext, describeType, type Operand } from './operand.js';

export function inList(cx: CompileContext, target: Operand, list: Operand, pos: number): Pred {
  if (target.t === 'const') cx.fail("'in' can only be used on a field, not on a constant", pos);
  if (target.t !== 'ref') cx.fail("'in' can only be used on a single field", pos);
  if (list.t !== 'const' || list.c.k !== 'list') {
    cx.fail("the right-hand side of 'in' must be a list of constants", list.pos);
  }
  const items = list.c.v;
  const ref = target.ref;
  const what = `${describeType(ref)} \`${target.name}\``;
  if (items.length === 0) return new EmptyInPred(ref);
  switch (ref.k) {
    case 'scalar': {
      const cast = items.map((c) => castTo(cx, ref.type, c, what, list.pos));
      // Keys as the column stores them: 0/1 for Bool, bigint for Int64, numbers for the other ints.
      const key = (c: Const): unknown =>
        c.k === 'bool'
          ? c.v
            ? 1
            : 0
          : c.k === 'int'
            ? ref.type === DataType.Int64
              ? c.v
              : Number(c.v)
            : c.v;
      return new ScalarInPred(ref.field, ref.type, new Set<unknown>(cast.map(key)));
    }
    case 'elem': {
      const checks = items.map((c) => elemCheck(ref.elem, EQ, castTo(cx, ref.elem, c, what, list.pos)));
      return new ValuePred(ref, (v) => checks.some((f) => f(v)), false, 4);
    }
    case 'json':
      return new ValuePred(ref, jsonInCheck(items), false, 6);
    case 'array': {
      const f32 = ref.elem === DataType.Float;
      const lists = items.map((c) => {
        if (c.k !== 'list') cx.fail(`'in' on array field \`${target.name}\` needs a list of lists`, list.pos);
        return c.v.map((e) => castTo(cx, ref.elem, e, `elements of ${what}`, list.pos));
      });
      return new ValuePred(
        ref,
        (v) => Array.isArray(v) && lists.some((l) => arrayEquals(v, l, f32)),
        false,
        6,
      );
    }
    case 'arrlen':
      return cx.fail("'in' can only be used on a single field", pos);
  }
}

export function like(cx: CompileContext, target: Operand, pattern: Operand, pos: number): Pred {
  if (target.t !== 'ref') cx.fail('like can only be applied to a field', pos);
  if (pattern.t !== 'const' || pattern.c.k !== 'str')
    cx.fail('the pattern of like must be a string', pattern.pos);
  const ref = target.ref;
  const ok =
    (ref.k === 'scalar' && ref.type === DataType.VarChar) ||
    ref.k === 'json' ||
    (ref.k === 'elem' && ref.elem === DataType.VarChar);
  if (!ok) {
    cx.fail(
      `like operation on ${describeType(ref)} \`${target.name}\` is unsupported (needs VarChar or JSON)`,
      pos,
    );
  }
  const m = compileLike(pattern.c.v);
  const cost = m.kind === 'general' ? 12 : 4;
  if (ref.k === 'scalar') {
    const lit = m.literal;
    // Fast paths call the string method directly instead of going through the matcher.
    const check =
      m.kind === 'prefix'
        ? (s: string) => s.startsWith(lit)
        : m.kind === 'suffix'
          ? (s: string) => s.endsWith(lit)
          : m.kind === 'contains'
            ? (s: string) => s.includes(lit)
            : m.test;
    return new StringTestPred(ref.field, check, cost);
  }
  return new ValuePred(ref, (v) => typeof v === 'string' && m.test(v), false, cost);
}

export function isNull(
  cx: CompileContext,
  target: Identifier | PathRef,
  negated: boolean,
  pos: number,
): Pred {
  const ref = refOperand(cx, target).ref;
  if (ref.k === 'elem') cx.fail('`is null` cannot be applied to an array element', pos);
  if (ref.k === 'json' && ref.path.length > 0) {
    // Milvus: `j["a"] is null` means `not exists j["a"]`.
    const exists = new ValuePred(ref, () => true, false, 5);
    return negated ? exists : new NotPred(exists);
  }
  if (ref.k === 'json' && ref.dynamic) return new ConstPred(negated);
  return new NullPred(ref, negated);
}

export function exists(cx: CompileContext, o: Operand, pos: number): Pred {
  if (o.t !== 'ref') cx.fail('exists operations are only supported on single fields', pos);
  if (o.ref.k !== 'json')
    cx.fail(`exists operations are only supported on JSON fields, got ${describeType(o.ref)}`, pos);
  if (o.ref.path.length === 0) cx.fail('exists operations are only supported on a JSON key', pos);
  return new ValuePred(o.ref, () => true, false, 5);
}
