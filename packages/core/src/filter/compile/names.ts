/** Names in an expression: schema fields, JSON paths, ARRAY indexes, dynamic keys and `{template}` values. */
import { DataType, isVectorType } from '../../schema/types.js';
import type { Identifier, PathRef } from '../ast.js';
import { type Const, INT64_MAX, INT64_MIN } from '../values.js';
import { type CompileContext, type Operand, typeName } from './operand.js';

/** Resolves `field`, `json["a"][0]`, `arr[1]` or a dynamic key to a reference operand. */
export function reference(cx: CompileContext, ast: Identifier | PathRef): Operand {
  const name = ast.name;
  const display = cx.expr.slice(ast.pos, ast.pos + 200).match(/^[^\s)=!<>,]*/)?.[0] || name;
  const field = name === '$meta' ? undefined : cx.field(name);
  const path = ast.kind === 'path' ? ast.path.map(String) : [];
  if (!field) {
    if (!cx.schema.enable_dynamic_field) {
      if (name === '$meta')
        cx.fail('`$meta` is only available when the collection has dynamic fields', ast.pos);
      cx.fail(
        `field \`${name}\` does not exist in the collection schema and dynamic fields are off`,
        ast.pos,
      );
    }
    cx.fields.add('$meta');
    const full = name === '$meta' ? path : [name, ...path];
    return {
      t: 'ref',
      ref: { k: 'json', field: '$meta', dynamic: true, nullable: false, path: full },
      pos: ast.pos,
      name: display,
    };
  }
  const t = field.data_type;
  if (isVectorType(t)) cx.fail(`cannot filter on vector field \`${name}\``, ast.pos);
  cx.fields.add(field.name);
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
      cx.fail(`array field \`${name}\` can only be accessed with an integer index`, ast.pos);
    if (ast.path.length > 1) cx.fail(`array element \`${name}[${seg}]\` cannot be indexed further`, ast.pos);
    return {
      t: 'ref',
      ref: { k: 'elem', field: field.name, elem, index: seg },
      pos: ast.pos,
      name: display,
    };
  }
  if (ast.kind === 'path') cx.fail(`${typeName(t)} field \`${name}\` cannot be accessed with []`, ast.pos);
  return { t: 'ref', ref: { k: 'scalar', field: field.name, type: t }, pos: ast.pos, name };
}

/** Reference that is known to resolve to a `ref` operand (identifiers and paths always do). */
export function refOperand(cx: CompileContext, ast: Identifier | PathRef): Extract<Operand, { t: 'ref' }> {
  return reference(cx, ast) as Extract<Operand, { t: 'ref' }>;
}

/** `{name}` from `filter_params`: numbers, bigints, strings, booleans and (nested) lists of them. */
export function templateValue(cx: CompileContext, name: string, pos: number): Const {
  const v = Object.hasOwn(cx.params, name) ? cx.params[name] : undefined;
  if (v === undefined) cx.fail(`template parameter {${name}} is not provided in filter_params`, pos);
  const c = toConst(v, 0);
  if (!c) {
    const what = v === null ? 'null' : Array.isArray(v) ? 'a list with an unsupported element' : typeof v;
    cx.fail(`template parameter {${name}} has an unsupported value (${what})`, pos);
  }
  return c;
}

function toConst(x: unknown, depth: number): Const | undefined {
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
      const c = toConst(e, depth + 1);
      if (!c) return undefined;
      items.push(c);
    }
    return { k: 'list', v: items };
  }
  return undefined;
}
