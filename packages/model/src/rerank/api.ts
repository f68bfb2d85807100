/**
 * API rerankers: Jina AI (`/rerank`), Cohere (v2 `/rerank`) and Voyage AI (`/rerank`), with the
 * retries, timeouts and error mapping of the API embedding functions (providers/http.ts).
 *
 * Document lists longer than `batch_size` are sent in several requests; each request returns its best
 * `top_k`, and the merged lists are sorted again. That is exact because these services score each
 * (query, document) pair on its own: a score does not depend on the other documents of the request.
 */
import { ElanusError } from '@elanus/core';
import { throwIfAborted } from '../common/abort.js';
import { checkApiBatchSize, checkModelName, checkOptionsObject } from '../common/checks.js';
import { ApiClient, type ApiConnectionOptions, type ProviderSpec } from '../providers/http.js';
import { CallableRerankFunction, type RerankRequest } from './callable.js';
import type { RerankResult } from './types.js';

export interface ApiRerankOptions extends ApiConnectionOptions {
  /** The vendor's reranking model. */
  model_name?: string;
  /** Documents per request. Default and maximum: the vendor's limit (1000). */
  batch_size?: number;
}

interface RerankSpec extends ProviderSpec {
  defaultModel: string;
  maxBatch: number;
  /** Request body for one batch. */
  body(model: string, query: string, documents: string[], topN: number): Record<string, unknown>;
  /** Name of the list of results in the answer. */
  resultsKey: 'results' | 'data';
}

abstract class ApiRerankFunction extends CallableRerankFunction {
  readonly provider: string;
  readonly model_name: string;
  readonly batch_size: number;
  protected readonly client: ApiClient;
  private readonly spec: RerankSpec;

  protected constructor(spec: RerankSpec, options: ApiRerankOptions) {
    super();
    checkOptionsObject(options);
    const { model_name = spec.defaultModel, batch_size = spec.maxBatch } = options;
    checkModelName(model_name);
    checkApiBatchSize(batch_size, spec.maxBatch, spec.provider);
    this.spec = spec;
    this.provider = spec.provider;
    this.model_name = model_name;
    this.batch_size = batch_size;
    this.client = new ApiClient(spec, options);
  }

  /** Settings without the key or extra headers. */
  toJSON(): Record<string, unknown> {
    return {
      provider: this.provider,
      model_name: this.model_name,
      ...this.client.toJSON(),
      batch_size: this.batch_size,
    };
  }

  protected describe(): string {
    return `${this.provider} ${this.model_name}`;
  }

  protected async compute(req: RerankRequest): Promise<RerankResult[]> {
    const { query, documents, topK, options } = req;
    const { signal, onProgress } = options;
    const what = `reranking with ${this.describe()}`;
    const merged: RerankResult[] = [];
    for (let start = 0; start < documents.length; start += this.batch_size) {
      throwIfAborted(signal, what);
      const batch = documents.slice(start, start + this.batch_size);
      const topN = Math.min(topK, batch.length);
      const json = await this.client.post(
        '/rerank',
        this.spec.body(this.model_name, query, batch, topN),
        what,
        {
          signal,
          onProgress,
          model: this.model_name,
        },
      );
      for (const r of this.parse(json, batch.length, topN)) {
        merged.push({ index: start + r.index, score: r.score, text: documents[start + r.index]! });
      }
      const done = Math.min(documents.length, start + this.batch_size);
      onProgress?.({
        stage: 'encode',
        model: this.model_name,
        done,
        total: documents.length,
        progress: done / documents.length,
      });
    }
    merged.sort((a, b) => b.score - a.score || a.index - b.index);
    return merged.slice(0, topK);
  }

  /** `[{index, relevance_score}]` checked: indices in range and distinct, scores finite. */
  private parse(json: unknown, count: number, topN: number): Array<{ index: number; score: number }> {
    const list = (json as Record<string, unknown> | null)?.[this.spec.resultsKey];
    const bad = (): ElanusError =>
      new ElanusError(
        'RemoteError',
        `${this.provider} returned an unexpected response: expected {${this.spec.resultsKey}: [{index, relevance_score}]} with ${topN} entries`,
        { provider: this.provider, model: this.model_name },
      );
    if (!Array.isArray(list) || list.length < Math.min(topN, count) || list.length > count) throw bad();
    const seen = new Set<number>();
    const out: Array<{ index: number; score: number }> = [];
    for (const item of list as Array<Record<string, unknown> | null>) {
      const index = item?.index;
      const score = item?.relevance_score;
      if (
        typeof index !== 'number' ||
        !Number.isInteger(index) ||
        index < 0 ||
        index >= count ||
        seen.has(index)
      ) {
        throw bad();
      }
      if (typeof score !== 'number' || !Number.isFinite(score)) throw bad();
      seen.add(index);
      out.push({ index, score });
    }
    return out;
  }
}

const JINA: RerankSpec = {
  provider: 'Jina AI',
  defaultBaseUrl: 'https://api.jina.ai/v1',
  envKeys: ['JINAAI_API_KEY', 'JINA_API_KEY'],
  defaultModel: 'jina-reranker-v2-base-multilingual',
  maxBatch: 1000,
  body: (model, query, documents, topN) => ({
    model,
    query,
    documents,
    top_n: topN,
    return_documents: false,
  }),
  resultsKey: 'results',
};

const COHERE: RerankSpec = {
  provider: 'Cohere',
  defaultBaseUrl: 'https://api.cohere.com/v2',
  envKeys: ['COHERE_API_KEY', 'CO_API_KEY'],
  defaultModel: 'rerank-english-v3.0',
  // Cohere recommends at most 1000 documents per request.
  maxBatch: 1000,
  body: (model, query, documents, topN) => ({ model, query, documents, top_n: topN }),
  resultsKey: 'results',
};

const VOYAGE: RerankSpec = {
  provider: 'Voyage AI',
  defaultBaseUrl: 'https://api.voyageai.com/v1',
  envKeys: ['VOYAGE_API_KEY'],
  defaultModel: 'rerank-2',
  // Documented: the number of documents cannot exceed 1000.
  maxBatch: 1000,
  body: (model, query, documents, topN) => ({
    model,
    query,
    documents,
    top_k: topN,
    return_documents: false,
  }),
  resultsKey: 'data',
};

/** pymilvus' `JinaRerankFunction`: `await rf(query, documents, { top_k })`. */
export class JinaRerankFunction extends ApiRerankFunction {
  constructor(options: ApiRerankOptions = {}) {
    super(JINA, options);
  }
}

/** pymilvus' `CohereRerankFunction` on Cohere's v2 API. Texts come from the input, not the answer. */
export class CohereRerankFunction extends ApiRerankFunction {
  constructor(options: ApiRerankOptions = {}) {
    super(COHERE, options);
  }
}

/** pymilvus' `VoyageRerankFunction`. */
export class VoyageRerankFunction extends ApiRerankFunction {
  constructor(options: ApiRerankOptions = {}) {
    super(VOYAGE, options);
  }
}

export type { ApiRerankFunction };
