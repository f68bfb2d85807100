import { describe, expect, it } from 'vitest';
import {
  FILTER_EXPRESSIONS,
  FILTER_FIELDS,
  generateFilterRows,
} from '../../../tests/milvus/fixtures/filter-expressions.js';
import { compileFilter, type FilterAst, parseFilter } from '../src/filter/index.js';
import { DataType, type FieldSchema } from '../src/schema/types.js';
import { Bitset } from '../src/util/bitset.js';
import { MemorySource, makeSchema, tokens } from './filter.helpers.js';

const schema = makeSchema(FILTER_FIELDS, true);
const rows = generateFilterRows();
const source = new MemorySource(schema, rows);
const fieldByName = new Map(schema.fields.map((f) => [f.name, f]));

// ---- a deliberately naive reference evaluator --------------------------------------------------
// One row at a time, straight from the syntax tree, with Milvus's rules written out plainly:
// null scalars make a comparison false and "invalid"; JSON values compare by JSON type; a JSON
// `!=` on a missing or differently-typed value is true; `not` is false on invalid rows.

const MISSING = Symbol('missing');
const NULL = Symbol('null');
type Kind =
  | { k: 'const' }
  | { k: 'scalar'; t: DataType }
  | { k: 'json' }
  | { k: 'elem'; t: DataType }
  | { k: 'array'; t: DataType };
interface Val {
  v: unknown;
  kind: Kind;
}
interface Res {
  v: boolean;
  valid: boolean;
}

type Row = Record<string, unknown>;
type Params = Record<string, unknown> | undefined;

const isNum = (x: unknown): x is number | bigint => typeof x === 'number' || typeof x === 'bigint';
function numCmp(a: number | bigint, b: number | bigint): number {
  // Exact comparison via decimal-free bigint scaling is overkill here; split by integrality.
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const fa = Number(a);
  const fb = Number(b);
  if (typeof a === 'bigint' && Number.isInteger(fb)) return numCmp(a, BigInt(fb));
  if (typeof b === 'bigint' && Number.isInteger(fa)) return numCmp(BigInt(fa), b);
  return fa < fb ? -1 : fa > fb ? 1 : fa === fb ? 0 : Number.NaN;
}
function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}
function strCmp(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}
/** Typed equality of plain values (numbers across int/float, arrays deep). */
function eq(a: unknown, b: unknown): boolean {
  if (isNum(a) && isNum(b)) return numCmp(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]));
  return typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean') && a === b;
}
function order(a: unknown, b: unknown): number {
  if (isNum(a) && isNum(b)) return numCmp(a, b);
  if (typeof a === 'string' && typeof b === 'string') return strCmp(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return Number.NaN;
}
function opCmp(op: string, c: number): boolean {
  if (Number.isNaN(c)) return op === '!=';
  return op === '=='
    ? c === 0
    : op === '!='
      ? c !== 0
      : op === '<'
        ? c < 0
        : op === '<='
          ? c <= 0
          : op === '>'
            ? c > 0
            : c >= 0;
}

function lookup(root: unknown, path: (string | number)[]): unknown {
  let cur = root;
  for (const p of path) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!Number.isInteger(i) || i < 0 || String(i) !== String(p) || i >= cur.length) return MISSING;
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, String(p))) {
      cur = (cur as Row)[String(p)];
    } else return MISSING;
  }
  return cur === null ? MISSING : cur;
}

function ref(node: FilterAst & { kind: 'ident' | 'path' }, row: Row): Val {
  const path = node.kind === 'path' ? node.path : [];
  const f = fieldByName.get(node.name);
  if (!f) {
    const dyn: Row = {};
    for (const [k, v] of Object.entries(row)) if (!fieldByName.has(k)) dyn[k] = v;
    const full = node.name === '$meta' ? path : [node.name, ...path];
    return { v: lookup(dyn, full), kind: { k: 'json' } };
  }
  const raw = row[f.name];
  if (f.data_type === DataType.JSON) return { v: lookup(raw, path), kind: { k: 'json' } };
  if (f.data_type === DataType.Array) {
    const et = f.element_type!;
    if (raw === null || raw === undefined) return { v: NULL, kind: { k: 'array', t: et } };
    if (path.length === 0) return { v: raw, kind: { k: 'array', t: et } };
    const arr = raw as unknown[];
    const i = path[0] as number;
    return { v: i < arr.length ? arr[i] : MISSING, kind: { k: 'elem', t: et } };
  }
  return { v: raw === null || raw === undefined ? NULL : raw, kind: { k: 'scalar', t: f.data_type } };
}

const f32 = (k: Kind, x: unknown) =>
  (k.k === 'scalar' || k.k === 'elem') && k.t === DataType.Float && typeof x === 'number'
    ? Math.fround(x)
    : x;

function constOf(node: FilterAst, row: Row, params: Params): unknown {
  const v = value(node, row, params);
  if (v.kind.k !== 'const') throw new Error('reference: expected a constant');
  return v.v;
}

