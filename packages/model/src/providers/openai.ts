/** OpenAI embeddings (`POST {base_url}/embeddings`), and any server that speaks the same API. */
import {
  ApiEmbeddingFunction,
  type ApiEmbeddingOptions,
  type EmbeddingSpec,
  parseIndexedData,
  type TextSide,
} from './base.js';

export interface OpenAIEmbeddingOptions extends ApiEmbeddingOptions {
  /** Default `text-embedding-ada-002`, as pymilvus. */
  model_name?: string;
  /** Shorter embeddings (text-embedding-3 models and later). */
  dimensions?: number;
}

const SPEC: EmbeddingSpec = {
  provider: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  envKeys: ['OPENAI_API_KEY'],
  defaultModel: 'text-embedding-ada-002',
  // The API takes at most 2048 inputs per request.
  maxBatch: 2048,
  knownDims: {
    'text-embedding-3-small': 1536,
    'text-embedding-3-large': 3072,
    'text-embedding-ada-002': 1536,
  },
  // Documented: "cannot be an empty string".
  rejectsEmptyText: true,
};

/**
 * pymilvus' `OpenAIEmbeddingFunction`. Queries and documents are embedded alike (OpenAI models have no
 * input type). Point `base_url` at another OpenAI-compatible server to use it instead.
 */
export class OpenAIEmbeddingFunction extends ApiEmbeddingFunction {
  protected readonly expectedShape = '{data: [{index, embedding}]}';

  constructor(options: OpenAIEmbeddingOptions = {}) {
    super(SPEC, options);
  }

  protected request(texts: string[], _side: TextSide): { path: string; body: Record<string, unknown> } {
    const body: Record<string, unknown> = { model: this.model_name, input: texts, encoding_format: 'float' };
    if (this.dimensions !== undefined) body.dimensions = this.dimensions;
    return { path: '/embeddings', body };
  }

  protected parse(json: unknown, count: number): Float32Array[] | undefined {
    return parseIndexedData(json, count);
  }
}
