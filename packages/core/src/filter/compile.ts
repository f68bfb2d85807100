import {
  type CollectionSchema,
  DataType,
  DataTypeName,
  type FieldSchema,
  isVectorType,
} from '../schema/types.js';
import { Bitset } from '../util/bitset.js';
import type { ArithOp, CallExpr, CompareOp, FilterAst, Identifier, PathRef } from './ast.js';
import { filterError } from './errors.js';
import { applyCmp, type CmpOp, EQ, GE, GT, LE, LT, NE } from './kernels.js';
import { compileLike } from './like.js';
import { parseFilter } from './parser.js';
import {
  AndPred,
  ColumnCmpPred,
  ConstPred,
  EmptyInPred,
  type Env,
  fullMask,
  NotPred,
  NullPred,
  OrPred,
  type Pred,
  type Ref,
  ScalarCmpPred,
  ScalarInPred,
  ScalarRangePred,
  StringCmpPred,
  StringTestPred,
  TextMatchPred,
  ValuePred,
} from './preds.js';
import type { FilterParams, FilterSource } from './types.js';
import {
  type Const,
  cmpNum,
  cmpStr,
  constTypeName,
  INT64_MAX,
  INT64_MIN,
  jsonCompare,
  jsonEquals,
  nativeOrderSafe,
  showConst,
} from './values.js';

/** A filter compiled against one schema: evaluate it over any source with that schema. */
export interface CompiledFilter {
  readonly expr: string;
  /** Schema fields the filter reads (`$meta` for dynamic-field keys). */
  readonly fields: string[];
  /** Rows 0..rowCount-1 (or only `candidates`) that match. */
  evaluate(source: FilterSource, candidates?: Bitset): Bitset;
  /** Row-at-a-time form, for callers that visit few rows. */
  predicate(source: FilterSource): (row: number) => boolean;
}

/**
 * Parses, type-checks against the schema and compiles a filter expression.
 * Throws `InvalidFilter` with the column of the problem. An empty expression matches every row.
 */
export function compileFilter(expr: string, schema: CollectionSchema, params?: FilterParams): CompiledFilter {
  if (typeof expr !== 'string') throw filterError(String(expr), 'the expression must be a string', 0);
  const compiler = new Compiler(expr, schema, params ?? {});
  const root = expr.trim() === '' ? new ConstPred(true) : compiler.pred(parseFilter(expr));
  const fields = [...compiler.fields];
  return {
    expr,
    fields,
    evaluate(source, candidates) {
      const n = source.rowCount;
      const nw = (n + 31) >>> 5;
      let mask: Uint32Array;
      if (candidates) {
        mask = new Uint32Array(nw);
        mask.set(candidates.words.subarray(0, nw));
        const rem = n & 31;
        if (rem !== 0 && nw > 0) mask[nw - 1] = mask[nw - 1]! & ((1 << rem) - 1);
      } else mask = fullMask(n);
      const env: Env = { source, rowCount: n, nw };
      root.bind(env).fill(mask, mask);
      return new Bitset(n, mask);
    },
    predicate(source) {
      const n = source.rowCount;
      const b = root.bind({ source, rowCount: n, nw: (n + 31) >>> 5 });
      return (row) => b.test(row);
    },
  };
}

type Domain = 'int' | 'f32' | 'f64' | 'json';
type StepOp = '+' | '-' | '*' | '/' | '%' | 'r-';
interface Step {
  op: StepOp;
  c: Const & { k: 'int' | 'float' };
}

type Operand =
  | { t: 'const'; c: Const; pos: number }
  | { t: 'ref'; ref: Ref; pos: number; name: string }
  | { t: 'arith'; ref: Ref; steps: Step[]; domain: Domain; pos: number; name: string }
  | { t: 'pred'; p: Pred; pos: number };

const CMP_OPS: Record<CompareOp, CmpOp> = { '==': EQ, '!=': NE, '<': LT, '<=': LE, '>': GT, '>=': GE };
const REVERSED: Record<CompareOp, CompareOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};
const ARITH_NAMES: Record<string, string> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'modulo',
  'r-': 'subtract',
};

const typeName = (t: DataType): string => DataTypeName[t] ?? String(t);
const isInt = (t: DataType): boolean =>
  t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32 || t === DataType.Int64;
const isFloat = (t: DataType): boolean => t === DataType.Float || t === DataType.Double;
const isNumeric = (t: DataType): boolean => isInt(t) || isFloat(t);
const isNumConst = (c: Const): c is Const & { k: 'int' | 'float' } => c.k === 'int' || c.k === 'float';
const num = (c: Const & { k: 'int' | 'float' }): number => Number(c.v);
const bool = (v: boolean): Const => ({ k: 'bool', v });

const UNSUPPORTED_FUNCTIONS = new Set([
  'phrase_match',
  'random_sample',
  'element_filter',
  'match_all',
  'match_any',
  'match_least',
  'match_most',
  'match_exact',
  'st_equals',
  'st_touches',
  'st_overlaps',
  'st_crosses',
  'st_contains',
  'st_intersects',
  'st_within',
  'st_dwithin',
  'st_isvalid',
]);

class Compiler {
  readonly fields = new Set<string>();
  private readonly byName = new Map<string, FieldSchema>();

