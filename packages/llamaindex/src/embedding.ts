// LlamaIndex.TS `BaseEmbedding` over @elanus/model: the default all-MiniLM-L6-v2 (384-d) in the page, any
// sentence-transformers model transformers.js loads, or an API provider. pymilvus model's
// `encodeDocuments` / `encodeQueries` behind LlamaIndex's `getTextEmbedding(s)` / `getQueryEmbedding`.
// On its own subpath so the vector store does not pull the model runtime.
import { ElanusError } from '@elanus/core';
import { BaseEmbedding } from '@llamaindex/core/embeddings';

/** What every @elanus/model dense embedder (and API provider) offers. */
export interface DenseEmbeddingFunction {
  encodeDocuments(documents: string[]): Promise<ArrayLike<number>[]>;
  encodeQueries(queries: string[]): Promise<ArrayLike<number>[]>;
}

export interface ElanusEmbeddingParams {
  /** The embedder. Left out, @elanus/model's `DefaultEmbeddingFunction`, created on first use. */
  embeddingFunction?: DenseEmbeddingFunction;
  /** Options for the default embedder (`model_name`, `device`, `dtype`, `batch_size`...). */
  modelOptions?: Record<string, unknown>;
  /** Texts per `getTextEmbeddings` call LlamaIndex makes (default 32). */
  embedBatchSize?: number;
}

export class ElanusEmbedding extends BaseEmbedding {
  private fn: Promise<DenseEmbeddingFunction> | undefined;
  private readonly modelOptions: Record<string, unknown> | undefined;

  constructor(params: ElanusEmbeddingParams = {}) {
    super();
    const { embeddingFunction, modelOptions, embedBatchSize } = params;
    if (embeddingFunction !== undefined) {
      const ok =
        typeof embeddingFunction === 'object' &&
        embeddingFunction !== null &&
        typeof embeddingFunction.encodeDocuments === 'function' &&
        typeof embeddingFunction.encodeQueries === 'function';
      if (!ok) {
        throw new ElanusError(
          'IllegalArgument',
          `invalid parameter embeddingFunction: expected an object with encodeDocuments() and encodeQueries() (an @elanus/model embedder), got ${embeddingFunction === null ? 'null' : typeof embeddingFunction}`,
          { param: 'embeddingFunction' },
        );
      }
      this.fn = Promise.resolve(embeddingFunction);
    }
    if (embedBatchSize !== undefined) this.embedBatchSize = embedBatchSize;
    this.modelOptions = modelOptions;
    // LlamaIndex calls this (a field, not a method) for batches.
    this.getTextEmbeddings = async (texts: string[]) => {
      const fn = await this.embedder();
      return (await fn.encodeDocuments(texts)).map((v) => Array.from(v));
    };
  }

  private embedder(): Promise<DenseEmbeddingFunction> {
    this.fn ??= import('@elanus/model').then(
      (m) => new m.DefaultEmbeddingFunction(this.modelOptions as never) as DenseEmbeddingFunction,
      (e: unknown) => {
        this.fn = undefined; // a failed chunk load may succeed on the next call
        throw new ElanusError(
          'Unavailable',
          `ElanusEmbedding needs @elanus/model for its default embedder (install it, or pass embeddingFunction): ${e instanceof Error ? e.message : String(e)}`,
        );
      },
    );
    return this.fn;
  }

  async getTextEmbedding(text: string): Promise<number[]> {
    const [v] = await this.getTextEmbeddings([text]);
    return v ?? [];
  }

  /** Text queries (a string or `{ type: 'text', text }`); other content (images) has no embedding here. */
  override async getQueryEmbedding(query: unknown): Promise<number[] | null> {
    const text =
      typeof query === 'string'
        ? query
        : query && typeof query === 'object' && (query as { type?: unknown }).type === 'text'
          ? String((query as { text?: unknown }).text ?? '')
          : undefined;
    if (text === undefined) return null;
    const fn = await this.embedder();
    const [v] = await fn.encodeQueries([text]);
    return Array.from(v ?? []);
  }
}
