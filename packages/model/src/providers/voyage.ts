/** Voyage AI embeddings (`POST {base_url}/embeddings`), input_type query/document. */
import { checkBoolean } from '../common/checks.js';
import {
  ApiEmbeddingFunction,
  type ApiEmbeddingOptions,
  type EmbeddingSpec,
  parseIndexedData,
  type TextSide,
} from './base.js';

export interface VoyageEmbeddingOptions extends ApiEmbeddingOptions {
  /** Default `voyage-3-large`, as pymilvus. */
  model_name?: string;
  /** `output_dimension`, for the models that offer several (256, 512, 1024, 2048). */
  dimensions?: number;
  /** Let the API truncate over-long texts (its default) or reject them (`false`). */
  truncation?: boolean;
}

const SPEC: EmbeddingSpec = {
  provider: 'Voyage AI',
  defaultBaseUrl: 'https://api.voyageai.com/v1',
  envKeys: ['VOYAGE_API_KEY'],
  defaultModel: 'voyage-3-large',
  // Documented maximum list length; per-model token limits apply on top.
  maxBatch: 1000,
  knownDims: {
    'voyage-3-large': 1024,
    'voyage-3.5': 1024,
    'voyage-3.5-lite': 1024,
    'voyage-code-3': 1024,
    'voyage-3': 1024,
    'voyage-3-lite': 512,
    'voyage-finance-2': 1024,
    'voyage-multilingual-2': 1024,
    'voyage-law-2': 1024,
    'voyage-large-2': 1536,
    'voyage-code-2': 1536,
    'voyage-2': 1024,
  },
  // Documented: each input has a minimum length of 1.
  rejectsEmptyText: true,
};

/** pymilvus' `VoyageEmbeddingFunction` (float embeddings). */
export class VoyageEmbeddingFunction extends ApiEmbeddingFunction {
  readonly truncation: boolean | undefined;
  protected readonly expectedShape = '{data: [{index, embedding}]}';

  constructor(options: VoyageEmbeddingOptions = {}) {
    super(SPEC, options);
    const { truncation } = options;
    if (truncation !== undefined) checkBoolean('truncation', truncation);
    this.truncation = truncation;
  }

  protected request(texts: string[], side: TextSide): { path: string; body: Record<string, unknown> } {
    const body: Record<string, unknown> = {
      model: this.model_name,
      input: texts,
      input_type: side === 'none' ? null : side,
      output_dtype: 'float',
    };
    if (this.truncation !== undefined) body.truncation = this.truncation;
    if (this.dimensions !== undefined) body.output_dimension = this.dimensions;
    return { path: '/embeddings', body };
  }

  protected parse(json: unknown, count: number): Float32Array[] | undefined {
    return parseIndexedData(json, count);
  }

  protected override extraJSON(): Record<string, unknown> {
    return this.truncation === undefined ? {} : { truncation: this.truncation };
  }
}
