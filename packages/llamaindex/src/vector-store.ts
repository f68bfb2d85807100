// A LlamaIndex.TS BaseVectorStore over an Elanus MilvusClient (memory://, idb://, a worker, or a remote Milvus).

import type { MilvusClient, RerankerObj } from '@elanus/core';
import { ElanusError, FunctionType, RRFRanker, WeightedRanker } from '@elanus/core';
import { type BaseNode, MetadataMode } from '@llamaindex/core/schema';
import {
  BaseVectorStore,
  metadataDictToNode,
  nodeToMetadata,
  type VectorStoreBaseParams,
  type VectorStoreQuery,
  type VectorStoreQueryResult,
} from '@llamaindex/core/vector-store';
import { toMilvusFilter } from './filter.js';

export interface ElanusVectorStoreArgs extends VectorStoreBaseParams {
  client: MilvusClient;
  collectionName: string;
  idField?: string;
  embeddingField?: string;
  contentField?: string;
  metadataField?: string;
  /** The source document's id, which `delete(refDocId)` deletes by. */
  docIdField?: string;
  indexType?: 'HNSW' | 'FLAT' | 'AUTOINDEX';
  metricType?: 'COSINE' | 'IP' | 'L2';
  indexParams?: Record<string, unknown>;
  searchParams?: Record<string, unknown>;
  contentMaxLength?: number;
  /**
   * Full-text (BM25) search next to the dense one: a collection the store creates gets its content field
   * analyzed, a BM25 function into a SparseFloatVector field (`sparseField`, default `sparse`) and a
   * SPARSE_INVERTED_INDEX over BM25, so `query({ mode: 'hybrid' | 'sparse', queryStr })` works. `true`
   * uses the standard analyzer; `{ analyzerParams }` is Milvus's `analyzer_params`.
   */
  fullText?: boolean | { analyzerParams?: Record<string, unknown>; sparseField?: string };
  /** Fusion of `mode: 'hybrid'` without `alpha` (as llama-index-vector-stores-milvus): RRF by default. */
  hybridRanker?: 'RRFRanker' | 'WeightedRanker';
  /** `RRFRanker`: `{ k }` (default 60); `WeightedRanker`: `{ weights: [dense, sparse], normScore }`. */
  hybridRankerParams?: { k?: number; weights?: number[]; normScore?: boolean };
}

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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ranker(
  type: unknown,
  params: { k?: number; weights?: number[]; normScore?: boolean } | undefined,
  prefix: string,
): RerankerObj {
  const p = params ?? {};
  if (!isPlainObject(p)) throw invalid(`${prefix}Params`, 'an object ({ k } or { weights })', p);
  if (type === undefined || type === 'RRFRanker') {
    if (p.weights !== undefined) {
      throw invalid(
        `${prefix}Params.weights`,
        `no weights with the RRFRanker (set ${prefix}: 'WeightedRanker')`,
        p.weights,
      );
    }
    const k = p.k ?? 60;
    if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0 || k >= 16384) {
      throw invalid(`${prefix}Params.k`, 'a number in (0, 16384)', k);
    }
    return RRFRanker(k);
  }
  if (type === 'WeightedRanker') {
    if (p.k !== undefined)
      throw invalid(`${prefix}Params.k`, "no k with the WeightedRanker (k is RRF's)", p.k);
    const weights = p.weights ?? [0.5, 0.5];
    if (!Array.isArray(weights) || weights.length !== 2) {
      throw invalid(`${prefix}Params.weights`, 'two weights, [dense, sparse]', weights);
    }
    weights.forEach((w, i) => {
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw invalid(`${prefix}Params.weights[${i}]`, 'a number in [0, 1]', w);
      }
    });
    if (p.normScore !== undefined && typeof p.normScore !== 'boolean') {
      throw invalid(`${prefix}Params.normScore`, 'a boolean', p.normScore);
    }
    return WeightedRanker(weights, p.normScore ?? true);
  }
  throw invalid(prefix, "'RRFRanker' or 'WeightedRanker'", type);
}

type Row = Record<string, unknown> & { score?: number };

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.sqrt(dot(a, a) * dot(b, b));
  return d === 0 ? 0 : dot(a, b) / d;
}

export class ElanusVectorStore extends BaseVectorStore<MilvusClient> {
  storesText = true;
  private readonly milvus: MilvusClient;
  readonly collectionName: string;
  private readonly f: { id: string; embedding: string; content: string; metadata: string; docId: string };
  private readonly args: ElanusVectorStoreArgs;
  private ready: Promise<void> | undefined;
  /** The BM25 output field, when the store was made with `fullText`. */
  readonly sparseField: string | undefined;
  private readonly analyzerParams: Record<string, unknown> | undefined;
  private readonly hybridRerank: RerankerObj;

