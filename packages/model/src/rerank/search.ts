/**
 * Reranking the hits of `search` / `hybridSearch`: the first `candidates` hits are scored against the
 * query by a reranker, on the text of one of their output fields, and come back in the new order with
 * the reranker's score and where they were before.
 */
import { ElanusError } from '@elanus/core';
import { checkOptionsObject, invalidParam } from '../common/checks.js';
import type { RerankFunction, RerankProgress } from './types.js';

export interface RerankSearchOptions {
  /** Output field holding the text to rerank on; request it in the search's `output_fields`. */
  text_field: string;
  /** How many reranked hits to return. Default: all the candidates. */
  top_k?: number;
  /** How many of the leading hits go to the reranker. Default: all of them. */
  candidates?: number;
  signal?: AbortSignal;
  onProgress?: (event: RerankProgress) => void;
}

/** A hit after reranking: the reranker's `score`, and its score and 0-based position before. */
export type RerankedHit<H> = Omit<H, 'score'> & {
  score: number;
  /** The search's own score (distance or similarity). */
  original_score: number;
  /** Position in the hits given to `rerankSearchResults` (0 = the search's best). */
  original_rank: number;
};

const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Reranks one query's hits (`results` of a single-vector search, or `results[i]` of a batch).
 *
 * ```ts
 * const { results } = await client.search({ ..., limit: 50, output_fields: ['text'] });
 * const top = await rerankSearchResults(new BGERerankFunction(), 'what is a vector db?', results, {
 *   text_field: 'text', top_k: 10,
 * });
 * ```
 */
export async function rerankSearchResults<H extends { score: number }>(
  rf: RerankFunction,
  query: string,
  hits: readonly H[],
  options: RerankSearchOptions,
): Promise<Array<RerankedHit<H>>> {
  if (typeof rf !== 'function') throw invalidParam('rf', 'a rerank function', rf);
  if (typeof query !== 'string') throw invalidParam('query', 'a string', query);
  if (!Array.isArray(hits)) throw invalidParam('hits', 'an array of search hits', hits);
  checkOptionsObject(options);
  const { text_field, top_k, candidates = hits.length, signal, onProgress } = options;
  if (typeof text_field !== 'string' || text_field === '')
    throw invalidParam('text_field', 'a field name', text_field);
  if (top_k !== undefined && !isNonNegInt(top_k))
    throw invalidParam('top_k', 'a non-negative integer', top_k);
  if (!isNonNegInt(candidates)) throw invalidParam('candidates', 'a non-negative integer', candidates);

  const pool = hits.slice(0, candidates);
  const texts = pool.map((hit, i) => {
    if (Array.isArray(hit)) {
      throw invalidParam('hits', "one query's hits (results[i] of a multi-vector search)", hits);
    }
    const v = (hit as Record<string, unknown> | null)?.[text_field];
    if (typeof v !== 'string') {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter hits[${i}].${text_field}: expected a string, got ${v === undefined ? 'nothing (add the field to output_fields)' : typeof v}`,
        { param: `hits[${i}].${text_field}` },
      );
    }
    return v;
  });
  if (pool.length === 0) return [];
  const k = top_k === undefined || top_k === 0 ? pool.length : Math.min(top_k, pool.length);
  const ranked = await rf(query, texts, { top_k: k, signal, onProgress });
  return ranked.map((r) => {
    const hit = pool[r.index];
    if (!hit) {
      throw new ElanusError(
        'UnexpectedError',
        `the reranker returned index ${r.index}, out of range (${pool.length} hits)`,
      );
    }
    return { ...hit, score: r.score, original_score: hit.score, original_rank: r.index };
  });
}
