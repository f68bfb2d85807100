import type { CompareOp, FilterAst, Identifier, LogicalExpr, PathRef } from './ast.js';
import { filterError } from './errors.js';
import { type Token, tokenize } from './lexer.js';

/**
 * Binding powers, following the alternative order of Milvus's Plan.g4 (earlier = tighter):
 * like > ** > unary (+ - not) > * / % > + - > shifts > in > relational/range > equality
 * > & > ^ > | > and > or. Note that `not` binds tighter than comparisons there, so
 * `not x > 1` means `(not x) > 1`; write `not (x > 1)`.
 */
const BP = {
  or: 1,
  and: 2,
  bitOr: 3,
  bitXor: 4,
  bitAnd: 5,
  equality: 6,
  relational: 7,
  in: 8,
  shift: 9,
  additive: 10,
  multiplicative: 11,
  unary: 12,
  power: 13,
  like: 14,
  exists: 15,
} as const;

/** Deeper trees are rejected: they are never useful and would risk the call stack. */
const MAX_DEPTH = 200;

const BITWISE = 'bitwise operators are not supported';

/** Parses a filter expression into a syntax tree (no schema involved). Throws `InvalidFilter`. */
export function parseFilter(expr: string): FilterAst {
  if (typeof expr !== 'string') throw filterError(String(expr), 'the expression must be a string', 0);
  return new Parser(expr).parseAll();
}

