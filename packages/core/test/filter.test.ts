import { describe, expect, it } from 'vitest';
import { ElanusError } from '../src/errors/index.js';
import { compileFilter, compileLike, type FilterAst, parseFilter } from '../src/filter/index.js';
import type { FilterParams } from '../src/filter/types.js';
import { Bitset } from '../src/util/bitset.js';
import { MemorySource, makeSchema } from './filter.helpers.js';

const schema = makeSchema(
  [
    { name: 'id', data_type: 'Int64', is_primary_key: true },
    { name: 'b', data_type: 'Bool' },
    { name: 'i8', data_type: 'Int8' },
    { name: 'i32', data_type: 'Int32' },
    { name: 'i64', data_type: 'Int64' },
    { name: 'f', data_type: 'Float' },
    { name: 'd', data_type: 'Double' },
    { name: 's', data_type: 'VarChar', max_length: 64, enable_analyzer: true, enable_match: true },
    { name: 'j', data_type: 'JSON' },
    { name: 'arr_i', data_type: 'Array', element_type: 'Int64', max_capacity: 8 },
    { name: 'arr_s', data_type: 'Array', element_type: 'VarChar', max_capacity: 8, max_length: 16 },
    { name: 'arr_f', data_type: 'Array', element_type: 'Float', max_capacity: 8 },
    { name: 'n', data_type: 'Int32', nullable: true },
    { name: 'ns', data_type: 'VarChar', max_length: 16, nullable: true },
    { name: 'nj', data_type: 'JSON', nullable: true },
    { name: 'vec', data_type: 'FloatVector', dim: 2 },
  ],
  true,
);

const BIG = 9007199254740993n; // 2^53 + 1: not representable as a double
const rows: Record<string, unknown>[] = [
  {
    id: 0n,
    b: true,
    i8: -5,
    i32: 10,
    i64: BIG,
    f: 0.5,
    d: 1.25,
    s: 'apple',
    j: { a: 1, b: 'x', arr: [1, 2, 3], o: { p: 1 }, big: 2 ** 53 },
    arr_i: [1n, 2n, 3n],
    arr_s: ['a', 'b'],
    arr_f: [0.1, 0.5],
    n: 5,
    ns: 'p',
    nj: { k: 1 },
    vec: [0, 0],
    color: 'red',
    score: 10,
  },
  {
    id: 1n,
    b: false,
    i8: 0,
    i32: 20,
    i64: -3n,
    f: 0.1,
    d: 2.5,
    s: 'banana',
    j: { a: 2.5, b: 'y', arr: [4], flag: true },
    arr_i: [],
    arr_s: ['c'],
    arr_f: [],
    n: null,
    ns: null,
    nj: null,
    vec: [0, 0],
    color: 'blue',
    score: 3.5,
  },
  {
    id: 2n,
    b: true,
    i8: 7,
    i32: -1,
    i64: 2n ** 62n,
    f: 3,
    d: -1,
    s: 'Apple pie',
    j: { a: '1', arr: 'notarr', o: { p: 'q' } },
    arr_i: [5n],
    arr_s: [],
    arr_f: [2],
    n: 0,
    ns: 'q',
    nj: { k: 2 },
    vec: [0, 0],
    score: 'high',
  },
  {
    id: 3n,
    b: false,
    i8: 127,
    i32: 30,
    i64: 0n,
    f: -2.5,
    d: 0,
    s: '',
    j: {},
    arr_i: [1n, 1n],
    arr_s: ['x_y', '100%'],
    arr_f: [0.5],
    n: 7,
    ns: '',
    nj: {},
    vec: [0, 0],
    tags: ['a', 'b'],
  },
  {
    id: 4n,
    b: true,
    i8: -128,
    i32: 15,
    i64: -(2n ** 63n),
    f: 1e30,
    d: Number.NaN,
    s: 'café 😀 smile',
    j: { a: null, b: ['x', 'y'], arr: [[1, 2], 3] },
    arr_i: [7n, 8n, 9n],
    arr_s: ['a'],
    arr_f: [1.5, 2.5],
    n: -5,
    ns: 'p',
    nj: { k: null },
    vec: [0, 0],
    color: 'red',
    score: 7,
    tags: ['c'],
  },
];
const src = new MemorySource(schema, rows);

function ids(expr: string, params?: FilterParams): number[] {
  const c = compileFilter(expr, schema, params);
  const bits = c.evaluate(src);
  const out = Array.from(bits.toArray());
  // The row-at-a-time form and candidate-restricted evaluation must agree with the bitset.
  const p = c.predicate(src);
  expect(rows.map((_, i) => i).filter(p), `predicate of ${expr}`).toEqual(out);
  const cand = new Bitset(rows.length);
  for (let i = 0; i < rows.length; i += 2) cand.set(i);
  expect(Array.from(c.evaluate(src, cand).toArray()), `candidates of ${expr}`).toEqual(
    out.filter((i) => i % 2 === 0),
  );
  return out;
}

/** An `InvalidFilter` error whose reason matches `reason` (the reason is what these tests check). */
const invalidFilter = (reason: RegExp) =>
  expect.objectContaining({ code: 'InvalidFilter', message: expect.stringMatching(reason) });

