/**
 * Types of the local-model runtime: the public device/dtype/progress options every local model takes
 * (re-exported by dense/types.ts), and the slices of transformers.js the runtime uses (its own typings
 * are heavy, and typing it structurally keeps it out of the static import graph).
 */

/** Where inference runs. `cpu` and `wasm` are the same thing in a browser (onnxruntime-web's WASM backend),
 * and in Node every choice but `webgpu` is onnxruntime-node's CPU backend. `auto` picks WebGPU when a
 * hardware adapter exists, else WASM (browsers), or the CPU (Node). */
export type EmbeddingDevice = 'webgpu' | 'wasm' | 'cpu' | 'auto';

/** Which ONNX file is loaded: `onnx/model.onnx`, `onnx/model_fp16.onnx` or `onnx/model_quantized.onnx`. */
export type EmbeddingDType = 'fp32' | 'fp16' | 'q8';

/** The transformers.js device a choice resolves to in this runtime. */
export type ResolvedDevice = 'webgpu' | 'wasm' | 'cpu';

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

/** The progress event of the batch loop (rerankers report the same shape). */
export type EncodeProgress = Extract<EmbeddingProgress, { stage: 'encode' }>;

export interface EncodeOptions {
  /** Stops loading (the download goes on for the next caller) and encoding (between batches). */
  signal?: AbortSignal;
  onProgress?: (event: EmbeddingProgress) => void;
}

/** The device and dtype a loaded model runs with (the `runtime` getter of every local model). */
export interface RuntimeInfo {
  device: ResolvedDevice;
  dtype: EmbeddingDType;
}

export interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
  dispose?: () => void;
}

export type ModelOutputs = Record<string, TensorLike | undefined>;

export interface TokenizerLike {
  (
    text: string,
    options: { text_pair?: string; return_tensor: false; return_token_type_ids: true; padding?: false },
  ): { input_ids: number[] | number[][]; token_type_ids?: number[] | number[][] };
  encode(text: string, options?: { add_special_tokens?: boolean; text_pair?: string | null }): number[];
  model_max_length?: number;
  all_special_ids?: number[];
  pad_token_id?: number;
  eos_token_id?: number;
  sep_token_id?: number;
  unk_token_id?: number;
  model?: { vocab?: unknown[] };
}

export interface ModelLike {
  (inputs: Record<string, unknown>): Promise<ModelOutputs>;
  config?: Record<string, unknown>;
  sessions?: Record<string, { inputNames?: string[] }>;
  dispose(): Promise<unknown>;
}

interface PretrainedLoader<T> {
  from_pretrained(name: string, options: Record<string, unknown>): Promise<T>;
}

export interface TensorCtor {
  new (type: 'int64', data: BigInt64Array, dims: number[]): TensorLike;
}

/** The parts of the `@huggingface/transformers` module the runtime and the embedders call. */
export interface TransformersLike {
  env: unknown;
  Tensor: TensorCtor;
  AutoTokenizer: PretrainedLoader<TokenizerLike>;
  AutoModel: PretrainedLoader<ModelLike>;
  AutoModelForMaskedLM: PretrainedLoader<ModelLike>;
  AutoModelForSequenceClassification: PretrainedLoader<ModelLike>;
  /** Its pipeline's own types are described by its caller (sentence-transformer.ts). */
  pipeline(task: 'feature-extraction', model: string, options: Record<string, unknown>): Promise<unknown>;
}

/** Which transformers.js class loads the model. */
export type ModelHead = 'base' | 'masked-lm' | 'sequence-classification';

/** Special tokens around one text and around a pair, with their token type ids. */
export interface Template {
  single: { prefix: number[]; suffix: number[] };
  pair: {
    prefix: number[];
    middle: number[];
    suffix: number[];
    /** Token type of every position of [prefix, A, middle, B, suffix], by part. */
    types: { prefix: number[]; a: number; middle: number[]; b: number; suffix: number[] };
  };
}

/** A tokenizer and model loaded by `ModelHandle`, with what the tokenisation needs to know about them. */
export interface LoadedModel extends RuntimeInfo {
  tokenizer: TokenizerLike;
  model: ModelLike;
  config: Record<string, unknown>;
  template: Template;
  /** Longest input the model takes (tokens, special ones included). */
  maxLength: number;
  /** Whether the graph takes token_type_ids. */
  wantsTokenTypes: boolean;
  /** Token ids of the special tokens the template adds, plus pad and unk (BGE-M3 drops them). */
  specialIds: Set<number>;
  /** Vocabulary size as Python's `len(tokenizer)` (added tokens included). */
  vocabSize: number;
  Tensor: TensorCtor;
}

/** One encoded row, without padding. */
export interface EncodedRow {
  ids: number[];
  types: number[];
}
