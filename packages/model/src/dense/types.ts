/** Where inference runs. `cpu` and `wasm` are the same thing in a browser (onnxruntime-web's WASM backend),
 * and in Node every choice but `webgpu` is onnxruntime-node's CPU backend. `auto` picks WebGPU when a
 * hardware adapter exists, else WASM (browsers), or the CPU (Node). */
export type EmbeddingDevice = 'webgpu' | 'wasm' | 'cpu' | 'auto';

/** Which ONNX file is loaded: `onnx/model.onnx`, `onnx/model_fp16.onnx` or `onnx/model_quantized.onnx`. */
export type EmbeddingDType = 'fp32' | 'fp16' | 'q8';

/** Progress of a model download, a model load, or an encoding call. */
export type EmbeddingProgress =
  | {
      stage: 'download';
      model: string;
      /** File inside the model folder, e.g. `onnx/model_quantized.onnx`. */
      file: string;
      loaded: number;
      total: number;
      /** 0..1 for this file. */
      progress: number;
    }
  | {
      stage: 'load';
      model: string;
      /** `start`: resolving the device; `file`: a file is fetched (or read from cache); `ready`: usable. */
      status: 'start' | 'file' | 'ready';
      file?: string;
      device: 'webgpu' | 'wasm' | 'cpu';
      dtype: EmbeddingDType;
    }
  | {
      stage: 'encode';
      model: string;
      /** Texts embedded so far. */
      done: number;
      total: number;
      /** 0..1. */
      progress: number;
    };

export interface EncodeOptions {
  /** Stops loading (the download goes on for the next caller) and encoding (between batches). */
  signal?: AbortSignal;
  onProgress?: (event: EmbeddingProgress) => void;
}

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
