// The one place the demo names @elanus/model's exports, so a change of its API lands in one file.
export {
  DefaultEmbeddingFunction,
  type EmbeddingProgress,
  env as modelEnv,
  type RerankFunction,
  type RerankResult,
  rerankSearchResults,
} from '@elanus/model';

/**
 * How the demo reranks. @elanus/model has cross-encoder rerankers (CrossEncoderRerankFunction, default
 * cross-encoder/ms-marco-MiniLM-L-6-v2), but no cross-encoder weights can be had offline here, so the
 * page reranks with the model it has: each candidate's best-matching sentence under all-MiniLM-L6-v2
 * (see model.worker.ts), through the same RerankFunction interface, and says so on the page.
 */
export const RERANK_LABEL = 'best-sentence match (MiniLM) · no cross-encoder offline';
