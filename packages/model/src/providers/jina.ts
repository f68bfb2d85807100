/** Jina AI embeddings (`POST {base_url}/embeddings`), with a task per side of the retrieval. */
import { checkBoolean, invalidParam } from '../common/checks.js';
import {
  ApiEmbeddingFunction,
  type ApiEmbeddingOptions,
  type EmbeddingSpec,
  parseIndexedData,
  type TextSide,
} from './base.js';

export interface JinaEmbeddingOptions extends ApiEmbeddingOptions {
  /** Default `jina-embeddings-v3`. */
  model_name?: string;
  /**
   * Task of `encode()` (pymilvus' `ef(texts)`). `encodeQueries` always sends `retrieval.query` and
   * `encodeDocuments` `retrieval.passage`. Default `retrieval.passage`.
   */
  task?: string;
  /** Truncated (Matryoshka) output size. */
  dimensions?: number;
  /** Jina's late chunking: embed the texts of a request as chunks of one context. Default false. */
  late_chunking?: boolean;
}

const SPEC: EmbeddingSpec = {
  provider: 'Jina AI',
  defaultBaseUrl: 'https://api.jina.ai/v1',
  envKeys: ['JINAAI_API_KEY', 'JINA_API_KEY'],
  defaultModel: 'jina-embeddings-v3',
  // The documented maximum number of inputs per request.
  maxBatch: 2048,
  knownDims: {
    'jina-embeddings-v3': 1024,
    'jina-embeddings-v2-base-en': 768,
    'jina-embeddings-v2-base-de': 768,
    'jina-embeddings-v2-base-es': 768,
    'jina-embeddings-v2-base-zh': 768,
    'jina-embeddings-v2-base-code': 768,
    'jina-embeddings-v2-small-en': 512,
    'jina-clip-v2': 1024,
  },
  rejectsEmptyText: false,
};

/** pymilvus' `JinaEmbeddingFunction`. */
export class JinaEmbeddingFunction extends ApiEmbeddingFunction {
  readonly task: string;
  readonly late_chunking: boolean;
  protected readonly expectedShape = '{data: [{index, embedding}]}';

  constructor(options: JinaEmbeddingOptions = {}) {
    super(SPEC, options);
    const { task = 'retrieval.passage', late_chunking = false } = options;
    if (typeof task !== 'string' || task === '') throw invalidParam('task', 'a non-empty string', task);
    checkBoolean('late_chunking', late_chunking);
    this.task = task;
    this.late_chunking = late_chunking;
  }

  protected request(texts: string[], side: TextSide): { path: string; body: Record<string, unknown> } {
    const task = side === 'query' ? 'retrieval.query' : side === 'document' ? 'retrieval.passage' : this.task;
    const body: Record<string, unknown> = {
      model: this.model_name,
      input: texts,
      task,
      embedding_type: 'float',
    };
    if (this.late_chunking) body.late_chunking = true;
    if (this.dimensions !== undefined) body.dimensions = this.dimensions;
    return { path: '/embeddings', body };
  }

  protected parse(json: unknown, count: number): Float32Array[] | undefined {
    return parseIndexedData(json, count);
  }

  protected override extraJSON(): Record<string, unknown> {
    return { task: this.task, late_chunking: this.late_chunking };
  }
}
