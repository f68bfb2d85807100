/**
 * What the compiler passes between its parts: the typed operand of an AST node, the compile
 * context every part receives, and small type helpers. Parts import this file, never each other's
 * entry, so the folder has no import circle.
 */
import type { CollectionSchema, FieldSchema } from '../../schema/types.js';
import { DataType, DataTypeName } from '../../schema/types.js';
import type { CompareOp, FilterAst } from '../ast.js';
import { type CmpOp, EQ, GE, GT, LE, LT, NE } from '../bitset-ops.js';
import type { Pred, Ref } from '../preds.js';
import type { FilterParams } from '../types.js';
import type { Const } from '../values.js';

/** How an arithmetic chain is evaluated: exact int64, float32, float64, or by JSON value type. */
export type Domain = 'int' | 'f32' | 'f64' | 'json';
/** `r-` is `constant - field` (the field on the right). */
export type StepOp = '+' | '-' | '*' | '/' | '%' | 'r-';
export interface Step {
  op: StepOp;
  c: Const & { k: 'int' | 'float' };
}

/** A compiled AST node before it must be boolean: a constant, a field reference, field arithmetic or a predicate. */
export type Operand =
  | { t: 'const'; c: Const; pos: number }
  | { t: 'ref'; ref: Ref; pos: number; name: string }
  | { t: 'arith'; ref: Ref; steps: Step[]; domain: Domain; pos: number; name: string }
  | { t: 'pred'; p: Pred; pos: number };

export type RefOperand = Extract<Operand, { t: 'ref' }>;
export type ArithOperand = Extract<Operand, { t: 'arith' }>;
export type FieldOperand = Extract<Operand, { t: 'ref' | 'arith' }>;

/** The compile state and the two recursive entry points, handed to every part. */
export interface CompileContext {
  readonly expr: string;
  readonly schema: CollectionSchema;
  readonly params: FilterParams;
  /** Schema fields the filter reads (`$meta` for dynamic-field keys). */
  readonly fields: Set<string>;
  field(name: string): FieldSchema | undefined;
  /** Throws `InvalidFilter` quoting the expression at `pos`. */
  fail(msg: string, pos: number): never;
  operand(ast: FilterAst): Operand;
  /** Compiles a node that must be boolean. */
  pred(ast: FilterAst): Pred;
}

export const CMP_OPS: Record<CompareOp, CmpOp> = { '==': EQ, '!=': NE, '<': LT, '<=': LE, '>': GT, '>=': GE };

export const typeName = (t: DataType): string => DataTypeName[t] ?? String(t);
export const isInt = (t: DataType): boolean =>
  t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32 || t === DataType.Int64;
export const isFloat = (t: DataType): boolean => t === DataType.Float || t === DataType.Double;
export const isNumeric = (t: DataType): boolean => isInt(t) || isFloat(t);
export const isNumConst = (c: Const): c is Const & { k: 'int' | 'float' } => c.k === 'int' || c.k === 'float';
export const num = (c: Const & { k: 'int' | 'float' }): number => Number(c.v);
export const bool = (v: boolean): Const => ({ k: 'bool', v });

/** The data type a reference reads (Int64 for `array_length`). */
export function refType(ref: Ref): DataType {
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

/** A reference's type in words, for messages. */
export function describeType(ref: Ref): string {
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