function arith(op: string, a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return BigInt.asIntN(64, a + b);
      case '-':
        return BigInt.asIntN(64, a - b);
      case '*':
        return BigInt.asIntN(64, a * b);
      case '/':
        return BigInt.asIntN(64, a / b);
      case '%':
        return a % b;
      default:
        return Number(a) ** Number(b);
    }
  }
  const x = Number(a);
  const y = Number(b);
  return op === '+'
    ? x + y
    : op === '-'
      ? x - y
      : op === '*'
        ? x * y
        : op === '/'
          ? x / y
          : op === '%'
            ? x % y
            : x ** y;
}

function value(node: FilterAst, row: Row, params: Params): Val {
  const c = (v: unknown): Val => ({ v, kind: { k: 'const' } });
  switch (node.kind) {
    case 'int':
    case 'float':
    case 'string':
    case 'bool':
      return c(node.value);
    case 'list':
      return c(node.items.map((i) => constOf(i, row, params)));
    case 'template': {
      const p = params![node.name];
      const conv = (x: unknown): unknown =>
        Array.isArray(x) ? x.map(conv) : typeof x === 'number' && Number.isInteger(x) ? BigInt(x) : x;
      return c(conv(p));
    }
    case 'ident':
    case 'path':
      return ref(node, row);
    case 'unary': {
      const o = value(node.operand, row, params);
      if (node.op === '-') return c(typeof o.v === 'bigint' ? -o.v : -(o.v as number));
      return o;
    }
    case 'binary': {
      if (['==', '!=', '<', '<=', '>', '>='].includes(node.op))
        throw new Error('reference: comparison as value');
      const l = value(node.left, row, params);
      const r = value(node.right, row, params);
      if (l.kind.k === 'const' && r.kind.k === 'const') return c(arith(node.op, l.v, r.v));
      // field op const (or const op field for + and *).
      const [col, k, colLeft] = l.kind.k === 'const' ? [r, l.v, false] : [l, r.v, true];
      if (col.v === NULL || col.v === MISSING || !isNum(col.v))
        return { v: col.v === NULL ? NULL : MISSING, kind: col.kind };
      const t = col.kind.k === 'scalar' || col.kind.k === 'elem' ? col.kind.t : undefined;
      const x = col.v as number | bigint;
      let out: unknown;
      if (t === DataType.Float) {
        const a = Math.fround(Number(x));
        const y = Math.fround(Number(k));
        out = Math.fround(arith(node.op, colLeft ? a : y, colLeft ? y : a) as number);
      } else if (t === DataType.Double) {
        out = arith(node.op, colLeft ? Number(x) : Number(k), colLeft ? Number(k) : Number(x));
      } else if (typeof k === 'bigint' && (typeof x === 'bigint' || Number.isInteger(x))) {
        out = arith(node.op, colLeft ? BigInt(x) : k, colLeft ? k : BigInt(x));
      } else {
        out = arith(node.op, colLeft ? Number(x) : Number(k), colLeft ? Number(k) : Number(x));
      }
      return { v: out, kind: col.kind.k === 'json' ? { k: 'json' } : { k: 'elem', t: DataType.Double } };
    }
    case 'call': {
      if (node.name !== 'array_length') throw new Error(`reference: ${node.name} as value`);
      const a = value(node.args[0]!, row, params);
      if (a.v === NULL) return { v: NULL, kind: { k: 'scalar', t: DataType.Int64 } };
      return { v: Array.isArray(a.v) ? BigInt(a.v.length) : MISSING, kind: { k: 'elem', t: DataType.Int64 } };
    }
    default:
      throw new Error(`reference: ${node.kind} as value`);
  }
}

