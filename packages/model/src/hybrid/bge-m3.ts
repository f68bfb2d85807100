/**
 * BGE-M3 (pymilvus' `BGEM3EmbeddingFunction`, FlagEmbedding's `BGEM3FlagModel.encode`) on an ONNX
 * export run by transformers.js: dense, sparse (lexical) and ColBERT outputs from one forward pass.
 *
 * The graph must output `last_hidden_state` [batch, seq, hidden] and, for the sparse and ColBERT
 * outputs, the raw heads: `sparse_logits` = sparse_linear(hidden) [batch, seq, 1] and `colbert_logits`
 * = colbert_linear(hidden) [batch, seq, dim]. Exports that already post-process them under the names
 * `dense_vecs` [batch, hidden], `sparse_vecs` (ReLU applied) and `colbert_vecs` (first position
 * dropped, [batch, seq - 1, dim]) are read too: every step below is idempotent on such outputs. A
 * dense-only export (the usual feature-extraction one) works with `return_sparse: false`.
 *
 *  - dense: the first ([CLS]/<s>) hidden state, L2-normalised (`normalize_embeddings`);
 *  - sparse: ReLU(sparse_linear(hidden)) per position, max per token id, special tokens (cls, eos,
 *    pad, unk) and zero weights left out, sorted by token id;
 *  - ColBERT: colbert_linear(hidden[1:]) for the attended positions after the first (the closing
 *    token included), each L2-normalised (`normalize_embeddings`).
 */
import { ElanusError, type SparseVector } from '@elanus/core';
import { throwIfAborted } from '../common/abort.js';
import {
  checkBoolean,
  checkIntAtLeast,
  checkModelName,
  checkOptionsObject,
  checkPositiveInt,
  checkTexts,
  invalidParam,
} from '../common/checks.js';
import { checkDevice, checkDtype } from '../runtime/device.js';
import { ModelHandle } from '../runtime/model-handle.js';
import { outputOf, runRowBatches } from '../runtime/run.js';
import { encodeSingles } from '../runtime/tokenize.js';
import type {
  EmbeddingDevice,
  EmbeddingDType,
  EncodeOptions,
  LoadedModel,
  ModelOutputs,
  RuntimeInfo,
} from '../runtime/types.js';

export interface BGEM3Options {
  /** Hub id, or folder name under `env.localModelPath`. Default `BAAI/bge-m3`. */
  model_name?: string;
  /** Texts per inference call. Default 16, as pymilvus. */
  batch_size?: number;
  /** L2-normalise the dense and ColBERT vectors. Default true. */
  normalize_embeddings?: boolean;
  /** Default true. */
  return_dense?: boolean;
  /** Default true. */
  return_sparse?: boolean;
  /** Default false. */
  return_colbert_vecs?: boolean;
  /** Truncate texts to this many tokens. Default 8192 (FlagEmbedding's), bounded by the model. */
  max_length?: number;
  /** Default `'auto'`. */
  device?: EmbeddingDevice;
  /** Default `'q8'` on WASM, `'fp32'` elsewhere. */
  dtype?: EmbeddingDType;
}

/** What an encode call returns; a key is present when its `return_*` option is on. */
export interface BGEM3Embeddings {
  dense?: Float32Array[];
  sparse?: SparseVector[];
  /** Per text, one vector per token after the first (the closing token included). */
  colbert_vecs?: Float32Array[][];
}

export interface BGEM3Dim {
  dense: number;
  colbert_vecs: number;
  sparse: number;
}

const KNOWN_DIMS: Readonly<Record<string, BGEM3Dim>> = {
  'BAAI/bge-m3': { dense: 1024, colbert_vecs: 1024, sparse: 250002 },
};

export class BGEM3EmbeddingFunction {
  readonly model_name: string;
  readonly batch_size: number;
  readonly normalize_embeddings: boolean;
  readonly return_dense: boolean;
  readonly return_sparse: boolean;
  readonly return_colbert_vecs: boolean;
  readonly max_length: number;
  readonly device: EmbeddingDevice;
  private readonly handle: ModelHandle;
  private knownDim: BGEM3Dim | undefined;

