/**
 * Syntax tree of a Milvus boolean filter expression, as `parseFilter` returns it.
 * Every node carries `pos`: the 0-based offset of its first character in the source text,
 * used for error columns.
 */
export type FilterAst =
  | IntLiteral
  | FloatLiteral
  | StringLiteral
  | BoolLiteral
  | ListLiteral
  | TemplateRef
  | Identifier
  | PathRef
  | UnaryExpr
  | BinaryExpr
  | LogicalExpr
  | RangeExpr
  | InExpr
  | LikeExpr
  | NullCheck
  | ExistsExpr
  | CallExpr;

interface Node {
  pos: number;
}

/** Integer literals are bigint so INT64 values stay exact beyond 2^53. */
export interface IntLiteral extends Node {
  kind: 'int';
  value: bigint;
}
export interface FloatLiteral extends Node {
  kind: 'float';
  value: number;
}
export interface StringLiteral extends Node {
  kind: 'string';
  value: string;
}
export interface BoolLiteral extends Node {
  kind: 'bool';
  value: boolean;
}
export interface ListLiteral extends Node {
  kind: 'list';
  items: FilterAst[];
}
/** `{name}`: filled from `filter_params` at compile time. */
export interface TemplateRef extends Node {
  kind: 'template';
  name: string;
}
/** A bare name: a schema field, `$meta`, or a dynamic-field key. */
export interface Identifier extends Node {
  kind: 'ident';
  name: string;
}
/** `name["key"][0]...`: a JSON path or an array element. Keys are kept as written (string or index). */
export interface PathRef extends Node {
  kind: 'path';
  name: string;
  path: (string | number)[];
}
export interface UnaryExpr extends Node {
  kind: 'unary';
  op: '+' | '-' | 'not';
  operand: FilterAst;
}
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '**';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export interface BinaryExpr extends Node {
  kind: 'binary';
  op: ArithOp | CompareOp;
  left: FilterAst;
  right: FilterAst;
  /** Offset of the operator, for error columns. */
  opPos: number;
}
/** `and` / `or` chains are flattened so long chains don't make deep trees. */
export interface LogicalExpr extends Node {
  kind: 'logical';
  op: 'and' | 'or';
  operands: FilterAst[];
}
/** `lower < x <= upper` and `upper > x >= lower`, normalised to lower/upper bounds. */
export interface RangeExpr extends Node {
  kind: 'range';
  target: Identifier | PathRef;
  lower: FilterAst;
  upper: FilterAst;
  lowerInclusive: boolean;
  upperInclusive: boolean;
}
export interface InExpr extends Node {
  kind: 'in';
  negated: boolean;
  target: FilterAst;
  list: FilterAst;
}
export interface LikeExpr extends Node {
  kind: 'like';
  target: FilterAst;
  pattern: FilterAst;
}
export interface NullCheck extends Node {
  kind: 'isNull';
  negated: boolean;
  target: Identifier | PathRef;
}
export interface ExistsExpr extends Node {
  kind: 'exists';
  target: FilterAst;
}
/** Function calls (`array_contains`, `json_contains_all`, `array_length`, `text_match`...); name lower-cased. */
export interface CallExpr extends Node {
  kind: 'call';
  name: string;
  args: FilterAst[];
  /** `text_match(f, 'q', minimum_should_match=2)` style options. */
  options: { name: string; value: FilterAst; pos: number }[];
}
