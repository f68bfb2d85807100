export {
  type ApiRerankOptions,
  CohereRerankFunction,
  JinaRerankFunction,
  VoyageRerankFunction,
} from './api.js';
export { CallableRerankFunction } from './callable.js';
export {
  BGERerankFunction,
  type BGERerankOptions,
  CrossEncoderRerankFunction,
  type CrossEncoderRerankOptions,
  type ScoreActivation,
} from './cross-encoder.js';
export { type RerankedHit, type RerankSearchOptions, rerankSearchResults } from './search.js';
export type { RerankCallOptions, RerankFunction, RerankProgress, RerankResult } from './types.js';
