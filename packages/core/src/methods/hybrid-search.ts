import type { HybridSearchReq, RerankerObj, SearchHit, SearchResults } from '../client/types.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import type { TopK } from '../indexes/types.js';
import {
  buildRow,
  checkConsistency,
  filterOf,
  filterParamsOf,
  ok,
  optionalInt,
  planOutput,
} from './common.js';
import { requireLoaded } from './indexes.js';
import { annsField, MAX_TOPK, parseQueries, runQuery, searchParamsOf } from './search.js';

/** Reciprocal-rank fusion (Milvus `RRFRanker(k)`): score = Σ 1 / (k + rank), rank from 1. */
export function RRFRanker(k = 60): RerankerObj {
  if (!Number.isFinite(k) || k <= 0 || k >= 16384) {
    throw elanusError('rrfK', { got: k }, { param: 'k' });
  }
  return { strategy: 'rrf', params: { k } };
}

/** Weighted fusion (Milvus `WeightedRanker(...weights)`): score = Σ wᵢ · normalise(scoreᵢ). */
export function WeightedRanker(weights: number[], norm_score = true): RerankerObj {
  for (const [i, w] of weights.entries()) {
    if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
      throw elanusError('rerankWeight', { index: i, got: w }, { param: `weights[${i}]` });
    }
  }
  return { strategy: 'weighted', params: { weights: [...weights], norm_score } };
}

/** The Milvus server's score normalisation before weighted fusion: maps every metric to [0, 1], larger is better. */
export function normalizeScore(metric: string, d: number): number {
  switch (metric) {
    case 'COSINE':
      return (1 + d) / 2;
    case 'IP':
      return 0.5 + Math.atan(d) / Math.PI;
    case 'BM25':
      return (2 * Math.atan(d)) / Math.PI;
    default: // L2, HAMMING, JACCARD, …: distances, smaller is better
      return 1 - (2 * Math.atan(d)) / Math.PI;
  }
}

/**
 * Without normalisation the server still turns distances into larger-is-better scores before
 * weighting (its `toGreaterScore`), or a weighted fusion over an L2 field would rank the farthest first.
 */
export function toGreaterScore(metric: string, d: number): number {
  switch (metric) {
    case 'COSINE':
    case 'IP':
    case 'BM25':
      return d;
    default:
      return 1 - (2 * Math.atan(d)) / Math.PI;
  }
}

export function hybridSearch(engine: Engine, req: HybridSearchReq): SearchResults {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  if (!Array.isArray(req.data) || req.data.length === 0) {
    throw elanusError('hybridDataNotArray', { got: typeof req.data }, { param: 'data' });
  }
  const limit = optionalInt(req.limit, 'limit', 1, MAX_TOPK, 100);
  const offset = optionalInt(req.offset, 'offset', 0, MAX_TOPK, 0);
  const rerank = req.rerank ?? RRFRanker();
  if (rerank.strategy !== 'rrf' && rerank.strategy !== 'weighted') {
    throw elanusError('rerankStrategy', { got: rerank.strategy }, { param: 'rerank' });
  }
  const weights = rerank.params.weights ?? [];
  if (rerank.strategy === 'weighted' && weights.length !== req.data.length) {
    throw elanusError(
      'rerankWeightsCount',
      { expected: req.data.length, got: weights.length },
      { param: 'rerank.params.weights' },
    );
  }
  const rrfK = rerank.params.k ?? 60;
  const normScore = rerank.params.norm_score !== false;
  const plan = planOutput(c, req.output_fields);
  const base = c.select(filterOf(req), filterParamsOf(req), req.partition_names);

  // Every sub-request must carry the same number of query vectors.
  const subs = req.data.map((sub, si) => {
    const f = annsField(c, sub.anns_field, `data[${si}].anns_field`);
    const queries = parseQueries(c, f, sub.data, `data[${si}].data`);
    const subLimit = optionalInt(sub.limit, `data[${si}].limit`, 1, MAX_TOPK, limit + offset);
    const subFilter = sub.filter ?? sub.expr;
    const allow = subFilter ? c.select(subFilter, filterParamsOf(req), req.partition_names).and(base) : base;
    return {
      f,
      queries,
      subLimit,
      allow,
      params: searchParamsOf(sub),
      metric: c.indexes.get(f.name)!.def.metric_type,
    };
  });
  const nq = subs[0]!.queries.length;
  subs.forEach((s, i) => {
    if (s.queries.length !== nq) {
      throw elanusError(
        'hybridNq',
        { index: i, expected: nq, got: s.queries.length },
        { param: `data[${i}].data` },
      );
    }
  });

  const results: SearchHit[][] = [];
  for (let qi = 0; qi < nq; qi++) {
    const fused = new Map<number, number>();
    subs.forEach((s, si) => {
      const top: TopK = runQuery(c, s.f, s.queries[qi]!, s.subLimit, s.allow, s.params);
      for (let r = 0; r < top.rows.length; r++) {
        const row = top.rows[r]!;
        const add =
          rerank.strategy === 'rrf'
            ? 1 / (rrfK + r + 1)
            : weights[si]! * (normScore ? normalizeScore : toGreaterScore)(s.metric, top.scores[r]!);
        fused.set(row, (fused.get(row) ?? 0) + add);
      }
    });
    const ranked = [...fused.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(offset, offset + limit);
    results.push(
      ranked.map(([row, score]) => {
        const hit = { score, id: '' } as SearchHit;
        buildRow(c, row, plan, hit);
        hit.id = hit[c.pkField.name] as string;
        return hit;
      }),
    );
  }
  return { status: ok(), results: nq === 1 ? results[0]! : results, recalls: [] };
}
