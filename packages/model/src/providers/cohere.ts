/** Cohere embeddings (v2 API, `POST {base_url}/embed`), input_type search_query/search_document. */
import { checkOneOf } from '../common/checks.js';
import { ApiEmbeddingFunction, type ApiEmbeddingOptions, type EmbeddingSpec, type TextSide } from './base.js';
import { toFloat32 } from './http.js';

export type CohereInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface CohereEmbeddingOptions extends ApiEmbeddingOptions {
  /** Default `embed-english-light-v3.0`, as pymilvus. */
  model_name?: string;
  /**
   * Input type of `encode()` (pymilvus' `ef(texts)`). `encodeQueries` always sends `search_query` and
   * `encodeDocuments` `search_document`. Default `search_document`.
   */
  input_type?: CohereInputType;
  /** How the API shortens over-long texts: `NONE` (reject), `START`, `END` (its default). */
  truncate?: 'NONE' | 'START' | 'END';
  /** `output_dimension`, for the models that offer several (embed-v4.0: 256, 512, 1024, 1536). */
  dimensions?: number;
}

const SPEC: EmbeddingSpec = {
  provider: 'Cohere',
  defaultBaseUrl: 'https://api.cohere.com/v2',
  envKeys: ['COHERE_API_KEY', 'CO_API_KEY'],
  defaultModel: 'embed-english-light-v3.0',
  // The documented maximum number of texts per call.
  maxBatch: 96,
  knownDims: {
    'embed-v4.0': 1536,
    'embed-english-v3.0': 1024,
    'embed-english-light-v3.0': 384,
    'embed-multilingual-v3.0': 1024,
    'embed-multilingual-light-v3.0': 384,
    'embed-english-v2.0': 4096,
    'embed-english-light-v2.0': 1024,
    'embed-multilingual-v2.0': 768,
  },
  rejectsEmptyText: false,
};

const INPUT_TYPES: readonly CohereInputType[] = [
  'search_document',
  'search_query',
  'classification',
  'clustering',
];
const TRUNCATE = ['NONE', 'START', 'END'] as const;

/** pymilvus' `CohereEmbeddingFunction`, float embeddings (`embedding_types: ['float']`). */
export class CohereEmbeddingFunction extends ApiEmbeddingFunction {
  readonly input_type: CohereInputType;
  readonly truncate: 'NONE' | 'START' | 'END' | undefined;
  protected readonly expectedShape = '{embeddings: {float: [[...]]}}';

  constructor(options: CohereEmbeddingOptions = {}) {
    super(SPEC, options);
    const { input_type = 'search_document', truncate } = options;
    checkOneOf('input_type', input_type, INPUT_TYPES);
    if (truncate !== undefined) checkOneOf('truncate', truncate, TRUNCATE);
    this.input_type = input_type;
    this.truncate = truncate;
  }

  protected request(texts: string[], side: TextSide): { path: string; body: Record<string, unknown> } {
    const input_type =
      side === 'query' ? 'search_query' : side === 'document' ? 'search_document' : this.input_type;
    const body: Record<string, unknown> = {
      model: this.model_name,
      texts,
      input_type,
      embedding_types: ['float'],
    };
    if (this.truncate !== undefined) body.truncate = this.truncate;
    if (this.dimensions !== undefined) body.output_dimension = this.dimensions;
    return { path: '/embed', body };
  }

  protected parse(json: unknown, count: number): Float32Array[] | undefined {
    const embeddings = (json as { embeddings?: unknown } | null)?.embeddings;
    // v2 answers by type ({float: [...]}); a v1-style bare list is accepted too.
    const rows = Array.isArray(embeddings)
      ? embeddings
      : (embeddings as { float?: unknown } | undefined)?.float;
    if (!Array.isArray(rows) || rows.length !== count) return undefined;
    const out: Float32Array[] = [];
    for (const r of rows) {
      const v = toFloat32(r);
      if (!v) return undefined;
      out.push(v);
    }
    return out;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { input_type: this.input_type, ...(this.truncate ? { truncate: this.truncate } : {}) };
  }
}