function err(expr: string, params?: FilterParams): ElanusError {
  try {
    compileFilter(expr, schema, params);
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    const ee = e as ElanusError;
    expect(ee.code).toBe('InvalidFilter');
    expect(ee.message.startsWith(`cannot parse expression: \``)).toBe(true);
    expect(typeof ee.details?.column).toBe('number');
    return ee;
  }
  throw new Error(`expected ${expr} to be rejected`);
}

describe('parseFilter', () => {
  const lit = (e: string) => {
    const a = parseFilter(e) as FilterAst & { value?: unknown };
    return a.value;
  };
  it('reads integer literals in every base as bigint', () => {
    expect(lit('42')).toBe(42n);
    expect(lit('0x1F')).toBe(31n);
    expect(lit('0X1f')).toBe(31n);
    expect(lit('017')).toBe(15n);
    expect(lit('0o17')).toBe(15n);
    expect(lit('0b101')).toBe(5n);
    expect(lit('0')).toBe(0n);
    expect(lit('9223372036854775807')).toBe(2n ** 63n - 1n);
  });
  it('reads floats with exponents', () => {
    expect(lit('1.5')).toBe(1.5);
    expect(lit('.5')).toBe(0.5);
    expect(lit('1.')).toBe(1);
    expect(lit('1e3')).toBe(1000);
    expect(lit('2.5E-1')).toBe(0.25);
    expect(lit('0x1.8p1')).toBe(3);
  });
  it('reads strings with escapes and both quotes', () => {
    expect(lit(`"a\\"b"`)).toBe('a"b');
    expect(lit(`'it\\'s'`)).toBe("it's");
    expect(lit(`'say "hi"'`)).toBe('say "hi"');
    expect(lit(`"tab\\tnl\\n"`)).toBe('tab\tnl\n');
    expect(lit(`"\\x41\\101\\u00e9\\U0001F600"`)).toBe('AAé😀');
    expect(lit(`"\\xe4\\xb8\\xad"`)).toBe('中');
    expect(lit(`r"a\\b"`)).toBe('a\\b');
    expect(lit(`"日本"`)).toBe('日本');
  });
  it('reads booleans in the spellings Plan.g4 allows', () => {
    for (const t of ['true', 'True', 'TRUE']) expect(lit(t)).toBe(true);
    for (const t of ['false', 'False', 'FALSE']) expect(lit(t)).toBe(false);
    expect(parseFilter('tRUE').kind).toBe('ident');
  });
  it('follows Plan.g4 precedence', () => {
    const a = parseFilter('a + b * 2 == 3 and c or d') as FilterAst & { kind: 'logical' };
    expect(a.kind).toBe('logical');
    expect(a.op).toBe('or');
    const and = a.operands[0] as FilterAst & { kind: 'logical' };
    expect(and.op).toBe('and');
    const eq = and.operands[0] as FilterAst & { kind: 'binary' };
    expect(eq.op).toBe('==');
    const add = eq.left as FilterAst & { kind: 'binary' };
    expect(add.op).toBe('+');
    expect((add.right as FilterAst & { kind: 'binary' }).op).toBe('*');
    // `not` binds tighter than comparisons, as in Plan.g4.
    const n = parseFilter('not x > 1') as FilterAst & { kind: 'binary' };
    expect(n.kind).toBe('binary');
    expect(n.left.kind).toBe('unary');
    // like binds tighter than not.
    const l = parseFilter('not s like "a%"') as FilterAst & { kind: 'unary' };
    expect(l.operand.kind).toBe('like');
    // ** is left-associative and tighter than unary minus.
    const p = parseFilter('-2 ** 2') as FilterAst & { kind: 'unary' };
    expect(p.kind).toBe('unary');
  });
  it('parses chained ranges in both directions', () => {
    const r = parseFilter('1 < x <= 5') as FilterAst & { kind: 'range' };
    expect(r).toMatchObject({ kind: 'range', lowerInclusive: false, upperInclusive: true });
    const rr = parseFilter('5 >= x > 1') as FilterAst & { kind: 'range' };
    expect(rr).toMatchObject({ kind: 'range', lowerInclusive: false, upperInclusive: true });
    expect((rr.lower as { value: bigint }).value).toBe(1n);
    expect(parseFilter('1 < (x) < 5').kind).toBe('binary');
  });
  it('parses JSON paths, templates, lists, calls and null checks', () => {
    expect(parseFilter('meta["a"][0]["b"]')).toMatchObject({
      kind: 'path',
      name: 'meta',
      path: ['a', 0, 'b'],
    });
    expect(parseFilter(`$meta['k']`)).toMatchObject({ kind: 'path', name: '$meta', path: ['k'] });
    expect(parseFilter('x in {ids}')).toMatchObject({ kind: 'in', list: { kind: 'template', name: 'ids' } });
    expect(parseFilter('x not in [1, 2,]')).toMatchObject({ kind: 'in', negated: true });
    expect(parseFilter('ARRAY_CONTAINS(a, 1)')).toMatchObject({ kind: 'call', name: 'array_contains' });
    expect(parseFilter('x is null')).toMatchObject({ kind: 'isNull', negated: false });
    expect(parseFilter('x IS NOT NULL')).toMatchObject({ kind: 'isNull', negated: true });
    expect(parseFilter('exists m["k"]')).toMatchObject({ kind: 'exists' });
    expect(parseFilter('a && b || !c')).toMatchObject({ kind: 'logical', op: 'or' });
  });
  it('flattens long and/or chains so they do not nest', () => {
    const e = Array.from({ length: 5000 }, (_, i) => `x == ${i}`).join(' or ');
    const a = parseFilter(e) as FilterAst & { kind: 'logical' };
    expect(a.operands.length).toBe(5000);
  });
});