  constructor(options: BGEM3Options = {}) {
    checkOptionsObject(options);
    const {
      model_name = 'BAAI/bge-m3',
      batch_size = 16,
      normalize_embeddings = true,
      return_dense = true,
      return_sparse = true,
      return_colbert_vecs = false,
      max_length = 8192,
      device = 'auto',
      dtype,
    } = options;
    checkModelName(model_name);
    checkPositiveInt('batch_size', batch_size);
    for (const [name, v] of Object.entries({
      normalize_embeddings,
      return_dense,
      return_sparse,
      return_colbert_vecs,
    })) {
      checkBoolean(name, v);
    }
    if (!return_dense && !return_sparse && !return_colbert_vecs) {
      throw invalidParam(
        'return_dense',
        'at least one of return_dense, return_sparse, return_colbert_vecs true',
        false,
      );
    }
    checkIntAtLeast('max_length', max_length, 3);
    checkDevice(device);
    checkDtype(dtype);
    this.model_name = model_name;
    this.batch_size = batch_size;
    this.normalize_embeddings = normalize_embeddings;
    this.return_dense = return_dense;
    this.return_sparse = return_sparse;
    this.return_colbert_vecs = return_colbert_vecs;
    this.max_length = max_length;
    this.device = device;
    this.handle = new ModelHandle(model_name, 'base', device, dtype, 'BGE-M3 model');
    this.knownDim = KNOWN_DIMS[model_name];
  }

  /** Sizes of the three outputs (sparse: vocabulary size). Known for BAAI/bge-m3; else after `load()`. */
  get dim(): BGEM3Dim {
    if (this.knownDim === undefined) {
      throw new ElanusError(
        'Unavailable',
        `the dimensions of BGE-M3 model ${JSON.stringify(this.model_name)} are known once it is loaded: await load() first`,
        { model: this.model_name },
      );
    }
    return { ...this.knownDim };
  }

  get runtime(): RuntimeInfo | undefined {
    return this.handle.runtime;
  }

  async load(options: EncodeOptions = {}): Promise<this> {
    this.learnDims(await this.handle.get(options));
    return this;
  }

  /** pymilvus' `encode_documents` (BGE-M3 has no instruction: the same as `encode`). */
  async encodeDocuments(documents: string[], options: EncodeOptions = {}): Promise<BGEM3Embeddings> {
    return this.encodeWith(checkTexts(documents, 'documents'), options);
  }

  async encodeQueries(queries: string[], options: EncodeOptions = {}): Promise<BGEM3Embeddings> {
    return this.encodeWith(checkTexts(queries, 'queries'), options);
  }

  async encode(texts: string[], options: EncodeOptions = {}): Promise<BGEM3Embeddings> {
    return this.encodeWith(checkTexts(texts, 'texts'), options);
  }

  dispose(): Promise<void> {
    return this.handle.dispose();
  }

  toJSON(): Record<string, unknown> {
    return {
      model_name: this.model_name,
      batch_size: this.batch_size,
      normalize_embeddings: this.normalize_embeddings,
      return_dense: this.return_dense,
      return_sparse: this.return_sparse,
      return_colbert_vecs: this.return_colbert_vecs,
      max_length: this.max_length,
    };
  }

  private learnDims(m: LoadedModel): void {
    const hidden = typeof m.config.hidden_size === 'number' ? m.config.hidden_size : undefined;
    const colbert =
      typeof m.config.colbert_dim === 'number' && m.config.colbert_dim > 0 ? m.config.colbert_dim : hidden;
    if (this.knownDim === undefined && hidden !== undefined && colbert !== undefined) {
      this.knownDim = { dense: hidden, colbert_vecs: colbert, sparse: m.vocabSize };
    }
  }

