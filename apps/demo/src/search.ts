/**
 * The three search modes over the one collection, with Milvus's API: dense (`search` on the vector
 * field), BM25 full-text (`search` with the raw text on the function's sparse field) and hybrid
 * (`hybridSearch` over both, fused by RRF or weights). Each hit also carries its rank in the dense and
 * the BM25 candidate lists, so the page can show what the fusion did.
 */
import { type MilvusClient, RRFRanker, type SearchHit, WeightedRanker } from '@elanus/core';
import { COLLECTION, OUTPUT_FIELDS, SEARCH_EF } from './data/schema';
import type { Embedder } from './embed/embedder';
import { type RerankFunction, rerankSearchResults } from './embed/model-api';

export type Mode = 'dense' | 'bm25' | 'hybrid';
export type Ranker = 'rrf' | 'weighted';

export interface SearchRequest {
  query: string;
  mode: Mode;
  filter: string;
  limit: number;
  ranker: Ranker;
  rrfK: number;
  /** Weight of the dense list in weighted fusion; BM25 gets 1 - this. */
  denseWeight: number;
  /** Rerank the first RERANK_CANDIDATES hits (see embed/model-api.ts for what reranks). */
  rerank: boolean;
}

export interface Hit {
  id: string;
  /** Absent when listing by filter alone (no query). */
  score: number | undefined;
  fields: Record<string, unknown>;
  vector: Float32Array | undefined;
  /** 1-based rank in the dense / BM25 candidate list, undefined when not in it (or not searched). */
  denseRank: number | undefined;
  bm25Rank: number | undefined;
  /** With rerank: the 1-based rank and the score before reranking. */
  firstStage: { rank: number; score: number } | undefined;
}

export interface SearchOutcome {
  request: SearchRequest;
  hits: Hit[];
  queryVector: Float32Array | undefined;
  embedMs: number;
  searchMs: number;
  rerankMs: number;
  totalMs: number;
}

/** An `InvalidFilter` error from the engine: the parser's message and the 1-based column. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly column: number | undefined,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** Each list's depth: hybrid fuses this many candidates per side, and ranks are reported within it. */
export const CANDIDATES = 50;
/** Hits handed to the reranker: it embeds each one's sentences, so this bounds its cost. */
export const RERANK_CANDIDATES = 30;

function asFilterError(e: unknown): unknown {
  // Duck-typed: the error may have crossed the worker boundary (rebuilt there as an ElanusError).
  const err = e as { code?: unknown; message?: unknown; details?: { column?: unknown } } | null;
  if (err && err.code === 'InvalidFilter') {
    const column = typeof err.details?.column === 'number' ? err.details.column : undefined;
    return new FilterError(String(err.message), column);
  }
  return e;
}

const hitsOf = (r: { results: SearchHit[] | SearchHit[][] }): SearchHit[] => {
  const first = r.results[0];
  return Array.isArray(first) ? first : (r.results as SearchHit[]);
};

function toHit(h: SearchHit | Record<string, unknown>): Hit {
  const { id, score, dense, original_score, original_rank, ...fields } = h as Record<string, unknown>;
  return {
    id: String(id),
    score: typeof score === 'number' ? score : undefined,
    fields,
    vector:
      dense instanceof Float32Array
        ? dense
        : Array.isArray(dense)
          ? Float32Array.from(dense as number[])
          : undefined,
    denseRank: undefined,
    bm25Rank: undefined,
    firstStage: undefined,
  };
}

const rankMap = (hits: SearchHit[]): Map<string, number> =>
  new Map(hits.map((h, i) => [String(h.id), i + 1]));