  constructor(args: ElanusVectorStoreArgs) {
    super(args);
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
    this.milvus = args.client;
    this.collectionName = args.collectionName;
    this.f = {
      id: args.idField ?? 'id',
      embedding: args.embeddingField ?? 'embedding',
      content: args.contentField ?? 'content',
      metadata: args.metadataField ?? 'metadata',
      docId: args.docIdField ?? 'doc_id',
    };
    const ft = args.fullText;
    if (ft !== undefined && typeof ft !== 'boolean' && !isPlainObject(ft)) {
      throw invalid('fullText', 'true, false or { analyzerParams, sparseField }', ft);
    }
    const fo = typeof ft === 'object' ? ft : {};
    if (fo.analyzerParams !== undefined && !isPlainObject(fo.analyzerParams)) {
      throw invalid('fullText.analyzerParams', 'an object of Milvus analyzer_params', fo.analyzerParams);
    }
    if (fo.sparseField !== undefined && (typeof fo.sparseField !== 'string' || fo.sparseField === '')) {
      throw invalid('fullText.sparseField', 'a field name', fo.sparseField);
    }
    this.sparseField = ft ? (fo.sparseField ?? 'sparse') : undefined;
    this.analyzerParams = fo.analyzerParams;
    if (this.sparseField !== undefined && Object.values(this.f).includes(this.sparseField)) {
      throw invalid('fullText.sparseField', 'a name no other field of the store has', this.sparseField);
    }
    this.hybridRerank = ranker(args.hybridRanker, args.hybridRankerParams, 'hybridRanker');
  }

  client(): MilvusClient {
    return this.milvus;
  }

