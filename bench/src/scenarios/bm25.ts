import { create as oramaCreate, insertMultiple as oramaInsert, search as oramaSearch } from '@orama/orama';
import MiniSearch from 'minisearch';
// @ts-expect-error: no type declarations.
import winkBm25 from 'wink-bm25-text-search';
import { ExhaustiveBm25, sameTopK } from '../lib/bm25-baseline.js';
import { zipfCorpus } from '../lib/data.js';
import { ArraySparseColumn, createIndex, MilvusClient, type SparseInvertedIndex } from '../lib/elanus.js';
import { cpuNow, maybeGc, median, now, pairedRatio, round, summary } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const K = 10;
const ELANUS = 'Elanus client.search (BM25 function)';
const BASELINE = 'exhaustive TAAT baseline';
const LIBS = ['@orama/orama', 'minisearch', 'wink-bm25-text-search'];

interface Engine {
  name: string;
  add(from: number, to: number): unknown;
  finish?(): unknown;
  search(q: number): ArrayLike<number> | Promise<ArrayLike<number>>;
  postings?(): { scored: number; total: number };
}

export function corpusSize(ctx: Ctx): { docs: number; queries: number } {
  if (ctx.quick) return { docs: 5_000, queries: 200 };
  return ctx.runtime === 'node' ? { docs: 50_000, queries: 1_000 } : { docs: 10_000, queries: 300 };
}

export async function elanusTextClient(
  extraFields: Record<string, unknown>[] = [],
  extraIndexes: Record<string, unknown>[] = [],
) {
  const client = new MilvusClient({ uri: 'memory://' });
  await client.createCollection({
    collection_name: 'ft',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'text', data_type: 'VarChar', max_length: 4096, enable_analyzer: true },
      { name: 'sparse', data_type: 'SparseFloatVector' },
      ...extraFields,
    ],
    functions: [
      { name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} },
    ],
    index_params: [
      {
        field_name: 'sparse',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'BM25',
        params: { bm25_k1: 1.2, bm25_b: 0.75 },
      },
      ...extraIndexes,
    ],
  } as never);
  return client;
}

