export {
  type BGEM3Dim,
  BGEM3EmbeddingFunction,
  type BGEM3Embeddings,
  type BGEM3Options,
} from './bge-m3.js';