export async function runSearch(
  client: MilvusClient,
  embedder: Embedder,
  req: SearchRequest,
): Promise<SearchOutcome> {
  const t0 = performance.now();
  // Sent as typed (not trimmed): the parser's column must point into the text the box shows.
  const filter = req.filter.trim() ? req.filter : '';
  const output_fields = [...OUTPUT_FIELDS, 'dense'];
  const query = req.query.trim();
  try {
    if (!query) {
      // No query: list what the filter selects (Milvus `query`), in stored order.
      const r = await client.query({ collection_name: COLLECTION, filter, output_fields, limit: req.limit });
      const ms = performance.now() - t0;
      return {
        request: req,
        hits: r.data.map(toHit),
        queryVector: undefined,
        embedMs: 0,
        searchMs: ms,
        rerankMs: 0,
        totalMs: ms,
      };
    }
    let embedMs = 0;
    let queryVector: Float32Array | undefined;
    if (req.mode !== 'bm25') {
      const e0 = performance.now();
      queryVector = await embedder.embedQuery(query);
      embedMs = performance.now() - e0;
    }
    const s0 = performance.now();
    const dense = (limit: number, fields: string[]) =>
      client.search({
        collection_name: COLLECTION,
        anns_field: 'dense',
        data: queryVector!,
        limit,
        filter,
        output_fields: fields,
        params: { ef: Math.max(SEARCH_EF, limit) },
      });
    const bm25 = (limit: number, fields: string[]) =>
      client.search({
        collection_name: COLLECTION,
        anns_field: 'sparse',
        data: query,
        limit,
        filter,
        output_fields: fields,
      });

    // With rerank, the first stage fetches a longer list for the reranker to reorder.
    const limit = req.rerank ? Math.max(req.limit, RERANK_CANDIDATES) : req.limit;
    let main: SearchHit[];
    let denseRanks: Map<string, number> | undefined;
    let bm25Ranks: Map<string, number> | undefined;
    if (req.mode === 'dense') {
      const [d, b] = await Promise.all([dense(limit, output_fields), bm25(CANDIDATES, [])]);
      main = hitsOf(d);
      denseRanks = rankMap(main);
      bm25Ranks = rankMap(hitsOf(b));
    } else if (req.mode === 'bm25') {
      main = hitsOf(await bm25(limit, output_fields));
      bm25Ranks = rankMap(main);
    } else {
      const rerank =
        req.ranker === 'rrf' ? RRFRanker(req.rrfK) : WeightedRanker([req.denseWeight, 1 - req.denseWeight]);
      const [h, d, b] = await Promise.all([
        client.hybridSearch({
          collection_name: COLLECTION,
          data: [
            {
              data: [queryVector!],
              anns_field: 'dense',
              limit: CANDIDATES,
              filter,
              params: { ef: SEARCH_EF },
            },
            { data: [query], anns_field: 'sparse', limit: CANDIDATES, filter },
          ],
          rerank,
          limit,
          output_fields,
        }),
        dense(CANDIDATES, []),
        bm25(CANDIDATES, []),
      ]);
      main = hitsOf(h);
      denseRanks = rankMap(hitsOf(d));
      bm25Ranks = rankMap(hitsOf(b));
    }
    const searchMs = performance.now() - s0;
    let rerankMs = 0;
    if (req.rerank && main.length > 1) {
      const r0 = performance.now();
      // @elanus/model's reranking of search hits, with the worker's scorer behind its RerankFunction shape.
      const rf: RerankFunction = async (q, documents, options) => {
        const opts = typeof options === 'object' && options ? options : {};
        const topK = (typeof options === 'number' ? options : opts.top_k) || documents.length;
        const scores = await embedder.rerankScores(q, documents, opts.signal);
        return scores
          .map((score, index) => ({ index, score, text: documents[index]! }))
          .sort((a, b) => b.score - a.score)
          .slice(0, topK);
      };
      const reranked = await rerankSearchResults(rf, query, main, {
        text_field: 'text',
        top_k: req.limit,
        candidates: RERANK_CANDIDATES,
      });
      rerankMs = performance.now() - r0;
      const hits = reranked.map((h) => {
        const hit = toHit(h as unknown as SearchHit);
        hit.denseRank = denseRanks?.get(hit.id);
        hit.bm25Rank = bm25Ranks?.get(hit.id);
        hit.firstStage = { rank: h.original_rank + 1, score: h.original_score };
        return hit;
      });
      const end = performance.now();
      return { request: req, hits, queryVector, embedMs, searchMs, rerankMs, totalMs: end - t0 };
    }
    const hits = main.slice(0, req.limit).map((h) => {
      const hit = toHit(h);
      hit.denseRank = denseRanks?.get(hit.id);
      hit.bm25Rank = bm25Ranks?.get(hit.id);
      return hit;
    });
    return { request: req, hits, queryVector, embedMs, searchMs, rerankMs, totalMs: performance.now() - t0 };
  } catch (e) {
    throw asFilterError(e);
  }
}
