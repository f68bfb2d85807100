/**
 * Local transformers.js models other than sentence embedders (SPLADE's masked-LM head, BGE-M3's extra
 * heads, cross-encoders): loading with the same rules as the dense models (`env`, device and dtype
 * choice, IndexedDB cache, progress, errors), and the tokenisation that Python's fast tokenizers do.
 *
 * Tokenisation is done here rather than by the tokenizer's own call because transformers.js truncates
 * by cutting the token list: it drops the closing special token and, for (query, document) pairs, does
 * not apply Hugging Face's `longest_first` / `only_second` strategies. The texts are tokenised without
 * special tokens, truncated as Hugging Face does, then wrapped in the tokenizer's own template (found by
 * probing it), so that the model sees exactly what the Python libraries feed it.
 */
import { ElanusError } from '@elanus/core';
import { type ResolvedDevice, resolveDevice } from '../dense/device.js';
import type { EmbeddingDevice, EmbeddingDType, EmbeddingProgress } from '../dense/types.js';
import { invalidParam, SharedLoad } from '../dense/util.js';
import { applyEnv, type TransformersEnvLike, wantsIndexedDBCache } from '../env.js';

/** The slices of transformers.js used here (its own typings are heavy). */
export interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
  dispose?: () => void;
}
interface TokenizerLike {
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
interface ModelLike {
  (inputs: Record<string, unknown>): Promise<Record<string, TensorLike | undefined>>;
  config?: Record<string, unknown>;
  sessions?: Record<string, { inputNames?: string[] }>;
  dispose(): Promise<unknown>;
}
interface PretrainedLoader<T> {
  from_pretrained(name: string, options: Record<string, unknown>): Promise<T>;
}
interface TensorCtor {
  new (type: 'int64', data: BigInt64Array, dims: number[]): TensorLike;
}
interface TransformersLike {
  env: unknown;
  Tensor: TensorCtor;
  AutoTokenizer: PretrainedLoader<TokenizerLike>;
  AutoModel: PretrainedLoader<ModelLike>;
  AutoModelForMaskedLM: PretrainedLoader<ModelLike>;
  AutoModelForSequenceClassification: PretrainedLoader<ModelLike>;
}

/** Which transformers.js class loads the model. */
export type ModelHead = 'base' | 'masked-lm' | 'sequence-classification';

/** Special tokens around one text and around a pair, with their token type ids. */
interface Template {
  single: { prefix: number[]; suffix: number[] };
  pair: {
    prefix: number[];
    middle: number[];
    suffix: number[];
    /** Token type of every position of [prefix, A, middle, B, suffix], by part. */
    types: { prefix: number[]; a: number; middle: number[]; b: number; suffix: number[] };
  };
}

export interface LoadedModel {
  tokenizer: TokenizerLike;
  model: ModelLike;
  device: ResolvedDevice;
  dtype: EmbeddingDType;
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

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (e: EmbeddingProgress) => void;
}

const DEVICES: readonly EmbeddingDevice[] = ['webgpu', 'wasm', 'cpu', 'auto'];
const DTYPES: readonly EmbeddingDType[] = ['fp32', 'fp16', 'q8'];

export function checkDevice(device: unknown): EmbeddingDevice {
  if (!DEVICES.includes(device as EmbeddingDevice))
    throw invalidParam('device', `one of ${DEVICES.join(', ')}`, device);
  return device as EmbeddingDevice;
}

export function checkDtype(dtype: unknown): EmbeddingDType | undefined {
  if (dtype !== undefined && !DTYPES.includes(dtype as EmbeddingDType)) {
    throw invalidParam('dtype', `one of ${DTYPES.join(', ')}`, dtype);
  }
  return dtype as EmbeddingDType | undefined;
}

export const isPositiveInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * A model loaded once and shared by concurrent callers (a failed load is forgotten, so the next call
 * tries again), with progress fanned out to every caller waiting on it.
 */
export class ModelHandle {
  private readonly shared = new SharedLoad<LoadedModel>(() => this.load());

  constructor(
    readonly model_name: string,
    private readonly head: ModelHead,
    private readonly device: EmbeddingDevice,
    private readonly dtype: EmbeddingDType | undefined,
    /** What the model is for, in messages: "SPLADE model", "reranker model"... */
    private readonly role: string,
  ) {}

  get current(): LoadedModel | undefined {
    return this.shared.current;
  }

