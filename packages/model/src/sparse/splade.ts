/**
 * SPLADE learned sparse embeddings (pymilvus' `SpladeEmbeddingFunction`) on a masked-LM model run by
 * transformers.js: the weight of vocabulary term v is max over the text's positions of
 * log(1 + ReLU(logit[t, v])), over attended positions only; `k_tokens_*` keep the k largest weights.
 *
 * pymilvus takes the max over every position of the padded batch, padding included, so its output for
 * a text can depend on the other texts of its batch; the original SPLADE (and this class) masks padding.
 * The two agree for a text alone or in a batch of equal-length texts.
 */
import { ElanusError, type SparseVector } from '@elanus/core';
import { throwIfAborted } from '../common/abort.js';
import {
  checkIntAtLeast,
  checkModelName,
  checkOptionsObject,
  checkPositiveInt,
  checkString,
  checkTexts,
} from '../common/checks.js';
import { checkDevice, checkDtype } from '../runtime/device.js';
import { ModelHandle } from '../runtime/model-handle.js';
import { outputOf, runRowBatches } from '../runtime/run.js';
import { encodeSingles } from '../runtime/tokenize.js';
import type { EmbeddingDevice, EmbeddingDType, EncodeOptions, RuntimeInfo } from '../runtime/types.js';

export interface SpladeOptions {
  /** Hub id, or folder name under `env.localModelPath`. Default `naver/splade-cocondenser-ensembledistil`. */
  model_name?: string;
  /** Texts per inference call (fewer when the logits would exceed about 256 MB). Default 32. */
  batch_size?: number;
  /** Prepended to every query by `encodeQueries`. Default `''`. */
  query_instruction?: string;
  /** Prepended to every document by `encodeDocuments`. Default `''`. */
  doc_instruction?: string;
  /** Keep the k largest weights of each query (default: every non-zero weight). */
  k_tokens_query?: number;
  /** Keep the k largest weights of each document (default: every non-zero weight). */
  k_tokens_document?: number;
  /** Default `'auto'`. */
  device?: EmbeddingDevice;
  /** Default `'q8'` on WASM, `'fp32'` elsewhere. */
  dtype?: EmbeddingDType;
  /** Truncate texts to this many tokens. Default: the tokenizer's `model_max_length` (512 for BERT). */
  max_length?: number;
}

/** Vocabulary sizes of known SPLADE models (all BERT-base uncased). */
const KNOWN_DIMS: Readonly<Record<string, number>> = {
  'naver/splade-cocondenser-ensembledistil': 30522,
  'naver/splade-cocondenser-selfdistil': 30522,
  'naver/splade_v2_max': 30522,
  'naver/splade_v2_distil': 30522,
  'naver/splade-v3': 30522,
};

/** Bound on batch x sequence x vocabulary logits held at once (64 M floats = 256 MB). */
const MAX_LOGITS = 64 * 1024 * 1024;

export class SpladeEmbeddingFunction {
  readonly model_name: string;
  readonly batch_size: number;
  readonly query_instruction: string;
  readonly doc_instruction: string;
  readonly k_tokens_query: number | undefined;
  readonly k_tokens_document: number | undefined;
  readonly device: EmbeddingDevice;
  private readonly maxLengthOption: number | undefined;
  private readonly handle: ModelHandle;
  private knownDim: number | undefined;

  constructor(options: SpladeOptions = {}) {
    checkOptionsObject(options);
    const {
      model_name = 'naver/splade-cocondenser-ensembledistil',
      batch_size = 32,
      query_instruction = '',
      doc_instruction = '',
      k_tokens_query,
      k_tokens_document,
      device = 'auto',
      dtype,
      max_length,
    } = options;
    checkModelName(model_name);
    checkPositiveInt('batch_size', batch_size);
    checkString('query_instruction', query_instruction);
    checkString('doc_instruction', doc_instruction);
    if (k_tokens_query !== undefined) checkPositiveInt('k_tokens_query', k_tokens_query);
    if (k_tokens_document !== undefined) checkPositiveInt('k_tokens_document', k_tokens_document);
    if (max_length !== undefined) checkIntAtLeast('max_length', max_length, 3);
    checkDevice(device);
    checkDtype(dtype);
    this.model_name = model_name;
    this.batch_size = batch_size;
    this.query_instruction = query_instruction;
    this.doc_instruction = doc_instruction;
    this.k_tokens_query = k_tokens_query;
    this.k_tokens_document = k_tokens_document;
    this.device = device;
    this.maxLengthOption = max_length;
    this.handle = new ModelHandle(model_name, 'masked-lm', device, dtype, 'SPLADE model');
    this.knownDim = KNOWN_DIMS[model_name];
  }