describe('errors', () => {
  it('rejects bitwise operators with the column of the operator', () => {
    let e: unknown;
    try {
      parseFilter('year >> 2');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).message).toBe(
      'cannot parse expression: `year >> 2`, bitwise operators are not supported (column 6)',
    );
    expect((e as ElanusError).details).toEqual({ column: 6 });
    expect(err('i32 & 1 == 0').message).toContain('bitwise operators are not supported (column 5)');
    expect(err('i32 | 1 == 0').message).toContain('bitwise');
    expect(err('i32 ^ 1 == 0').message).toContain('bitwise');
    expect(err('~i32 == 0').message).toContain('bitwise operators are not supported (column 1)');
    expect(err('i32 << 1 == 0').message).toContain('bitwise');
  });
  it('reports syntax errors precisely', () => {
    expect(err('i32 > ').message).toContain('unexpected end of the expression (column 7)');
    expect(err('i32 > 1 1').message).toContain('unexpected `1` (column 9)');
    expect(err('s == "abc').message).toContain('unterminated string literal (column 6)');
    expect(err('i32 = 1').message).toContain('use `==`');
    expect(err('s == "a\\%"').message).toContain('invalid escape sequence');
    expect(err('i32 > 08').message).toContain('invalid octal literal 08');
    expect(err('i32 > 9223372036854775808').message).toContain('out of the int64 range');
    expect(err('i32 in [1, 2').message).toContain('expected `,` or `]`');
    expect(err('(i32 > 1').message).toContain('expected `)`');
  });
  it('rejects absurdly deep nesting instead of overflowing the stack', () => {
    expect(err(`${'('.repeat(5000)}i32 > 1${')'.repeat(5000)}`).message).toContain('nested too deeply');
    expect(err(`${'not '.repeat(5000)}(i32 > 1)`).message).toContain('nested too deeply');
    expect(err(`i32 ${'+ 1 '.repeat(5000)}== 3`).message).toContain('nested too deeply');
  });
  it('type-checks against the schema', () => {
    expect(err('s > 5').message).toContain('cannot compare VarChar field `s` with Int64 value 5');
    expect(err('b + 1 == 2').message).toContain("'add' cannot perform arithmetic");
    expect(err('b + 1 == 2').message).toContain('Bool');
    expect(err('i32 > 1.5').message).toContain('an integer value is required');
    expect(err('i32 + 1.5 == 3').message).toContain('between Int32 field and Double');
    expect(err('f % 2 == 0').message).toContain('modulo can only apply on integer types');
    expect(err('i32 / 0 == 1').message).toContain('division or modulus by zero');
    expect(err('i32 + i64 == 1').message).toContain('arithmetic between two fields');
    expect(err('i32 ** 2 == 4').message).toContain('`**` can only be applied to constants');
    expect(err('b == 1').message).toContain('cannot compare Bool field');
    expect(err('j == j').message).toContain('JSON');
    expect(err('s == i32').message).toContain('comparisons between VarChar and Int32 are not supported');
    expect(err('vec == 1').message).toContain('vector field');
    expect(err('arr_i > 1').message).toContain('array field');
    expect(err('arr_i[0] == 1.5').message).toContain('integer');
    expect(err('arr_i["k"] == 1').message).toContain('integer index');
    expect(err('s["k"] == 1').message).toContain('cannot be accessed with []');
    expect(err('i32').message).toContain('predicate is not a boolean expression');
    expect(err('1 + 2').message).toContain('predicate is not a boolean expression');
    expect(err('not i32 > 1').message).toContain('write `not (a > 1)`');
    expect(err('(i32 > 1) == true').message).toContain('cannot compare a boolean expression');
    expect(err('1 < i32 < 0').message).toContain('lowerbound is greater than upperbound');
    expect(err('1 < b < 2').message).toContain('boolean');
    expect(err('i32 in [1, "a"]').message).toContain('cannot compare Int32 field');
    expect(err('i32 in 5').message).toContain('must be a list');
    expect(err('1 in [1]').message).toContain("'in' can only be used on a field");
    expect(err('i32 like "a%"').message).toContain('like operation on Int32 field');
    expect(err('s like 5').message).toContain('pattern of like must be a string');
    expect(err('exists i32').message).toContain('JSON');
    expect(err('exists j').message).toContain('JSON key');
    expect(err('array_contains(s, 1)').message).toContain('JSON or array fields');
    expect(err('array_contains(arr_i)').message).toContain('array_contains expects 2 arguments, got 1');
    expect(err('array_contains_all(arr_i, 1)').message).toContain('must be a list');
    expect(err('array_contains(arr_i, "a")').message).toContain('cannot compare elements');
    expect(err('array_contains_any(arr_s, [1])').message).toContain("can't compare");
    expect(err('array_length(i32) == 1').message).toContain('json or array');
    expect(err('array_length(arr_i) == 1.5').message).toContain('array_length');
    expect(err('text_match(ns, "a")').message).toContain('does not enable match');
    expect(err('text_match(i32, "a")').message).toContain('non-string');
    expect(err('text_match(s, "a", minimum_should_match=1001)').message).toContain(
      'between 1 and 1000, got 1001',
    );
    expect(err('text_match(s, "a", minimum_should_match="2")').message).toContain('constant integer');
    expect(err('text_match(s, "a", maximum=2)').message).toContain('unknown text_match option `maximum`');
    expect(err('foo(i32)').message).toContain('unknown function `foo`');
    expect(err('phrase_match(ns, "a")').message).toContain('field "ns" does not enable match');
    expect(err('phrase_match(s, "a", -1)').message).toContain('"slop" should not be a negative interger');
    expect(err('i32 == {x}').message).toContain('template parameter {x} is not provided');
    expect(err('i32 == {x}', { x: null }).message).toContain('unsupported value (null)');
    expect(err('i32 == {x}', { x: 1.5 }).message).toContain('an integer value is required');
    expect(err('s =~ "a"').message).toContain('regular-expression');
    expect(err('1 == "a"').message).toContain('incompatible operands');
    expect(err('10 / 0 == 1').message).toContain('cannot divide by zero');
    expect(err('2 / i32 == 1').message).toContain('a field cannot be the divisor');
  });
  it('rejects unknown fields unless dynamic fields are on', () => {
    const strict = makeSchema([{ name: 'x', data_type: 'Int64', is_primary_key: true }], false);
    expect(() => compileFilter('y > 1', strict)).toThrow(invalidFilter(/field `y` does not exist/));
    expect(() => compileFilter('$meta["a"] > 1', strict)).toThrow(invalidFilter(/dynamic/));
    try {
      compileFilter('x > 1 and y > 1', strict);
    } catch (e) {
      expect((e as ElanusError).details).toEqual({ column: 11 });
    }
    expect(compileFilter('y > 1', schema).fields).toEqual(['$meta']);
  });
});

