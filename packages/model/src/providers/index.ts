export { ApiEmbeddingFunction, type ApiEmbeddingOptions, type TextSide } from './base.js';
export { CohereEmbeddingFunction, type CohereEmbeddingOptions, type CohereInputType } from './cohere.js';
export type { ApiCallOptions, ApiConnectionOptions, ApiProgress } from './http.js';
export { JinaEmbeddingFunction, type JinaEmbeddingOptions } from './jina.js';
export { OpenAIEmbeddingFunction, type OpenAIEmbeddingOptions } from './openai.js';
export { VoyageEmbeddingFunction, type VoyageEmbeddingOptions } from './voyage.js';
