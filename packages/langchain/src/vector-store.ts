// A LangChain.js VectorStore over an Elanus MilvusClient (memory://, idb://, a worker, or a remote Milvus).

import type { MilvusClient, RerankerObj } from '@elanus/core';
import { ElanusError, FunctionType, RRFRanker, WeightedRanker } from '@elanus/core';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { type MaxMarginalRelevanceSearchOptions, VectorStore } from '@langchain/core/vectorstores';
import { type MetadataFilter, toMilvusFilter } from './filter.js';

export interface ElanusVectorStoreArgs {
  client: MilvusClient;
  collectionName: string;
  /** Field names of the collection the store creates (or finds). */
  primaryField?: string;
  textField?: string;
  vectorField?: string;
  metadataField?: string;
  /** Index of a collection the store creates: HNSW over COSINE by default. */
  indexType?: 'HNSW' | 'FLAT' | 'AUTOINDEX';
  metricType?: 'COSINE' | 'IP' | 'L2';
  indexParams?: Record<string, unknown>;
  /** Search-time index parameters (HNSW `ef`). */
  searchParams?: Record<string, unknown>;
  /** Longest text stored, in bytes (VarChar max_length); longer documents are rejected by the engine. */
  textMaxLength?: number;
  /**
   * Full-text (BM25) search next to the dense one: a collection the store creates gets its text field
   * analyzed, a BM25 function into a SparseFloatVector field (`sparseField`, default `sparse`) and a
   * SPARSE_INVERTED_INDEX over BM25, so `hybridSearchWithScore`, `fullTextSearchWithScore` and
   * `asHybridRetriever` work. `true` uses the standard analyzer; `{ analyzerParams }` is Milvus's
   * `analyzer_params` (e.g. `{ type: 'english' }`). Over an existing collection, say what it has.
   */
  fullText?: boolean | ElanusFullTextOptions;
}

export interface ElanusFullTextOptions {
  /** Milvus `analyzer_params` of the text field (default: the standard analyzer). */
  analyzerParams?: Record<string, unknown>;
  /** The BM25 function's output field (SparseFloatVector); `sparse` by default. */
  sparseField?: string;
}

/** Options of a hybrid (dense + BM25) search; the ranker's names follow `langchain-milvus`. */
export interface ElanusHybridSearchOptions<F = MetadataFilter | string> {
  /** Applied to both sides before fusion. */
  filter?: F;
  /** `rrf` (reciprocal-rank fusion, the default) or `weighted`. */
  rankerType?: 'rrf' | 'weighted';
  /**
   * `rrf`: `{ k }` (default 60). `weighted`: `{ weights: [dense, sparse] }` (each in [0, 1], default
   * `[0.5, 0.5]`) and `normScore` (default true: each side's scores mapped to [0, 1] first, as Milvus does).
   */
  rankerParams?: { k?: number; weights?: number[]; normScore?: boolean };
  /** Candidates taken from each side before fusion (default: k). */
  fetchK?: number;
}

type Row = Record<string, unknown> & { id?: unknown; score?: number };

function invalid(param: string, expected: string, got: unknown): ElanusError {
  const shown = typeof got === 'function' ? 'a function' : (JSON.stringify(got) ?? String(got));
  return new ElanusError(
    'IllegalArgument',
    `invalid parameter ${param}: expected ${expected}, got ${shown}`,
    {
      param,
    },
  );
}

function positiveInt(v: unknown, param: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(param, 'a positive integer', v);
  return v;
}

export class ElanusVectorStore extends VectorStore {
  declare FilterType: MetadataFilter | string;
  readonly client: MilvusClient;
  readonly collectionName: string;
  readonly primaryField: string;
  readonly textField: string;
  readonly vectorField: string;
  readonly metadataField: string;
  /** The BM25 output field, when the store was made with `fullText`. */
  readonly sparseField: string | undefined;
  private readonly analyzerParams: Record<string, unknown> | undefined;
  private readonly args: ElanusVectorStoreArgs;
  private ready: Promise<void> | undefined;