  /** Vocabulary size (the sparse dimension). Known up front for the naver models; else after `load()`. */
  get dim(): number {
    if (this.knownDim === undefined) {
      throw new ElanusError(
        'Unavailable',
        `the dimension of SPLADE model ${JSON.stringify(this.model_name)} is known once it is loaded: await load() first`,
        { model: this.model_name },
      );
    }
    return this.knownDim;
  }

  /** The device and dtype in use, once loaded. */
  get runtime(): RuntimeInfo | undefined {
    return this.handle.runtime;
  }

  async load(options: EncodeOptions = {}): Promise<this> {
    const m = await this.handle.get(options);
    this.knownDim = vocabOf(m.config) ?? this.knownDim ?? m.vocabSize;
    return this;
  }

  /** Documents with `doc_instruction`, keeping `k_tokens_document` weights. Sorted by index. */
  async encodeDocuments(documents: string[], options: EncodeOptions = {}): Promise<SparseVector[]> {
    const texts = checkTexts(documents, 'documents').map((d) => this.doc_instruction + d);
    return this.encodeWith(texts, this.k_tokens_document, options);
  }

  /** Queries with `query_instruction`, keeping `k_tokens_query` weights. */
  async encodeQueries(queries: string[], options: EncodeOptions = {}): Promise<SparseVector[]> {
    const texts = checkTexts(queries, 'queries').map((q) => this.query_instruction + q);
    return this.encodeWith(texts, this.k_tokens_query, options);
  }

  /** Texts as given, every non-zero weight (pymilvus' `ef(texts)`). */
  async encode(texts: string[], options: EncodeOptions = {}): Promise<SparseVector[]> {
    return this.encodeWith(checkTexts(texts, 'texts'), undefined, options);
  }

  dispose(): Promise<void> {
    return this.handle.dispose();
  }

  toJSON(): Record<string, unknown> {
    return {
      model_name: this.model_name,
      batch_size: this.batch_size,
      query_instruction: this.query_instruction,
      doc_instruction: this.doc_instruction,
      k_tokens_query: this.k_tokens_query,
      k_tokens_document: this.k_tokens_document,
    };
  }

  private async encodeWith(
    texts: string[],
    kTokens: number | undefined,
    options: EncodeOptions,
  ): Promise<SparseVector[]> {
    const { signal, onProgress } = options;
    const what = `SPLADE encoding with ${this.model_name}`;
    throwIfAborted(signal, what);
    const m = await this.handle.get(options);
    const vocab = vocabOf(m.config) ?? m.vocabSize;
    const maxLength = Math.min(this.maxLengthOption ?? Infinity, m.maxLength);
    const rows = encodeSingles(m, texts, maxLength);
    const out = new Array<SparseVector>(texts.length);
    const loop = {
      model: this.model_name,
      what,
      signal,
      onProgress,
      batchSize: this.batch_size,
      perToken: vocab,
      maxElements: MAX_LOGITS,
    };
    await runRowBatches(m, rows, loop, (batch, outputs) => {
      const logits = outputOf(outputs, ['logits'], 3, this.model_name, ' (a masked-LM head)');
      const [, seq = 0, v = 0] = logits.dims;
      this.knownDim = v;
      batch.forEach((textIndex, r) => {
        out[textIndex] = poolRow(logits.data, r, seq, v, rows[textIndex]!.ids.length, kTokens);
      });
    });
    return out;
  }
}

function vocabOf(config: Record<string, unknown>): number | undefined {
  return typeof config.vocab_size === 'number' ? config.vocab_size : undefined;
}

/**
 * One text's weights. Rows are right-padded, so the attended positions are the first `length`. As
 * log1p is increasing, max of log1p(relu(x)) = log1p(relu(max x)): one max pass, then one log per term.
 */
function poolRow(
  logits: Float32Array,
  row: number,
  seq: number,
  vocab: number,
  length: number,
  kTokens: number | undefined,
): SparseVector {
  const max = new Float32Array(vocab);
  const base = row * seq * vocab;
  max.set(logits.subarray(base, base + vocab));
  for (let t = 1; t < length; t++) {
    const off = base + t * vocab;
    for (let j = 0; j < vocab; j++) {
      const x = logits[off + j]!;
      if (x > max[j]!) max[j] = x;
    }
  }
  let ids: number[] = [];
  for (let j = 0; j < vocab; j++) if (max[j]! > 0) ids.push(j);
  if (kTokens !== undefined && ids.length > kTokens) {
    // Largest first (ties by index, for a deterministic choice), then back to index order.
    ids.sort((a, b) => max[b]! - max[a]! || a - b);
    ids = ids.slice(0, kTokens).sort((a, b) => a - b);
  }
  const indices = Uint32Array.from(ids);
  const values = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) values[i] = Math.log1p(max[ids[i]!]!);
  return { indices, values };
}
