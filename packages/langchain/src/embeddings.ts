// LangChain.js `Embeddings` over @elanus/model: the default all-MiniLM-L6-v2 (384-d) in the page, any
// sentence-transformers model transformers.js loads, or an API provider (OpenAI, Jina, Voyage, Cohere).
// Their `encodeDocuments` / `encodeQueries` are pymilvus model's; LangChain asks `embedDocuments` /
// `embedQuery`. On its own subpath so the vector store does not pull the model runtime.
import { ElanusError } from '@elanus/core';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

/** What every @elanus/model dense embedder (and API provider) offers. */
export interface DenseEmbeddingFunction {
  encodeDocuments(documents: string[], options?: { signal?: AbortSignal }): Promise<ArrayLike<number>[]>;
  encodeQueries(queries: string[], options?: { signal?: AbortSignal }): Promise<ArrayLike<number>[]>;
}

export interface ElanusEmbeddingsParams extends EmbeddingsParams {
  /**
   * The embedder. Left out, @elanus/model's `DefaultEmbeddingFunction` (all-MiniLM-L6-v2), created on
   * first use with `modelOptions`; where its files come from is @elanus/model's `env`.
   */
  embeddingFunction?: DenseEmbeddingFunction;
  /** Options for the default embedder (`model_name`, `device`, `dtype`, `batch_size`...). */
  modelOptions?: Record<string, unknown>;
}

export class ElanusEmbeddings extends Embeddings {
  private fn: Promise<DenseEmbeddingFunction> | undefined;
  private readonly modelOptions: Record<string, unknown> | undefined;

  constructor(params: ElanusEmbeddingsParams = {}) {
    const { embeddingFunction, modelOptions, ...rest } = params;
    // No LangChain retries by default: a local model fails the same way again, and the API providers
    // retry on their own (rate limits, 5xx). `maxRetries` still turns them on.
    super({ maxRetries: 0, ...rest });
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
    this.modelOptions = modelOptions;
  }

  private embedder(): Promise<DenseEmbeddingFunction> {
    this.fn ??= import('@elanus/model').then(
      (m) => new m.DefaultEmbeddingFunction(this.modelOptions as never) as DenseEmbeddingFunction,
      (e: unknown) => {
        this.fn = undefined; // a failed chunk load may succeed on the next call
        throw new ElanusError(
          'Unavailable',
          `ElanusEmbeddings needs @elanus/model for its default embedder (install it, or pass embeddingFunction): ${e instanceof Error ? e.message : String(e)}`,
        );
      },
    );
    return this.fn;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const fn = await this.embedder();
    const vectors = await this.caller.call(() => fn.encodeDocuments(documents));
    return vectors.map((v) => Array.from(v));
  }

  async embedQuery(query: string): Promise<number[]> {
    const fn = await this.embedder();
    const [v] = await this.caller.call(() => fn.encodeQueries([query]));
    return Array.from(v ?? []);
  }
}
