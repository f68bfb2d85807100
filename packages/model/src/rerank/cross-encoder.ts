/**
 * Local rerankers on transformers.js: `CrossEncoderRerankFunction` (sentence-transformers' CrossEncoder,
 * e.g. cross-encoder/ms-marco-MiniLM-L-6-v2) and `BGERerankFunction` (FlagEmbedding's reranker, e.g.
 * BAAI/bge-reranker-v2-m3). Both run a sequence-classification model on (query, document) pairs; they
 * differ in how pairs are truncated and in the default score activation.
 */

import {
  checkBoolean,
  checkIntAtLeast,
  checkModelName,
  checkOneOf,
  checkOptionsObject,
  checkPositiveInt,
} from '../common/checks.js';
import { checkDevice, checkDtype } from '../runtime/device.js';
import { ModelHandle } from '../runtime/model-handle.js';
import { outputOf, runRowBatches } from '../runtime/run.js';
import { encodePairs, type PairTruncation } from '../runtime/tokenize.js';
import type { EmbeddingDevice, EmbeddingDType, LoadedModel, RuntimeInfo } from '../runtime/types.js';
import { CallableRerankFunction, type RerankRequest, topResults } from './callable.js';
import type { RerankProgress, RerankResult } from './types.js';

/** Applied to the logits: `none` (raw), `sigmoid`, or `softmax` over the labels. */
export type ScoreActivation = 'none' | 'sigmoid' | 'softmax';

interface LocalRerankOptions {
  /** Hub id, or folder name under `env.localModelPath`. */
  model_name?: string;
  /** Default `'auto'`, as the dense models. */
  device?: EmbeddingDevice;
  /** Default `'q8'` on WASM, `'fp32'` elsewhere, as the dense models. */
  dtype?: EmbeddingDType;
  /** Pairs per inference call. Default 32. */
  batch_size?: number;
  /** Longest pair in tokens (special tokens included). Default: the model's limit. */
  max_length?: number;
}

export interface CrossEncoderRerankOptions extends LocalRerankOptions {
  /** Default `cross-encoder/ms-marco-MiniLM-L-6-v2`. */
  model_name?: string;
  /**
   * Score activation. Default: what the model's config.json asks sentence-transformers for
   * (`sentence_transformers.activation_fn` or `sbert_ce_default_activation_function`), else raw logits.
   */
  activation?: ScoreActivation;
}

export interface BGERerankOptions extends LocalRerankOptions {
  /** Default `BAAI/bge-reranker-v2-m3`. */
  model_name?: string;
  /** Sigmoid of the logit (FlagEmbedding's `normalize=True`). Default true. */
  normalize?: boolean;
  /** The query is cut to this many tokens before the pair is built. Default 256. */
  query_max_length?: number;
  /** Longest pair in tokens. Default 512. */
  max_length?: number;
}

const ACTIVATIONS: readonly ScoreActivation[] = ['none', 'sigmoid', 'softmax'];

