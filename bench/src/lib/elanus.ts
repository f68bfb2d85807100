/** The engine, imported from the workspace sources (the bench measures the code in this checkout). */

export { compileFilter } from '../../../packages/core/src/filter/index.js';
export { MilvusClient, RRFRanker, WeightedRanker } from '../../../packages/core/src/index.js';
export {
  ArraySparseColumn,
  createIndex,
  type FlatIndex,
  type HnswIndex,
  type SparseInvertedIndex,
} from '../../../packages/core/src/indexes/factory.js';
export { createKernels, simdSupported } from '../../../packages/core/src/kernels/index.js';
export type { Kernels } from '../../../packages/core/src/kernels/types.js';
export { DataType } from '../../../packages/core/src/schema/types.js';
export { Bitset } from '../../../packages/core/src/util/bitset.js';