const heights = new WeakMap<object, number>();
const parenthesised = new WeakSet<object>();

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }

  parseAll(): FilterAst {
    if (this.peek().kind === 'eof') throw this.error('the expression is empty', 0);
    const e = this.expr(0);
    const t = this.peek();
    if (t.kind !== 'eof') throw this.error(`unexpected ${this.describe(t)}`, t.pos);
    return e;
  }

  private error(msg: string, pos: number): Error {
    return filterError(this.src, msg, pos);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  private isOp(t: Token, v: string): boolean {
    return t.kind === 'op' && t.value === v;
  }

  private isKw(t: Token, v: string): boolean {
    return t.kind === 'kw' && t.value === v;
  }

  private expect(v: string, what: string): Token {
    const t = this.peek();
    if (!this.isOp(t, v)) throw this.error(`expected ${what} but found ${this.describe(t)}`, t.pos);
    return this.next();
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the expression';
    const raw = this.src.slice(t.pos, t.end);
    return `\`${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}\``;
  }

  /** Records a node's height and rejects trees deeper than MAX_DEPTH. */
  private mk<T extends FilterAst>(node: T, ...children: FilterAst[]): T {
    let h = 0;
    for (const c of children) h = Math.max(h, heights.get(c) ?? 1);
    if (h + 1 > MAX_DEPTH)
      throw this.error(`the expression is nested too deeply (more than ${MAX_DEPTH} levels)`, node.pos);
    heights.set(node, h + 1);
    return node;
  }

  private expr(minBp: number): FilterAst {
    if (++this.depth > MAX_DEPTH) {
      throw this.error(
        `the expression is nested too deeply (more than ${MAX_DEPTH} levels)`,
        this.peek().pos,
      );
    }
    try {
      let left = this.prefix();
      for (;;) {
        const t = this.peek();
        const r = this.infix(left, t, minBp);
        if (r === undefined) break;
        left = r;
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  /** Applies one infix/postfix operator if its binding power allows; undefined to stop. */
  private infix(left: FilterAst, t: Token, minBp: number): FilterAst | undefined {
    if (t.kind === 'kw') {
      switch (t.value) {
        case 'or':
        case 'and': {
          const bp = t.value === 'or' ? BP.or : BP.and;
          if (bp < minBp) return undefined;
          this.next();
          const right = this.expr(bp + 1);
          return this.logical(t.value, left, right);
        }
        case 'in':
        case 'not': {
          if (BP.in < minBp) return undefined;
          if (t.value === 'not') {
            if (!this.isKw(this.peek(1), 'in')) return undefined;
            this.next();
          }
          this.next();
          const list = this.expr(BP.in + 1);
          return this.mk(
            { kind: 'in', negated: t.value === 'not', target: left, list, pos: left.pos },
            left,
            list,
          );
        }
        case 'like': {
          if (BP.like < minBp) return undefined;
          this.next();
          const pattern = this.expr(BP.like + 1);
          return this.mk({ kind: 'like', target: left, pattern, pos: left.pos }, left, pattern);
        }
        case 'isnull':
        case 'isnotnull':
          throw this.error('`is null` / `is not null` can only follow a field name or a JSON path', t.pos);
        default:
          return undefined;
      }
    }
    if (t.kind !== 'op') return undefined;
    switch (t.value) {
      case '**':
        return this.binary(left, t, BP.power, minBp);
      case '*':
      case '/':
      case '%':
        return this.binary(left, t, BP.multiplicative, minBp);
      case '+':
      case '-':
        return this.binary(left, t, BP.additive, minBp);
      case '==':
      case '!=':
        return this.binary(left, t, BP.equality, minBp);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.relational(left, t, minBp);
      case '<<':
      case '>>':
      case '&':
      case '|':
      case '^':
        throw this.error(BITWISE, t.pos);
      case '=~':
      case '!~':
        throw this.error('regular-expression match (`=~`, `!~`) is not supported; use `like`', t.pos);
      case '=':
        throw this.error('unexpected `=`; use `==` to compare', t.pos);
      default:
        return undefined;
    }
  }

  private binary(left: FilterAst, t: Token, bp: number, minBp: number): FilterAst | undefined {
    if (bp < minBp) return undefined;
    this.next();
    const right = this.expr(bp + 1);
    const op = t.value as '+' | '-' | '*' | '/' | '%' | '**' | CompareOp;
    return this.mk({ kind: 'binary', op, left, right, pos: left.pos, opPos: t.pos }, left, right);
  }

  /** `<`-family operators, including chained ranges `a < x <= b` and `b > x >= a`. */
  private relational(left: FilterAst, t: Token, minBp: number): FilterAst | undefined {
    if (BP.relational < minBp) return undefined;
    this.next();
    const op1 = t.value as '<' | '<=' | '>' | '>=';
    const mid = this.expr(BP.relational + 1);
    const t2 = this.peek();
    const ascending = op1 === '<' || op1 === '<=';
    const chained =
      t2.kind === 'op' &&
      (ascending ? t2.value === '<' || t2.value === '<=' : t2.value === '>' || t2.value === '>=');
    // Plan.g4's Range needs the middle operand to be a bare name or JSON path token.
    if (chained && (mid.kind === 'ident' || mid.kind === 'path') && !parenthesised.has(mid)) {
      this.next();
      const op2 = t2.value as '<' | '<=' | '>' | '>=';
      const other = this.expr(BP.relational + 1);
      const target = mid as Identifier | PathRef;
      const node = ascending
        ? {
            kind: 'range' as const,
            target,
            lower: left,
            upper: other,
            lowerInclusive: op1 === '<=',
            upperInclusive: op2 === '<=',
            pos: left.pos,
          }
        : {
            kind: 'range' as const,
            target,
            lower: other,
            upper: left,
            lowerInclusive: op2 === '>=',
            upperInclusive: op1 === '>=',
            pos: left.pos,
          };
      return this.mk(node, left, mid, other);
    }
    return this.mk({ kind: 'binary', op: op1, left, right: mid, pos: left.pos, opPos: t.pos }, left, mid);
  }

  private logical(op: 'and' | 'or', left: FilterAst, right: FilterAst): FilterAst {
    // Flatten chains: `a and b and c` is one node with three operands.
    const operands: FilterAst[] = [];
    for (const side of [left, right]) {
      if (side.kind === 'logical' && side.op === op && !parenthesised.has(side))
        operands.push(...side.operands);
      else operands.push(side);
    }
    const node: LogicalExpr = { kind: 'logical', op, operands, pos: left.pos };
    let h = 0;
    for (const c of operands) h = Math.max(h, heights.get(c) ?? 1);
    if (h + 1 > MAX_DEPTH)
      throw this.error(`the expression is nested too deeply (more than ${MAX_DEPTH} levels)`, left.pos);
    heights.set(node, h + 1);
    return node;
  }

  private prefix(): FilterAst {
    const t = this.next();
    switch (t.kind) {
      case 'int':
        return { kind: 'int', value: t.value, pos: t.pos };
      case 'float':
        return { kind: 'float', value: t.value, pos: t.pos };
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos };
      case 'ident':
        return this.identifier(t);
      case 'eof':
        throw this.error('unexpected end of the expression', t.pos);
      case 'kw':
        switch (t.value) {
          case 'true':
          case 'false':
            return { kind: 'bool', value: t.value === 'true', pos: t.pos };
          case 'not': {
            const operand = this.expr(BP.unary);
            return this.mk({ kind: 'unary', op: 'not', operand, pos: t.pos }, operand);
          }
          case 'exists': {
            const target = this.expr(BP.exists);
            return this.mk({ kind: 'exists', target, pos: t.pos }, target);
          }
          default:
            throw this.error(`unexpected ${this.describe(t)}`, t.pos);
        }
      case 'op':
        switch (t.value) {
          case '(': {
            const e = this.expr(0);
            this.expect(')', '`)`');
            parenthesised.add(e);
            return e;
          }
          case '[':
            return this.list(t);
          case '{': {
            const name = this.next();
            if (name.kind !== 'ident')
              throw this.error('expected a template parameter name after `{`', name.pos);
            this.expect('}', '`}` to close the template parameter');
            return { kind: 'template', name: name.value, pos: t.pos };
          }
          case '+':
          case '-': {
            const operand = this.expr(BP.unary);
            return this.mk({ kind: 'unary', op: t.value, operand, pos: t.pos }, operand);
          }
          case '~':
            throw this.error(BITWISE, t.pos);
          default:
            throw this.error(`unexpected ${this.describe(t)}`, t.pos);
        }
    }
  }

  private list(open: Token): FilterAst {
    const items: FilterAst[] = [];
    if (this.isOp(this.peek(), ']')) {
      this.next();
      return { kind: 'list', items, pos: open.pos };
    }
    for (;;) {
      items.push(this.expr(0));
      const t = this.peek();
      if (this.isOp(t, ',')) {
        this.next();
        // A trailing comma is allowed: `[1, 2,]`.
        if (this.isOp(this.peek(), ']')) {
          this.next();
          break;
        }
        continue;
      }
      if (this.isOp(t, ']')) {
        this.next();
        break;
      }
      throw this.error(`expected \`,\` or \`]\` in the list but found ${this.describe(t)}`, t.pos);
    }
    return this.mk({ kind: 'list', items, pos: open.pos }, ...items);
  }

  private identifier(t: Token & { kind: 'ident' }): FilterAst {
    const nxt = this.peek();
    if (this.isOp(nxt, '(') && t.value !== '$meta') return this.call(t);
    let node: Identifier | PathRef = { kind: 'ident', name: t.value, pos: t.pos };
    if (this.isOp(nxt, '[')) {
      const path: (string | number)[] = [];
      while (this.isOp(this.peek(), '[')) {
        this.next();
        const k = this.next();
        if (k.kind === 'string') {
          if (k.value === '') throw this.error('a JSON key cannot be empty', k.pos);
          path.push(k.value);
        } else if (k.kind === 'int' && /^(0|[1-9][0-9]*)$/.test(this.src.slice(k.pos, k.end))) {
          path.push(Number(k.value));
        } else {
          throw this.error(
            'a JSON key must be a quoted string and an array index a non-negative decimal integer',
            k.pos,
          );
        }
        this.expect(']', '`]`');
      }
      node = { kind: 'path', name: t.value, path, pos: t.pos };
    }
    const post = this.peek();
    if (this.isKw(post, 'isnull') || this.isKw(post, 'isnotnull')) {
      this.next();
      return { kind: 'isNull', negated: post.value === 'isnotnull', target: node, pos: t.pos };
    }
    return node;
  }

  private call(name: Token & { kind: 'ident' }): FilterAst {
    this.expect('(', '`(`');
    const args: FilterAst[] = [];
    const options: { name: string; value: FilterAst; pos: number }[] = [];
    if (this.isOp(this.peek(), ')')) {
      this.next();
    } else {
      for (;;) {
        const a = this.peek();
        if (a.kind === 'ident' && this.isOp(this.peek(1), '=')) {
          // `name = value` options, as in text_match(..., minimum_should_match=2).
          this.next();
          this.next();
          options.push({ name: a.value.toLowerCase(), value: this.expr(0), pos: a.pos });
        } else {
          if (options.length > 0) throw this.error('positional arguments must come before options', a.pos);
          args.push(this.expr(0));
        }
        const t = this.peek();
        if (this.isOp(t, ',')) {
          this.next();
          if (this.isOp(this.peek(), ')')) {
            this.next();
            break;
          }
          continue;
        }
        if (this.isOp(t, ')')) {
          this.next();
          break;
        }
        throw this.error(
          `expected \`,\` or \`)\` in the call to ${name.value} but found ${this.describe(t)}`,
          t.pos,
        );
      }
    }
    return this.mk(
      { kind: 'call', name: name.value.toLowerCase(), args, options, pos: name.pos },
      ...args,
      ...options.map((o) => o.value),
    );
  }
}