  constructor(
    private readonly expr: string,
    private readonly schema: CollectionSchema,
    private readonly params: FilterParams,
  ) {
    for (const f of schema.fields) this.byName.set(f.name, f);
  }

  private fail(msg: string, pos: number): never {
    throw filterError(this.expr, msg, pos);
  }

  /** Compiles a node that must be boolean. */
  pred(ast: FilterAst): Pred {
    return this.asPred(this.operand(ast), ast);
  }

  private asPred(o: Operand, ast: FilterAst): Pred {
    switch (o.t) {
      case 'pred':
        return o.p;
      case 'const':
        if (o.c.k === 'bool') return new ConstPred(o.c.v);
        return this.fail(
          `predicate is not a boolean expression: ${constTypeName(o.c)} constant ${showConst(o.c)}`,
          ast.pos,
        );
      case 'ref': {
        // A Bool field (or Bool array element) stands for `field == true`.
        const t = refType(o.ref);
        if (t === DataType.Bool && (o.ref.k === 'scalar' || o.ref.k === 'elem')) {
          return this.compareConst(o, '==', bool(true), ast.pos);
        }
        return this.fail(
          `predicate is not a boolean expression: \`${o.name}\` is ${describeType(o.ref)}`,
          ast.pos,
        );
      }
      case 'arith':
        return this.fail(
          `predicate is not a boolean expression: \`${o.name}\` is an arithmetic value`,
          ast.pos,
        );
    }
  }

  private operand(ast: FilterAst): Operand {
    switch (ast.kind) {
      case 'int':
        return { t: 'const', c: { k: 'int', v: ast.value }, pos: ast.pos };
      case 'float':
        return { t: 'const', c: { k: 'float', v: ast.value }, pos: ast.pos };
      case 'string':
        return { t: 'const', c: { k: 'str', v: ast.value }, pos: ast.pos };
      case 'bool':
        return { t: 'const', c: { k: 'bool', v: ast.value }, pos: ast.pos };
      case 'list': {
        const items: Const[] = [];
        for (const it of ast.items) {
          const o = this.operand(it);
          if (o.t !== 'const') this.fail('list elements must be constants', it.pos);
          items.push(o.c);
        }
        return { t: 'const', c: { k: 'list', v: items }, pos: ast.pos };
      }
      case 'template':
        return { t: 'const', c: this.templateValue(ast.name, ast.pos), pos: ast.pos };
      case 'ident':
      case 'path':
        return this.reference(ast);
      case 'unary':
        return this.unary(ast.op, this.operand(ast.operand), ast.pos);
      case 'binary':
        if (ast.op in CMP_OPS) {
          const op = ast.op as CompareOp;
          return this.compare(op, this.operand(ast.left), this.operand(ast.right), ast.opPos);
        }
        return this.arith(ast.op as ArithOp, this.operand(ast.left), this.operand(ast.right), ast.opPos);
      case 'logical':
        return this.logical(ast.op, ast.operands, ast.pos);
      case 'range':
        return { t: 'pred', p: this.range(ast), pos: ast.pos };
      case 'in': {
        const p = this.inList(this.operand(ast.target), this.operand(ast.list), ast.pos);
        if (p instanceof ConstPred)
          return { t: 'const', c: bool(ast.negated ? !p.value : p.value), pos: ast.pos };
        return { t: 'pred', p: ast.negated ? new NotPred(p) : p, pos: ast.pos };
      }
      case 'like':
        return {
          t: 'pred',
          p: this.like(this.operand(ast.target), this.operand(ast.pattern), ast.pos),
          pos: ast.pos,
        };
      case 'isNull':
        return { t: 'pred', p: this.isNull(ast.target, ast.negated, ast.pos), pos: ast.pos };
      case 'exists':
        return { t: 'pred', p: this.exists(this.operand(ast.target), ast.pos), pos: ast.pos };
      case 'call':
        return this.call(ast);
    }
  }

  // ---- names -------------------------------------------------------------------------------

