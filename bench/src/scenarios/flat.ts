import { jsScanTopK, recallAt, SmallTopK } from '../lib/baseline.js';
import { compareRates, judgedRatio, ratioOf, ratioText, type ThroughputSide } from '../lib/compare.js';
import { clusteredVectors, row } from '../lib/data.js';
import {
  Bitset,
  createIndex,
  createKernels,
  type FlatIndex,
  MilvusClient,
  simdSupported,
} from '../lib/elanus.js';
import { loadNative } from '../lib/peers.js';
import { wasmReadProbe } from '../lib/probe.js';
import { Rng } from '../lib/rng.js';
import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const K = 10;
export const FILTER = 'cat != 3 and price < 900.0 and year >= 1950';
const AA = 'Elanus FLAT (WASM SIMD), A/A copy';

/** FLAT scan: kernels vs the JS baseline and native peers, GB/s against the read probe, and the API overhead. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('flat', 'FLAT (exact) search', ctx.runtime);
  const n = ctx.quick ? 10_000 : 100_000;
  const dim = 384;
  const perRound = 4;
  const rounds = ctx.quick ? 3 : 15;
  const data = clusteredVectors({ n, nq: 64, dim, seed: 11 });
  res.dataset = data.description;
  res.params = { n, dim, k: K, metric: 'IP (normalised = COSINE)', queriesPerRound: perRound, rounds };
  const bytesPerQuery = n * dim * 4;
  let qi = 0;
  const nextQueries = () => {
    const qs: Float32Array[] = [];
    for (let i = 0; i < perRound; i++) qs.push(row(data.queries, dim, qi++ % data.nq));
    return qs;
  };
  // One fixed block per round for every side, so all sides answer the same queries.
  const blocks: Float32Array[][] = [];
  for (let r = 0; r < rounds + 1; r++) blocks.push(nextQueries());
  const blockRunner = (fn: (q: Float32Array) => unknown) => {
    let b = 0;
    return () => {
      for (const q of blocks[b++ % blocks.length]!) fn(q);
    };
  };

  const sides: ThroughputSide[] = [];
  const truth: Int32Array[] = [];
  const top = new SmallTopK(K);
  for (let i = 0; i < 16; i++) truth.push(jsScanTopK(data.base, n, dim, row(data.queries, dim, i), top));
  const agreement: (string | number)[][] = [];
  const check = (name: string, search: (q: Float32Array) => ArrayLike<number>) => {
    let r = 0;
    for (let i = 0; i < truth.length; i++) r += recallAt(search(row(data.queries, dim, i)), truth[i]!, K);
    agreement.push([name, round(r / truth.length, 4)]);
  };

  // Elanus, index level, both kernel sets.
  const kinds: ('wasm' | 'js')[] = simdSupported() ? ['wasm', 'js'] : ['js'];
  if (!simdSupported()) res.skipped.push('Elanus WASM SIMD kernels: WebAssembly SIMD unavailable here');
  let wasmIndex: FlatIndex | undefined;
  for (const kind of kinds) {
    const kernels = await createKernels(kind);
    const col = kernels.createColumn(dim);
    col.reserve(n);
    col.pushMany(data.base, n);
    const idx = createIndex('dense', 'FLAT', 'IP', {}, col, kernels) as FlatIndex;
    idx.addRange(0, n);
    if (kind === 'wasm') wasmIndex = idx;
    const name = kind === 'wasm' ? 'Elanus FLAT (WASM SIMD)' : 'Elanus FLAT (JS kernels)';
    check(name, (q) => idx.search(q, K, null, {}).rows);
    sides.push({ name, work: perRound, run: blockRunner((q) => idx.search(q, K, null, {})) });
    if (kind === 'wasm') {
      // A/A: a second, identical index over its own copy of the vectors. Identical scans differ by a few %
      // between allocations here; this side shows that spread for the run.
      const col2 = kernels.createColumn(dim);
      col2.reserve(n);
      col2.pushMany(data.base, n);
      const idx2 = createIndex('dense', 'FLAT', 'IP', {}, col2, kernels) as FlatIndex;
      idx2.addRange(0, n);
      sides.push({ name: AA, work: perRound, run: blockRunner((q) => idx2.search(q, K, null, {})) });
    }
  }
  sides.push({
    name: 'JS 4-acc baseline',
    work: perRound,
    run: blockRunner((q) => jsScanTopK(data.base, n, dim, q, top)),
  });

  // Native peers (Node only).
  const hn = await loadNative('hnswlib-node', ctx.runtime);
  if (hn.ok) {
    ctx.log('flat: filling hnswlib-node BruteforceSearch');
    const bf = new hn.mod.BruteforceSearch('ip', dim);
    bf.initIndex(n);
    for (let i = 0; i < n; i++) bf.addPoint(Array.from(row(data.base, dim, i)), i);
    // hnswlib's 'ip' space is a distance (1 − dot): its neighbours are the largest dots, as here.
    check('hnswlib-node BruteforceSearch', (q) => bf.searchKnn(Array.from(q), K).neighbors);
    sides.push({
      name: 'hnswlib-node BruteforceSearch',
      work: perRound,
      run: blockRunner((q) => bf.searchKnn(Array.from(q), K)),
    });
  } else res.skipped.push(`hnswlib-node BruteforceSearch: ${hn.reason}`);
  const us = await loadNative('usearch', ctx.runtime);
  if (us.ok) {
    // exactSearch mishandles subarray views: pass copies. threads = 1, as every other side is single-threaded.
    const ex = (q: Float32Array) => us.mod.exactSearch(data.base, q.slice(), dim, K, 'ip', 1);
    check('usearch exactSearch', (q) => Array.from(ex(q).keys as BigUint64Array, Number));
    sides.push({ name: 'usearch exactSearch (1 thread)', work: perRound, run: blockRunner(ex) });
  } else res.skipped.push(`usearch exactSearch: ${us.reason}`);

  // The whole API: client.search over the same rows, without and with a 3-clause filter.
  ctx.log('flat: inserting into a memory:// client');
  const client = new MilvusClient({ uri: 'memory://' });
  await client.createCollection({
    collection_name: 'flat',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vec', data_type: 'FloatVector', dim },
      { name: 'cat', data_type: 'Int32' },
      { name: 'price', data_type: 'Float' },
      { name: 'year', data_type: 'Int16' },
    ],
    index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'IP' },
  });
  const cats = new Int32Array(n);
  const prices = new Float32Array(n);
  const years = new Int16Array(n);
  const rng = new Rng(12345);
  for (let i = 0; i < n; i++) {
    cats[i] = rng.int(10);
    prices[i] = Math.floor(rng.float() * 100000) / 100;
    years[i] = 1900 + rng.int(125);
  }
  let pass = 0;
  for (let i = 0; i < n; i++) if (cats[i] !== 3 && prices[i]! < 900 && years[i]! >= 1950) pass++;
  for (let from = 0; from < n; from += 5000) {
    const rows = [];
    for (let i = from; i < Math.min(n, from + 5000); i++) {
      rows.push({ id: i, vec: row(data.base, dim, i), cat: cats[i], price: prices[i], year: years[i] });
    }
    await client.insert({ collection_name: 'flat', data: rows });
  }
  await client.loadCollection({ collection_name: 'flat' });
  const apiIds = async (q: Float32Array) =>
    ((await client.search({ collection_name: 'flat', data: q, limit: K })).results as { id: string }[]).map(
      (h) => Number(h.id),
    );
  {
    let r = 0;
    for (let i = 0; i < truth.length; i++)
      r += recallAt(await apiIds(row(data.queries, dim, i)), truth[i]!, K);
    agreement.push(['client.search (FLAT)', round(r / truth.length, 4)]);
  }
  const apiRunner = (filter?: string) => {
    let b = 0;
    return async () => {
      for (const q of blocks[b++ % blocks.length]!) {
        await client.search({ collection_name: 'flat', data: q, limit: K, ...(filter ? { filter } : {}) });
      }
    };
  };
  sides.push({ name: 'client.search', work: perRound, run: apiRunner() });
  sides.push({ name: 'client.search + filter', work: perRound, run: apiRunner(FILTER) });
  if (wasmIndex) {
    // The filter evaluated to a bitset, handed to the index: what the API's filter costs beyond the scan.
    const allow = new Bitset(n);
    for (let i = 0; i < n; i++) if (cats[i] !== 3 && prices[i]! < 900 && years[i]! >= 1950) allow.set(i);
    const wi = wasmIndex;
    sides.push({
      name: 'Elanus FLAT (WASM) + bitset',
      work: perRound,
      run: blockRunner((q) => wi.search(q, K, allow, {})),
    });
  }

  // The read probe over the same number of bytes (a copy of the vectors), in the same interleaving.
  const probe = wasmReadProbe(bytesPerQuery, data.base);
  if (probe)
    sides.push({
      name: 'WASM SIMD read probe',
      work: perRound,
      run: () => {
        for (let i = 0; i < perRound; i++) probe.run();
      },
    });
  else res.skipped.push('WASM SIMD read probe: WebAssembly SIMD unavailable');

  ctx.log(`flat: ${sides.length} sides × ${rounds} rounds`);
  const ref = sides[0]!.name;
  const cmp = await compareRates(
    `FLAT top-${K}, ${n.toLocaleString('en-US')} × ${dim}`,
    'queries/s',
    sides,
    rounds,
    ref,
  );
  res.comparisons.push(cmp);
  const med = (name: string) => cmp.sides.find((s) => s.name === name)?.median ?? Number.NaN;
  const probeQps = med('WASM SIMD read probe');
  const probeGBs = (probeQps * bytesPerQuery) / 1e9;
  res.tables.push({
    title: `FLAT scan rate (${(bytesPerQuery / 1e6).toFixed(1)} MB of vectors per query)`,
    columns: [
      'side',
      'queries/s (wall)',
      'queries/s (CPU time)',
      'GB/s',
      'fraction of read probe',
      `× ${ref}`,
    ],
    rows: cmp.sides.map((s) => {
      const best = s.cpuMedian ?? s.median;
      return [
        s.name,
        round(s.median, 4),
        s.cpuMedian !== undefined ? round(s.cpuMedian, 4) : null,
        round((best * bytesPerQuery) / 1e9, 3),
        probe ? round(judgedRatio(cmp, s.name, 'WASM SIMD read probe'), 3) : null,
        round(judgedRatio(cmp, s.name, ref), 3),
      ];
    }),
    note: probe
      ? `GB/s from CPU time where measured (Node), else wall time. Fractions and × are paired per round (CPU time in Node). Read probe: ${round(probeGBs, 3)} GB/s wall-clock median (a WASM SIMD loop reading a copy of the same vectors, interleaved with the searches).`
      : undefined,
  });
  res.tables.push({
    title: `Top-${K} agreement with the JS baseline (recall@${K} over 16 queries)`,
    columns: ['side', `recall@${K}`],
    rows: agreement,
  });
  const wasmName = 'Elanus FLAT (WASM SIMD)';
  const lead = cmp.ratios[wasmName] !== undefined ? wasmName : 'Elanus FLAT (JS kernels)';
  for (const other of [
    'JS 4-acc baseline',
    'hnswlib-node BruteforceSearch',
    'usearch exactSearch (1 thread)',
  ]) {
    if (cmp.ratios[other] === undefined) continue;
    res.headline.push({
      label: `FLAT ${n / 1000}k × ${dim}: ${lead} ÷ ${other} (queries/s)`,
      value: ratioText(cmp, lead, other),
    });
  }
  if (probe) {
    res.headline.push({
      label: `FLAT ${n / 1000}k × ${dim}: ${lead} GB/s ÷ WASM SIMD read probe`,
      value: ratioText(cmp, lead, 'WASM SIMD read probe'),
    });
  }
  res.headline.push(
    {
      label: `FLAT ${n / 1000}k × ${dim}: client.search + 3-clause filter ÷ client.search (queries/s)`,
      value: ratioText(cmp, 'client.search + filter', 'client.search'),
    },
    {
      label: `FLAT ${n / 1000}k × ${dim}: A/A (second identical index ÷ first)`,
      value: ratioText(cmp, AA, lead),
    },
  );
  if (cmp.ratios[wasmName] !== undefined) {
    const aa = judgedRatio(cmp, AA, wasmName);
    const spread = Math.abs(aa - 1);
    const near = (r: number, t: number) =>
      Math.abs(r - t) <= spread * t ? ` — within this run's A/A spread (±${round(spread * 100, 2)} %)` : '';
    const api = judgedRatio(cmp, 'client.search', wasmName);
    const filt = judgedRatio(cmp, 'client.search + filter', 'client.search');
    const apiF = judgedRatio(cmp, 'client.search + filter', wasmName);
    res.tables.push({
      title: 'API and filter overhead (paired per round)',
      columns: ['path', 'queries/s', 'cost vs reference', 'reference'],
      rows: [
        [AA, med(AA), `${round((1 / aa - 1) * 100, 3)} %`, `${wasmName} (A/A: same code, same data)`],
        ['client.search', med('client.search'), `${round((1 / api - 1) * 100, 3)} %`, wasmName],
        [
          `client.search + filter (${round((100 * pass) / n, 3)} % pass)`,
          med('client.search + filter'),
          `${round((1 / filt - 1) * 100, 3)} %`,
          'client.search (same collection)',
        ],
        [
          `client.search + filter (${round((100 * pass) / n, 3)} % pass)`,
          med('client.search + filter'),
          `${round((1 / apiF - 1) * 100, 3)} %`,
          wasmName,
        ],
      ],
      note: `Filter: \`${FILTER}\` over Int32, Float and Int16 fields; it passes ${pass.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows, so the scan still visits every row. Costs against the raw index compare two copies of the vectors, so they carry the A/A spread; the filter's own cost is measured on the same collection.`,
    });
    res.targets.push({
      id: 'flat-api-overhead',
      text: 'FLAT through client.search, with a 3-clause filter: top-k + filter overhead ≤ 10 %',
      met: 1 / filt - 1 <= 0.1,
      value: `filter ${round((1 / filt - 1) * 100, 3)} % over client.search without it (${ratioText(cmp, 'client.search + filter', 'client.search')}); client.search without filter ${round((1 / api - 1) * 100, 3)} % over the raw index scan (A/A spread ±${round(spread * 100, 2)} %)`,
    });
    if (probe) {
      const frac = judgedRatio(cmp, wasmName, 'WASM SIMD read probe');
      res.targets.push({
        id: 'flat-bandwidth',
        text: 'FLAT with SIMD ≥ 75 % of the measured single-core read bandwidth',
        met: frac >= 0.75,
        value: `${round(frac * 100, 3)} % of the read probe (paired; wall clock ${round(ratioOf(cmp, wasmName, 'WASM SIMD read probe') * 100, 3)} %: ${round((med(wasmName) * bytesPerQuery) / 1e9, 3)} of ${round(probeGBs, 3)} GB/s medians)${near(frac, 0.75)}`,
      });
    }
    for (const peer of ['hnswlib-node BruteforceSearch', 'usearch exactSearch (1 thread)']) {
      if (cmp.ratios[peer] === undefined) continue;
      const r = judgedRatio(cmp, wasmName, peer);
      res.targets.push({
        id: `flat-vs-${peer.split(' ')[0]}`,
        text: `FLAT with SIMD ≥ 1.0× ${peer} queries/s`,
        met: r >= 1,
        value: `${ratioText(cmp, wasmName, peer)}${near(r, 1)}`,
      });
    }
  }
  return res;
}