/** The activation sentence-transformers reads from a cross-encoder's config.json, if any. */
function configActivation(config: Record<string, unknown>): ScoreActivation | undefined {
  const st = config.sentence_transformers as { activation_fn?: unknown } | undefined;
  const name = st?.activation_fn ?? config.sbert_ce_default_activation_function;
  if (typeof name !== 'string') return undefined;
  if (/Sigmoid$/.test(name)) return 'sigmoid';
  if (/Softmax$/.test(name)) return 'softmax';
  if (/Identity$/.test(name)) return 'none';
  return undefined;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

abstract class LocalRerankFunction extends CallableRerankFunction {
  readonly model_name: string;
  readonly device: EmbeddingDevice;
  readonly batch_size: number;
  protected readonly handle: ModelHandle;
  protected readonly maxLengthOption: number | undefined;

  protected constructor(options: LocalRerankOptions, defaultModel: string) {
    super();
    checkOptionsObject(options);
    const { model_name = defaultModel, device = 'auto', dtype, batch_size = 32, max_length } = options;
    checkModelName(model_name);
    checkPositiveInt('batch_size', batch_size);
    // Pairs need room for the special tokens around and between the two texts.
    if (max_length !== undefined) checkIntAtLeast('max_length', max_length, 4);
    checkDevice(device);
    checkDtype(dtype);
    this.model_name = model_name;
    this.device = device;
    this.batch_size = batch_size;
    this.maxLengthOption = max_length;
    this.handle = new ModelHandle(model_name, 'sequence-classification', device, dtype, 'reranker model');
  }

  /** The device and dtype in use, once loaded. */
  get runtime(): RuntimeInfo | undefined {
    return this.handle.runtime;
  }

  /** Loads the model ahead of the first call (otherwise the first call does). */
  async load(
    options: { signal?: AbortSignal; onProgress?: (e: RerankProgress) => void } = {},
  ): Promise<this> {
    await this.handle.get(options);
    return this;
  }

  /** Releases the inference session; the next call loads the model again. */
  dispose(): Promise<void> {
    return this.handle.dispose();
  }

  toJSON(): Record<string, unknown> {
    return { model_name: this.model_name, device: this.device, batch_size: this.batch_size };
  }

  protected describe(): string {
    return this.model_name;
  }

  protected abstract truncation(): PairTruncation;

  /** Maps a row of logits (one per label) to the score. */
  protected abstract score(logits: Float32Array, m: LoadedModel): number;

  protected async compute(req: RerankRequest): Promise<RerankResult[]> {
    const { query, documents, topK, options } = req;
    const { signal, onProgress } = options;
    const what = `reranking with ${this.model_name}`;
    const m = await this.handle.get({ signal, onProgress });
    const maxLength = Math.min(this.maxLengthOption ?? Infinity, m.maxLength);
    const rows = encodePairs(m, query, documents, maxLength, this.truncation());
    const scores = new Float64Array(documents.length);
    const loop = { model: this.model_name, what, signal, onProgress, batchSize: this.batch_size };
    await runRowBatches(m, rows, loop, (batch, outputs) => {
      const logits = outputOf(outputs, ['logits'], 2, this.model_name);
      const labels = logits.dims[1]!;
      batch.forEach((docIndex, r) => {
        scores[docIndex] = this.score(logits.data.subarray(r * labels, (r + 1) * labels), m);
      });
    });
    return topResults(scores, documents, topK);
  }
}

/**
 * pymilvus' `CrossEncoderRerankFunction` (sentence-transformers' `CrossEncoder.predict`): pairs are
 * truncated `longest_first`; the score is the logit, raw unless `activation` (or the model's config)
 * says otherwise. With several labels the score is the last label's (the "relevant" class of two-label
 * rerankers), after the activation.
 */
export class CrossEncoderRerankFunction extends LocalRerankFunction {
  readonly activation: ScoreActivation | undefined;

  constructor(options: CrossEncoderRerankOptions = {}) {
    super(options, 'cross-encoder/ms-marco-MiniLM-L-6-v2');
    const { activation } = options;
    if (activation !== undefined) checkOneOf('activation', activation, ACTIVATIONS);
    this.activation = activation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.activation ? { activation: this.activation } : {}) };
  }

  protected truncation(): PairTruncation {
    return { strategy: 'longest_first' };
  }

  protected score(logits: Float32Array, m: LoadedModel): number {
    const act = this.activation ?? configActivation(m.config) ?? 'none';
    const last = logits[logits.length - 1]!;
    if (act === 'sigmoid') return sigmoid(last);
    if (act === 'softmax') {
      let max = -Infinity;
      for (const x of logits) max = Math.max(max, x);
      let sum = 0;
      for (const x of logits) sum += Math.exp(x - max);
      return Math.exp(last - max) / sum;
    }
    return last;
  }
}

/**
 * pymilvus' `BGERerankFunction` (FlagEmbedding's `FlagReranker.compute_score`): the query is cut to
 * `query_max_length` tokens, the pair to `max_length` by shortening the document; the score is the
 * sigmoid of the logit (`normalize: false` for the raw logit).
 */
export class BGERerankFunction extends LocalRerankFunction {
  readonly normalize: boolean;
  readonly query_max_length: number;

  constructor(options: BGERerankOptions = {}) {
    super({ ...options, max_length: options.max_length ?? 512 }, 'BAAI/bge-reranker-v2-m3');
    const { normalize = true, query_max_length = 256 } = options;
    checkBoolean('normalize', normalize);
    checkPositiveInt('query_max_length', query_max_length);
    this.normalize = normalize;
    this.query_max_length = query_max_length;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      normalize: this.normalize,
      query_max_length: this.query_max_length,
      max_length: this.maxLengthOption,
    };
  }

  protected truncation(): PairTruncation {
    return { strategy: 'only_second', query_max_length: this.query_max_length };
  }

  protected score(logits: Float32Array): number {
    // FlagEmbedding flattens the logits (one label).
    const x = logits[0]!;
    return this.normalize ? sigmoid(x) : x;
  }
}