describe('comparisons', () => {
  it('compares numeric columns', () => {
    expect(ids('i32 > 10')).toEqual([1, 3, 4]);
    expect(ids('i32 >= 10')).toEqual([0, 1, 3, 4]);
    expect(ids('i32 < 15')).toEqual([0, 2]);
    expect(ids('i32 <= 15')).toEqual([0, 2, 4]);
    expect(ids('i32 == 20')).toEqual([1]);
    expect(ids('i32 != 20')).toEqual([0, 2, 3, 4]);
    expect(ids('10 < i32')).toEqual([1, 3, 4]);
    expect(ids('i8 == -128')).toEqual([4]);
    expect(ids('i8 > 1000')).toEqual([]);
    expect(ids('i8 < 0x10')).toEqual([0, 1, 2, 4]);
    expect(ids('d > 0')).toEqual([0, 1]);
    // NaN is unequal to everything.
    expect(ids('d != 0')).toEqual([0, 1, 2, 4]);
    expect(ids('d == 2.5e0')).toEqual([1]);
  });
  it('compares Float columns in float32, as Milvus does', () => {
    expect(ids('f == 0.1')).toEqual([1]);
    expect(ids('f > 0.1')).toEqual([0, 2, 4]);
    expect(ids('f == 3')).toEqual([2]);
    expect(ids('f >= 1e30')).toEqual([4]);
  });
  it('keeps Int64 exact beyond 2^53', () => {
    expect(ids(`i64 == ${BIG}`)).toEqual([0]);
    expect(ids(`i64 == ${BIG - 1n}`)).toEqual([]);
    expect(ids(`i64 > ${BIG - 1n}`)).toEqual([0, 2]);
    expect(ids(`i64 < ${BIG}`)).toEqual([1, 3, 4]);
    expect(ids('i64 == -9223372036854775807 - 1')).toEqual([4]);
    expect(ids(`i64 in [${BIG}, 0]`)).toEqual([0, 3]);
    expect(ids(`i64 in [${BIG - 1n}]`)).toEqual([]);
    expect(ids('i64 in [-3, 0]')).toEqual([1, 3]);
    expect(ids(`${BIG - 1n} < i64 <= 4611686018427387904`)).toEqual([0, 2]);
    expect(ids('id in [1, 3]')).toEqual([1, 3]);
    expect(ids('i64 + 1 == 9007199254740994')).toEqual([0]);
    expect(ids('i64 == {v}', { v: BIG })).toEqual([0]);
  });
  it('compares strings and bools', () => {
    expect(ids('s == "apple"')).toEqual([0]);
    expect(ids("s != 'apple'")).toEqual([1, 2, 3, 4]);
    expect(ids('s > "apple"')).toEqual([1, 4]);
    expect(ids('s < "B"')).toEqual([2, 3]);
    expect(ids('s >= "😀"')).toEqual([]);
    expect(ids('s < "\\uffff"')).toEqual([0, 1, 2, 3, 4]);
    expect(ids('b == true')).toEqual([0, 2, 4]);
    expect(ids('b != True')).toEqual([1, 3]);
    expect(ids('b')).toEqual([0, 2, 4]);
    expect(ids('not b')).toEqual([1, 3]);
    expect(ids('b in [false]')).toEqual([1, 3]);
  });
  it('compares two columns', () => {
    expect(ids('i8 < i32')).toEqual([0, 1, 4]);
    expect(ids('i32 == i64')).toEqual([]);
    expect(ids('d >= f')).toEqual([0, 1, 3]);
    expect(ids('arr_i[0] == i8')).toEqual([]);
  });
  it('evaluates chained ranges', () => {
    expect(ids('10 <= i32 < 30')).toEqual([0, 1, 4]);
    expect(ids('30 >= i32 > 10')).toEqual([1, 3, 4]);
    expect(ids('-1.0 < d < 2')).toEqual([0, 3]);
    expect(ids('"a" <= s < "b"')).toEqual([0]);
    expect(ids('0 < j["a"] <= 2')).toEqual([0]);
    expect(ids('1 <= arr_i[0] <= 5')).toEqual([0, 2, 3]);
    expect(ids('1 < n < 10')).toEqual([0, 3]);
  });
  it('folds constants', () => {
    expect(ids('i32 == 5 * 2')).toEqual([0]);
    expect(ids('d == 2 ** 3 + 12.0 - 0.0 - 17.5')).toEqual([1]);
    expect(ids('d == 5 / 4.0')).toEqual([0]);
    expect(ids('i32 == 41 / 2 - 0')).toEqual([1]);
    expect(ids('i32 == -(-20)')).toEqual([1]);
    expect(ids('i32 == 7 % 4 + 27')).toEqual([3]);
    expect(ids('1 < 2')).toEqual([0, 1, 2, 3, 4]);
    expect(ids('true')).toEqual([0, 1, 2, 3, 4]);
    expect(ids('false or i32 == 10')).toEqual([0]);
    expect(ids('"a" == "b"')).toEqual([]);
    expect(() => compileFilter('i32 == 2 ** 3', schema)).toThrow(invalidFilter(/integer value is required/));
  });
});