  private ensureCollection(dim?: number): Promise<void> {
    this.ready ??= (async () => {
      const exists = (await this.milvus.hasCollection({ collection_name: this.collectionName })).value;
      if (!exists) {
        if (dim === undefined) {
          throw new ElanusError(
            'CollectionNotExists',
            `collection not found[collection=${this.collectionName}]: add nodes first, or create it`,
          );
        }
        await this.milvus.createCollection({
          collection_name: this.collectionName,
          fields: [
            { name: this.f.id, data_type: 'VarChar', is_primary_key: true, max_length: 512 },
            { name: this.f.embedding, data_type: 'FloatVector', dim },
            {
              name: this.f.content,
              data_type: 'VarChar',
              max_length: this.args.contentMaxLength ?? 65535,
              ...(this.sparseField !== undefined ? { enable_analyzer: true } : {}),
              ...(this.analyzerParams ? { analyzer_params: this.analyzerParams } : {}),
            },
            { name: this.f.metadata, data_type: 'JSON' },
            { name: this.f.docId, data_type: 'VarChar', max_length: 512 },
            ...(this.sparseField !== undefined
              ? [{ name: this.sparseField, data_type: 'SparseFloatVector' }]
              : []),
          ],
          ...(this.sparseField !== undefined
            ? {
                functions: [
                  {
                    name: `${this.f.content}_bm25`,
                    type: FunctionType.BM25,
                    input_field_names: [this.f.content],
                    output_field_names: [this.sparseField],
                  },
                ],
              }
            : {}),
          index_params: [
            {
              field_name: this.f.embedding,
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
      await this.milvus.loadCollection({ collection_name: this.collectionName });
    })();
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }

  /** Upserts the nodes under their ids (a node added again replaces itself). */
  async add(nodes: BaseNode[]): Promise<string[]> {
    if (nodes.length === 0) return [];
    const vectors = nodes.map((n, i) => {
      const e = n.embedding; // getEmbedding() throws a bare "Embedding not set"; say which node
      if (!Array.isArray(e) || e.length === 0) {
        throw new ElanusError(
          'IllegalArgument',
          `invalid parameter nodes[${i}]: expected a node with an embedding (run the embed model first), got none`,
          { param: `nodes[${i}]` },
        );
      }
      return e;
    });
    await this.ensureCollection(vectors[0]!.length);
    await this.milvus.upsert({
      collection_name: this.collectionName,
      data: nodes.map((n, i) => ({
        [this.f.id]: n.id_,
        [this.f.embedding]: vectors[i],
        [this.f.content]: n.getContent(MetadataMode.NONE),
        // LlamaIndex's own serialisation (with _node_content), so query() rebuilds the same node type.
        [this.f.metadata]: nodeToMetadata(n, true, this.f.content, false),
        [this.f.docId]: n.sourceNode?.nodeId ?? n.id_,
      })),
    });
    return nodes.map((n) => n.id_);
  }

  /** Deletes every node of the source document `refDocId`. */
  async delete(refDocId: string): Promise<void> {
    await this.ensureCollection();
    await this.milvus.delete({
      collection_name: this.collectionName,
      filter: `${this.f.docId} == ${JSON.stringify(String(refDocId))}`,
    });
  }

  /**
   * `mode: 'default'` / `'mmr'` search `queryEmbedding`. With `fullText`: `'sparse'` is BM25 over
   * `queryStr` alone, `'hybrid'` fuses both (`hybridSearch`): `alpha` (1 = dense only, 0 = BM25 only)
   * weights them, else the store's `hybridRanker` (RRF, k 60, by default). Similarities are the fused
   * (or BM25) scores, larger is better.
   */
  async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    const mode = query?.mode;
    const textual = mode === 'hybrid' || mode === 'sparse';
    if (textual) {
      if (this.sparseField === undefined) {
        throw invalid(
          'fullText',
          `a store made with fullText for mode '${mode}' (a BM25 field); this one has none`,
          this.args.fullText ?? false,
        );
      }
      if (typeof query.queryStr !== 'string' || query.queryStr === '') {
        throw invalid(
          'query.queryStr',
          `the query text (mode '${mode}' searches it with BM25)`,
          query.queryStr,
        );
      }
      if (
        query.alpha !== undefined &&
        (mode !== 'hybrid' || typeof query.alpha !== 'number' || !(query.alpha >= 0 && query.alpha <= 1))
      ) {
        throw invalid('query.alpha', "a number in [0, 1], with mode 'hybrid'", query.alpha);
      }
    }
    if (mode !== 'sparse' && !query?.queryEmbedding?.length) {
      throw new ElanusError(
        'IllegalArgument',
        'invalid parameter query.queryEmbedding: expected the query embedding (this store searches vectors), got none',
        { param: 'query.queryEmbedding' },
      );
    }
    const k = query.similarityTopK;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
      throw invalid('query.similarityTopK', 'a positive integer', k);
    }
    await this.ensureCollection();
    const mmr = mode === 'mmr';
    let filter = toMilvusFilter(query.filters, this.f.metadata);
    if (query.docIds?.length) {
      const docs = `${this.f.docId} in [${query.docIds.map((d) => JSON.stringify(String(d))).join(', ')}]`;
      filter = filter ? `(${filter}) and ${docs}` : docs;
    }
    if (textual) return this.textQuery(query, query.queryStr!, k, filter);
    const res = await this.milvus.search({
      collection_name: this.collectionName,
      anns_field: this.f.embedding,
      data: query.queryEmbedding,
      limit: mmr ? Math.max(4 * k, 20) : k,
      filter,
      output_fields: [this.f.content, this.f.metadata, ...(mmr ? [this.f.embedding] : [])],
      ...(this.args.searchParams ? { params: this.args.searchParams } : {}),
    });
    let rows = res.results as unknown as Row[];
    if (mmr) rows = this.mmr(query.queryEmbedding!, rows, k, query.mmrThreshold ?? 0.5);
    return this.result(rows);
  }

  private async textQuery(
    query: VectorStoreQuery,
    text: string,
    k: number,
    filter: string,
  ): Promise<VectorStoreQueryResult> {
    const sparseField = this.sparseField!;
    const output_fields = [this.f.content, this.f.metadata];
    if (query.mode === 'sparse') {
      const res = await this.milvus.search({
        collection_name: this.collectionName,
        anns_field: sparseField,
        data: [text],
        limit: k,
        ...(filter ? { filter } : {}),
        output_fields,
      });
      return this.result(res.results as unknown as Row[]);
    }
    const rerank =
      query.alpha === undefined ? this.hybridRerank : WeightedRanker([query.alpha, 1 - query.alpha]);
    const res = await this.milvus.hybridSearch({
      collection_name: this.collectionName,
      data: [
        {
          data: [query.queryEmbedding!],
          anns_field: this.f.embedding,
          limit: k,
          ...(this.args.searchParams ? { params: this.args.searchParams } : {}),
        },
        { data: [text], anns_field: sparseField, limit: k },
      ],
      rerank,
      limit: k,
      ...(filter ? { filter } : {}),
      output_fields,
    });
    return this.result(res.results as unknown as Row[]);
  }

  private result(rows: Row[]): VectorStoreQueryResult {
    const nodes = rows.map((r) => {
      const node = metadataDictToNode(r[this.f.metadata] as Record<string, unknown>, {
        fallback: { id_: String(r[this.f.id]), text: String(r[this.f.content] ?? '') },
      });
      node.setContent(String(r[this.f.content] ?? ''));
      return node;
    });
    return {
      nodes,
      similarities: rows.map((r) => Number(r.score)),
      ids: rows.map((r) => String(r[this.f.id])),
    };
  }

  /** Maximal marginal relevance: `lambda` near 1 keeps relevance, near 0 favours variety. */
  private mmr(q: number[], rows: Row[], k: number, lambda: number): Row[] {
    const vec = (r: Row) => r[this.f.embedding] as ArrayLike<number>;
    const picked: Row[] = [];
    const left = [...rows];
    while (picked.length < k && left.length > 0) {
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      left.forEach((r, i) => {
        const redundancy = picked.length ? Math.max(...picked.map((p) => cosine(vec(p), vec(r)))) : 0;
        const s = lambda * cosine(q, vec(r)) - (1 - lambda) * redundancy;
        if (s > bestScore) {
          bestScore = s;
          best = i;
        }
      });
      picked.push(left.splice(best, 1)[0]!);
    }
    return picked;
  }
}