  get(options: LoadOptions = {}): Promise<LoadedModel> {
    return this.shared.get(`loading ${this.role} ${this.model_name}`, options.signal, options.onProgress);
  }

  async dispose(): Promise<void> {
    const loading = this.shared.reset();
    if (!loading) return;
    try {
      await (await loading).model.dispose();
    } catch {
      // A load that failed has nothing to release.
    }
  }

  private emit(e: EmbeddingProgress): void {
    this.shared.emit(e);
  }

  private async load(): Promise<LoadedModel> {
    const model = this.model_name;
    const device = await resolveDevice(this.device);
    // As the dense models: q8 on WASM (a quarter of the download, fast integer kernels), else fp32.
    const dtype = this.dtype ?? (device === 'wasm' ? 'q8' : 'fp32');
    this.emit({ stage: 'load', model, status: 'start', device, dtype });
    const tf = (await import('@huggingface/transformers')) as unknown as TransformersLike;
    let untrack = (): void => {};
    let cache: unknown;
    if (wantsIndexedDBCache()) {
      const idb = await import('../cache/idb-model-cache.js');
      cache = idb.indexedDBModelCache();
      untrack = idb.trackModel(model);
    }
    applyEnv(tf.env as TransformersEnvLike, cache);
    const progress_callback = (p: {
      status: string;
      file?: string;
      loaded?: number;
      total?: number;
    }): void => {
      if (p.status === 'initiate' && p.file !== undefined) {
        this.emit({ stage: 'load', model, status: 'file', file: p.file, device, dtype });
      } else if (p.status === 'progress' && p.file !== undefined) {
        const loaded = p.loaded ?? 0;
        const total = p.total ?? 0;
        this.emit({
          stage: 'download',
          model,
          file: p.file,
          loaded,
          total,
          progress: total > 0 ? Math.min(1, loaded / total) : 0,
        });
      }
    };
    const loader =
      this.head === 'masked-lm'
        ? tf.AutoModelForMaskedLM
        : this.head === 'sequence-classification'
          ? tf.AutoModelForSequenceClassification
          : tf.AutoModel;
    let tokenizer: TokenizerLike;
    let m: ModelLike;
    try {
      [tokenizer, m] = await Promise.all([
        tf.AutoTokenizer.from_pretrained(model, { progress_callback }),
        loader.from_pretrained(model, {
          device,
          dtype,
          progress_callback,
          // Errors only: onnxruntime warns on every WebGPU session that shape ops stay on the CPU.
          session_options: { logSeverityLevel: 3 },
        }),
      ]);
    } catch (e) {
      throw new ElanusError(
        'Unavailable',
        `could not load ${this.role} ${JSON.stringify(model)} (device ${device}, dtype ${dtype}): ${
          e instanceof Error ? e.message : String(e)
        }`,
        { model, device, dtype },
      );
    } finally {
      untrack();
    }
    const config = (m.config ?? {}) as Record<string, unknown>;
    let template: Template;
    try {
      template = probeTemplate(tokenizer);
    } catch (e) {
      await m.dispose().catch(() => {});
      throw new ElanusError(
        'Unavailable',
        `the tokenizer of ${JSON.stringify(model)} is not supported: ${e instanceof Error ? e.message : String(e)}`,
        { model },
      );
    }
    const inputNames = m.sessions?.model?.inputNames;
    const specialIds = new Set<number>([
      ...template.single.prefix,
      ...template.single.suffix,
      ...[tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.eos_token_id].filter(
        (x): x is number => typeof x === 'number',
      ),
    ]);
    const vocabSize = Math.max(
      tokenizer.model?.vocab?.length ?? 0,
      ...(tokenizer.all_special_ids ?? []).map((i) => i + 1),
    );
    this.emit({ stage: 'load', model, status: 'ready', device, dtype });
    return {
      tokenizer,
      model: m,
      device,
      dtype,
      config,
      template,
      maxLength: maxInputLength(tokenizer, config),
      wantsTokenTypes: inputNames ? inputNames.includes('token_type_ids') : true,
      specialIds,
      vocabSize,
      Tensor: tf.Tensor,
    };
  }
}

/**
 * The longest input: the tokenizer's `model_max_length`, bounded by the position table (RoBERTa-style
 * models start positions after the padding index). Tokenizers without a limit store a huge number.
 */
function maxInputLength(tokenizer: TokenizerLike, config: Record<string, unknown>): number {
  let max =
    typeof tokenizer.model_max_length === 'number' && tokenizer.model_max_length > 0
      ? tokenizer.model_max_length
      : Infinity;
  const positions = config.max_position_embeddings;
  if (typeof positions === 'number' && positions > 0) {
    const type = String(config.model_type ?? '');
    const offset =
      /roberta|camembert/.test(type) && typeof config.pad_token_id === 'number' ? config.pad_token_id + 1 : 0;
    max = Math.min(max, positions - offset);
  }
  return Number.isFinite(max) ? max : 512;
}

function indexOfRun(haystack: number[], needle: number[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const firstRow = (v: number[] | number[][] | undefined): number[] | undefined =>
  v === undefined ? undefined : Array.isArray(v[0]) ? (v[0] as number[]) : (v as number[]);

/** Finds the special tokens the tokenizer puts around one text and around a pair, by encoding probes. */
function probeTemplate(tok: TokenizerLike): Template {
  const A = 'hello';
  const B = 'world';
  const a = tok.encode(A, { add_special_tokens: false });
  const b = tok.encode(B, { add_special_tokens: false });
  if (a.length === 0 || b.length === 0) throw new Error('probe texts encode to nothing');
  const single = tok.encode(A);
  const at = indexOfRun(single, a, 0);
  if (at < 0) throw new Error('cannot find the text inside its encoding');
  const pairEnc = tok(A, { text_pair: B, return_tensor: false, return_token_type_ids: true, padding: false });
  const pair = firstRow(pairEnc.input_ids) ?? [];
  const types = firstRow(pairEnc.token_type_ids) ?? pair.map(() => 0);
  const pa = indexOfRun(pair, a, 0);
  const pb = pa < 0 ? -1 : indexOfRun(pair, b, pa + a.length);
  if (pb < 0) throw new Error('cannot find the texts inside the encoding of a pair');
  return {
    single: { prefix: single.slice(0, at), suffix: single.slice(at + a.length) },
    pair: {
      prefix: pair.slice(0, pa),
      middle: pair.slice(pa + a.length, pb),
      suffix: pair.slice(pb + b.length),
      types: {
        prefix: types.slice(0, pa),
        a: types[pa] ?? 0,
        middle: types.slice(pa + a.length, pb),
        b: types[pb] ?? 0,
        suffix: types.slice(pb + b.length),
      },
    },
  };
}

/** Tokenises single texts as Hugging Face does with `truncation=True, max_length`. */
export function encodeSingles(m: LoadedModel, texts: string[], maxLength: number): EncodedRow[] {
  const { prefix, suffix } = m.template.single;
  const budget = Math.max(0, maxLength - prefix.length - suffix.length);
  return texts.map((t) => {
    const ids = [
      ...prefix,
      ...m.tokenizer.encode(t, { add_special_tokens: false }).slice(0, budget),
      ...suffix,
    ];
    return { ids, types: ids.map(() => 0) };
  });
}

/**
 * How a pair is shortened to fit: `longest_first` (sentence-transformers' CrossEncoder: Hugging Face's
 * default), or FlagEmbedding's reranker: the query cut to `query_max_length` first, then `only_second`.
 */
export type PairTruncation =
  | { strategy: 'longest_first' }
  | { strategy: 'only_second'; query_max_length: number };

/** Tokenises (query, document) pairs with the tokenizer's pair template. */
export function encodePairs(
  m: LoadedModel,
  query: string,
  documents: string[],
  maxLength: number,
  truncation: PairTruncation,
): EncodedRow[] {
  const t = m.template.pair;
  const budget = Math.max(0, maxLength - t.prefix.length - t.middle.length - t.suffix.length);
  let q = m.tokenizer.encode(query, { add_special_tokens: false });
  if (truncation.strategy === 'only_second') q = q.slice(0, Math.min(truncation.query_max_length, budget));
  return documents.map((doc) => {
    let d = m.tokenizer.encode(doc, { add_special_tokens: false });
    let qq = q;
    if (qq.length + d.length > budget) {
      if (truncation.strategy === 'only_second') d = d.slice(0, budget - qq.length);
      else [qq, d] = longestFirst(qq, d, budget);
    }
    const ids = [...t.prefix, ...qq, ...t.middle, ...d, ...t.suffix];
    const types = [
      ...t.types.prefix,
      ...qq.map(() => t.types.a),
      ...t.types.middle,
      ...d.map(() => t.types.b),
      ...t.types.suffix,
    ];
    return { ids, types };
  });
}

/**
 * Hugging Face tokenizers' `longest_first` for a pair over `target` tokens: when the shorter sequence
 * fits in half, only the longer one is cut; otherwise both get half (the longer one the odd token).
 */
function longestFirst(a: number[], b: number[], target: number): [number[], number[]] {
  const swap = a.length > b.length;
  const short = swap ? b.length : a.length;
  let nShort = short;
  let nLong = short > target ? short : Math.max(short, target - short);
  if (nShort + nLong > target) {
    nShort = Math.floor(target / 2);
    nLong = nShort + (target % 2);
  }
  return swap ? [a.slice(0, nLong), b.slice(0, nShort)] : [a.slice(0, nShort), b.slice(0, nLong)];
}

/** Pads rows (right side) into input_ids / attention_mask / token_type_ids tensors. */
export function toTensors(m: LoadedModel, rows: EncodedRow[], padId: number): Record<string, TensorLike> {
  const seq = Math.max(...rows.map((r) => r.ids.length));
  const n = rows.length * seq;
  const ids = new BigInt64Array(n).fill(BigInt(padId));
  const mask = new BigInt64Array(n);
  const types = new BigInt64Array(n);
  rows.forEach((r, i) => {
    for (let t = 0; t < r.ids.length; t++) {
      ids[i * seq + t] = BigInt(r.ids[t]!);
      mask[i * seq + t] = 1n;
      types[i * seq + t] = BigInt(r.types[t]!);
    }
  });
  const dims = [rows.length, seq];
  const out: Record<string, TensorLike> = {
    input_ids: new m.Tensor('int64', ids, dims),
    attention_mask: new m.Tensor('int64', mask, dims),
  };
  if (m.wantsTokenTypes) out.token_type_ids = new m.Tensor('int64', types, dims);
  return out;
}

/** The pad id: the tokenizer's, else 0 (the value is masked out anyway). */
export function padId(m: LoadedModel): number {
  return m.tokenizer.pad_token_id ?? 0;
}

/**
 * Groups row indices (longest first, as sentence-transformers does, so that each batch carries little
 * padding) into batches of at most `batchSize` rows and `maxElements` = rows x longest x `perToken`
 * output values, which bounds the memory of outputs such as SPLADE's [batch, seq, vocab] logits.
 */
export function planBatches(
  rows: EncodedRow[],
  batchSize: number,
  perToken = 1,
  maxElements = Infinity,
): number[][] {
  const order = rows.map((_, i) => i).sort((x, y) => rows[y]!.ids.length - rows[x]!.ids.length || x - y);
  const batches: number[][] = [];
  let cur: number[] = [];
  let longest = 0;
  for (const i of order) {
    const len = rows[i]!.ids.length;
    const nextLongest = Math.max(longest, len);
    if (
      cur.length > 0 &&
      (cur.length >= batchSize || (cur.length + 1) * nextLongest * perToken > maxElements)
    ) {
      batches.push(cur);
      cur = [];
      longest = 0;
    }
    cur.push(i);
    longest = Math.max(longest, len);
  }
  if (cur.length) batches.push(cur);
  return batches;
}

/** Runs the model; failures become ElanusErrors naming the model. */
export async function runModel(
  m: LoadedModel,
  inputs: Record<string, TensorLike>,
  modelName: string,
): Promise<Record<string, TensorLike | undefined>> {
  try {
    return await m.model(inputs);
  } catch (e) {
    throw new ElanusError(
      'UnexpectedError',
      `running ${modelName} failed: ${e instanceof Error ? e.message : String(e)}`,
      { model: modelName },
    );
  } finally {
    for (const t of Object.values(inputs)) t.dispose?.();
  }
}

/** Output `name` as float data with its dims, or an error naming what the graph lacks. */
export function outputOf(
  outputs: Record<string, TensorLike | undefined>,
  names: readonly string[],
  rank: number,
  modelName: string,
  hint = '',
): { data: Float32Array; dims: number[]; name: string } {
  for (const name of names) {
    const t = outputs[name];
    if (t && t.dims.length === rank && t.data instanceof Float32Array)
      return { data: t.data, dims: t.dims, name };
  }
  throw new ElanusError(
    'Unavailable',
    `model ${modelName} has no float output ${names.map((n) => JSON.stringify(n)).join(' or ')} of rank ${rank}${hint} (outputs: ${Object.keys(outputs).join(', ')})`,
    { model: modelName },
  );
}

export function disposeAll(outputs: Record<string, TensorLike | undefined>): void {
  for (const t of Object.values(outputs)) t?.dispose?.();
}

export type { ResolvedDevice };