  private async encodeWith(texts: string[], options: EncodeOptions): Promise<BGEM3Embeddings> {
    const { signal, onProgress } = options;
    const what = `BGE-M3 encoding with ${this.model_name}`;
    throwIfAborted(signal, what);
    const m = await this.handle.get(options);
    this.learnDims(m);
    const rows = encodeSingles(m, texts, Math.min(this.max_length, m.maxLength));
    const n = texts.length;
    const dense = this.return_dense ? new Array<Float32Array>(n) : undefined;
    const sparse = this.return_sparse ? new Array<SparseVector>(n) : undefined;
    const colbert = this.return_colbert_vecs ? new Array<Float32Array[]>(n) : undefined;
    const loop = { model: this.model_name, what, signal, onProgress, batchSize: this.batch_size };
    await runRowBatches(m, rows, loop, (batch, outputs) => {
      batch.forEach((textIndex, r) => {
        const ids = rows[textIndex]!.ids;
        if (dense) dense[textIndex] = this.denseRow(outputs, r);
        if (sparse) sparse[textIndex] = this.sparseRow(outputs, r, ids, m.specialIds);
        if (colbert) colbert[textIndex] = this.colbertRow(outputs, r, ids.length);
      });
    });
    const result: BGEM3Embeddings = {};
    if (dense) result.dense = dense;
    if (sparse) result.sparse = sparse;
    if (colbert) result.colbert_vecs = colbert;
    return result;
  }

  private denseRow(outputs: ModelOutputs, r: number): Float32Array {
    let v: Float32Array;
    if (outputs.dense_vecs?.dims.length === 2) {
      const o = outputOf(outputs, ['dense_vecs'], 2, this.model_name);
      const d = o.dims[1]!;
      v = o.data.slice(r * d, (r + 1) * d);
    } else {
      const o = outputOf(outputs, ['last_hidden_state'], 3, this.model_name);
      const [, seq = 0, d = 0] = o.dims;
      v = o.data.slice(r * seq * d, r * seq * d + d);
    }
    this.setDim('dense', v.length);
    return this.normalize_embeddings ? l2normalize(v) : v;
  }

  private sparseRow(outputs: ModelOutputs, r: number, ids: number[], special: Set<number>): SparseVector {
    const o = outputOf(
      outputs,
      ['sparse_logits', 'sparse_vecs'],
      3,
      this.model_name,
      ': BGE-M3 sparse weights need the sparse_linear head in the ONNX graph (or return_sparse: false)',
    );
    const seq = o.dims[1]!;
    const weights = new Map<number, number>();
    for (let t = 0; t < ids.length; t++) {
      const id = ids[t]!;
      const w = o.data[(r * seq + t) * o.dims[2]!]!; // ReLU: only positive weights are kept
      if (special.has(id) || !(w > 0)) continue;
      if (w > (weights.get(id) ?? 0)) weights.set(id, w);
    }
    const indices = Uint32Array.from([...weights.keys()].sort((a, b) => a - b));
    const values = Float32Array.from(indices, (i) => weights.get(i)!);
    return { indices, values };
  }

  private colbertRow(outputs: ModelOutputs, r: number, length: number): Float32Array[] {
    const o = outputOf(
      outputs,
      ['colbert_logits', 'colbert_vecs'],
      3,
      this.model_name,
      ': ColBERT vectors need the colbert_linear head in the ONNX graph (or return_colbert_vecs: false)',
    );
    const [, seq = 0, d = 0] = o.dims;
    this.setDim('colbert_vecs', d);
    // `colbert_logits` covers every position; `colbert_vecs` exports start at the second one.
    const offset = o.name === 'colbert_vecs' ? 0 : 1;
    const vecs: Float32Array[] = [];
    for (let t = 1; t < length; t++) {
      const base = (r * seq + t - 1 + offset) * d;
      const v = o.data.slice(base, base + d);
      vecs.push(this.normalize_embeddings ? l2normalize(v) : v);
    }
    return vecs;
  }

  private setDim(key: 'dense' | 'colbert_vecs', value: number): void {
    if (this.knownDim && this.knownDim[key] !== value) this.knownDim = { ...this.knownDim, [key]: value };
  }
}

/** In place; the same floor as torch.nn.functional.normalize (eps 1e-12). */
function l2normalize(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  const scale = 1 / Math.max(Math.sqrt(sq), 1e-12);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
  return v;
}
