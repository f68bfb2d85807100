/** `a <op> b` and `lo < field < hi`: constants cast to the column type the way Milvus does, then one predicate. */
import { DataType } from '../../schema/types.js';
import type { CompareOp, FilterAst } from '../ast.js';
import { applyCmp, type CmpOp, EQ, GE, GT, LE, LT, NE } from '../bitset-ops.js';
import {
  ColumnCmpPred,
  type Pred,
  ScalarCmpPred,
  ScalarRangePred,
  StringCmpPred,
  ValuePred,
} from '../preds.js';
import {
  type Const,
  cmpNum,
  cmpStr,
  constTypeName,
  jsonCompare,
  jsonEquals,
  nativeOrderSafe,
  showConst,
} from '../values.js';
import { compareArith } from './arithmetic.js';
import { arrayEquals, elemCheck } from './checks.js';
import { refOperand } from './names.js';
import {
  bool,
  CMP_OPS,
  type CompileContext,
  describeType,
  type FieldOperand,
  isFloat,
  isInt,
  isNumConst,
  isNumeric,
  num,
  type Operand,
  type RefOperand,
  refType,
  typeName,
} from './operand.js';

const REVERSED: Record<CompareOp, CompareOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

export function compare(cx: CompileContext, op: CompareOp, l: Operand, r: Operand, pos: number): Operand {
  if (l.t === 'pred' || r.t === 'pred') {
    cx.fail(`\`${op}\` cannot compare a boolean expression (use parentheses around each comparison)`, pos);
  }
  if (l.t === 'const' && r.t === 'const')
    return { t: 'const', c: bool(foldCompare(cx, op, l.c, r.c, pos)), pos };
  if (l.t === 'const') return compare(cx, REVERSED[op], r, l, pos);
  if (r.t === 'const') {
    const p = l.t === 'arith' ? compareArith(cx, l, op, r.c, pos) : compareConst(cx, l, op, r.c, pos);
    return { t: 'pred', p, pos };
  }
  return { t: 'pred', p: compareColumns(cx, l, op, r, pos), pos };
}

function foldCompare(cx: CompileContext, op: CompareOp, a: Const, b: Const, pos: number): boolean {
  let c: number;
  if (isNumConst(a) && isNumConst(b)) c = cmpNum(a.v, b.v);
  else if (a.k === 'str' && b.k === 'str') c = cmpStr(a.v, b.v);
  else if (a.k === 'bool' && b.k === 'bool' && (op === '==' || op === '!=')) c = a.v === b.v ? 0 : 1;
  else {
    return cx.fail(
      `comparison operations cannot be applied to two incompatible operands: ${showConst(a)} ${op} ${showConst(b)}`,
      pos,
    );
  }
  return applyCmp(CMP_OPS[op], c);
}

/** Checks that a constant fits a column type the way Milvus's castValue does. */
export function castTo(cx: CompileContext, t: DataType, c: Const, what: string, pos: number): Const {
  const mismatch = (): never =>
    cx.fail(`cannot compare ${what} with ${constTypeName(c)} value ${showConst(c)}`, pos);
  if (t === DataType.JSON) return c;
  if (t === DataType.Bool) return c.k === 'bool' ? c : mismatch();
  if (t === DataType.VarChar) return c.k === 'str' ? c : mismatch();
  if (isInt(t)) {
    if (c.k === 'float') {
      cx.fail(`cannot compare ${what} with Double value ${showConst(c)}: an integer value is required`, pos);
    }
    return c.k === 'int' ? c : mismatch();
  }
  if (isFloat(t)) {
    if (!isNumConst(c)) return mismatch();
    return { k: 'float', v: t === DataType.Float ? Math.fround(num(c)) : num(c) };
  }
  return mismatch();
}

/** `reference op constant`, one predicate class per reference kind. */
export function compareConst(
  cx: CompileContext,
  o: RefOperand,
  opText: CompareOp,
  c: Const,
  pos: number,
): Pred {
  const op = CMP_OPS[opText];
  const ref = o.ref;
  const what = `${describeType(ref)} \`${o.name}\``;
  switch (ref.k) {
    case 'scalar': {
      if (c.k === 'list') cx.fail(`cannot compare ${what} with a list`, pos);
      const cv = castTo(cx, ref.type, c, what, pos);
      if (cv.k === 'str') return new StringCmpPred(ref.field, op, cv.v, nativeOrderSafe(cv.v));
      if (cv.k === 'bool') return new ScalarCmpPred(ref.field, ref.type, op, cv.v ? 1 : 0, undefined);
      if (cv.k === 'int') return new ScalarCmpPred(ref.field, ref.type, op, Number(cv.v), cv.v);
      return new ScalarCmpPred(ref.field, ref.type, op, cv.v as number, undefined);
    }
    case 'array': {
      if (op !== EQ && op !== NE)
        cx.fail(`array field \`${o.name}\` can only be compared with == or !=`, pos);
      if (c.k !== 'list') cx.fail(`array field \`${o.name}\` can only be compared with a list`, pos);
      const items = c.v.map((e) => castTo(cx, ref.elem, e, `elements of ${what}`, pos));
      const f32 = ref.elem === DataType.Float;
      const eq = (v: unknown) => Array.isArray(v) && arrayEquals(v, items, f32);
      return new ValuePred(ref, op === EQ ? eq : (v) => !eq(v), false, 4);
    }
    case 'elem': {
      if (c.k === 'list') cx.fail(`cannot compare ${what} with a list`, pos);
      const cv = castTo(cx, ref.elem, c, what, pos);
      return new ValuePred(ref, elemCheck(ref.elem, op, cv), false, 3);
    }
    case 'json': {
      if (c.k === 'list' && op !== EQ && op !== NE) cx.fail(`a list can only be compared with == or !=`, pos);
      let check: (v: unknown) => boolean;
      if (op === EQ) check = (v) => jsonEquals(v, c);
      else if (op === NE) check = (v) => !jsonEquals(v, c);
      else check = (v) => applyCmp(op, jsonCompare(v, c));
      // Milvus: a missing key or a different JSON type is "not equal".
      return new ValuePred(ref, check, op === NE, 6);
    }
    case 'arrlen': {
      if (c.k !== 'int')
        cx.fail(
          `array_length is an Int64 and cannot be compared with ${constTypeName(c)} ${showConst(c)}`,
          pos,
        );
      const cv = c.v;
      return new ValuePred(ref, (v) => applyCmp(op, cmpNum(v as number, cv)), false, 3);
    }
  }
}