  private reference(ast: Identifier | PathRef): Operand {
    const name = ast.name;
    const display = this.expr.slice(ast.pos, ast.pos + 200).match(/^[^\s)=!<>,]*/)?.[0] || name;
    const field = name === '$meta' ? undefined : this.byName.get(name);
    const dynamicOn = this.schema.enable_dynamic_field;
    const path = ast.kind === 'path' ? ast.path.map(String) : [];
    if (!field) {
      if (!dynamicOn) {
        if (name === '$meta')
          this.fail('`$meta` is only available when the collection has dynamic fields', ast.pos);
        this.fail(
          `field \`${name}\` does not exist in the collection schema and dynamic fields are off`,
          ast.pos,
        );
      }
      this.fields.add('$meta');
      const full = name === '$meta' ? path : [name, ...path];
      return {
        t: 'ref',
        ref: { k: 'json', field: '$meta', dynamic: true, nullable: false, path: full },
        pos: ast.pos,
        name: display,
      };
    }
    const t = field.data_type;
    if (isVectorType(t)) this.fail(`cannot filter on vector field \`${name}\``, ast.pos);
    this.fields.add(field.name);
    if (t === DataType.JSON) {
      return {
        t: 'ref',
        ref: { k: 'json', field: field.name, dynamic: false, nullable: field.nullable, path },
        pos: ast.pos,
        name: display,
      };
    }
    if (t === DataType.Array) {
      const elem = field.element_type ?? DataType.None;
      if (ast.kind === 'ident')
        return { t: 'ref', ref: { k: 'array', field: field.name, elem }, pos: ast.pos, name };
      const seg = ast.path[0];
      if (typeof seg !== 'number')
        this.fail(`array field \`${name}\` can only be accessed with an integer index`, ast.pos);
      if (ast.path.length > 1)
        this.fail(`array element \`${name}[${seg}]\` cannot be indexed further`, ast.pos);
      return {
        t: 'ref',
        ref: { k: 'elem', field: field.name, elem, index: seg },
        pos: ast.pos,
        name: display,
      };
    }
    if (ast.kind === 'path')
      this.fail(`${typeName(t)} field \`${name}\` cannot be accessed with []`, ast.pos);
    return { t: 'ref', ref: { k: 'scalar', field: field.name, type: t }, pos: ast.pos, name };
  }

  private templateValue(name: string, pos: number): Const {
    const v = Object.hasOwn(this.params, name) ? this.params[name] : undefined;
    if (v === undefined) this.fail(`template parameter {${name}} is not provided in filter_params`, pos);
    const conv = (x: unknown, depth: number): Const | undefined => {
      if (typeof x === 'boolean') return { k: 'bool', v: x };
      if (typeof x === 'string') return { k: 'str', v: x };
      if (typeof x === 'bigint') return x >= INT64_MIN && x <= INT64_MAX ? { k: 'int', v: x } : undefined;
      if (typeof x === 'number') {
        if (Number.isInteger(x)) {
          const b = BigInt(x);
          return b >= INT64_MIN && b <= INT64_MAX ? { k: 'int', v: b } : undefined;
        }
        return { k: 'float', v: x };
      }
      if (depth < 8 && (Array.isArray(x) || ArrayBuffer.isView(x)) && !(x instanceof DataView)) {
        const items: Const[] = [];
        for (const e of Array.from(x as ArrayLike<unknown>)) {
          const c = conv(e, depth + 1);
          if (!c) return undefined;
          items.push(c);
        }
        return { k: 'list', v: items };
      }
      return undefined;
    };
    const c = conv(v, 0);
    if (!c) {
      const what = v === null ? 'null' : Array.isArray(v) ? 'a list with an unsupported element' : typeof v;
      this.fail(`template parameter {${name}} has an unsupported value (${what})`, pos);
    }
    return c;
  }

  // ---- unary / arithmetic --------------------------------------------------------------------

  private unary(op: '+' | '-' | 'not', o: Operand, pos: number): Operand {
    if (op === 'not') {
      if (o.t === 'const') {
        if (o.c.k !== 'bool')
          this.fail(`\`not\` needs a boolean operand, got ${constTypeName(o.c)} ${showConst(o.c)}`, pos);
        return { t: 'const', c: bool(!o.c.v), pos };
      }
      if (o.t === 'pred')
        return { t: 'pred', p: o.p instanceof NotPred ? o.p.operand : new NotPred(o.p), pos };
      if (o.t === 'ref' && refType(o.ref) === DataType.Bool && (o.ref.k === 'scalar' || o.ref.k === 'elem')) {
        return { t: 'pred', p: new NotPred(this.compareConst(o, '==', bool(true), pos)), pos };
      }
      return this.fail(
        `\`not\` needs a boolean operand and \`${o.t === 'ref' || o.t === 'arith' ? o.name : 'it'}\` is not one (\`not\` binds tighter than comparisons: write \`not (a > 1)\`)`,
        pos,
      );
    }
    if (o.t === 'const') {
      if (!isNumConst(o.c)) this.fail(`unary \`${op}\` needs a number, got ${constTypeName(o.c)}`, pos);
      if (op === '+') return o;
      const c: Const =
        o.c.k === 'int' ? { k: 'int', v: BigInt.asIntN(64, -o.c.v) } : { k: 'float', v: -o.c.v };
      return { t: 'const', c, pos };
    }
    if (o.t === 'pred') this.fail(`unary \`${op}\` cannot be applied to a boolean expression`, pos);
    if (op === '+') {
      this.arithDomain(o, pos);
      return o;
    }
    return this.fail(`negating a field is not supported: move the minus sign to the constant`, pos);
  }

  private arith(op: ArithOp, l: Operand, r: Operand, pos: number): Operand {
    if (l.t === 'const' && r.t === 'const')
      return { t: 'const', c: this.fold(op, l.c, r.c, pos), pos: l.pos };
    if (op === '**') this.fail('`**` can only be applied to constants', pos);
    if (l.t === 'pred' || r.t === 'pred')
      this.fail(`\`${op}\` cannot be applied to a boolean expression`, pos);
    if (l.t !== 'const' && r.t !== 'const') {
      this.fail('arithmetic between two fields is not supported (one side must be a constant)', pos);
    }
    const colOnLeft = l.t !== 'const';
    const col = (colOnLeft ? l : r) as Extract<Operand, { t: 'ref' | 'arith' }>;
    const c = (colOnLeft ? r : l) as Extract<Operand, { t: 'const' }>;
    let stepOp: StepOp = op as StepOp;
    if (!colOnLeft) {
      if (op === '-') stepOp = 'r-';
      else if (op === '/' || op === '%')
        this.fail(`a field cannot be the ${op === '/' ? 'divisor' : 'modulus'}`, pos);
    }
    if (col.t === 'ref' && (col.ref.k === 'scalar' || col.ref.k === 'elem')) {
      const t = col.ref.k === 'scalar' ? col.ref.type : col.ref.elem;
      if (!isNumeric(t)) {
        this.fail(
          `'${ARITH_NAMES[stepOp]}' cannot perform arithmetic between ${typeName(t)} field and ${constTypeName(c.c)}`,
          pos,
        );
      }
    }
    const domain = this.arithDomain(col, pos);
    const base = col.t === 'arith' ? col : { ref: col.ref, steps: [] as Step[], name: col.name };
    const fieldType = col.t === 'arith' ? arithType(col) : refType(col.ref);
    if (!isNumConst(c.c)) {
      this.fail(
        `'${ARITH_NAMES[stepOp]}' cannot perform arithmetic between ${typeName(fieldType)} field and ${constTypeName(c.c)}`,
        pos,
      );
    }
    if (domain === 'int' && c.c.k === 'float') {
      this.fail(
        `'${ARITH_NAMES[stepOp]}' cannot perform arithmetic between ${typeName(fieldType)} field and Double`,
        pos,
      );
    }
    if (stepOp === '%' && ((domain !== 'int' && domain !== 'json') || c.c.k !== 'int')) {
      this.fail('modulo can only apply on integer types', pos);
    }
    if ((stepOp === '/' || stepOp === '%') && num(c.c) === 0) this.fail('division or modulus by zero', pos);
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
  private arithDomain(o: Extract<Operand, { t: 'ref' | 'arith' }>, pos: number): Domain {
    if (o.t === 'arith') return o.domain;
    const ref = o.ref;
    if (ref.k === 'json') return 'json';
    if (ref.k === 'arrlen') return 'int';
    if (ref.k === 'array')
      this.fail(`cannot do arithmetic on array field \`${o.name}\` (index it, e.g. ${o.name}[0])`, pos);
    const t = ref.k === 'scalar' ? ref.type : ref.elem;
    if (isInt(t)) return 'int';
    if (t === DataType.Float) return 'f32';
    if (t === DataType.Double) return 'f64';
    return this.fail(`cannot do arithmetic on ${typeName(t)} field \`${o.name}\``, pos);
  }

  /** Constant folding with Go/Milvus semantics: int64 wraps, int division truncates, `**` is float. */
  private fold(op: ArithOp, a: Const, b: Const, pos: number): Const {
    if (!isNumConst(a) || !isNumConst(b)) {
      this.fail(`\`${op}\` cannot be applied to ${constTypeName(a)} and ${constTypeName(b)} constants`, pos);
    }
    if (op === '**') return { k: 'float', v: num(a) ** num(b) };
    if (a.k === 'int' && b.k === 'int') {
      const x = a.v;
      const y = b.v;
      switch (op) {
        case '+':
          return { k: 'int', v: BigInt.asIntN(64, x + y) };
        case '-':
          return { k: 'int', v: BigInt.asIntN(64, x - y) };
        case '*':
          return { k: 'int', v: BigInt.asIntN(64, x * y) };
        case '/':
          if (y === 0n) this.fail('cannot divide by zero', pos);
          return { k: 'int', v: BigInt.asIntN(64, x / y) };
        default:
          if (y === 0n) this.fail('cannot modulo by zero', pos);
          return { k: 'int', v: x % y };
      }
    }
    if (op === '%') this.fail('modulo can only apply on integers', pos);
    const x = num(a);
    const y = num(b);
    switch (op) {
      case '+':
        return { k: 'float', v: x + y };
      case '-':
        return { k: 'float', v: x - y };
      case '*':
        return { k: 'float', v: x * y };
      default:
        if (y === 0) this.fail('cannot divide by zero', pos);
        return { k: 'float', v: x / y };
    }
  }

  // ---- comparisons ---------------------------------------------------------------------------

  private compare(op: CompareOp, l: Operand, r: Operand, pos: number): Operand {
    if (l.t === 'pred' || r.t === 'pred') {
      this.fail(
        `\`${op}\` cannot compare a boolean expression (use parentheses around each comparison)`,
        pos,
      );
    }
    if (l.t === 'const' && r.t === 'const')
      return { t: 'const', c: bool(this.foldCompare(op, l.c, r.c, pos)), pos };
    if (l.t === 'const') return this.compare(REVERSED[op], r, l, pos);
    if (r.t === 'const') {
      const p =
        l.t === 'arith' ? this.compareArith(l, op, r.c, pos) : this.compareConst(l as never, op, r.c, pos);
      return { t: 'pred', p, pos };
    }
    return { t: 'pred', p: this.compareColumns(l as never, op, r as never, pos), pos };
  }

  private foldCompare(op: CompareOp, a: Const, b: Const, pos: number): boolean {
    let c: number;
    if (isNumConst(a) && isNumConst(b)) c = cmpNum(a.v, b.v);
    else if (a.k === 'str' && b.k === 'str') c = cmpStr(a.v, b.v);
    else if (a.k === 'bool' && b.k === 'bool' && (op === '==' || op === '!=')) c = a.v === b.v ? 0 : 1;
    else {
      return this.fail(
        `comparison operations cannot be applied to two incompatible operands: ${showConst(a)} ${op} ${showConst(b)}`,
        pos,
      );
    }
    return applyCmp(CMP_OPS[op], c);
  }

  /** Checks that a constant fits a column type the way Milvus's castValue does. */
  private castTo(t: DataType, c: Const, what: string, pos: number): Const {
    const mismatch = (): never =>
      this.fail(`cannot compare ${what} with ${constTypeName(c)} value ${showConst(c)}`, pos);
    if (t === DataType.JSON) return c;
    if (t === DataType.Bool) return c.k === 'bool' ? c : mismatch();
    if (t === DataType.VarChar) return c.k === 'str' ? c : mismatch();
    if (isInt(t)) {
      if (c.k === 'float') {
        this.fail(
          `cannot compare ${what} with Double value ${showConst(c)}: an integer value is required`,
          pos,
        );
      }
      return c.k === 'int' ? c : mismatch();
    }
    if (isFloat(t)) {
      if (!isNumConst(c)) mismatch();
      return { k: 'float', v: t === DataType.Float ? Math.fround(num(c as never)) : num(c as never) };
    }
    return mismatch();
  }

  private compareConst(o: Extract<Operand, { t: 'ref' }>, opText: CompareOp, c: Const, pos: number): Pred {
    const op = CMP_OPS[opText];
    const ref = o.ref;
    const what = `${describeType(ref)} \`${o.name}\``;
    switch (ref.k) {
      case 'scalar': {
        if (c.k === 'list') this.fail(`cannot compare ${what} with a list`, pos);
        const cv = this.castTo(ref.type, c, what, pos);
        if (cv.k === 'str') return new StringCmpPred(ref.field, op, cv.v, nativeOrderSafe(cv.v));
        if (cv.k === 'bool') return new ScalarCmpPred(ref.field, ref.type, op, cv.v ? 1 : 0, undefined);
        if (cv.k === 'int') return new ScalarCmpPred(ref.field, ref.type, op, Number(cv.v), cv.v);
        return new ScalarCmpPred(ref.field, ref.type, op, cv.v as number, undefined);
      }
      case 'array': {
        if (op !== EQ && op !== NE)
          this.fail(`array field \`${o.name}\` can only be compared with == or !=`, pos);
        if (c.k !== 'list') this.fail(`array field \`${o.name}\` can only be compared with a list`, pos);
        const items = c.v.map((e) => this.castTo(ref.elem, e, `elements of ${what}`, pos));
        const f32 = ref.elem === DataType.Float;
        const eq = (v: unknown) => Array.isArray(v) && arrayEquals(v, items, f32);
        return new ValuePred(ref, op === EQ ? eq : (v) => !eq(v), false, 4);
      }
      case 'elem': {
        if (c.k === 'list') this.fail(`cannot compare ${what} with a list`, pos);
        const cv = this.castTo(ref.elem, c, what, pos);
        return new ValuePred(ref, elemCheck(ref.elem, op, cv), false, 3);
      }
      case 'json': {
        if (c.k === 'list' && op !== EQ && op !== NE)
          this.fail(`a list can only be compared with == or !=`, pos);
        let check: (v: unknown) => boolean;
        if (op === EQ) check = (v) => jsonEquals(v, c);
        else if (op === NE) check = (v) => !jsonEquals(v, c);
        else check = (v) => applyCmp(op, jsonCompare(v, c));
        // Milvus: a missing key or a different JSON type is "not equal".
        return new ValuePred(ref, check, op === NE, 6);
      }
      case 'arrlen': {
        if (c.k !== 'int')
          this.fail(
            `array_length is an Int64 and cannot be compared with ${constTypeName(c)} ${showConst(c)}`,
            pos,
          );
        const cv = c.v;
        return new ValuePred(ref, (v) => applyCmp(op, cmpNum(v as number, cv)), false, 3);
      }
    }
  }

  private compareArith(a: Extract<Operand, { t: 'arith' }>, opText: CompareOp, c: Const, pos: number): Pred {
    const op = CMP_OPS[opText];
    const resultType = arithType(a);
    if (!isNumConst(c) || (resultType === DataType.Int64 && c.k === 'float')) {
      this.fail(
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

  private compareColumns(
    l: Extract<Operand, { t: 'ref' | 'arith' }>,
    opText: CompareOp,
    r: Extract<Operand, { t: 'ref' | 'arith' }>,
    pos: number,
  ): Pred {
    if (l.t === 'arith' || r.t === 'arith') {
      this.fail('comparing an arithmetic result with another field is not supported', pos);
    }
    const lt = refType(l.ref);
    const rt = refType(r.ref);
    if (lt === DataType.JSON || rt === DataType.JSON)
      this.fail('two column comparison with JSON type is not supported', pos);
    if (l.ref.k === 'array' || r.ref.k === 'array' || l.ref.k === 'arrlen' || r.ref.k === 'arrlen') {
      this.fail('array fields cannot be compared with other fields', pos);
    }
    const kind =
      isNumeric(lt) && isNumeric(rt)
        ? 'num'
        : lt === rt && lt === DataType.VarChar
          ? 'str'
          : lt === rt && lt === DataType.Bool
            ? 'bool'
            : undefined;
    if (!kind) this.fail(`comparisons between ${typeName(lt)} and ${typeName(rt)} are not supported`, pos);
    return new ColumnCmpPred(
      l.ref,
      r.ref,
      CMP_OPS[opText],
      kind,
      lt === DataType.Float,
      rt === DataType.Float,
    );
  }

  // ---- other predicates ----------------------------------------------------------------------

  private logical(op: 'and' | 'or', operands: FilterAst[], pos: number): Operand {
    const preds: Pred[] = [];
    let decided: boolean | undefined;
    for (const a of operands) {
      const p = this.pred(a);
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

  private range(ast: Extract<FilterAst, { kind: 'range' }>): Pred {
    const target = this.reference(ast.target) as Extract<Operand, { t: 'ref' }>;
    const lo = this.operand(ast.lower);
    const hi = this.operand(ast.upper);
    if (lo.t !== 'const') this.fail('the lower bound of a range must be a constant', ast.lower.pos);
    if (hi.t !== 'const') this.fail('the upper bound of a range must be a constant', ast.upper.pos);
    const ref = target.ref;
    const what = `${describeType(ref)} \`${target.name}\``;
    if (ref.k === 'array')
      this.fail(`can not comparisons array fields directly: \`${target.name}\``, ast.pos);
    const t = ref.k === 'scalar' ? ref.type : ref.k === 'elem' ? ref.elem : DataType.JSON;
    if (t === DataType.Bool)
      this.fail(`invalid range operations on boolean field \`${target.name}\``, ast.pos);
    let l = lo.c;
    let h = hi.c;
    if (t === DataType.JSON) {
      const ok = (isNumConst(l) && isNumConst(h)) || (l.k === 'str' && h.k === 'str');
      if (!ok) this.fail(`range bounds on a JSON value must both be numbers or both be strings`, ast.pos);
    } else {
      l = this.castTo(t, l, what, ast.lower.pos);
      h = this.castTo(t, h, what, ast.upper.pos);
    }
    const c =
      l.k === 'str'
        ? cmpStr(l.v, (h as { v: string }).v)
        : cmpNum(l.v as number | bigint, h.v as number | bigint);
    if (ast.lowerInclusive && ast.upperInclusive ? c > 0 : c >= 0) {
      this.fail('invalid range: lowerbound is greater than upperbound', ast.pos);
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

  private inList(target: Operand, list: Operand, pos: number): Pred {
    if (target.t === 'const') this.fail("'in' can only be used on a field, not on a constant", pos);
    if (target.t !== 'ref') this.fail("'in' can only be used on a single field", pos);
    if (list.t !== 'const' || list.c.k !== 'list') {
      this.fail("the right-hand side of 'in' must be a list of constants", list.pos);
    }
    const items = list.c.v;
    const ref = target.ref;
    const what = `${describeType(ref)} \`${target.name}\``;
    if (items.length === 0) return new EmptyInPred(ref);
    switch (ref.k) {
      case 'scalar': {
        const cast = items.map((c) => this.castTo(ref.type, c, what, list.pos));
        const set = new Set<unknown>(
          cast.map((c) =>
            c.k === 'bool'
              ? c.v
                ? 1
                : 0
              : c.k === 'int'
                ? ref.type === DataType.Int64
                  ? c.v
                  : Number(c.v)
                : c.v,
          ),
        );
        return new ScalarInPred(ref.field, ref.type, set);
      }
      case 'elem': {
        const checks = items.map((c) => elemCheck(ref.elem, EQ, this.castTo(ref.elem, c, what, list.pos)));
        return new ValuePred(ref, (v) => checks.some((f) => f(v)), false, 4);
      }
      case 'json':
        return new ValuePred(ref, jsonInCheck(items), false, 6);
      case 'array': {
        const f32 = ref.elem === DataType.Float;
        const lists = items.map((c) => {
          if (c.k !== 'list')
            this.fail(`'in' on array field \`${target.name}\` needs a list of lists`, list.pos);
          return c.v.map((e) => this.castTo(ref.elem, e, `elements of ${what}`, list.pos));
        });
        return new ValuePred(
          ref,
          (v) => Array.isArray(v) && lists.some((l) => arrayEquals(v, l, f32)),
          false,
          6,
        );
      }
      case 'arrlen':
        return this.fail("'in' can only be used on a single field", pos);
    }
  }

  private like(target: Operand, pattern: Operand, pos: number): Pred {
    if (target.t !== 'ref') this.fail('like can only be applied to a field', pos);
    if (pattern.t !== 'const' || pattern.c.k !== 'str')
      this.fail('the pattern of like must be a string', pattern.pos);
    const ref = target.ref;
    const ok =
      (ref.k === 'scalar' && ref.type === DataType.VarChar) ||
      ref.k === 'json' ||
      (ref.k === 'elem' && ref.elem === DataType.VarChar);
    if (!ok) {
      this.fail(
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

  private isNull(target: Identifier | PathRef, negated: boolean, pos: number): Pred {
    const o = this.reference(target) as Extract<Operand, { t: 'ref' }>;
    const ref = o.ref;
    if (ref.k === 'elem') this.fail('`is null` cannot be applied to an array element', pos);
    if (ref.k === 'json' && ref.path.length > 0) {
      // Milvus: `j["a"] is null` means `not exists j["a"]`.
      const exists = new ValuePred(ref, () => true, false, 5);
      return negated ? exists : new NotPred(exists);
    }
    if (ref.k === 'json' && ref.dynamic) return new ConstPred(negated);
    return new NullPred(ref, negated);
  }

  private exists(o: Operand, pos: number): Pred {
    if (o.t !== 'ref') this.fail('exists operations are only supported on single fields', pos);
    if (o.ref.k !== 'json')
      this.fail(`exists operations are only supported on JSON fields, got ${describeType(o.ref)}`, pos);
    if (o.ref.path.length === 0) this.fail('exists operations are only supported on a JSON key', pos);
    return new ValuePred(o.ref, () => true, false, 5);
  }

  private call(ast: CallExpr): Operand {
    const name = ast.name;
    const arity = (n: number) => {
      if (ast.args.length !== n) {
        this.fail(`${name} expects ${n} argument${n === 1 ? '' : 's'}, got ${ast.args.length}`, ast.pos);
      }
      if (ast.options.length > 0 && name !== 'text_match') {
        this.fail(`${name} takes no options (got \`${ast.options[0]!.name}=\`)`, ast.options[0]!.pos);
      }
    };
    switch (name) {
      case 'array_contains':
      case 'json_contains':
      case 'array_contains_all':
      case 'json_contains_all':
      case 'array_contains_any':
      case 'json_contains_any': {
        arity(2);
        const mode = name.endsWith('_all') ? 'all' : name.endsWith('_any') ? 'any' : 'one';
        return { t: 'pred', p: this.contains(name, mode, ast.args[0]!, ast.args[1]!), pos: ast.pos };
      }
      case 'array_length': {
        arity(1);
        const arg = ast.args[0]!;
        const o = arg.kind === 'ident' || arg.kind === 'path' ? this.reference(arg) : undefined;
        if (o?.t !== 'ref' || (o.ref.k !== 'array' && o.ref.k !== 'json')) {
          return this.fail('array_length operation are only supported on json or array fields', arg.pos);
        }
        return { t: 'ref', ref: { k: 'arrlen', of: o.ref }, pos: ast.pos, name: `array_length(${o.name})` };
      }
      case 'text_match':
        return { t: 'pred', p: this.textMatch(ast), pos: ast.pos };
      default:
        if (UNSUPPORTED_FUNCTIONS.has(name)) return this.fail(`${name} is not supported`, ast.pos);
        return this.fail(`unknown function \`${name}\``, ast.pos);
    }
  }

  private contains(
    name: string,
    mode: 'one' | 'all' | 'any',
    fieldAst: FilterAst,
    valueAst: FilterAst,
  ): Pred {
    const f = this.operand(fieldAst);
    if (f.t !== 'ref' || (f.ref.k !== 'array' && f.ref.k !== 'json')) {
      return this.fail(`${name} is only supported on JSON or array fields`, fieldAst.pos);
    }
    const v = this.operand(valueAst);
    if (v.t !== 'const') return this.fail(`the second argument of ${name} must be a constant`, valueAst.pos);
    if (mode !== 'one' && v.c.k !== 'list')
      this.fail(`the second argument of ${name} must be a list`, valueAst.pos);
    const ref = f.ref;
    let elems: Const[] = mode === 'one' ? [v.c] : (v.c as { v: Const[] }).v;
    let has: (arr: readonly unknown[], c: Const) => boolean;
    if (ref.k === 'array') {
      const et = ref.elem;
      const what = `elements of ${describeType(ref)} \`${f.name}\``;
      if (mode === 'one') elems = [this.castTo(et, v.c, what, valueAst.pos)];
      else {
        elems = elems.map((c) => {
          // Like Milvus, _all/_any only need comparable types (a float may probe an int array).
          const comparable =
            (isNumeric(et) && isNumConst(c)) ||
            (et === DataType.VarChar && c.k === 'str') ||
            (et === DataType.Bool && c.k === 'bool');
          if (!comparable)
            this.fail(`${name} can't compare ${what} with ${constTypeName(c)} ${showConst(c)}`, valueAst.pos);
          return et === DataType.Float && isNumConst(c) ? { k: 'float', v: Math.fround(num(c)) } : c;
        });
      }
      const f32 = et === DataType.Float;
      has = (arr, c) => {
        for (let i = 0; i < arr.length; i++) {
          const e = arr[i];
          if (jsonEquals(f32 && typeof e === 'number' ? Math.fround(e) : e, c)) return true;
        }
        return false;
      };
    } else {
      has = (arr, c) => {
        for (let i = 0; i < arr.length; i++) if (jsonEquals(arr[i], c)) return true;
        return false;
      };
    }
    const cs = elems;
    let check: (x: unknown) => boolean;
    if (mode === 'all') check = (x) => Array.isArray(x) && cs.every((c) => has(x, c));
    else check = (x) => Array.isArray(x) && cs.some((c) => has(x, c));
    return new ValuePred(ref, check, false, ref.k === 'json' ? 8 : 5);
  }

  private textMatch(ast: CallExpr): Pred {
    if (ast.args.length !== 2) this.fail(`text_match expects 2 arguments, got ${ast.args.length}`, ast.pos);
    const fa = ast.args[0]!;
    if (fa.kind !== 'ident')
      return this.fail('the first argument of text_match must be a field name', fa.pos);
    const field = this.byName.get(fa.name);
    if (!field) return this.fail(`field \`${fa.name}\` does not exist in the collection schema`, fa.pos);
    if (field.data_type !== DataType.VarChar)
      this.fail('text match operation on non-string is unsupported', fa.pos);
    if (!field.enable_match) this.fail(`field "${fa.name}" does not enable match`, fa.pos);
    const q = this.operand(ast.args[1]!);
    if (q.t !== 'const' || q.c.k !== 'str')
      return this.fail('the query of text_match must be a string', ast.args[1]!.pos);
    for (const opt of ast.options) {
      if (opt.name !== 'minimum_should_match')
        this.fail(`unknown text_match option \`${opt.name}\``, opt.pos);
      const v = this.operand(opt.value);
      if (v.t !== 'const' || v.c.k !== 'int')
        this.fail('minimum_should_match should be a constant integer', opt.pos);
      if (v.c.v < 1n || v.c.v > 1000n)
        this.fail(`minimum_should_match should be between 1 and 1000, got ${v.c.v}`, opt.pos);
      if (v.c.v !== 1n) this.fail('minimum_should_match other than 1 is not supported', opt.pos);
    }
    this.fields.add(field.name);
    return new TextMatchPred(field.name, q.c.v);
  }
}

function refType(ref: Ref): DataType {
  switch (ref.k) {
    case 'scalar':
      return ref.type;
    case 'array':
      return DataType.Array;
    case 'elem':
      return ref.elem;
    case 'json':
      return DataType.JSON;
    case 'arrlen':
      return DataType.Int64;
  }
}

function describeType(ref: Ref): string {
  switch (ref.k) {
    case 'scalar':
      return `${typeName(ref.type)} field`;
    case 'array':
      return `Array<${typeName(ref.elem)}> field`;
    case 'elem':
      return `${typeName(ref.elem)} array element`;
    case 'json':
      return ref.path.length === 0 ? 'JSON field' : 'JSON value';
    case 'arrlen':
      return 'array length';
  }
}

/** Milvus's result type of field arithmetic: Int64 for integer fields (and JSON with int operands), else Double. */
function arithType(a: Extract<Operand, { t: 'arith' }>): DataType {
  if (a.domain === 'int') return DataType.Int64;
  if (a.domain === 'json') return a.steps.some((s) => s.c.k === 'float') ? DataType.Double : DataType.Int64;
  return DataType.Double;
}

/** Check of an array element (number/bigint/string/bool) against a constant cast to the element type. */
function elemCheck(t: DataType, op: CmpOp, c: Const): (v: unknown) => boolean {
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

function arrayEquals(v: readonly unknown[], items: Const[], f32: boolean): boolean {
  if (v.length !== items.length) return false;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (!jsonEquals(f32 && typeof e === 'number' ? Math.fround(e) : e, items[i]!)) return false;
  }
  return true;
}

/** `json in [...]` by JSON type: hashed strings and numbers, the rest compared one by one. */
function jsonInCheck(items: Const[]): (v: unknown) => boolean {
  const strs = new Set<string>();
  const nums = new Set<number>();
  const bigs: bigint[] = [];
  const others: Const[] = [];
  for (const c of items) {
    if (c.k === 'str') strs.add(c.v);
    else if (c.k === 'float') nums.add(c.v);
    else if (c.k === 'int') {
      if (c.v >= -(2n ** 53n) + 1n && c.v <= 2n ** 53n - 1n) nums.add(Number(c.v));
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
      if (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n) return nums.has(Number(v));
      for (const b of bigs) if (b === v) return true;
      return false;
    }
    for (const c of others) if (jsonEquals(v, c)) return true;
    return false;
  };
}

const SAFE = 2 ** 53;

/** Builds `value -> result` for an arithmetic chain, exact for integers (int64 wrap-around as in Go/C++). */
function arithEvaluator(a: Extract<Operand, { t: 'arith' }>): (v: unknown) => number | bigint | undefined {
  const steps = a.steps;
  const bigSteps = (x: bigint): bigint => {
    for (const s of steps) {
      const c = s.c.v as bigint;
      switch (s.op) {
        case '+':
          x = BigInt.asIntN(64, x + c);
          break;
        case '-':
          x = BigInt.asIntN(64, x - c);
          break;
        case 'r-':
          x = BigInt.asIntN(64, c - x);
          break;
        case '*':
          x = BigInt.asIntN(64, x * c);
          break;
        case '/':
          x = BigInt.asIntN(64, x / c);
          break;
        default:
          x = x % c;
      }
    }
    return x;
  };
  const numSteps = (x: number, f32: boolean): number => {
    for (const s of steps) {
      const c = f32 ? Math.fround(Number(s.c.v)) : Number(s.c.v);
      switch (s.op) {
        case '+':
          x = x + c;
          break;
        case '-':
          x = x - c;
          break;
        case 'r-':
          x = c - x;
          break;
        case '*':
          x = x * c;
          break;
        case '/':
          x = x / c;
          break;
        default:
          x = x % c;
      }
      if (f32) x = Math.fround(x);
    }
    return x;
  };
  // Integer chains stay in doubles when every intermediate is provably below 2^53.
  const intNumSteps = (x: number): number | undefined => {
    for (const s of steps) {
      const c = Number(s.c.v);
      switch (s.op) {
        case '+':
          x = x + c;
          break;
        case '-':
          x = x - c;
          break;
        case 'r-':
          x = c - x;
          break;
        case '*':
          x = x * c;
          break;
        case '/':
          x = Math.trunc(x / c);
          break;
        default:
          x = x % c;
      }
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
