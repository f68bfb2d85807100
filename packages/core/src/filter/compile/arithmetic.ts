/** Field arithmetic (`price * 2 > 10`, `json["n"] % 3 == 0`): type rules, constant folding and evaluation. */
import { DataType } from '../../schema/types.js';
import type { ArithOp, CompareOp } from '../ast.js';
import { applyCmp, NE } from '../bitset-ops.js';
import { type Pred, ValuePred } from '../preds.js';
import { type Const, cmpNum, constTypeName, showConst } from '../values.js';
import {
  type ArithOperand,
  CMP_OPS,
  type CompileContext,
  type Domain,
  type FieldOperand,
  isInt,
  isNumConst,
  isNumeric,
  num,
  type Operand,
  refType,
  type Step,
  type StepOp,
  typeName,
} from './operand.js';

const ARITH_NAMES: Record<StepOp, string> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'modulo',
  'r-': 'subtract',
};

/** `l op r` where at most one side is a field: folds constants, else appends a step to the field's chain. */
export function arith(cx: CompileContext, op: ArithOp, l: Operand, r: Operand, pos: number): Operand {
  if (l.t === 'const' && r.t === 'const') return { t: 'const', c: fold(cx, op, l.c, r.c, pos), pos: l.pos };
  if (op === '**') cx.fail('`**` can only be applied to constants', pos);
  if (l.t === 'pred' || r.t === 'pred') cx.fail(`\`${op}\` cannot be applied to a boolean expression`, pos);
  if (l.t !== 'const' && r.t !== 'const') {
    cx.fail('arithmetic between two fields is not supported (one side must be a constant)', pos);
  }
  const colOnLeft = l.t !== 'const';
  const col = (colOnLeft ? l : r) as FieldOperand;
  const c = (colOnLeft ? r : l) as Extract<Operand, { t: 'const' }>;
  let stepOp: StepOp = op as StepOp;
  if (!colOnLeft) {
    if (op === '-') stepOp = 'r-';
    else if (op === '/' || op === '%')
      cx.fail(`a field cannot be the ${op === '/' ? 'divisor' : 'modulus'}`, pos);
  }
  const mismatch = (fieldType: DataType, other: string): never =>
    cx.fail(
      `'${ARITH_NAMES[stepOp]}' cannot perform arithmetic between ${typeName(fieldType)} field and ${other}`,
      pos,
    );
  if (col.t === 'ref' && (col.ref.k === 'scalar' || col.ref.k === 'elem')) {
    const t = col.ref.k === 'scalar' ? col.ref.type : col.ref.elem;
    if (!isNumeric(t)) mismatch(t, constTypeName(c.c));
  }
  const domain = arithDomain(cx, col, pos);
  const base = col.t === 'arith' ? col : { ref: col.ref, steps: [] as Step[], name: col.name };
  const fieldType = col.t === 'arith' ? arithType(col) : refType(col.ref);
  if (!isNumConst(c.c)) return mismatch(fieldType, constTypeName(c.c));
  if (domain === 'int' && c.c.k === 'float') mismatch(fieldType, 'Double');
  if (stepOp === '%' && ((domain !== 'int' && domain !== 'json') || c.c.k !== 'int')) {
    cx.fail('modulo can only apply on integer types', pos);
  }
  if ((stepOp === '/' || stepOp === '%') && num(c.c) === 0) cx.fail('division or modulus by zero', pos);
  return {
    t: 'arith',
    ref: base.ref,
    steps: [...base.steps, { op: stepOp, c: c.c }],
    domain,
    pos: col.pos,
    name: col.name,
  };
}

/** The arithmetic domain of a field operand, or an error if it is not numeric. */
export function arithDomain(cx: CompileContext, o: FieldOperand, pos: number): Domain {
  if (o.t === 'arith') return o.domain;
  const ref = o.ref;
  if (ref.k === 'json') return 'json';
  if (ref.k === 'arrlen') return 'int';
  if (ref.k === 'array')
    cx.fail(`cannot do arithmetic on array field \`${o.name}\` (index it, e.g. ${o.name}[0])`, pos);
  const t = ref.k === 'scalar' ? ref.type : ref.elem;
  if (isInt(t)) return 'int';
  if (t === DataType.Float) return 'f32';
  if (t === DataType.Double) return 'f64';
  return cx.fail(`cannot do arithmetic on ${typeName(t)} field \`${o.name}\``, pos);
}

/** Constant folding with Go/Milvus semantics: int64 wraps, int division truncates, `**` is float. */
export function fold(cx: CompileContext, op: ArithOp, a: Const, b: Const, pos: number): Const {
  if (!isNumConst(a) || !isNumConst(b)) {
    cx.fail(`\`${op}\` cannot be applied to ${constTypeName(a)} and ${constTypeName(b)} constants`, pos);
  }
  if (op === '**') return { k: 'float', v: num(a) ** num(b) };
  if (a.k === 'int' && b.k === 'int') {
    if (op === '/' && b.v === 0n) cx.fail('cannot divide by zero', pos);
    if (op === '%' && b.v === 0n) cx.fail('cannot modulo by zero', pos);
    return { k: 'int', v: bigStep(op, a.v, b.v) };
  }
  if (op === '%') cx.fail('modulo can only apply on integers', pos);
  if (op === '/' && num(b) === 0) cx.fail('cannot divide by zero', pos);
  return { k: 'float', v: numStep(op, num(a), num(b), false) };
}

