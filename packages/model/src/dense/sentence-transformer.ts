/**
 * Dense text embeddings with transformers.js, shaped like pymilvus' model package:
 * `SentenceTransformerEmbeddingFunction` (any BERT-like sentence-transformers model exported to ONNX)
 * and `DefaultEmbeddingFunction` (all-MiniLM-L6-v2: 384 dimensions, mean pooling, L2-normalised).
 */
import { ElanusError } from '@elanus/core';
import { throwIfAborted } from '../common/abort.js';
import {
  checkBoolean,
  checkModelName,
  checkOptionsObject,
  checkPositiveInt,
  checkString,
  checkTexts,
} from '../common/checks.js';
import { forEachBatch, planBatches } from '../runtime/batches.js';
import { checkDevice, checkDtype } from '../runtime/device.js';
import { openModel } from '../runtime/load.js';
import { SharedLoad } from '../runtime/shared-load.js';
import type { ResolvedDevice, RuntimeInfo } from '../runtime/types.js';
import { DEFAULT_MODEL_NAME, knownModel, resolveModelName } from './known-models.js';
import type { EmbeddingDevice, EmbeddingDType, EncodeOptions, SentenceTransformerOptions } from './types.js';

/**
 * The slices of transformers.js' feature-extraction pipeline used here: its tokenizer pads and
 * truncates a batch itself, and its tensors are written to (see `restoreClosingToken`).
 */
interface TensorLike {
  data: ArrayLike<number | bigint> & { [i: number]: number | bigint };
  dims: number[];
  dispose?: () => void;
}
interface TokenizerLike {
  (texts: string[], options: { padding: boolean; truncation: boolean }): Record<string, TensorLike>;
  encode(text: string): number[];
  model_max_length?: number;
  all_special_ids?: number[];
}
interface ModelLike {
  (inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike | undefined>>;
  config?: { hidden_size?: number };
}
interface Extractor {
  tokenizer: TokenizerLike;
  model: ModelLike;
  dispose(): Promise<void>;
}
interface Loaded {
  extractor: Extractor;
  device: ResolvedDevice;
  dtype: EmbeddingDType;
  /** Last special token the tokenizer appends ([SEP] for BERT), restored after truncation. */
  closingToken: number | undefined;
}

export class SentenceTransformerEmbeddingFunction {
  readonly model_name: string;
  readonly query_instruction: string;
  readonly doc_instruction: string;
  readonly normalize_embeddings: boolean;
  readonly device: EmbeddingDevice;
  readonly batch_size: number;
  private readonly dtypeOption: EmbeddingDType | undefined;
  private readonly maxSeqLength: number | undefined;
  private readonly model = new SharedLoad<Loaded>(() => this.doLoad());
  private knownDim: number | undefined;

  constructor(options: SentenceTransformerOptions = {}) {
    checkOptionsObject(options);
    const {
      model_name = DEFAULT_MODEL_NAME,
      query_instruction = '',
      doc_instruction = '',
      normalize_embeddings = true,
      device = 'auto',
      dtype,
      batch_size = 32,
      max_seq_length,
    } = options;
    checkModelName(model_name);
    checkString('query_instruction', query_instruction);
    checkString('doc_instruction', doc_instruction);
    checkBoolean('normalize_embeddings', normalize_embeddings);
    checkDevice(device);
    checkDtype(dtype);
    checkPositiveInt('batch_size', batch_size);
    if (max_seq_length !== undefined) checkPositiveInt('max_seq_length', max_seq_length);
    this.model_name = resolveModelName(model_name);
    this.query_instruction = query_instruction;
    this.doc_instruction = doc_instruction;
    this.normalize_embeddings = normalize_embeddings;
    this.device = device;
    this.dtypeOption = dtype;
    this.batch_size = batch_size;
    this.maxSeqLength = max_seq_length ?? knownModel(this.model_name)?.maxSeqLength;
    this.knownDim = knownModel(this.model_name)?.dim;
  }

