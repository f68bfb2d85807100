import { clusteredVectors, row, zipfCorpus } from '../lib/data.js';
import { RRFRanker, WeightedRanker } from '../lib/elanus.js';
import { cpuNow, median, now, pairedRatio, round, summary } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';
import { elanusTextClient } from './bm25.js';

const K = 10;

/** Hybrid search latency: BM25 + dense FLAT fused by RRF / weighted, against each leg alone. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('hybrid', 'Hybrid search (BM25 + dense)', ctx.runtime);
  const n = ctx.quick ? 3_000 : ctx.runtime === 'node' ? 20_000 : 10_000;
  const nq = ctx.quick ? 50 : 200;
  const dim = 384;
  const corpus = zipfCorpus({
    docs: n,
    vocab: 30_000,
    minLen: 50,
    maxLen: 200,
    queries: nq,
    qMin: 3,
    qMax: 5,
    seed: 8,
  });
  const vecs = clusteredVectors({ n, nq, dim, seed: 9 });
  res.dataset = `${corpus.description}; each with a ${dim}-d vector (${vecs.description})`;
  res.params = { n, queries: nq, k: K, dense: 'FLAT IP', sparse: 'SPARSE_INVERTED_INDEX BM25' };
  const client = await elanusTextClient(
    [{ name: 'dense', data_type: 'FloatVector', dim }],
    [{ field_name: 'dense', index_type: 'FLAT', metric_type: 'IP' }],
  );
  for (let from = 0; from < n; from += 2000) {
    const rows = [];
    for (let d = from; d < Math.min(n, from + 2000); d++)
      rows.push({ id: d, text: corpus.texts[d]!, dense: row(vecs.base, dim, d) });
    await client.insert({ collection_name: 'ft', data: rows });
  }
  await client.loadCollection({ collection_name: 'ft' });
  const c = 'ft';
  const sides: [string, (q: number) => Promise<unknown>][] = [
    [
      'sparse (BM25) search',
      (q) =>
        client.search({ collection_name: c, anns_field: 'sparse', data: corpus.queryTexts[q]!, limit: K }),
    ],
    [
      'dense (FLAT) search',
      (q) =>
        client.search({ collection_name: c, anns_field: 'dense', data: row(vecs.queries, dim, q), limit: K }),
    ],
    [
      'hybridSearch, RRF(60)',
      (q) =>
        client.hybridSearch({
          collection_name: c,
          data: [
            { data: [corpus.queryTexts[q]!], anns_field: 'sparse', limit: K },
            { data: [row(vecs.queries, dim, q)], anns_field: 'dense', limit: K },
          ],
          rerank: RRFRanker(60),
          limit: K,
        }),
    ],
    [
      'hybridSearch, weighted (0.5, 0.5)',
      (q) =>
        client.hybridSearch({
          collection_name: c,
          data: [
            { data: [corpus.queryTexts[q]!], anns_field: 'sparse', limit: K },
            { data: [row(vecs.queries, dim, q)], anns_field: 'dense', limit: K },
          ],
          rerank: WeightedRanker([0.5, 0.5]),
          limit: K,
        }),
    ],
  ];
  const lat = new Map<string, number[]>(sides.map(([s]) => [s, []]));
  const cpu = new Map<string, number[]>(sides.map(([s]) => [s, []]));
  for (const [, fn] of sides) await fn(0);
  const block = 20;
  for (let b0 = 0; b0 < nq; b0 += block) {
    for (const [name, fn] of sides) {
      const c0 = cpuNow?.() ?? 0;
      for (let q = b0; q < Math.min(nq, b0 + block); q++) {
        const t = now();
        await fn(q);
        lat.get(name)!.push(now() - t);
      }
      if (cpuNow) cpu.get(name)!.push((cpuNow() - c0) / Math.min(block, nq - b0));
    }
  }
  const sparse = 'sparse (BM25) search';
  const dense = 'dense (FLAT) search';
  const sumLegs = lat.get(sparse)!.map((x, i) => x + lat.get(dense)![i]!);
  res.tables.push({
    title: `Hybrid search latency, ${n.toLocaleString('en-US')} docs (top-${K} per leg, top-${K} fused)`,
    columns: ['request', 'median ms', 'p95 ms', 'mean CPU ms/query', '÷ (sparse + dense), per query'],
    rows: sides.map(([name]) => [
      name,
      round(median(lat.get(name)!), 4),
      round(summary(lat.get(name)!).q[19]!, 4),
      cpuNow ? round(median(cpu.get(name)!), 4) : null,
      round(pairedRatio(lat.get(name)!, sumLegs), 3),
    ]),
    note: 'Each request type runs blocks of 20 queries in turn; the last column pairs each query with the sum of its two single-leg latencies (1.0 = fusion costs nothing beyond the two searches).',
  });
  res.headline.push({
    label: `Hybrid ${n / 1000}k docs: hybridSearch (RRF) ÷ (sparse + dense searches) latency`,
    value: `${round(pairedRatio(lat.get('hybridSearch, RRF(60)')!, sumLegs), 3)}×`,
  });
  res.distributions.push({
    id: `hybrid-latency-${ctx.runtime}`,
    title: `Hybrid search latency (${ctx.runtime})`,
    unit: 'ms',
    series: sides.map(([name]) => ({ name, ...summary(lat.get(name)!) })),
  });
  return res;
}
