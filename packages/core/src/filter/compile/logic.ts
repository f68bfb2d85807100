/** Boolean structure: `and` / `or` / `not`, unary signs, and the rule that a predicate must be boolean. */
import { DataType } from '../../schema/types.js';
import type { FilterAst } from '../ast.js';
import { AndPred, ConstPred, NotPred, OrPred, type Pred } from '../preds.js';
import { type Const, constTypeName, showConst } from '../values.js';
import { arithDomain } from './arithmetic.js';
import { compareConst } from './comparisons.js';
import { bool, type CompileContext, describeType, isNumConst, type Operand, refType } from './operand.js';

/** An operand where a boolean is required; a Bool field (or Bool array element) stands for `field == true`. */
export function asPred(cx: CompileContext, o: Operand, ast: FilterAst): Pred {
  switch (o.t) {
    case 'pred':
      return o.p;
    case 'const':
      if (o.c.k === 'bool') return new ConstPred(o.c.v);
      return cx.fail(
        `predicate is not a boolean expression: ${constTypeName(o.c)} constant ${showConst(o.c)}`,
        ast.pos,
      );
    case 'ref': {
      const t = refType(o.ref);
      if (t === DataType.Bool && (o.ref.k === 'scalar' || o.ref.k === 'elem')) {
        return compareConst(cx, o, '==', bool(true), ast.pos);
      }
      return cx.fail(
        `predicate is not a boolean expression: \`${o.name}\` is ${describeType(o.ref)}`,
        ast.pos,
      );
    }
    case 'arith':
      return cx.fail(`predicate is not a boolean expression: \`${o.name}\` is an arithmetic value`, ast.pos);
  }
}

export function unary(cx: CompileContext, op: '+' | '-' | 'not', o: Operand, pos: number): Operand {
  if (op === 'not') {
    if (o.t === 'const') {
      if (o.c.k !== 'bool')
        cx.fail(`\`not\` needs a boolean operand, got ${constTypeName(o.c)} ${showConst(o.c)}`, pos);
      return { t: 'const', c: bool(!o.c.v), pos };
    }
    if (o.t === 'pred') return { t: 'pred', p: o.p instanceof NotPred ? o.p.operand : new NotPred(o.p), pos };
    if (o.t === 'ref' && refType(o.ref) === DataType.Bool && (o.ref.k === 'scalar' || o.ref.k === 'elem')) {
      return { t: 'pred', p: new NotPred(compareConst(cx, o, '==', bool(true), pos)), pos };
    }
    return cx.fail(
      `\`not\` needs a boolean operand and \`${o.t === 'ref' || o.t === 'arith' ? o.name : 'it'}\` is not one (\`not\` binds tighter than comparisons: write \`not (a > 1)\`)`,
      pos,
    );
  }
  if (o.t === 'const') {
    if (!isNumConst(o.c)) cx.fail(`unary \`${op}\` needs a number, got ${constTypeName(o.c)}`, pos);
    if (op === '+') return o;
    const c: Const = o.c.k === 'int' ? { k: 'int', v: BigInt.asIntN(64, -o.c.v) } : { k: 'float', v: -o.c.v };
    return { t: 'const', c, pos };
  }
  if (o.t === 'pred') cx.fail(`unary \`${op}\` cannot be applied to a boolean expression`, pos);
  if (op === '+') {
    arithDomain(cx, o, pos);
    return o;
  }
  return cx.fail(`negating a field is not supported: move the minus sign to the constant`, pos);
}

export function logical(cx: CompileContext, op: 'and' | 'or', operands: FilterAst[], pos: number): Operand {
  const preds: Pred[] = [];
  let decided: boolean | undefined;
  for (const a of operands) {
    const p = cx.pred(a);
    if (p instanceof ConstPred) {
      // true is neutral for `and`, false for `or`; the other decides (operands still type-checked).
      if (p.value === (op === 'or')) decided = p.value;
      continue;
    }
    preds.push(p);
  }
  if (decided !== undefined) return { t: 'const', c: bool(decided), pos };
  if (preds.length === 0) return { t: 'const', c: bool(op === 'and'), pos };
  if (preds.length === 1) return { t: 'pred', p: preds[0]!, pos };
  // Cheap operands first: later ones only see rows the earlier ones left undecided.
  const sorted = preds.map((p, i) => [p, i] as const).sort((a, b) => a[0].cost - b[0].cost || a[1] - b[1]);
  const ps = sorted.map((x) => x[0]);
  return { t: 'pred', p: op === 'and' ? new AndPred(ps) : new OrPred(ps), pos };
}
