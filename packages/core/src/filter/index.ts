export type * from './ast.js';
export { type CompiledFilter, compileFilter } from './compile/index.js';
export { compileLike, type LikeMatcher } from './like.js';
export { parseFilter } from './parser.js';
export type { ColumnView, FilterParams, FilterSource } from './types.js';