  /**
   * Embedding size. Known up front for the models in known-models.ts; for others, available once the
   * model is loaded (`await ef.load()`).
   */
  get dim(): number {
    if (this.knownDim === undefined) {
      throw new ElanusError(
        'Unavailable',
        `the dimension of model ${JSON.stringify(this.model_name)} is known once it is loaded: await load() first`,
        { model: this.model_name },
      );
    }
    return this.knownDim;
  }

  /** The device and dtype in use, once loaded. */
  get runtime(): RuntimeInfo | undefined {
    const loaded = this.model.current;
    return loaded ? { device: loaded.device, dtype: loaded.dtype } : undefined;
  }

  /** Downloads (or reads from cache) and initialises the model. Called by the encode methods as needed. */
  async load(options: EncodeOptions = {}): Promise<this> {
    await this.ensureLoaded(options);
    return this;
  }

  /** Embeds documents, each prefixed with `doc_instruction`. One `Float32Array` of length `dim` per text. */
  async encodeDocuments(documents: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    return this.encodeWith(checkTexts(documents, 'documents'), this.doc_instruction, options);
  }

  /** Embeds queries, each prefixed with `query_instruction`. */
  async encodeQueries(queries: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    return this.encodeWith(checkTexts(queries, 'queries'), this.query_instruction, options);
  }

  /** Embeds texts as given, without an instruction (pymilvus' `ef(texts)`). */
  async encode(texts: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    return this.encodeWith(checkTexts(texts, 'texts'), '', options);
  }

  /** Releases the inference session. The next encode call loads the model again. */
  dispose(): Promise<void> {
    return this.model.release((loaded) => loaded.extractor.dispose());
  }

  private ensureLoaded(options: EncodeOptions): Promise<Loaded> {
    return this.model.get(`loading model ${this.model_name}`, options.signal, options.onProgress);
  }

  private async doLoad(): Promise<Loaded> {
    const model = this.model_name;
    const emit = this.model.emit.bind(this.model);
    const { value, device, dtype } = await openModel(
      { model, device: this.device, dtype: this.dtypeOption, role: 'embedding model', emit },
      ({ tf, modelOptions }) => tf.pipeline('feature-extraction', model, modelOptions),
    );
    const extractor = value as Extractor;

    if (this.maxSeqLength !== undefined) {
      // transformers.js truncates at model_max_length; sentence-transformers at max_seq_length.
      const current = extractor.tokenizer.model_max_length;
      extractor.tokenizer.model_max_length =
        current === undefined ? this.maxSeqLength : Math.min(current, this.maxSeqLength);
    }
    const hidden = extractor.model.config?.hidden_size;
    if (typeof hidden === 'number') this.knownDim = hidden;
    // What the tokenizer puts after the text: [CLS] [SEP] for an empty text gives [SEP].
    const empty = extractor.tokenizer.encode('');
    const specials = new Set(extractor.tokenizer.all_special_ids ?? []);
    const last = empty.at(-1);
    const closingToken = last !== undefined && empty.every((t) => specials.has(t)) ? last : undefined;
    emit({ stage: 'load', model, status: 'ready', device, dtype });
    return { extractor, device, dtype, closingToken };
  }

  private async encodeWith(texts: string[], prefix: string, options: EncodeOptions): Promise<Float32Array[]> {
    const { signal, onProgress } = options;
    const what = `embedding with ${this.model_name}`;
    throwIfAborted(signal, what);
    const loaded = await this.ensureLoaded(options);
    const out = new Array<Float32Array>(texts.length);
    // Longest first, as sentence-transformers does: batches of similar lengths carry less padding.
    const batches = planBatches(
      texts.map((t) => t.length),
      this.batch_size,
    );
    await forEachBatch(
      batches,
      { model: this.model_name, what, signal, onProgress },
      (idx) =>
        this.embedBatch(
          loaded,
          idx.map((i) => prefix + texts[i]!),
        ),
      (idx, rows) =>
        rows.forEach((row, r) => {
          out[idx[r]!] = row;
        }),
    );
    return out;
  }