describe('arithmetic on fields', () => {
  it('applies + - * / % with a constant', () => {
    expect(ids('i32 + 2 == 12')).toEqual([0]);
    expect(ids('2 + i32 == 12')).toEqual([0]);
    expect(ids('i32 - 5 > 10')).toEqual([1, 3]);
    expect(ids('30 - i32 == 0')).toEqual([3]);
    expect(ids('i32 * 2 == 60')).toEqual([3]);
    expect(ids('i32 / 4 == 3')).toEqual([4]);
    expect(ids('i32 / 4 == -0')).toEqual([2]);
    expect(ids('i32 % 3 == 0')).toEqual([1, 3, 4].filter((i) => i !== 1));
    expect(ids('i32 % 10 == 0')).toEqual([0, 1, 3]);
    expect(ids('i32 % 2 == -1')).toEqual([2]);
    expect(ids('(i32 + 1) * 2 == 22')).toEqual([0]);
    expect(ids('d * 2 == 2.5')).toEqual([0]);
    expect(ids('f * 2 == 0.2')).toEqual([1]);
    expect(ids('i8 * 100 == -12800')).toEqual([4]);
    expect(ids('n + 1 == 1')).toEqual([2]);
    expect(ids('n + 1 != 1')).toEqual([0, 3, 4]);
  });
  it('works on JSON values and array elements and array_length', () => {
    expect(ids('j["a"] + 1 == 2')).toEqual([0]);
    expect(ids('j["a"] * 2.0 == 5')).toEqual([1]);
    expect(() => compileFilter('j["a"] * 2 == 5.0', schema)).toThrow(invalidFilter(/Int64 result/));
    expect(ids('j["a"] + 1 != 2')).toEqual([1, 2, 3, 4]);
    expect(ids('score % 2 == 1')).toEqual([4]);
    expect(ids('arr_i[1] * 10 == 20')).toEqual([0]);
    expect(ids('array_length(arr_i) == 3')).toEqual([0, 4]);
    expect(ids('array_length(arr_i) > 0')).toEqual([0, 2, 3, 4]);
    expect(ids('array_length(j["arr"]) == 3')).toEqual([0]);
    expect(ids('array_length(tags) >= 1')).toEqual([3, 4]);
    expect(ids('array_length(arr_s) + 1 == 1')).toEqual([2]);
  });
});