  _vectorstoreType(): string {
    return 'elanus';
  }

  constructor(embeddings: EmbeddingsInterface, args: ElanusVectorStoreArgs) {
    super(embeddings, args as never);
    if (!args?.client) {
      throw new ElanusError(
        'IllegalArgument',
        'invalid parameter client: expected an Elanus MilvusClient, got none',
        {
          param: 'client',
        },
      );
    }
    if (typeof args.collectionName !== 'string' || args.collectionName === '') {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter collectionName: expected a collection name, got ${JSON.stringify(args.collectionName)}`,
        { param: 'collectionName' },
      );
    }
    this.args = args;
    this.client = args.client;
    this.collectionName = args.collectionName;
    this.primaryField = args.primaryField ?? 'id';
    this.textField = args.textField ?? 'text';
    this.vectorField = args.vectorField ?? 'vector';
    this.metadataField = args.metadataField ?? 'metadata';
    const ft = args.fullText;
    if (
      ft !== undefined &&
      typeof ft !== 'boolean' &&
      (typeof ft !== 'object' || ft === null || Array.isArray(ft))
    ) {
      throw invalid('fullText', 'true, false or { analyzerParams, sparseField }', ft);
    }
    const fo: ElanusFullTextOptions = typeof ft === 'object' ? ft : {};
    if (
      fo.analyzerParams !== undefined &&
      (typeof fo.analyzerParams !== 'object' ||
        fo.analyzerParams === null ||
        Array.isArray(fo.analyzerParams))
    ) {
      throw invalid('fullText.analyzerParams', 'an object of Milvus analyzer_params', fo.analyzerParams);
    }
    if (fo.sparseField !== undefined && (typeof fo.sparseField !== 'string' || fo.sparseField === '')) {
      throw invalid('fullText.sparseField', 'a field name', fo.sparseField);
    }
    this.sparseField = ft ? (fo.sparseField ?? 'sparse') : undefined;
    this.analyzerParams = fo.analyzerParams;
    const names = [this.primaryField, this.vectorField, this.textField, this.metadataField];
    if (this.sparseField !== undefined && names.includes(this.sparseField)) {
      throw invalid('fullText.sparseField', 'a name no other field of the store has', this.sparseField);
    }
  }

  /** Creates the collection on first write (its dimension is the first vector's), then loads it. */
  private ensureCollection(dim?: number): Promise<void> {
    this.ready ??= (async () => {
      const exists = (await this.client.hasCollection({ collection_name: this.collectionName })).value;
      if (!exists) {
        if (dim === undefined) {
          throw new ElanusError(
            'CollectionNotExists',
            `collection not found[collection=${this.collectionName}]: add documents first, or create it`,
          );
        }
        await this.client.createCollection({
          collection_name: this.collectionName,
          fields: [
            { name: this.primaryField, data_type: 'VarChar', is_primary_key: true, max_length: 512 },
            { name: this.vectorField, data_type: 'FloatVector', dim },
            {
              name: this.textField,
              data_type: 'VarChar',
              max_length: this.args.textMaxLength ?? 65535,
              ...(this.sparseField !== undefined ? { enable_analyzer: true } : {}),
              ...(this.analyzerParams ? { analyzer_params: this.analyzerParams } : {}),
            },
            { name: this.metadataField, data_type: 'JSON' },
            ...(this.sparseField !== undefined
              ? [{ name: this.sparseField, data_type: 'SparseFloatVector' }]
              : []),
          ],
          ...(this.sparseField !== undefined
            ? {
                functions: [
                  {
                    name: `${this.textField}_bm25`,
                    type: FunctionType.BM25,
                    input_field_names: [this.textField],
                    output_field_names: [this.sparseField],
                  },
                ],
              }
            : {}),
          index_params: [
            {
              field_name: this.vectorField,
              index_type: this.args.indexType ?? 'HNSW',
              metric_type: this.args.metricType ?? 'COSINE',
              params: this.args.indexParams ?? {},
            },
            ...(this.sparseField !== undefined
              ? [{ field_name: this.sparseField, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' }]
              : []),
          ],
        } as never);
      }
      await this.client.loadCollection({ collection_name: this.collectionName });
    })();
    // A failed creation is retried by the next call.
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }

  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    if (vectors.length !== documents.length) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter vectors: expected one vector per document (${documents.length}), got ${vectors.length}`,
        { param: 'vectors' },
      );
    }
    if (vectors.length === 0) return [];
    const ids = options?.ids ?? documents.map((d) => d.id ?? crypto.randomUUID());
    if (ids.length !== documents.length) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter ids: expected one id per document (${documents.length}), got ${ids.length}`,
        { param: 'ids' },
      );
    }
    await this.ensureCollection(vectors[0]!.length);
    // Upsert: adding a document again under its id replaces it, as LangChain's record managers expect.
    await this.client.upsert({
      collection_name: this.collectionName,
      data: documents.map((d, i) => ({
        [this.primaryField]: ids[i],
        [this.vectorField]: vectors[i],
        [this.textField]: d.pageContent,
        [this.metadataField]: d.metadata ?? {},
      })),
    });
    return ids;
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  private async searchRows(
    query: number[],
    k: number,
    filter: this['FilterType'] | undefined,
    withVectors: boolean,
  ) {
    await this.ensureCollection();
    const res = await this.client.search({
      collection_name: this.collectionName,
      anns_field: this.vectorField,
      data: query,
      limit: k,
      filter: toMilvusFilter(filter, this.metadataField),
      output_fields: [this.textField, this.metadataField, ...(withVectors ? [this.vectorField] : [])],
      ...(this.args.searchParams ? { params: this.args.searchParams } : {}),
    });
    return res.results as unknown as Row[];
  }

  private toDocument(r: Row): Document {
    return new Document({
      id: String(r[this.primaryField] ?? r.id),
      pageContent: String(r[this.textField] ?? ''),
      metadata: (r[this.metadataField] as Record<string, unknown>) ?? {},
    });
  }

  /** Hits best first; the score is the metric's (COSINE/IP: larger is closer; L2: smaller). */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: this['FilterType'],
  ): Promise<[Document, number][]> {
    const rows = await this.searchRows(query, k, filter, false);
    return rows.map((r) => [this.toDocument(r), Number(r.score)]);
  }

  async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<Document[]> {
    const { k, fetchK = 20, lambda = 0.5, filter } = options;
    const q = await this.embeddings.embedQuery(query);
    const rows = await this.searchRows(q, Math.max(fetchK, k), filter, true);
    const vectors = rows.map((r) => Array.from(r[this.vectorField] as ArrayLike<number>));
    const picked = maximalMarginalRelevance(q, vectors, lambda, k);
    return picked.map((i) => this.toDocument(rows[i]!));
  }

  /** @internal The BM25 field, or an error naming `fullText` when the store has none. */
  requireFullText(method: string): string {
    if (this.sparseField === undefined) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter fullText: ${method} needs a store made with fullText (a BM25 field), this one has none`,
        { param: 'fullText' },
      );
    }
    return this.sparseField;
  }

  /** @internal The ranker of hybrid options, checked. */
  hybridRanker(options: ElanusHybridSearchOptions<unknown>): RerankerObj {
    const type = options.rankerType ?? 'rrf';
    const params = options.rankerParams ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw invalid('rankerParams', 'an object ({ k } or { weights })', params);
    }
    if (type === 'rrf') {
      if ('weights' in params && params.weights !== undefined) {
        throw invalid(
          'rankerParams.weights',
          "no weights with rankerType 'rrf' (set rankerType: 'weighted')",
          params.weights,
        );
      }
      const k = params.k ?? 60;
      if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0 || k >= 16384) {
        throw invalid('rankerParams.k', 'a number in (0, 16384)', k);
      }
      return RRFRanker(k);
    }
    if (type === 'weighted') {
      if (params.k !== undefined) {
        throw invalid('rankerParams.k', "no k with rankerType 'weighted' (k is RRF's)", params.k);
      }
      const weights = params.weights ?? [0.5, 0.5];
      if (!Array.isArray(weights) || weights.length !== 2) {
        throw invalid('rankerParams.weights', 'two weights, [dense, sparse]', weights);
      }
      weights.forEach((w, i) => {
        if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
          throw invalid(`rankerParams.weights[${i}]`, 'a number in [0, 1]', w);
        }
      });
      if (params.normScore !== undefined && typeof params.normScore !== 'boolean') {
        throw invalid('rankerParams.normScore', 'a boolean', params.normScore);
      }
      return WeightedRanker(weights, params.normScore ?? true);
    }
    throw invalid('rankerType', "'rrf' or 'weighted'", type);
  }

  /**
   * Hybrid search: the query's embedding on the dense field and its raw text on the BM25 field, fused by
   * RRF (`k` 60 by default) or weighted ranking. Hits best first, each with the fused score (larger is
   * better). Needs a store made with `fullText`.
   */
  async hybridSearchWithScore(
    query: string,
    k = 4,
    options: ElanusHybridSearchOptions<this['FilterType']> = {},
  ): Promise<[Document, number][]> {
    const sparseField = this.requireFullText('hybridSearchWithScore');
    if (typeof query !== 'string') throw invalid('query', 'a string', query);
    positiveInt(k, 'k');
    if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
    const fetchK = options.fetchK === undefined ? k : positiveInt(options.fetchK, 'fetchK');
    const rerank = this.hybridRanker(options);
    const filter = toMilvusFilter(options.filter, this.metadataField);
    const vector = await this.embeddings.embedQuery(query);
    await this.ensureCollection();
    const res = await this.client.hybridSearch({
      collection_name: this.collectionName,
      data: [
        {
          data: [vector],
          anns_field: this.vectorField,
          limit: fetchK,
          ...(this.args.searchParams ? { params: this.args.searchParams } : {}),
        },
        { data: [query], anns_field: sparseField, limit: fetchK },
      ],
      rerank,
      limit: k,
      ...(filter ? { filter } : {}),
      output_fields: [this.textField, this.metadataField],
    });
    return (res.results as unknown as Row[]).map((r) => [this.toDocument(r), Number(r.score)]);
  }

  /** Hybrid search's documents, best first (see `hybridSearchWithScore`). */
  async hybridSearch(
    query: string,
    k = 4,
    options?: ElanusHybridSearchOptions<this['FilterType']>,
  ): Promise<Document[]> {
    return (await this.hybridSearchWithScore(query, k, options)).map(([d]) => d);
  }

  /** BM25 full-text search alone (no embedding): hits best first with their BM25 score. */
  async fullTextSearchWithScore(
    query: string,
    k = 4,
    filter?: this['FilterType'],
  ): Promise<[Document, number][]> {
    const sparseField = this.requireFullText('fullTextSearchWithScore');
    if (typeof query !== 'string') throw invalid('query', 'a string', query);
    positiveInt(k, 'k');
    const expr = toMilvusFilter(filter, this.metadataField);
    await this.ensureCollection();
    const res = await this.client.search({
      collection_name: this.collectionName,
      anns_field: sparseField,
      data: [query],
      limit: k,
      ...(expr ? { filter: expr } : {}),
      output_fields: [this.textField, this.metadataField],
    });
    return (res.results as unknown as Row[]).map((r) => [this.toDocument(r), Number(r.score)]);
  }

  /** A LangChain retriever running `hybridSearchWithScore` (see `ElanusHybridRetriever`). */
  asHybridRetriever(options: Omit<ElanusHybridRetrieverInput, 'vectorStore'> = {}): ElanusHybridRetriever {
    return new ElanusHybridRetriever({ ...options, vectorStore: this });
  }

  /** Deletes by ids, or by a metadata filter. */
  async delete(params: { ids?: string[]; filter?: MetadataFilter | string }): Promise<void> {
    await this.ensureCollection();
    if (params?.ids !== undefined) {
      if (params.ids.length === 0) return;
      await this.client.delete({ collection_name: this.collectionName, ids: params.ids });
      return;
    }
    const expr = toMilvusFilter(params?.filter, this.metadataField);
    if (!expr) {
      throw new ElanusError(
        'IllegalArgument',
        'invalid parameter params: expected ids or a filter, got neither',
        {
          param: 'params',
        },
      );
    }
    await this.client.delete({ collection_name: this.collectionName, filter: expr });
  }

  static async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: ElanusVectorStoreArgs,
  ): Promise<ElanusVectorStore> {
    const docs = texts.map(
      (t, i) =>
        new Document({
          pageContent: t,
          metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) as Record<string, unknown>,
        }),
    );
    return ElanusVectorStore.fromDocuments(docs, embeddings, args);
  }

  static async fromDocuments(
    docs: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    args: ElanusVectorStoreArgs,
  ): Promise<ElanusVectorStore> {
    const store = new ElanusVectorStore(embeddings, args);
    await store.addDocuments(docs);
    return store;
  }

  /** A store over a collection that already exists. */
  static async fromExistingCollection(
    embeddings: EmbeddingsInterface,
    args: ElanusVectorStoreArgs,
  ): Promise<ElanusVectorStore> {
    const store = new ElanusVectorStore(embeddings, args);
    await store.ensureCollection();
    return store;
  }
}