/** `field op field` (numbers, strings or booleans of the same kind). */
function compareColumns(
  cx: CompileContext,
  l: FieldOperand,
  opText: CompareOp,
  r: FieldOperand,
  pos: number,
): Pred {
  if (l.t === 'arith' || r.t === 'arith') {
    cx.fail('comparing an arithmetic result with another field is not supported', pos);
  }
  const lt = refType(l.ref);
  const rt = refType(r.ref);
  if (lt === DataType.JSON || rt === DataType.JSON)
    cx.fail('two column comparison with JSON type is not supported', pos);
  if (l.ref.k === 'array' || r.ref.k === 'array' || l.ref.k === 'arrlen' || r.ref.k === 'arrlen') {
    cx.fail('array fields cannot be compared with other fields', pos);
  }
  const kind =
    isNumeric(lt) && isNumeric(rt)
      ? 'num'
      : lt === rt && lt === DataType.VarChar
        ? 'str'
        : lt === rt && lt === DataType.Bool
          ? 'bool'
          : undefined;
  if (!kind) cx.fail(`comparisons between ${typeName(lt)} and ${typeName(rt)} are not supported`, pos);
  return new ColumnCmpPred(l.ref, r.ref, CMP_OPS[opText], kind, lt === DataType.Float, rt === DataType.Float);
}

/** `lo <(=) field <(=) hi` with constant bounds. */
export function range(cx: CompileContext, ast: Extract<FilterAst, { kind: 'range' }>): Pred {
  const target = refOperand(cx, ast.target);
  const lo = cx.operand(ast.lower);
  const hi = cx.operand(ast.upper);
  if (lo.t !== 'const') cx.fail('the lower bound of a range must be a constant', ast.lower.pos);
  if (hi.t !== 'const') cx.fail('the upper bound of a range must be a constant', ast.upper.pos);
  const ref = target.ref;
  const what = `${describeType(ref)} \`${target.name}\``;
  if (ref.k === 'array') cx.fail(`can not comparisons array fields directly: \`${target.name}\``, ast.pos);
  const t = ref.k === 'scalar' ? ref.type : ref.k === 'elem' ? ref.elem : DataType.JSON;
  if (t === DataType.Bool) cx.fail(`invalid range operations on boolean field \`${target.name}\``, ast.pos);
  let l = lo.c;
  let h = hi.c;
  if (t === DataType.JSON) {
    const ok = (isNumConst(l) && isNumConst(h)) || (l.k === 'str' && h.k === 'str');
    if (!ok) cx.fail(`range bounds on a JSON value must both be numbers or both be strings`, ast.pos);
  } else {
    l = castTo(cx, t, l, what, ast.lower.pos);
    h = castTo(cx, t, h, what, ast.upper.pos);
  }
  const c =
    l.k === 'str'
      ? cmpStr(l.v, (h as { v: string }).v)
      : cmpNum(l.v as number | bigint, h.v as number | bigint);
  if (ast.lowerInclusive && ast.upperInclusive ? c > 0 : c >= 0) {
    cx.fail('invalid range: lowerbound is greater than upperbound', ast.pos);
  }
  const loOp: CmpOp = ast.lowerInclusive ? GE : GT;
  const hiOp: CmpOp = ast.upperInclusive ? LE : LT;
  if (ref.k === 'scalar' && isNumeric(t)) {
    const part = (x: Const, inc: boolean) => ({
      num: Number(x.v),
      big: x.k === 'int' ? x.v : undefined,
      inc,
    });
    return new ScalarRangePred(ref.field, t, part(l, ast.lowerInclusive), part(h, ast.upperInclusive));
  }
  if (ref.k === 'json') {
    const lc = l;
    const hc = h;
    return new ValuePred(
      ref,
      (v) => applyCmp(loOp, jsonCompare(v, lc)) && applyCmp(hiOp, jsonCompare(v, hc)),
      false,
      6,
    );
  }
  const a = elemCheck(t, loOp, l);
  const b = elemCheck(t, hiOp, h);
  return new ValuePred(ref, (v) => a(v) && b(v), false, 3);
}