describe('null semantics', () => {
  it('makes comparisons with null false, including != and not', () => {
    expect(ids('n > 0')).toEqual([0, 3]);
    expect(ids('n != 5')).toEqual([2, 3, 4]);
    expect(ids('not (n > 0)')).toEqual([2, 4]);
    expect(ids('n in [5, 0]')).toEqual([0, 2]);
    expect(ids('n not in [5, 0]')).toEqual([3, 4]);
    expect(ids('ns == "p"')).toEqual([0, 4]);
    expect(ids('ns != "p"')).toEqual([2, 3]);
    expect(ids('not (ns like "%")')).toEqual([]);
    expect(ids('n is null')).toEqual([1]);
    expect(ids('n IS NOT NULL')).toEqual([0, 2, 3, 4]);
    expect(ids('ns is null')).toEqual([1]);
    expect(ids('nj is null')).toEqual([1]);
    expect(ids('nj["k"] == 1')).toEqual([0]);
    expect(ids('nj["k"] != 1')).toEqual([2, 3, 4]);
    expect(ids('i32 is null')).toEqual([]);
    expect(ids('i32 is not null')).toEqual([0, 1, 2, 3, 4]);
  });
  it('combines validity like Milvus: and/or are null only where all operands are', () => {
    // Row 1: n is null. `n > 0 or b` is valid there (b is false) so not() gives true.
    expect(ids('not (n > 0 or b)')).toEqual([1]);
    expect(ids('not (n > 0 and b)')).toEqual([1, 2, 3, 4]);
    expect(ids('not (n > 0 and ns == "x")')).toEqual([0, 2, 3, 4]);
    expect(ids('not not (n > 0)')).toEqual([0, 3]);
  });
});

describe('JSON and dynamic fields', () => {
  it('compares by JSON type', () => {
    expect(ids('j["a"] == 1')).toEqual([0]);
    expect(ids('j["a"] == "1"')).toEqual([2]);
    expect(ids('j["a"] > 0')).toEqual([0, 1]);
    expect(ids('j["a"] >= "0"')).toEqual([2]);
    // Milvus: a missing key or another type is "not equal".
    expect(ids('j["a"] != 1')).toEqual([1, 2, 3, 4]);
    expect(ids('j["flag"] == true')).toEqual([1]);
    expect(ids('j["o"]["p"] == 1')).toEqual([0]);
    expect(ids("j['o']['p'] == 'q'")).toEqual([2]);
    expect(ids('j["arr"][0] == 1')).toEqual([0]);
    expect(ids('j["arr"]["0"] == 4')).toEqual([1]);
    expect(ids('j["arr"] == [1, 2, 3]')).toEqual([0]);
    expect(ids('j["arr"] == [1.0, 2, 3]')).toEqual([0]);
    expect(ids('j["arr"] != [4]')).toEqual([0, 2, 3, 4]);
    expect(ids('j["big"] == 9007199254740992')).toEqual([0]);
    expect(ids('j["a"] in [2.5, "1"]')).toEqual([1, 2]);
    expect(ids('j["a"] not in [2.5, "1"]')).toEqual([0, 3, 4]);
    expect(ids('j["b"] like "x%"')).toEqual([0]);
    expect(ids('j["constructor"] == 1 or j["__proto__"] == 1')).toEqual([]);
    expect(ids('j == 1')).toEqual([]);
  });
  it('resolves bare names to dynamic keys', () => {
    expect(ids('color == "red"')).toEqual([0, 4]);
    expect(ids('$meta["color"] == "red"')).toEqual([0, 4]);
    expect(ids('color != "red"')).toEqual([1, 2, 3]);
    expect(ids('score > 5')).toEqual([0, 4]);
    expect(ids('score == "high"')).toEqual([2]);
    expect(ids('score in [3.5, 7]')).toEqual([1, 4]);
    expect(ids('exists color')).toEqual([0, 1, 4]);
    expect(ids('color is null')).toEqual([2, 3]);
    expect(ids('color is not null')).toEqual([0, 1, 4]);
    expect(ids('tags[0] == "a"')).toEqual([3]);
  });
  it('handles exists and is null on JSON paths', () => {
    expect(ids('exists j["a"]')).toEqual([0, 1, 2]);
    expect(ids('j["a"] is null')).toEqual([3, 4]);
    expect(ids('j["a"] is not null')).toEqual([0, 1, 2]);
    expect(ids('exists j["o"]["p"]')).toEqual([0, 2]);
    expect(ids('j is null')).toEqual([]);
  });
  it('implements json_contains*', () => {
    expect(ids('json_contains(j["arr"], 2)')).toEqual([0]);
    expect(ids('json_contains(j["arr"], 2.0)')).toEqual([0]);
    expect(ids('json_contains(j["arr"], [1, 2])')).toEqual([4]);
    expect(ids('json_contains(j["b"], "y")')).toEqual([4]);
    expect(ids('json_contains_all(j["arr"], [1, 3])')).toEqual([0]);
    expect(ids('json_contains_any(j["arr"], [3, 4])')).toEqual([0, 1, 4]);
    expect(ids('JSON_CONTAINS_ANY(tags, ["b", "c"])')).toEqual([3, 4]);
    expect(ids('json_contains_all(tags, [])')).toEqual([3, 4]);
    expect(ids('json_contains_any(tags, [])')).toEqual([]);
  });
});

