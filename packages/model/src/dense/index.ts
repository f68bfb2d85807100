export { DEFAULT_MODEL_NAME } from './known-models.js';
export { DefaultEmbeddingFunction, SentenceTransformerEmbeddingFunction } from './sentence-transformer.js';
export type {
  EmbeddingDevice,
  EmbeddingDType,
  EmbeddingProgress,
  EncodeOptions,
  SentenceTransformerOptions,
} from './types.js';