/** Milvus's result type of field arithmetic: Int64 for integer fields (and JSON with int operands), else Double. */
export function arithType(a: ArithOperand): DataType {
  if (a.domain === 'int') return DataType.Int64;
  if (a.domain === 'json') return a.steps.some((s) => s.c.k === 'float') ? DataType.Double : DataType.Int64;
  return DataType.Double;
}

/** `field-arithmetic op constant` as a per-value predicate. */
export function compareArith(
  cx: CompileContext,
  a: ArithOperand,
  opText: CompareOp,
  c: Const,
  pos: number,
): Pred {
  const op = CMP_OPS[opText];
  const resultType = arithType(a);
  if (!isNumConst(c) || (resultType === DataType.Int64 && c.k === 'float')) {
    cx.fail(
      `cannot compare the ${typeName(resultType)} result of \`${a.name}\` arithmetic with ${constTypeName(c)} value ${showConst(c)}`,
      pos,
    );
  }
  const evalFn = arithEvaluator(a);
  const f32 = a.domain === 'f32';
  const cv: number | bigint = f32 ? Math.fround(num(c)) : a.domain === 'f64' ? num(c) : c.v;
  // Milvus: a JSON value that is missing or not a number is "not equal".
  const onMissing = a.ref.k === 'json' && op === NE;
  const check = (v: unknown) => {
    const x = evalFn(v);
    if (x === undefined) return onMissing;
    return applyCmp(op, cmpNum(f32 ? Math.fround(x as number) : x, cv));
  };
  return new ValuePred(a.ref, check, onMissing, 5);
}

/** One int64 step, wrapping like Go/C++ (`r-` is `c - x`; division truncates). */
function bigStep(op: StepOp | ArithOp, x: bigint, c: bigint): bigint {
  switch (op) {
    case '+':
      return BigInt.asIntN(64, x + c);
    case '-':
      return BigInt.asIntN(64, x - c);
    case 'r-':
      return BigInt.asIntN(64, c - x);
    case '*':
      return BigInt.asIntN(64, x * c);
    case '/':
      return BigInt.asIntN(64, x / c);
    default:
      return x % c;
  }
}

/** One double step; `truncate` makes `/` integer division. */
function numStep(op: StepOp | ArithOp, x: number, c: number, truncate: boolean): number {
  switch (op) {
    case '+':
      return x + c;
    case '-':
      return x - c;
    case 'r-':
      return c - x;
    case '*':
      return x * c;
    case '/':
      return truncate ? Math.trunc(x / c) : x / c;
    default:
      return x % c;
  }
}

const SAFE = 2 ** 53;

/** Builds `value -> result` for an arithmetic chain, exact for integers (int64 wrap-around as in Go/C++). */
export function arithEvaluator(a: ArithOperand): (v: unknown) => number | bigint | undefined {
  const steps = a.steps;
  const bigSteps = (x: bigint): bigint => {
    for (const s of steps) x = bigStep(s.op, x, s.c.v as bigint);
    return x;
  };
  const numSteps = (x: number, f32: boolean): number => {
    for (const s of steps) {
      x = numStep(s.op, x, f32 ? Math.fround(Number(s.c.v)) : Number(s.c.v), false);
      if (f32) x = Math.fround(x);
    }
    return x;
  };
  // Integer chains stay in doubles when every intermediate is provably below 2^53.
  const intNumSteps = (x: number): number | undefined => {
    for (const s of steps) {
      x = numStep(s.op, x, Number(s.c.v), true);
      if (!(Math.abs(x) < SAFE)) return undefined;
    }
    return x;
  };
  const smallConsts = steps.every(
    (s) => s.c.k === 'int' && (s.c.v as bigint) > -(2n ** 31n) && (s.c.v as bigint) < 2n ** 31n,
  );
  const intValue = (v: unknown): number | bigint | undefined => {
    if (typeof v === 'bigint') return bigSteps(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
    if (smallConsts && Math.abs(v) < 2 ** 31) {
      const r = intNumSteps(v);
      if (r !== undefined) return r;
    }
    return bigSteps(BigInt(v));
  };
  switch (a.domain) {
    case 'int':
      return intValue;
    case 'f32':
      return (v) => (typeof v === 'number' ? numSteps(Math.fround(v), true) : undefined);
    case 'f64':
      return (v) => (typeof v === 'number' ? numSteps(v, false) : undefined);
    case 'json': {
      const floatChain = steps.some((s) => s.c.k === 'float');
      return (v) => {
        if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
        // Integers take the int64 path; a JSON double falls back to double arithmetic.
        if (!floatChain && (typeof v === 'bigint' || Number.isInteger(v))) return intValue(v);
        return numSteps(Number(v), false);
      };
    }
  }
}
