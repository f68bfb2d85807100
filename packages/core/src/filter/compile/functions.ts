/** Function calls: `array_contains*` / `json_contains*`, `array_length`, `text_match`, `phrase_match`, and the ones not supported. */
import { DataType } from '../../schema/types.js';
import type { CallExpr, FilterAst } from '../ast.js';
import { PhraseMatchPred, type Pred, TextMatchPred, ValuePred } from '../preds.js';
import { type Const, constTypeName, jsonEquals, showConst } from '../values.js';
import { castTo } from './comparisons.js';
import { reference } from './names.js';
import { type CompileContext, describeType, isNumConst, isNumeric, num, type Operand } from './operand.js';

/** Milvus functions we parse but do not evaluate: a clear "not supported" instead of "unknown function". */
const UNSUPPORTED_FUNCTIONS = new Set([
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

export function call(cx: CompileContext, ast: CallExpr): Operand {
  const name = ast.name;
  const arity = (n: number) => {
    if (ast.args.length !== n) {
      cx.fail(`${name} expects ${n} argument${n === 1 ? '' : 's'}, got ${ast.args.length}`, ast.pos);
    }
    if (ast.options.length > 0 && name !== 'text_match') {
      cx.fail(`${name} takes no options (got \`${ast.options[0]!.name}=\`)`, ast.options[0]!.pos);
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
      return { t: 'pred', p: contains(cx, name, mode, ast.args[0]!, ast.args[1]!), pos: ast.pos };
    }
    case 'array_length': {
      arity(1);
      const arg = ast.args[0]!;
      const o = arg.kind === 'ident' || arg.kind === 'path' ? reference(cx, arg) : undefined;
      if (o?.t !== 'ref' || (o.ref.k !== 'array' && o.ref.k !== 'json')) {
        return cx.fail('array_length operation are only supported on json or array fields', arg.pos);
      }
      return { t: 'ref', ref: { k: 'arrlen', of: o.ref }, pos: ast.pos, name: `array_length(${o.name})` };
    }
    case 'text_match':
      return { t: 'pred', p: textMatch(cx, ast), pos: ast.pos };
    case 'phrase_match':
      return { t: 'pred', p: phraseMatch(cx, ast), pos: ast.pos };
    default:
      if (UNSUPPORTED_FUNCTIONS.has(name)) return cx.fail(`${name} is not supported`, ast.pos);
      return cx.fail(`unknown function \`${name}\``, ast.pos);
  }
}

function contains(
  cx: CompileContext,
  name: string,
  mode: 'one' | 'all' | 'any',
  fieldAst: FilterAst,
  valueAst: FilterAst,
): Pred {
  const f = cx.operand(fieldAst);
  if (f.t !== 'ref' || (f.ref.k !== 'array' && f.ref.k !== 'json')) {
    return cx.fail(`${name} is only supported on JSON or array fields`, fieldAst.pos);
  }
  const v = cx.operand(valueAst);
  if (v.t !== 'const') return cx.fail(`the second argument of ${name} must be a constant`, valueAst.pos);
  if (mode !== 'one' && v.c.k !== 'list')
    cx.fail(`the second argument of ${name} must be a list`, valueAst.pos);
  const ref = f.ref;
  let elems: Const[] = mode === 'one' ? [v.c] : (v.c as { v: Const[] }).v;
  let has: (arr: readonly unknown[], c: Const) => boolean;
  if (ref.k === 'array') {
    const et = ref.elem;
    const what = `elements of ${describeType(ref)} \`${f.name}\``;
    if (mode === 'one') elems = [castTo(cx, et, v.c, what, valueAst.pos)];
    else {
      elems = elems.map((c) => {
        // Like Milvus, _all/_any only need comparable types (a float may probe an int array).
        const comparable =
          (isNumeric(et) && isNumConst(c)) ||
          (et === DataType.VarChar && c.k === 'str') ||
          (et === DataType.Bool && c.k === 'bool');
        if (!comparable)
          cx.fail(`${name} can't compare ${what} with ${constTypeName(c)} ${showConst(c)}`, valueAst.pos);
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

function textMatch(cx: CompileContext, ast: CallExpr): Pred {
  if (ast.args.length !== 2) cx.fail(`text_match expects 2 arguments, got ${ast.args.length}`, ast.pos);
  const fa = ast.args[0]!;
  if (fa.kind !== 'ident') return cx.fail('the first argument of text_match must be a field name', fa.pos);
  const field = cx.field(fa.name);
  if (!field) return cx.fail(`field \`${fa.name}\` does not exist in the collection schema`, fa.pos);
  if (field.data_type !== DataType.VarChar)
    cx.fail('text match operation on non-string is unsupported', fa.pos);
  if (!field.enable_match) cx.fail(`field "${fa.name}" does not enable match`, fa.pos);
  const q = cx.operand(ast.args[1]!);
  if (q.t !== 'const' || q.c.k !== 'str')
    return cx.fail('the query of text_match must be a string', ast.args[1]!.pos);
  let minimumShouldMatch = 1;
  for (const opt of ast.options) {
    if (opt.name !== 'minimum_should_match') cx.fail(`unknown text_match option \`${opt.name}\``, opt.pos);
    const v = cx.operand(opt.value);
    if (v.t !== 'const' || v.c.k !== 'int')
      return cx.fail('minimum_should_match should be a constant integer', opt.pos);
    if (v.c.v < 1n || v.c.v > 1000n)
      cx.fail(`minimum_should_match should be between 1 and 1000, got ${v.c.v}`, opt.pos);
    minimumShouldMatch = Number(v.c.v);
  }
  cx.fields.add(field.name);
  return new TextMatchPred(field.name, q.c.v, minimumShouldMatch);
}

/** Milvus's slop is a uint32. */
const MAX_SLOP = 0xffffffffn;

/**
 * `phrase_match(field, 'phrase'[, slop])`, with the server's checks in its order (field, string type,
 * enable_match, then slop) and its wording for slop. The server reads a non-integer constant slop
 * as 0; here it is refused with the server's "const integer" message instead of being ignored.
 */
function phraseMatch(cx: CompileContext, ast: CallExpr): Pred {
  if (ast.args.length !== 2 && ast.args.length !== 3)
    cx.fail(`phrase_match expects 2 or 3 arguments, got ${ast.args.length}`, ast.pos);
  if (ast.options.length > 0)
    cx.fail(`phrase_match takes no options (got \`${ast.options[0]!.name}=\`)`, ast.options[0]!.pos);
  const fa = ast.args[0]!;
  if (fa.kind !== 'ident') return cx.fail('the first argument of phrase_match must be a field name', fa.pos);
  const field = cx.field(fa.name);
  if (!field) return cx.fail(`field \`${fa.name}\` does not exist in the collection schema`, fa.pos);
  if (field.data_type !== DataType.VarChar)
    cx.fail('phrase match operation on non-string is unsupported', fa.pos);
  if (!field.enable_match) cx.fail(`field "${fa.name}" does not enable match`, fa.pos);
  const q = cx.operand(ast.args[1]!);
  if (q.t !== 'const' || q.c.k !== 'str')
    return cx.fail('the phrase of phrase_match must be a string', ast.args[1]!.pos);
  let slop = 0;
  const sa = ast.args[2];
  if (sa) {
    const v = cx.operand(sa);
    const shown = v.t === 'const' ? showConst(v.c) : v.t === 'ref' ? v.name : 'a non-constant expression';
    if (v.t !== 'const' || v.c.k !== 'int')
      return cx.fail(
        `"slop" should be a const integer expression with "uint32" value. "slop" expression passed: ${shown}`,
        sa.pos,
      );
    // "interger" is the server's spelling; clients may match on the text.
    if (v.c.v < 0n) cx.fail(`"slop" should not be a negative interger. "slop" passed: ${shown}`, sa.pos);
    if (v.c.v > MAX_SLOP)
      cx.fail(`"slop" exceeds the range of "uint32". "slop" expression passed: ${shown}`, sa.pos);
    slop = Number(v.c.v);
  }
  cx.fields.add(field.name);
  return new PhraseMatchPred(field.name, q.c.v, slop);
}