describe('arrays', () => {
  it('indexes elements', () => {
    expect(ids('arr_i[0] == 1')).toEqual([0, 3]);
    expect(ids('arr_i[0] != 1')).toEqual([2, 4]);
    expect(ids('arr_i[2] > 2')).toEqual([0, 4]);
    expect(ids('arr_s[1] == "100%"')).toEqual([3]);
    expect(ids('arr_s[0] like "x\\\\_%"')).toEqual([3]);
    expect(ids('arr_i[1] in [1, 2]')).toEqual([0, 3]);
    expect(ids('arr_f[0] == 0.1')).toEqual([0]);
  });
  it('implements array_contains*', () => {
    expect(ids('array_contains(arr_i, 1)')).toEqual([0, 3]);
    expect(ids('ARRAY_CONTAINS(arr_s, "a")')).toEqual([0, 4]);
    expect(ids('array_contains_all(arr_i, [1, 2])')).toEqual([0]);
    expect(ids('array_contains_any(arr_i, [5, 9])')).toEqual([2, 4]);
    expect(ids('array_contains_any(arr_i, [1.5, 2.0])')).toEqual([0]);
    expect(ids('array_contains(arr_f, 0.1)')).toEqual([0]);
    expect(ids('arr_i == [1, 1]')).toEqual([3]);
    expect(ids('arr_i != [1, 1]')).toEqual([0, 1, 2, 4]);
    expect(ids('arr_s == []')).toEqual([2]);
  });
});

describe('like', () => {
  it('matches prefix, suffix, infix and general patterns', () => {
    expect(ids('s like "app%"')).toEqual([0]);
    expect(ids('s like "%pie"')).toEqual([2]);
    expect(ids('s like "%an%"')).toEqual([1]);
    expect(ids('s like "apple"')).toEqual([0]);
    expect(ids('s like "_pple"')).toEqual([0]);
    expect(ids('s like "%p_e%"')).toEqual([0, 2]);
    expect(ids('s LIKE "%"')).toEqual([0, 1, 2, 3, 4]);
    expect(ids('s like ""')).toEqual([3]);
    expect(ids('s like "caf_ _ smile"')).toEqual([4]);
    expect(ids('s like "%😀%"')).toEqual([4]);
  });
  it('compiles patterns with escapes', () => {
    const m = (p: string, s: string) => compileLike(p).test(s);
    expect(m('100\\%', '100%')).toBe(true);
    expect(m('100\\%', '1000')).toBe(false);
    expect(m('a\\_b', 'a_b')).toBe(true);
    expect(m('a\\_b', 'axb')).toBe(false);
    expect(m('a\\b', 'a\\b')).toBe(true);
    expect(m('a\\\\%', 'a\\xyz')).toBe(true);
    expect(m('a\\\\%', 'axyz')).toBe(false);
    expect(m('50\\%%', '50%off')).toBe(true);
    expect(m('a%b%c', 'abc')).toBe(true);
    expect(m('a%b%c', 'aXbYc')).toBe(true);
    expect(m('a%b%c', 'acb')).toBe(false);
    expect(m('a%bc%bc', 'abcbc')).toBe(true);
    expect(m('a%bc%bc', 'abc')).toBe(false);
    expect(m('%a_c%', 'xxabcxx')).toBe(true);
    expect(m('%a_c', 'abcac')).toBe(false);
    expect(m('%a_c', 'abcabc')).toBe(true);
    expect(m('_', '😀')).toBe(true);
    expect(m('__', '😀')).toBe(false);
    expect(m('%_%_%', 'ab')).toBe(true);
    expect(m('%_%_%', 'a')).toBe(false);
    expect(compileLike('abc%').kind).toBe('prefix');
    expect(compileLike('%abc').kind).toBe('suffix');
    expect(compileLike('%abc%').kind).toBe('contains');
    expect(compileLike('%%').kind).toBe('always');
    expect(compileLike('a_c').kind).toBe('general');
  });
  it('agrees with a regex reference on random patterns', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alpha = ['a', 'b', '%', '_'];
    for (let k = 0; k < 3000; k++) {
      const p = Array.from({ length: rnd(7) }, () => alpha[rnd(4)]).join('');
      const s = Array.from({ length: rnd(8) }, () => 'ab'[rnd(2)]).join('');
      const re = new RegExp(`^${p.replace(/%/g, '.*').replace(/_/g, '.')}$`, 's');
      expect(compileLike(p).test(s), `${p} ~ ${s}`).toBe(re.test(s));
    }
  });
  it('finishes pathological patterns over long strings in linear time', () => {
    const text = 'a'.repeat(100_000);
    const t0 = performance.now();
    expect(compileLike('%a%a%a%a%a%a%a%a%b').test(text)).toBe(false);
    expect(compileLike('%a_a_a_a_a_a%b').test(text)).toBe(false);
    expect(compileLike('%a%a%a%a%a%a%a%a%a').test(text)).toBe(true);
    expect(compileLike('_%_%_%_%_%_%_%b').test(text)).toBe(false);
    const big = new MemorySource(makeSchema([{ name: 's', data_type: 'VarChar', max_length: 200000 }]), [
      { s: text },
      { s: `${text}b` },
    ]);
    const c = compileFilter('s like "%a%a%a%a%a%a%a%a%b"', big.schema);
    expect(Array.from(c.evaluate(big).toArray())).toEqual([1]);
    console.log(`pathological like over 2 x 100k chars: ${(performance.now() - t0).toFixed(1)} ms`);
  });
});