/** Full-text BM25: the engine (API and index level) against three JS libraries and an exhaustive scorer. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('bm25', 'Sparse / BM25 full-text search', ctx.runtime);
  const size = corpusSize(ctx);
  const corpus = zipfCorpus({
    docs: size.docs,
    vocab: 30_000,
    minLen: 50,
    maxLen: 200,
    queries: size.queries,
    qMin: 3,
    qMax: 5,
    seed: 3,
  });
  res.dataset = corpus.description;
  res.params = { ...size, k: K, k1: 1.2, b: 0.75 };
  const docsOf = (from: number, to: number) => {
    const out: { id: number; text: string }[] = [];
    for (let d = from; d < to; d++) out.push({ id: d, text: corpus.texts[d]! });
    return out;
  };

  const engines: Engine[] = [];
  // Elanus through the API: text in, BM25 function + SPARSE_INVERTED_INDEX.
  const client = await elanusTextClient();
  engines.push({
    name: ELANUS,
    add: (from, to) => client.insert({ collection_name: 'ft', data: docsOf(from, to) }),
    finish: async () => {
      await client.loadCollection({ collection_name: 'ft' });
      await client.search({
        collection_name: 'ft',
        anns_field: 'sparse',
        data: corpus.queryTexts[0]!,
        limit: K,
      });
    },
    search: async (q) =>
      (
        (
          await client.search({
            collection_name: 'ft',
            anns_field: 'sparse',
            data: corpus.queryTexts[q]!,
            limit: K,
          })
        ).results as { id: string }[]
      ).map((h) => Number(h.id)),
  });
  // Elanus index level: the same index over term-id vectors (no analyzer, no API), for its postings counter.
  const col = new ArraySparseColumn();
  const sidx = createIndex(
    'sparse',
    'SPARSE_INVERTED_INDEX',
    'BM25',
    { bm25_k1: 1.2, bm25_b: 0.75 },
    col,
  ) as unknown as SparseInvertedIndex;
  const qvec = corpus.queries.map((t) => {
    const idx = Uint32Array.from(t).sort();
    return { indices: idx, values: new Float32Array(idx.length).fill(1) };
  });
  engines.push({
    name: 'Elanus SparseInvertedIndex (term ids)',
    add: (from, to) => {
      for (let d = from; d < to; d++) {
        const m = new Map<number, number>();
        for (let t = corpus.offsets[d]!; t < corpus.offsets[d + 1]!; t++)
          m.set(corpus.tokens[t]!, (m.get(corpus.tokens[t]!) ?? 0) + 1);
        const indices = Uint32Array.from(m.keys()).sort();
        col.push({ indices, values: Float32Array.from(indices, (i) => m.get(i)!) });
      }
      sidx.addRange(from, to);
    },
    search: (q) => sidx.search(qvec[q]!, K, null, {}).rows,
    postings: () => ({
      scored: sidx.lastSearchStats.scoredPostings,
      total: sidx.lastSearchStats.totalPostings,
    }),
  });
  const base = new ExhaustiveBm25(corpus.words.length);
  engines.push({
    name: BASELINE,
    add: (from, to) => base.add(corpus, from, to),
    search: (q) => base.search(corpus.queries[q]!, K).ids,
    postings: () => ({ scored: base.scored, total: base.scored }),
  });
  // The libraries, each with its own tokenizer kept to whitespace words (no stemming, no stop words).
  const orama = oramaCreate({
    schema: { text: 'string' } as const,
    components: { tokenizer: { stemming: false, stopWords: false } },
  });
  engines.push({
    name: '@orama/orama',
    add: (from, to) =>
      oramaInsert(
        orama,
        docsOf(from, to).map((d) => ({ id: String(d.id), text: d.text })),
        to - from,
      ),
    search: async (q) =>
      (await oramaSearch(orama, { term: corpus.queryTexts[q]!, properties: ['text'], limit: K })).hits.map(
        (h) => Number(h.id),
      ),
  });
  const mini = new MiniSearch({
    fields: ['text'],
    searchOptions: { prefix: false, fuzzy: false, combineWith: 'OR' },
  });
  engines.push({
    name: 'minisearch',
    add: (from, to) => mini.addAll(docsOf(from, to)),
    // minisearch has no limit: it returns every match, sorted.
    search: (q) =>
      mini
        .search(corpus.queryTexts[q]!)
        .slice(0, K)
        .map((r) => r.id as number),
  });
  const wink = winkBm25();
  wink.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
  wink.definePrepTasks([(s: string) => s.split(' ')]);
  engines.push({
    name: 'wink-bm25-text-search',
    add: (from, to) => {
      for (let d = from; d < to; d++) wink.addDoc({ text: corpus.texts[d]! }, d);
    },
    finish: () => wink.consolidate(),
    search: (q) => (wink.search(corpus.queryTexts[q]!, K) as [string, number][]).map((r) => Number(r[0])),
  });

  // Build, interleaved by chunks of documents.
  const chunks = ctx.quick ? 2 : 5;
  const bw = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  const bc = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  const timed = async (e: Engine, fn: () => unknown) => {
    await maybeGc();
    const c0 = cpuNow?.() ?? 0;
    const t = now();
    const p = fn();
    if (p instanceof Promise) await p;
    bw.get(e.name)!.push(now() - t);
    if (cpuNow) bc.get(e.name)!.push(cpuNow() - c0);
  };
  for (let c = 0; c < chunks; c++) {
    const from = Math.floor((c * size.docs) / chunks);
    const to = Math.floor(((c + 1) * size.docs) / chunks);
    for (const e of engines) await timed(e, () => e.add(from, to));
    ctx.log(`bm25: built ${to}/${size.docs}`);
  }
  for (const e of engines) if (e.finish) await timed(e, () => e.finish!());
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const buildS = (name: string) => sum((cpuNow ? bc : bw).get(name)!) / 1000;

  // Latency: blocks of queries, engines interleaved per block; every query timed alone. The libraries are
  // 100–1000× slower: each answers queries in order until it has used `libBudgetMs` (at least `libMin`
  // queries); ratios pair the queries both sides answered.
  const libQueries = Math.min(size.queries, ctx.quick ? 50 : 100);
  const libBudgetMs = ctx.quick ? 3_000 : 15_000;
  const libMin = 10;
  const nqOf = (e: Engine) => (LIBS.includes(e.name) ? libQueries : size.queries);
  const answered = new Map<string, number>(engines.map((e) => [e.name, 0]));
  const spent = new Map<string, number>(engines.map((e) => [e.name, 0]));
  const lat = new Map<string, Float64Array>(engines.map((e) => [e.name, new Float64Array(nqOf(e))]));
  const cpuBlocks = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  const postings = new Map<string, { scored: number; total: number }>();
  const agree = new Map<string, { exact: number; valid: number }>(
    engines.map((e) => [e.name, { exact: 0, valid: 0 }]),
  );
  const truth = corpus.queries.map((t) => base.search(t, K));
  const block = ctx.quick ? 25 : 50;
  for (let b0 = 0; b0 < size.queries; b0 += block) {
    for (const e of engines) {
      const b1 = Math.min(nqOf(e), b0 + block);
      if (b0 >= b1) continue;
      if (LIBS.includes(e.name) && spent.get(e.name)! > libBudgetMs && answered.get(e.name)! >= libMin)
        continue;
      const l = lat.get(e.name)!;
      const hits: ArrayLike<number>[] = [];
      const c0 = cpuNow?.() ?? 0;
      for (let q = b0; q < b1; q++) {
        const t = now();
        let r = e.search(q);
        if (r instanceof Promise) r = await r;
        l[q] = now() - t;
        hits.push(r);
        answered.set(e.name, q + 1);
        spent.set(e.name, spent.get(e.name)! + l[q]!);
        if (LIBS.includes(e.name) && spent.get(e.name)! > libBudgetMs && q + 1 >= libMin) {
          hits.length = q + 1 - b0;
          break;
        }
        if (e.postings) {
          const p = e.postings();
          const acc = postings.get(e.name) ?? { scored: 0, total: 0 };
          acc.scored += p.scored;
          acc.total += p.total;
          postings.set(e.name, acc);
        }
      }
      const done = hits.length;
      if (cpuNow) cpuBlocks.get(e.name)!.push((cpuNow() - c0) / done);
      const a = agree.get(e.name)!;
      for (let q = b0; q < b0 + done; q++) {
        const got = hits[q - b0]!;
        const t = truth[q]!;
        if (got.length === t.ids.length && Array.from(got).every((d, i) => Number(d) === t.ids[i])) a.exact++;
        if (sameTopK(got, t.scores, (d) => base.score(corpus.queries[q]!, d))) a.valid++;
      }
    }
    if (b0 % 250 === 0) ctx.log(`bm25: queries ${b0}/${size.queries}`);
  }
  for (const e of engines) lat.set(e.name, lat.get(e.name)!.subarray(0, answered.get(e.name)!));
  const med = (name: string) => median(lat.get(name)!);
  // Paired over the queries (and blocks) both answered.
  const perQueryRatio = (a: string, b: string) =>
    pairedRatio(Array.from(lat.get(a)!), Array.from(lat.get(b)!));
  const cpuRatio = (a: string, b: string) =>
    cpuNow ? pairedRatio(cpuBlocks.get(a)!, cpuBlocks.get(b)!) : Number.NaN;
  const medOver = (name: string, m: number) => median(lat.get(name)!.subarray(0, m));
  const fastestBuild = LIBS.reduce((best, n) => (buildS(n) < buildS(best) ? n : best), LIBS[0]!);
  const fastestLat = LIBS.reduce((best, n) => (med(n) < med(best) ? n : best), LIBS[0]!);
  const elanusOnLib = medOver(ELANUS, answered.get(fastestLat)!);
  res.tables.push({
    title: `BM25 top-${K}: ${size.docs.toLocaleString('en-US')} docs, ${size.queries} queries`,
    columns: [
      'engine',
      'median ms',
      'p95 ms',
      'mean CPU ms/query',
      `× ${BASELINE} (median of per-query ratios)`,
      'build s',
      `top-${K} = baseline (exact order)`,
      `top-${K} = baseline (up to ties)`,
      'postings scored / query',
    ],
    rows: engines.map((e) => {
      const l = lat.get(e.name)!;
      const a = agree.get(e.name)!;
      const p = postings.get(e.name);
      const nq = answered.get(e.name)!;
      return [
        e.name,
        round(med(e.name), 4),
        round(summary(l).q[19]!, 4),
        cpuNow ? round(median(cpuBlocks.get(e.name)!), 4) : null,
        round(perQueryRatio(e.name, BASELINE), 3),
        round(buildS(e.name), 4),
        `${a.exact}/${nq}`,
        `${a.valid}/${nq}`,
        p ? `${round(p.scored / nq, 4)} of ${round(p.total / nq, 4)}` : '',
      ];
    }),
    note: `The libraries answer the first queries in order until each has spent ${libBudgetMs / 1000} s (at most ${libQueries}, at least ${libMin}); Elanus and the baseline answer all ${size.queries}; ratios pair the same queries. Latencies are wall-clock per query (each engine runs blocks of ${block} queries in turn); “mean CPU” is process CPU time per query over a block (Node). Build = inserting all documents (interleaved in ${chunks} chunks) plus any finishing step (loadCollection and a first search for Elanus, consolidate for wink), ${cpuNow ? 'CPU time' : 'wall time'}. The libraries' BM25 variants differ (Orama and minisearch use BM25+ style parameters, wink rounds scores to 4 decimals), so their agreement is informative only.`,
  });
  res.distributions.push({
    id: `bm25-latency-${ctx.runtime}`,
    title: `BM25 query latency (${ctx.runtime}, ${size.docs.toLocaleString('en-US')} docs)`,
    unit: 'ms',
    series: engines.map((e) => ({ name: e.name, ...summary(lat.get(e.name)!) })),
  });
  const rFast = perQueryRatio(ELANUS, fastestLat);
  const docsK = `${size.docs / 1000}k docs`;
  res.headline.push(
    {
      label: `BM25 ${docsK}: Elanus ÷ exhaustive baseline (median latency)`,
      value: `${round(perQueryRatio(ELANUS, BASELINE), 3)}×`,
    },
    { label: `BM25 ${docsK}: Elanus ÷ ${fastestLat} (median latency)`, value: `${round(rFast, 4)}×` },
    {
      label: `BM25 ${docsK}: Elanus build ÷ ${fastestBuild}`,
      value: `${round(buildS(ELANUS) / buildS(fastestBuild), 3)}×`,
    },
  );
  res.targets.push({
    id: 'bm25-latency-vs-libs',
    text: 'BM25 median latency ≤ 0.05× the fastest of Orama, minisearch, wink-bm25-text-search',
    met: rFast <= 0.05,
    value: `${round(rFast, 3)}× ${fastestLat} (median of per-query ratios; medians over the ${answered.get(fastestLat)} queries it answered ${round(elanusOnLib, 3)} vs ${round(med(fastestLat), 3)} ms${cpuNow ? `; CPU time ${round(cpuRatio(ELANUS, fastestLat), 3)}×` : ''})`,
  });
  const rBase = perQueryRatio(ELANUS, BASELINE);
  res.targets.push({
    id: 'bm25-latency-vs-baseline',
    text: 'BM25 median latency ≤ 0.7× the exhaustive baseline',
    met: rBase <= 0.7,
    value: `${round(rBase, 3)}× (medians ${round(med(ELANUS), 3)} vs ${round(med(BASELINE), 3)} ms${cpuNow ? `; CPU time ${round(cpuRatio(ELANUS, BASELINE), 3)}×` : ''}); index level ${round(perQueryRatio('Elanus SparseInvertedIndex (term ids)', BASELINE), 3)}×`,
  });
  const a = agree.get(ELANUS)!;
  res.targets.push({
    id: 'bm25-top10',
    text: 'BM25 top-10 identical to the exhaustive baseline’s',
    met: a.valid === size.queries,
    value: `${a.valid}/${size.queries} identical up to tied scores, ${a.exact}/${size.queries} in the exact order; index level ${agree.get('Elanus SparseInvertedIndex (term ids)')!.valid}/${size.queries}`,
  });
  const rBuild = buildS(ELANUS) / buildS(fastestBuild);
  res.targets.push({
    id: 'bm25-build',
    text: 'BM25 build ≤ 0.3× the fastest library’s',
    met: rBuild <= 0.3,
    value: `${round(rBuild, 3)}× ${fastestBuild} (${round(buildS(ELANUS), 3)} vs ${round(buildS(fastestBuild), 3)} s ${cpuNow ? 'CPU' : 'wall'})`,
  });
  return res;
}
