import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FILTER_FIELDS, generateFilterRows } from '../../../tests/milvus/fixtures/filter-expressions.js';
import { ElanusError } from '../src/errors/index.js';
import { compileFilter, parseFilter } from '../src/filter/index.js';
import { MemorySource, makeSchema } from './filter.helpers.js';

// Grammar-based fuzzing: generate expressions from a grammar of the language (mostly well-formed,
// often ill-typed), then mutate them at the character and token level. Property: parse + compile
// either succeeds or throws InvalidFilter, quickly; whatever compiles evaluates without throwing,
// and the bitset and row-at-a-time forms agree.

const schema = makeSchema(FILTER_FIELDS, true);
const source = new MemorySource(schema, generateFilterRows(64, 99));
const params = {
  x: 5,
  y: -2.5,
  s: 'apple',
  b: true,
  ids: [1, 2, 3],
  names: ['a', 'red'],
  big: 2 ** 60,
  nested: [[1], [2]],
};

const SEED = 0x5eed;
const RUNS = 25_000; // each run checks one generated expression and three mutants: 100,000 cases
const MAX_CASE_MS = 2_000;

const numField = fc.constantFrom('i8', 'i16', 'i32', 'i64', 'f', 'd', 'id', 'n_i32');
const anyField = fc.constantFrom(
  'i8',
  'i32',
  'i64',
  'f',
  'd',
  'b',
  's',
  'j',
  'arr_i',
  'arr_s',
  'n_i32',
  'vec',
  'color',
  'score',
  'tags',
  'level',
  '$meta',
  'nope',
);
const key = fc.oneof(
  fc.constantFrom('"a"', "'b'", '"name"', '"nested"', '"x"', '"tags"', '"mixed"', '"rank"'),
  fc.nat({ max: 9 }).map(String),
);
const path = fc
  .tuple(
    fc.constantFrom('j', 'arr_i', 'arr_s', 'color', 'level', 'tags', '$meta', 's', 'i32'),
    fc.array(key, { minLength: 1, maxLength: 3 }),
  )
  .map(([f, ks]) => f + ks.map((k) => `[${k}]`).join(''));