describe('templates', () => {
  it('fills scalars and lists from filter_params', () => {
    expect(ids('i32 > {x}', { x: 15 })).toEqual([1, 3]);
    expect(ids('i32 in {xs}', { xs: [10, 30] })).toEqual([0, 3]);
    expect(ids('d > {x}', { x: 1 })).toEqual([0, 1]);
    expect(ids('s == {name} or color == {c}', { name: 'banana', c: 'red' })).toEqual([0, 1, 4]);
    expect(ids('{lo} < i32 < {hi}', { lo: 0, hi: 16 })).toEqual([0, 4]);
    expect(ids('b == {t}', { t: false })).toEqual([1, 3]);
    expect(ids('array_contains_any(arr_i, {v})', { v: [7, 5] })).toEqual([2, 4]);
    expect(ids('j["a"] == {v}', { v: 2.5 })).toEqual([1]);
    expect(ids('j["arr"] == {v}', { v: [4] })).toEqual([1]);
  });
});

describe('text_match', () => {
  it('delegates to the source analyzer', () => {
    expect(ids('text_match(s, "pie banana")')).toEqual([1, 2]);
    expect(ids('TEXT_MATCH(s, "APPLE")')).toEqual([0, 2]);
    expect(ids('not text_match(s, "apple")')).toEqual([1, 3, 4]);
    expect(ids('text_match(s, "apple", minimum_should_match=1)')).toEqual([0, 2]);
    const noAnalyzer = { rowCount: 1, column: () => undefined, dynamic: () => undefined };
    expect(() => compileFilter('text_match(s, "a")', schema).evaluate(noAnalyzer)).toThrow(ElanusError);
  });
});

describe('logic and fields', () => {
  it('combines with and/or/not in every spelling', () => {
    expect(ids('i32 > 10 and b == true')).toEqual([4]);
    expect(ids('i32 > 10 AND b == true || i8 == 0')).toEqual([1, 4]);
    expect(ids('i32 > 10 && (b == true or i8 == 0)')).toEqual([1, 4]);
    expect(ids('!(i32 > 10)')).toEqual([0, 2]);
    expect(ids('NOT (i32 > 10) and not (s == "")')).toEqual([0, 2]);
    expect(ids('i32 > 100 or i32 < -100 or i32 == 30')).toEqual([3]);
    expect(ids('(i32 > 0 or i64 > 0) and (s like "%a%" or color == "red")')).toEqual([0, 1, 4]);
  });
  it('reports the schema fields it reads', () => {
    expect(compileFilter('i32 > 1 and (s == "a" or color == "x") and j["a"] == 1', schema).fields).toEqual([
      'i32',
      's',
      '$meta',
      'j',
    ]);
    expect(compileFilter('', schema).fields).toEqual([]);
    expect(Array.from(compileFilter('  ', schema).evaluate(src).toArray())).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('performance', () => {
  it('evaluates a 3-clause filter over 1,000,000 rows (prints rows/s)', () => {
    const n = 1_000_000;
    const a = new Int32Array(n);
    const b = new Float32Array(n);
    const c: string[] = new Array(n);
    const id = new BigInt64Array(n);
    let x = 12345;
    const words = ['x', 'y', 'z', 'w'];
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      a[i] = (x >>> 8) % 100;
      b[i] = ((x >>> 4) % 1000) / 1000;
      c[i] = words[(x >>> 20) % 4]!;
      id[i] = BigInt(i);
    }
    const perfSchema = makeSchema(
      [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'a', data_type: 'Int32' },
        { name: 'b', data_type: 'Float' },
        { name: 'c', data_type: 'VarChar', max_length: 8 },
      ],
      false,
    );
    const source = {
      rowCount: n,
      column: (f: string) =>
        f === 'a'
          ? { kind: 'number' as const, values: a }
          : f === 'b'
            ? { kind: 'number' as const, values: b }
            : f === 'c'
              ? { kind: 'string' as const, values: c }
              : f === 'id'
                ? { kind: 'int64' as const, values: id }
                : undefined,
      dynamic: () => undefined,
    };
    const measure = (expr: string, naive: (i: number) => boolean) => {
      const f = compileFilter(expr, perfSchema);
      let count = f.evaluate(source).count();
      // Best of several runs: the machine is shared, and the minimum is the least noisy estimate.
      let ms = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 7; r++) {
        const t0 = performance.now();
        count = f.evaluate(source).count();
        ms = Math.min(ms, performance.now() - t0);
      }
      console.log(
        `${expr}: ${(n / (ms / 1000) / 1e6).toFixed(1)} M rows/s (${ms.toFixed(1)} ms, ${count} hits)`,
      );
      let expected = 0;
      for (let i = 0; i < n; i++) if (naive(i)) expected++;
      expect(count, expr).toBe(expected);
    };
    measure('a > 10 and b < 0.5 and c == "x"', (i) => a[i]! > 10 && b[i]! < 0.5 && c[i] === 'x');
    measure('a > 10', (i) => a[i]! > 10);
    measure('id > 500000', (i) => i > 500000);
    measure('a in [1, 5, 7, 9] or c == "y"', (i) => [1, 5, 7, 9].includes(a[i]!) || c[i] === 'y');
    measure('10 < a <= 20', (i) => a[i]! > 10 && a[i]! <= 20);
    measure('c like "x%"', (i) => c[i]!.startsWith('x'));
    measure('not (a > 50) or c != "z"', (i) => !(a[i]! > 50) || c[i] !== 'z');
  });
});
