// The device, dtype and progress options are the runtime's, shared by every local model.
import type { EmbeddingDevice, EmbeddingDType } from '../runtime/types.js';

export type { EmbeddingDevice, EmbeddingDType, EmbeddingProgress, EncodeOptions } from '../runtime/types.js';

/** Options of `SentenceTransformerEmbeddingFunction`, named as in pymilvus' model package. */
export interface SentenceTransformerOptions {
  /** Hub id or local folder name under `env.localModelPath`. Default `sentence-transformers/all-MiniLM-L6-v2`. */
  model_name?: string;
  /** Prepended to every query by `encodeQueries`. Default `''`. */
  query_instruction?: string;
  /** Prepended to every document by `encodeDocuments`. Default `''`. */
  doc_instruction?: string;
  /** L2-normalise the embeddings. Default `true`. */
  normalize_embeddings?: boolean;
  /** Default `'auto'`. */
  device?: EmbeddingDevice;
  /** Default `'q8'` on WASM (a quarter of the download), `'fp32'` elsewhere. */
  dtype?: EmbeddingDType;
  /** Texts per inference call. Default 32. */
  batch_size?: number;
  /**
   * Truncate inputs to this many tokens, as sentence-transformers' `max_seq_length` does. Default: the
   * model's known value (256 for all-MiniLM-L6-v2), else the tokenizer's `model_max_length`.
   */
  max_seq_length?: number;
}
