// A LangChain.js VectorStore over an Elanus MilvusClient (memory://, idb://, a worker, or a remote Milvus).

import type { MilvusClient } from '@elanus/core';
import { ElanusError } from '@elanus/core';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
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
}

type Row = Record<string, unknown> & { id?: unknown; score?: number };

export class ElanusVectorStore extends VectorStore {
  declare FilterType: MetadataFilter | string;
  readonly client: MilvusClient;
  readonly collectionName: string;
  readonly primaryField: string;
  readonly textField: string;
  readonly vectorField: string;
  readonly metadataField: string;
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
            { name: this.textField, data_type: 'VarChar', max_length: this.args.textMaxLength ?? 65535 },
            { name: this.metadataField, data_type: 'JSON' },
          ],
          index_params: [
            {
              field_name: this.vectorField,
              index_type: this.args.indexType ?? 'HNSW',
              metric_type: this.args.metricType ?? 'COSINE',
              params: this.args.indexParams ?? {},
            },
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
