/**
 * What the API embedding functions share: options, batching, progress, the output size (known per
 * model, or learned from the first answer) and `toJSON()` (which never holds the key).
 */
import { ElanusError } from '@elanus/core';
import { throwIfAborted } from '../common/abort.js';
import {
  checkApiBatchSize,
  checkModelName,
  checkOptionsObject,
  checkPositiveInt,
  checkTexts,
  invalidParam,
} from '../common/checks.js';
import {
  type ApiCallOptions,
  ApiClient,
  type ApiConnectionOptions,
  type ProviderSpec,
  toFloat32,
} from './http.js';

/** Options every API embedding function takes. */
export interface ApiEmbeddingOptions extends ApiConnectionOptions {
  /** The vendor's model name. */
  model_name?: string;
  /** Texts per request. Default and maximum: the vendor's documented limit. */
  batch_size?: number;
}

/** Which side of a retrieval task a text is on; `none` is pymilvus' `ef(texts)`. */
export type TextSide = 'query' | 'document' | 'none';

export interface EmbeddingSpec extends ProviderSpec {
  defaultModel: string;
  /** Largest number of texts one request may carry. */
  maxBatch: number;
  /** Output sizes of the vendor's models at their default dimension. */
  knownDims: Readonly<Record<string, number>>;
  /** Whether the vendor rejects empty strings (checked here, naming the offending text). */
  rejectsEmptyText: boolean;
}

export abstract class ApiEmbeddingFunction {
  readonly provider: string;
  readonly model_name: string;
  readonly batch_size: number;
  /** Requested output size, when the vendor supports choosing it. */
  readonly dimensions: number | undefined;
  protected readonly client: ApiClient;
  private learnedDim: number | undefined;
  private readonly spec: EmbeddingSpec;

  protected constructor(spec: EmbeddingSpec, options: ApiEmbeddingOptions & { dimensions?: number }) {
    checkOptionsObject(options);
    const { model_name = spec.defaultModel, batch_size = spec.maxBatch, dimensions } = options;
    checkModelName(model_name);
    checkApiBatchSize(batch_size, spec.maxBatch, spec.provider);
    if (dimensions !== undefined) checkPositiveInt('dimensions', dimensions);
    this.spec = spec;
    this.provider = spec.provider;
    this.model_name = model_name;
    this.batch_size = batch_size;
    this.dimensions = dimensions;
    this.client = new ApiClient(spec, options);
  }

  /**
   * Embedding size: `dimensions` when given, else the model's known size, else the size of the first
   * embedding received (call an encode method first).
   */
  get dim(): number {
    const d = this.dimensions ?? this.learnedDim ?? this.spec.knownDims[this.model_name];
    if (d === undefined) {
      throw new ElanusError(
        'Unavailable',
        `the dimension of ${this.provider} model ${JSON.stringify(this.model_name)} is known after the first encode call (or pass dimensions)`,
        { model: this.model_name, provider: this.provider },
      );
    }
    return d;
  }

  /** Embeds documents (the vendor's document/passage input type). One `Float32Array` per text. */
  async encodeDocuments(documents: string[], options: ApiCallOptions = {}): Promise<Float32Array[]> {
    return this.run(checkTexts(documents, 'documents'), 'documents', 'document', options);
  }

  /** Embeds queries (the vendor's query input type). */
  async encodeQueries(queries: string[], options: ApiCallOptions = {}): Promise<Float32Array[]> {
    return this.run(checkTexts(queries, 'queries'), 'queries', 'query', options);
  }

  /** Embeds texts with the function's default input type (pymilvus' `ef(texts)`). */
  async encode(texts: string[], options: ApiCallOptions = {}): Promise<Float32Array[]> {
    return this.run(checkTexts(texts, 'texts'), 'texts', 'none', options);
  }

  /** Settings without the key or extra headers, e.g. to record which model built a collection. */
  toJSON(): Record<string, unknown> {
    return {
      provider: this.provider,
      model_name: this.model_name,
      ...this.client.toJSON(),
      batch_size: this.batch_size,
      ...(this.dimensions !== undefined ? { dimensions: this.dimensions } : {}),
      ...this.extraJSON(),
    };
  }

  /** Vendor-specific settings for `toJSON()`. */
  protected extraJSON(): Record<string, unknown> {
    return {};
  }

  /** The request for one batch: path under base_url, and body. */
  protected abstract request(
    texts: string[],
    side: TextSide,
  ): { path: string; body: Record<string, unknown> };

  /** The embeddings in one answer, in input order; `undefined` when the answer is malformed. */
  protected abstract parse(json: unknown, count: number): Float32Array[] | undefined;

  /** What a well-formed answer looks like, for the error about a malformed one. */
  protected abstract readonly expectedShape: string;

  private async run(
    texts: string[],
    param: string,
    side: TextSide,
    options: ApiCallOptions,
  ): Promise<Float32Array[]> {
    const { signal, onProgress } = options;
    if (this.spec.rejectsEmptyText) {
      const i = texts.indexOf('');
      if (i >= 0)
        throw invalidParam(`${param}[${i}]`, `a non-empty string (${this.provider} rejects empty input)`, '');
    }
    const what = `embedding with ${this.provider} ${this.model_name}`;
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batch_size) {
      throwIfAborted(signal, what);
      const batch = texts.slice(start, start + this.batch_size);
      const { path, body } = this.request(batch, side);
      const json = await this.client.post(path, body, what, { signal, onProgress, model: this.model_name });
      const rows = this.parse(json, batch.length);
      if (rows?.length !== batch.length) throw this.malformed();
      for (const row of rows) {
        if (row.length === 0) throw this.malformed();
        const expected = this.dimensions ?? this.learnedDim;
        if (expected !== undefined && row.length !== expected) {
          throw new ElanusError(
            'RemoteError',
            `${this.provider} returned ${row.length}-dimensional embeddings, expected ${expected}`,
            { provider: this.provider, model: this.model_name },
          );
        }
        this.learnedDim = row.length;
        out.push(row);
      }
      const done = Math.min(texts.length, start + this.batch_size);
      onProgress?.({
        stage: 'encode',
        model: this.model_name,
        done,
        total: texts.length,
        progress: done / texts.length,
      });
    }
    return out;
  }

  private malformed(): ElanusError {
    return new ElanusError(
      'RemoteError',
      `${this.provider} returned an unexpected response: expected ${this.expectedShape} with one embedding per input text`,
      { provider: this.provider, model: this.model_name },
    );
  }
}

/** `{data: [{index, embedding}]}` (OpenAI, Jina, Voyage), ordered by `index`. */
export function parseIndexedData(json: unknown, count: number): Float32Array[] | undefined {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) return undefined;
  const out = new Array<Float32Array | undefined>(count);
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as { index?: unknown; embedding?: unknown } | null;
    const index = item?.index ?? i;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || out[index]) {
      return undefined;
    }
    const v = toFloat32(item?.embedding);
    if (!v) return undefined;
    out[index] = v;
  }
  return out as Float32Array[];
}
