// A LlamaIndex.TS BaseVectorStore over an Elanus MilvusClient (memory://, idb://, a worker, or a remote Milvus).

import type { MilvusClient } from '@elanus/core';
import { ElanusError } from '@elanus/core';
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
            { name: this.f.content, data_type: 'VarChar', max_length: this.args.contentMaxLength ?? 65535 },
            { name: this.f.metadata, data_type: 'JSON' },
            { name: this.f.docId, data_type: 'VarChar', max_length: 512 },
          ],
          index_params: [
            {
              field_name: this.f.embedding,
              index_type: this.args.indexType ?? 'HNSW',
              metric_type: this.args.metricType ?? 'COSINE',
              params: this.args.indexParams ?? {},
            },
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

  async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    if (!query?.queryEmbedding?.length) {
      throw new ElanusError(
        'IllegalArgument',
        'invalid parameter query.queryEmbedding: expected the query embedding (this store searches vectors), got none',
        { param: 'query.queryEmbedding' },
      );
    }
    await this.ensureCollection();
    const k = query.similarityTopK;
    const mmr = query.mode === 'mmr';
    let filter = toMilvusFilter(query.filters, this.f.metadata);
    if (query.docIds?.length) {
      const docs = `${this.f.docId} in [${query.docIds.map((d) => JSON.stringify(String(d))).join(', ')}]`;
      filter = filter ? `(${filter}) and ${docs}` : docs;
    }
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
    if (mmr) rows = this.mmr(query.queryEmbedding, rows, k, query.mmrThreshold ?? 0.5);
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