  /** Tokenize, run the model, mean-pool over the attention mask, optionally L2-normalise. */
  private async embedBatch(loaded: Loaded, batch: string[]): Promise<Float32Array[]> {
    const { extractor, closingToken } = loaded;
    let inputs: Record<string, TensorLike>;
    let outputs: Record<string, TensorLike | undefined>;
    try {
      inputs = extractor.tokenizer(batch, { padding: true, truncation: true });
      const ids = inputs.input_ids;
      const mask = inputs.attention_mask;
      if (!ids || !mask) throw new Error('the tokenizer returned no input_ids/attention_mask');
      if (closingToken !== undefined)
        restoreClosingToken(ids, mask, extractor.tokenizer.model_max_length, closingToken);
      outputs = await extractor.model(inputs);
    } catch (e) {
      throw new ElanusError(
        'UnexpectedError',
        `embedding with ${this.model_name} failed: ${e instanceof Error ? e.message : String(e)}`,
        { model: this.model_name },
      );
    }
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
    if (hidden?.dims.length !== 3) {
      throw new ElanusError('UnexpectedError', `model ${this.model_name} returned no last_hidden_state`, {
        model: this.model_name,
      });
    }
    const rows = meanPool(hidden, inputs.attention_mask!, this.normalize_embeddings);
    for (const t of Object.values(outputs)) t?.dispose?.();
    this.knownDim ??= hidden.dims[2];
    return rows;
  }
}

/**
 * transformers.js truncates by cutting the token list, dropping the closing [SEP]; sentence-transformers
 * (Hugging Face tokenizers) keeps it. Putting it back on rows cut at the limit makes long texts match.
 */
function restoreClosingToken(
  ids: TensorLike,
  mask: TensorLike,
  maxLength: number | undefined,
  closing: number,
): void {
  const [rows = 0, cols = 0] = ids.dims;
  if (maxLength === undefined || cols < maxLength) return; // nothing was long enough to be cut
  const bigint = typeof ids.data[0] === 'bigint';
  for (let r = 0; r < rows; r++) {
    const last = r * cols + cols - 1;
    if (Number(mask.data[last]) !== 1 || Number(ids.data[last]) === closing) continue;
    ids.data[last] = bigint ? BigInt(closing) : closing;
  }
}

/** Mean over the attended positions (float64 sums), then optionally divided by the L2 norm. */
function meanPool(hidden: TensorLike, mask: TensorLike, normalize: boolean): Float32Array[] {
  const [rows = 0, seq = 0, dim = 0] = hidden.dims;
  const h = hidden.data as ArrayLike<number>;
  const out: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    acc.fill(0);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(mask.data[r * seq + t]) === 0) continue;
      count++;
      const base = (r * seq + t) * dim;
      for (let k = 0; k < dim; k++) acc[k]! += h[base + k]!;
    }
    let sq = 0;
    for (let k = 0; k < dim; k++) {
      acc[k] = acc[k]! / Math.max(count, 1);
      sq += acc[k]! * acc[k]!;
    }
    // Same floor as torch.nn.functional.normalize (eps 1e-12).
    const scale = normalize ? 1 / Math.max(Math.sqrt(sq), 1e-12) : 1;
    const v = new Float32Array(dim);
    for (let k = 0; k < dim; k++) v[k] = acc[k]! * scale;
    out.push(v);
  }
  return out;
}

/**
 * pymilvus' `DefaultEmbeddingFunction`: all-MiniLM-L6-v2, 384 dimensions, mean pooling, L2-normalised.
 * Takes the same options as `SentenceTransformerEmbeddingFunction` except the model.
 */
export class DefaultEmbeddingFunction extends SentenceTransformerEmbeddingFunction {
  constructor(options: Omit<SentenceTransformerOptions, 'model_name'> = {}) {
    checkOptionsObject(options);
    super({ ...options, model_name: DEFAULT_MODEL_NAME });
  }
}