function compare(op: string, l: Val, r: Val): Res {
  if (l.kind.k === 'const' && r.kind.k !== 'const')
    return compare({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' }[op] ?? op, r, l);
  if (l.v === NULL || r.v === NULL) return { v: false, valid: false };
  const json = l.kind.k === 'json';
  if (l.v === MISSING || r.v === MISSING) return { v: json && op === '!=', valid: true };
  let a = f32(l.kind, l.v);
  let b = r.v;
  if (l.kind.k !== 'const' && r.kind.k === 'const') b = f32(l.kind, b);
  else b = f32(r.kind, b);
  if (json && (op === '==' || op === '!=')) {
    const e = eq(a, b);
    return { v: op === '==' ? e : !e, valid: true };
  }
  if (l.kind.k === 'array') {
    const e = eq(a, b);
    return { v: op === '==' ? e : !e, valid: true };
  }
  if (typeof a === 'boolean' && typeof b === 'boolean' && !json) {
    a = Number(a);
    b = Number(b);
  }
  return { v: opCmp(op, order(a, b)), valid: true };
}

function likeRegex(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\' && ['%', '_', '\\'].includes(p[i + 1] ?? ''))
      re += p[++i]!.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su');
}

function pred(node: FilterAst, row: Row, params: Params): Res {
  const T = (v: boolean): Res => ({ v, valid: true });
  switch (node.kind) {
    case 'bool':
      return T(node.value);
    case 'logical': {
      const rs = node.operands.map((o) => pred(o, row, params));
      const v = node.op === 'and' ? rs.every((x) => x.v) : rs.some((x) => x.v);
      return { v, valid: rs.some((x) => x.valid) };
    }
    case 'unary': {
      const r = pred(node.operand, row, params);
      return { v: !r.v && r.valid, valid: r.valid };
    }
    case 'binary': {
      const l = value(node.left, row, params);
      const r = value(node.right, row, params);
      if (l.kind.k === 'const' && r.kind.k === 'const') return T(opCmp(node.op, order(l.v, r.v)));
      return compare(node.op, l, r);
    }
    case 'range': {
      const t = value(node.target, row, params);
      const a = compare(node.lowerInclusive ? '>=' : '>', t, value(node.lower, row, params));
      const b = compare(node.upperInclusive ? '<=' : '<', t, value(node.upper, row, params));
      return { v: a.v && b.v, valid: a.valid };
    }
    case 'in': {
      const t = value(node.target, row, params);
      const list = constOf(node.list, row, params) as unknown[];
      if (t.v === NULL) return { v: false, valid: false };
      const hit = t.v !== MISSING && list.some((x) => eq(f32(t.kind, t.v), f32(t.kind, x)));
      return T(node.negated ? !hit : hit);
    }
    case 'like': {
      const t = value(node.target, row, params);
      if (t.v === NULL) return { v: false, valid: false };
      return T(typeof t.v === 'string' && likeRegex(constOf(node.pattern, row, params) as string).test(t.v));
    }
    case 'isNull': {
      const t = ref(node.target, row);
      const isNull = t.v === NULL || t.v === MISSING;
      return T(node.negated ? !isNull : isNull);
    }
    case 'exists': {
      const t = value(node.target, row, params);
      return T(t.v !== MISSING && t.v !== NULL);
    }
    case 'call': {
      if (node.name === 'text_match') {
        const s = row[(node.args[0] as { name: string }).name];
        const q = new Set(tokens(constOf(node.args[1]!, row, params) as string));
        return T(typeof s === 'string' && tokens(s).some((w) => q.has(w)));
      }
      const t = value(node.args[0]!, row, params);
      if (t.v === NULL) return { v: false, valid: false };
      const arg = constOf(node.args[1]!, row, params);
      if (!Array.isArray(t.v)) return T(false);
      const arr = t.v.map((x) => f32(t.kind.k === 'array' ? { k: 'elem', t: t.kind.t } : t.kind, x));
      const has = (x: unknown) => arr.some((e) => eq(e, x));
      if (node.name.endsWith('_all')) return T((arg as unknown[]).every(has));
      if (node.name.endsWith('_any')) return T((arg as unknown[]).some(has));
      return T(has(arg));
    }
    default:
      throw new Error(`reference: ${node.kind} as predicate`);
  }
}

function reference(expr: string, params: Params): number[] {
  const ast = parseFilter(expr);
  const out: number[] = [];
  rows.forEach((row, i) => {
    if (pred(ast, row as Row, params).v) out.push(i);
  });
  return out;
}

// ---- tests -------------------------------------------------------------------------------------

describe('filter fixtures (tests/milvus/fixtures/filter-expressions.ts)', () => {
  it('has enough expressions and a schema with the documented fields', () => {
    expect(FILTER_EXPRESSIONS.length).toBeGreaterThanOrEqual(220);
    expect(new Set(FILTER_EXPRESSIONS.map((x) => x.expr)).size).toBe(FILTER_EXPRESSIONS.length);
    expect(rows.length).toBe(300);
    expect(schema.fields.find((f: FieldSchema) => f.name === 'n_i32')?.nullable).toBe(true);
  });

  it('compiles and evaluates every expression, matching the naive reference', () => {
    let nonTrivial = 0;
    const failures: string[] = [];
    for (const { expr, params } of FILTER_EXPRESSIONS) {
      const compiled = compileFilter(expr, schema, params);
      const got = Array.from(compiled.evaluate(source).toArray());
      const p = compiled.predicate(source);
      const viaPredicate = rows.map((_, i) => i).filter(p);
      const cand = new Bitset(rows.length);
      for (let i = 0; i < rows.length; i += 3) cand.set(i);
      const viaCandidates = Array.from(compiled.evaluate(source, cand).toArray());
      const want = reference(expr, params);
      if (JSON.stringify(got) !== JSON.stringify(want))
        failures.push(`${expr}: got ${got.length} rows, reference ${want.length}`);
      if (JSON.stringify(viaPredicate) !== JSON.stringify(got))
        failures.push(`${expr}: predicate() disagrees`);
      if (JSON.stringify(viaCandidates) !== JSON.stringify(got.filter((i) => i % 3 === 0))) {
        failures.push(`${expr}: candidates disagree`);
      }
      if (got.length > 0 && got.length < rows.length) nonTrivial++;
    }
    console.log(`${FILTER_EXPRESSIONS.length} fixture expressions, ${nonTrivial} with a non-trivial result`);
    expect(failures).toEqual([]);
  });
});