export interface ElanusHybridRetrieverInput extends BaseRetrieverInput, ElanusHybridSearchOptions {
  vectorStore: ElanusVectorStore;
  /** Documents returned (default 4). */
  k?: number;
  /**
   * Metadata key under which each returned document carries its fused score (on a copy of its metadata);
   * `'score'` by default, `null` to return the stored metadata unchanged.
   */
  scoreKey?: string | null;
}

/**
 * Hybrid BM25 + dense retrieval over an `ElanusVectorStore` made with `fullText`, as a LangChain
 * `BaseRetriever` (`invoke(query)` → Documents, best first).
 */
export class ElanusHybridRetriever extends BaseRetriever {
  static lc_name(): string {
    return 'ElanusHybridRetriever';
  }
  lc_namespace = ['elanus', 'retrievers'];
  readonly vectorStore: ElanusVectorStore;
  readonly k: number;
  readonly scoreKey: string | null;
  private readonly options: ElanusHybridSearchOptions;

  constructor(fields: ElanusHybridRetrieverInput) {
    super(fields);
    if (!(fields?.vectorStore instanceof ElanusVectorStore)) {
      throw invalid(
        'vectorStore',
        'an ElanusVectorStore',
        fields?.vectorStore === undefined ? undefined : typeof fields.vectorStore,
      );
    }
    fields.vectorStore.requireFullText('ElanusHybridRetriever');
    this.vectorStore = fields.vectorStore;
    this.k = fields.k === undefined ? 4 : positiveInt(fields.k, 'k');
    if (
      fields.scoreKey !== undefined &&
      fields.scoreKey !== null &&
      (typeof fields.scoreKey !== 'string' || fields.scoreKey === '')
    ) {
      throw invalid('scoreKey', 'a metadata key or null', fields.scoreKey);
    }
    this.scoreKey = fields.scoreKey === undefined ? 'score' : fields.scoreKey;
    const { filter, rankerType, rankerParams, fetchK } = fields;
    this.options = { filter, rankerType, rankerParams, fetchK };
    // Bad ranker options fail here, not at the first query.
    fields.vectorStore.hybridRanker(this.options);
  }

  async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.vectorStore.hybridSearchWithScore(query, this.k, this.options);
    const key = this.scoreKey;
    if (key === null) return hits.map(([d]) => d);
    return hits.map(
      ([d, score]) =>
        new Document({ id: d.id, pageContent: d.pageContent, metadata: { ...d.metadata, [key]: score } }),
    );
  }
}