const intLit = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.nat({ max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.nat({ max: 511 }).map((n) => `0${n.toString(8)}`),
  fc.nat({ max: 255 }).map((n) => `0b${n.toString(2)}`),
  fc.nat({ max: 511 }).map((n) => `0o${n.toString(8)}`),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom('9223372036854775807', '9223372036854775808', '9007199254740993', '0', '00', '08'),
);
const floatLit = fc.oneof(
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((x) => (/[.e]/.test(String(x)) ? String(x) : `${x}.0`)),
  fc.constantFrom('1e3', '.5', '1.', '2.5E-1', '0x1.8p1', '1e', '1e+400'),
);
const strLit = fc.oneof(
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc
    .string({ unit: 'grapheme', maxLength: 6 })
    .map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`),
  fc.constantFrom(
    '"a%"',
    '"%b"',
    '"%a_b%"',
    '"a\\\\%"',
    "'\\x41'",
    '"\\u00e9"',
    'r"a\\b"',
    '"\\q"',
    '"\\777"',
  ),
);
const likePattern = fc
  .array(fc.constantFrom('a', 'b', '%', '_', '\\\\%', '\\\\_', 'é', '😀'), { maxLength: 8 })
  .map((p) => `"${p.join('')}"`);
const template = fc.constantFrom(
  '{x}',
  '{y}',
  '{s}',
  '{b}',
  '{ids}',
  '{names}',
  '{big}',
  '{nested}',
  '{missing}',
);
const boolLit = fc.constantFrom('true', 'false', 'True', 'FALSE');
const literal = fc.oneof(intLit, floatLit, strLit, boolLit, template);
const cmpOp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
const arithOp = fc.constantFrom('+', '-', '*', '/', '%', '**');
const logicOp = fc.constantFrom('and', 'or', '&&', '||', 'AND', 'OR');
const badOp = fc.constantFrom('&', '|', '^', '<<', '>>', '=~', '=');
const fnName = fc.constantFrom(
  'array_contains',
  'array_contains_all',
  'array_contains_any',
  'json_contains',
  'JSON_CONTAINS_ALL',
  'json_contains_any',
  'array_length',
  'text_match',
  'phrase_match',
  'random_sample',
  'foo',
);

const { expr } = fc.letrec<{ expr: string; value: string; pred: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    literal,
    anyField,
    numField,
    path,
    fc.tuple(numField, arithOp, literal).map(([f, o, l]) => `${f} ${o} ${l}`),
    fc.tuple(literal, arithOp, tie('value')).map(([l, o, v]) => `${l} ${o} ${v}`),
    fc.array(literal, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    fc.tuple(fnName, fc.array(tie('value'), { maxLength: 3 })).map(([n, a]) => `${n}(${a.join(', ')})`),
    tie('value').map((v) => `(${v})`),
    tie('value').map((v) => `-${v}`),
  ),
  pred: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.tuple(tie('value'), cmpOp, tie('value')).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc.tuple(numField, cmpOp, literal).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc
      .tuple(literal, fc.constantFrom('<', '<='), anyField, fc.constantFrom('<', '<='), literal)
      .map((xs) => xs.join(' ')),
    fc
      .tuple(literal, fc.constantFrom('>', '>='), path, fc.constantFrom('>', '>='), literal)
      .map((xs) => xs.join(' ')),
    fc
      .tuple(
        fc.oneof(anyField, path),
        fc.constantFrom('in', 'not in', 'IN'),
        fc.array(literal, { maxLength: 4 }),
      )
      .map(([f, o, xs]) => `${f} ${o} [${xs.join(', ')}]`),
    fc
      .tuple(fc.oneof(anyField, path), fc.constantFrom('like', 'LIKE'), likePattern)
      .map((xs) => xs.join(' ')),
    fc
      .tuple(fc.oneof(anyField, path), fc.constantFrom('is null', 'is not null', 'IS NULL'))
      .map((xs) => xs.join(' ')),
    fc.oneof(path, anyField).map((p) => `exists ${p}`),
    fc
      .tuple(
        fnName,
        fc.oneof(anyField, path),
        fc.oneof(
          literal,
          fc.array(literal, { maxLength: 3 }).map((xs) => `[${xs}]`),
        ),
      )
      .map(([n, f, v]) => `${n}(${f}, ${v})`),
    fc.tuple(tie('pred'), logicOp, tie('pred')).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc.tuple(fc.constantFrom('not ', '!', 'NOT '), tie('pred')).map(([n, p]) => `${n}(${p})`),
    tie('pred').map((p) => `(${p})`),
    fc.tuple(tie('value'), badOp, tie('value')).map(([a, o, b]) => `${a} ${o} ${b}`),
    boolLit,
  ),
  expr: tie('pred'),
}));

const NOISE = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '%',
  '_',
  ',',
  '=',
  '!',
  '<',
  '>',
  '&',
  '|',
  '~',
  '$',
  '.',
  '-',
  '0',
  '9',
  'x',
  ' ',
  'é',
  '😀',
  '\n',
  'e',
];
const mutation = fc.array(
  fc.tuple(
    fc.constantFrom('delete', 'insert', 'swap', 'dupToken', 'dropToken', 'swapTokens'),
    fc.nat(),
    fc.nat(),
    fc.constantFrom(...NOISE),
  ),
  { minLength: 1, maxLength: 3 },
);

function mutate(src: string, edits: [string, number, number, string][]): string {
  let s = src;
  for (const [op, a, b, ch] of edits) {
    const toks = s.split(/(\s+)/);
    const i = s.length === 0 ? 0 : a % s.length;
    switch (op) {
      case 'delete':
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      case 'insert':
        s = s.slice(0, i) + ch + s.slice(i);
        break;
      case 'swap':
        if (s.length > 1) {
          const k = Math.min(i, s.length - 2);
          s = s.slice(0, k) + s[k + 1] + s[k] + s.slice(k + 2);
        }
        break;
      case 'dupToken': {
        const t = a % toks.length;
        toks.splice(t, 0, toks[t]!);
        s = toks.join('');
        break;
      }
      case 'dropToken':
        toks.splice(a % toks.length, 1);
        s = toks.join('');
        break;
      default: {
        const x = a % toks.length;
        const y = b % toks.length;
        [toks[x], toks[y]] = [toks[y]!, toks[x]!];
        s = toks.join('');
      }
    }
  }
  return s;
}

const stats = { cases: 0, compiled: 0, rejected: 0, maxMs: 0 };

function check(text: string): void {
  stats.cases++;
  const t0 = performance.now();
  let compiled: ReturnType<typeof compileFilter> | undefined;
  try {
    try {
      parseFilter(text);
    } catch (e) {
      expectInvalid(e, text);
    }
    compiled = compileFilter(text, schema, params);
  } catch (e) {
    expectInvalid(e, text);
  }
  const ms = performance.now() - t0;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms > MAX_CASE_MS) throw new Error(`parse+compile took ${ms.toFixed(0)} ms: ${text}`);
  if (!compiled) {
    stats.rejected++;
    return;
  }
  stats.compiled++;
  const bits = compiled.evaluate(source);
  const p = compiled.predicate(source);
  for (let r = 0; r < source.rowCount; r++) {
    if (p(r) !== bits.has(r)) throw new Error(`predicate and evaluate disagree on row ${r}: ${text}`);
  }
}

function expectInvalid(e: unknown, text: string): void {
  if (!(e instanceof ElanusError) || e.code !== 'InvalidFilter') {
    throw new Error(
      `non-InvalidFilter error for ${JSON.stringify(text)}: ${String(e)}\n${(e as Error)?.stack}`,
    );
  }
  const col = e.details?.column;
  if (
    typeof col !== 'number' ||
    col < 1 ||
    col > text.length + 1 ||
    !e.message.startsWith('cannot parse expression: `')
  ) {
    throw new Error(`bad error shape for ${JSON.stringify(text)}: ${e.message}`);
  }
}

describe('filter fuzzing', () => {
  it('never crashes or hangs on generated and mutated expressions', () => {
    const t0 = performance.now();
    fc.assert(
      fc.property(expr, mutation, mutation, mutation, (e, m1, m2, m3) => {
        check(e);
        check(mutate(e, m1));
        check(mutate(e, m2));
        check(mutate(mutate(e, m3), m1));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(
      `fuzz: ${stats.cases} cases (${stats.compiled} compiled and evaluated, ${stats.rejected} rejected) in ${((performance.now() - t0) / 1000).toFixed(1)} s; slowest parse+compile ${stats.maxMs.toFixed(1)} ms`,
    );
    expect(stats.cases).toBe(RUNS * 4);
    // Enough generated expressions must survive to exercise evaluation, and enough fail to exercise errors.
    expect(stats.compiled).toBeGreaterThan(RUNS / 10);
    expect(stats.rejected).toBeGreaterThan(RUNS / 10);
  });
});
