/**
 * Filter compiler entry: parses, type-checks against the schema and builds a predicate tree.
 * `Compiler.operand` dispatches each AST node kind to the file that holds that idea:
 * names.ts (fields, JSON/ARRAY paths, templates), arithmetic.ts, comparisons.ts (incl. ranges),
 * membership.ts (in / like / is null / exists), functions.ts, logic.ts (and / or / not).
 */
import type { CollectionSchema, FieldSchema } from '../../schema/types.js';
import { Bitset } from '../../util/bitset.js';
import type { ArithOp, CompareOp, FilterAst } from '../ast.js';
import { filterError } from '../errors.js';
import { parseFilter } from '../parser.js';
import { ConstPred, type Env, fullMask, NotPred, type Pred } from '../preds.js';
import type { FilterParams, FilterSource } from '../types.js';
import type { Const } from '../values.js';
import { arith } from './arithmetic.js';
import { compare, range } from './comparisons.js';
import { call } from './functions.js';
import { asPred, logical, unary } from './logic.js';
import { exists, inList, isNull, like } from './membership.js';
import { reference, templateValue } from './names.js';
import { bool, CMP_OPS, type CompileContext, type Operand } from './operand.js';

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

class Compiler implements CompileContext {
  readonly fields = new Set<string>();
  private readonly byName = new Map<string, FieldSchema>();

  constructor(
    readonly expr: string,
    readonly schema: CollectionSchema,
    readonly params: FilterParams,
  ) {
    for (const f of schema.fields) this.byName.set(f.name, f);
  }

  field(name: string): FieldSchema | undefined {
    return this.byName.get(name);
  }

  fail(msg: string, pos: number): never {
    throw filterError(this.expr, msg, pos);
  }

  pred(ast: FilterAst): Pred {
    return asPred(this, this.operand(ast), ast);
  }

  operand(ast: FilterAst): Operand {
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
        return { t: 'const', c: templateValue(this, ast.name, ast.pos), pos: ast.pos };
      case 'ident':
      case 'path':
        return reference(this, ast);
      case 'unary':
        return unary(this, ast.op, this.operand(ast.operand), ast.pos);
      case 'binary':
        if (ast.op in CMP_OPS)
          return compare(
            this,
            ast.op as CompareOp,
            this.operand(ast.left),
            this.operand(ast.right),
            ast.opPos,
          );
        return arith(this, ast.op as ArithOp, this.operand(ast.left), this.operand(ast.right), ast.opPos);
      case 'logical':
        return logical(this, ast.op, ast.operands, ast.pos);
      case 'range':
        return { t: 'pred', p: range(this, ast), pos: ast.pos };
      case 'in': {
        const p = inList(this, this.operand(ast.target), this.operand(ast.list), ast.pos);
        if (p instanceof ConstPred)
          return { t: 'const', c: bool(ast.negated ? !p.value : p.value), pos: ast.pos };
        return { t: 'pred', p: ast.negated ? new NotPred(p) : p, pos: ast.pos };
      }
      case 'like':
        return {
          t: 'pred',
          p: like(this, this.operand(ast.target), this.operand(ast.pattern), ast.pos),
          pos: ast.pos,
        };
      case 'isNull':
        return { t: 'pred', p: isNull(this, ast.target, ast.negated, ast.pos), pos: ast.pos };
      case 'exists':
        return { t: 'pred', p: exists(this, this.operand(ast.target), ast.pos), pos: ast.pos };
      case 'call':
        return call(this, ast);
    }
  }
}
