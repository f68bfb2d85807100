import {
  type AnnConfig,
  type AnnLib,
  elanusHnsw,
  hnswlibNode,
  hnswlibWasm,
  randomAllow,
  usearchHnsw,
} from '../lib/ann.js';
import { jsScanTopK, recallAt, SmallTopK } from '../lib/baseline.js';
import { compareRates, judgedRatio, ratioText, type ThroughputSide } from '../lib/compare.js';
import { clusteredVectors, row } from '../lib/data.js';
import { createIndex, createKernels, type FlatIndex } from '../lib/elanus.js';
import { cpuNow, maybeGc, now, round } from '../lib/stats.js';
import { type Comparison, type Ctx, type Curve, emptyResult, type ScenarioResult } from '../lib/types.js';

export const EFS = [16, 32, 64, 128, 256];
const K = 10;
const ELANUS = 'Elanus HNSW (WASM SIMD)';

/** Rows for HNSW in each runtime (measured: see BENCHMARKS.md for why not 100k here). */
export function hnswSize(ctx: Ctx): number {
  if (ctx.quick) return 5_000;
  // BENCH_HNSW_ROWS overrides the Node size (e.g. 50000 or 100000 for a one-off run outside the 20-minute budget).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.BENCH_HNSW_ROWS;
  if (ctx.runtime === 'node' && env && Number(env) > 0) return Number(env);
  return ctx.runtime === 'node' ? 20_000 : 10_000;
}

/** Exact top-k of every query (Elanus FLAT, WASM), optionally restricted to a bitset. */
export async function groundTruth(
  data: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
): Promise<{ truth: Int32Array[]; flat: FlatIndex }> {
  const kernels = await createKernels('auto');
  const col = kernels.createColumn(dim);
  col.pushMany(data.subarray(0, n * dim), n);
  const flat = createIndex('dense', 'FLAT', 'IP', {}, col, kernels) as FlatIndex;
  flat.addRange(0, n);
  const out: Int32Array[] = [];
  for (let i = 0; i < nq; i++) out.push(flat.search(row(queries, dim, i), K, null, {}).rows.slice());
  return { truth: out, flat };
}

export interface SweepInput {
  base: Float32Array;
  queries: Float32Array;
  n: number;
  nq: number;
  dim: number;
  /** Label for titles and plot ids. */
  label: string;
  chunks: number;
  /** Queries per side per round, and rounds. */
  block: number;
  rounds: number;
}

/**
 * Builds every available HNSW (interleaved by chunks: each library adds rows [a, b) in turn), then measures
 * recall@10 and queries/s at every ef, all (library, ef) pairs interleaved in one comparison.
 */
export interface SweepOutput {
  libs: AnnLib[];
  /** recall@10 by `${library}@${ef}`. */
  recall: Map<string, number>;
  cmp: Comparison;
  truth: Int32Array[];
  flat: FlatIndex;
  /** queries/s of a side (CPU time where measured). */
  qps: (side: string) => number;
  buildRatio: (a: string, b: string) => { cpu: number; wall: number };
}

export async function buildAndSweep(ctx: Ctx, res: ScenarioResult, inp: SweepInput): Promise<SweepOutput> {
  const { n, dim, nq } = inp;
  const cfg: AnnConfig = { data: inp.base, n, dim, M: 16, efConstruction: 200, k: K };
  const libs: AnnLib[] = [await elanusHnsw(cfg, 'wasm')];
  for (const make of [
    () => hnswlibNode(cfg, ctx.runtime),
    () => hnswlibWasm(cfg),
    () => usearchHnsw(cfg, ctx.runtime),
  ]) {
    const l = await make();
    if (typeof l === 'string') res.skipped.push(l);
    else libs.push(l);
  }
  const wall = new Map<string, number[]>(libs.map((l) => [l.name, []]));
  const cpu = new Map<string, number[]>(libs.map((l) => [l.name, []]));
  for (let c = 0; c < inp.chunks; c++) {
    const from = Math.floor((c * n) / inp.chunks);
    const to = Math.floor(((c + 1) * n) / inp.chunks);
    for (const l of libs) {
      await maybeGc();
      const c0 = cpuNow?.() ?? 0;
      const t = now();
      l.add(from, to);
      wall.get(l.name)!.push(now() - t);
      if (cpuNow) cpu.get(l.name)!.push(cpuNow() - c0);
    }
    ctx.log(`${inp.label}: built ${to}/${n}`);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ratio = (m: Map<string, number[]>, a: string, b: string) => sum(m.get(a)!) / sum(m.get(b)!);
  const ref = libs.find((l) => l.name === 'hnswlib-node') ?? libs[0]!;
  res.tables.push({
    title: `HNSW build, ${inp.label}, M=16, efConstruction=200 (single thread)`,
    columns: [
      'library',
      'build s (wall)',
      'build s (CPU time)',
      `× ${ref.name}`,
      'memory MB',
      'memory measured as',
    ],
    rows: libs.map((l) => {
      const m = l.memoryBytes();
      return [
        l.name,
        round(sum(wall.get(l.name)!) / 1000, 3),
        cpuNow ? round(sum(cpu.get(l.name)!) / 1000, 3) : null,
        round(ratio(cpuNow ? cpu : wall, l.name, ref.name), 3),
        m === null || m <= 0 ? null : round(m / 1e6, 3),
        m !== null && m <= 0 ? `${l.memoryNote} (no growth seen: heap reserved up front)` : l.memoryNote,
      ];
    }),
    note: `Built interleaved in ${inp.chunks} chunks. × is ${cpuNow ? 'CPU time' : 'wall time'}. Vectors alone are ${round((n * dim * 4) / 1e6, 3)} MB.`,
  });
  const buildRatio = (a: string, b: string) => ({
    cpu: cpuNow ? ratio(cpu, a, b) : Number.NaN,
    wall: ratio(wall, a, b),
  });

  ctx.log(`${inp.label}: ground truth`);
  const { truth, flat } = await groundTruth(inp.base, n, dim, inp.queries, nq);
  {
    // The FLAT reference itself against the independent JS scan, on a few queries.
    const top = new SmallTopK(K);
    let r = 0;
    for (let i = 0; i < 10; i++)
      r += recallAt(truth[i]!, jsScanTopK(inp.base, n, dim, row(inp.queries, dim, i), top), K);
    if (r / 10 < 1) res.notes.push(`ground truth (Elanus FLAT) agrees with the JS scan at recall ${r / 10}`);
  }
  const recall = new Map<string, number>();
  const sides: ThroughputSide[] = [];
  for (const l of libs) {
    for (const ef of EFS) {
      const s = l.searcher(ef);
      let r = 0;
      for (let i = 0; i < nq; i++) r += recallAt(s(row(inp.queries, dim, i)), truth[i]!, K);
      recall.set(`${l.name}@${ef}`, r / nq);
      let qi = 0;
      sides.push({
        name: `${l.name} ef=${ef}`,
        work: inp.block,
        run: () => {
          for (let i = 0; i < inp.block; i++) s(row(inp.queries, dim, qi++ % nq));
        },
      });
    }
  }
  ctx.log(`${inp.label}: search sweep, ${sides.length} sides`);
  const cmp = await compareRates(`HNSW search, ${inp.label}, top-${K}`, 'queries/s', sides, inp.rounds);
  res.comparisons.push(cmp);
  const qps = (name: string) => {
    const s = cmp.sides.find((x) => x.name === name)!;
    return s.cpuMedian ?? s.median;
  };
  const curve: Curve = {
    id: `hnsw-recall-qps-${inp.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${ctx.runtime}`,
    title: `HNSW recall@10 vs queries/s (${ctx.runtime}, ${inp.label})`,
    x: 'recall@10',
    y: cpuNow ? 'queries/s (CPU time)' : 'queries/s',
    logY: true,
    series: libs.map((l) => ({
      name: l.name,
      points: EFS.map((ef) => [
        round(recall.get(`${l.name}@${ef}`)!, 4),
        round(qps(`${l.name} ef=${ef}`), 4),
        `ef=${ef}`,
      ]),
    })),
  };
  res.curves.push(curve);
  res.tables.push({
    title: `HNSW recall@${K} and queries/s by ef, ${inp.label}`,
    columns: ['ef', ...libs.flatMap((l) => [`${l.name} recall`, `${l.name} q/s`])],
    rows: EFS.map((ef) => [
      ef,
      ...libs.flatMap((l) => [round(recall.get(`${l.name}@${ef}`)!, 4), round(qps(`${l.name} ef=${ef}`), 4)]),
    ]),
    note: cpuNow
      ? 'queries/s from process CPU time (wall-clock medians are in the results file).'
      : 'queries/s from wall-clock time.',
  });
  return { libs, recall, cmp, truth, flat, qps, buildRatio };
}

/** HNSW build (interleaved by chunks), the recall/throughput sweep over ef, and filtered search. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('hnsw', 'HNSW build and search', ctx.runtime);
  const n = hnswSize(ctx);
  const dim = 384;
  const nq = ctx.quick ? 50 : 200;
  const data = clusteredVectors({ n, nq, dim, seed: 5 });
  res.dataset = data.description;
  const chunks = ctx.quick ? 4 : 10;
  res.params = { n, dim, M: 16, efConstruction: 200, k: K, queries: nq, buildChunks: chunks, efs: EFS };
  const { libs, recall, cmp, flat, qps, buildRatio } = await buildAndSweep(ctx, res, {
    base: data.base,
    queries: data.queries,
    n,
    nq,
    dim,
    label: `${n.toLocaleString('en-US')} × ${dim} synthetic`,
    chunks,
    block: ctx.quick ? 10 : 25,
    rounds: ctx.quick ? 2 : 5,
  });
  if (libs.some((l) => l.name === 'hnswlib-node')) {
    const r = buildRatio(ELANUS, 'hnswlib-node');
    const j = Number.isFinite(r.cpu) ? r.cpu : r.wall;
    res.headline.push({
      label: `HNSW build ${n / 1000}k × ${dim}: Elanus ÷ hnswlib-node (time)`,
      value: `${round(j, 3)}×`,
    });
    res.targets.push({
      id: 'hnsw-build',
      text: 'HNSW build time ≤ 1.5× hnswlib-node’s',
      met: j <= 1.5,
      value: `${round(j, 3)}× (${Number.isFinite(r.cpu) ? 'CPU time' : 'wall'}; wall ${round(r.wall, 3)}×) at ${n.toLocaleString('en-US')} rows`,
    });
  }

  // Targets at recall ≥ 0.95: each library at its smallest ef reaching it.
  const at95 = (l: AnnLib) => EFS.find((ef) => recall.get(`${l.name}@${ef}`)! >= 0.95);
  const eEf = at95(libs[0]!);
  const atRows: (string | number | null)[][] = [];
  for (const l of libs) {
    const ef = at95(l);
    atRows.push([
      l.name,
      ef ?? 'never',
      ef ? round(recall.get(`${l.name}@${ef}`)!, 4) : null,
      ef ? round(qps(`${l.name} ef=${ef}`), 4) : null,
      ef && eEf ? ratioText(cmp, `${ELANUS} ef=${eEf}`, `${l.name} ef=${ef}`) : null,
    ]);
  }
  res.tables.push({
    title: 'At recall@10 ≥ 0.95 (each library at its smallest ef reaching it)',
    columns: ['library', 'ef', 'recall@10', 'queries/s', 'Elanus ÷ library (paired)'],
    rows: atRows,
  });
  for (const [peer, need] of [
    ['hnswlib-wasm', 1.0],
    ['hnswlib-node', 0.5],
  ] as const) {
    const l = libs.find((x) => x.name === peer);
    if (!l) continue;
    const ef = at95(l);
    if (!eEf || !ef) {
      res.targets.push({
        id: `hnsw-qps-vs-${peer}`,
        text: `HNSW at recall@10 ≥ 0.95: Elanus ≥ ${need}× ${peer}’s queries/s (${ctx.runtime})`,
        met: eEf !== undefined,
        value: `Elanus reaches 0.95 at ef=${eEf ?? 'never'}, ${peer} at ef=${ef ?? 'never'}`,
      });
      continue;
    }
    const r = judgedRatio(cmp, `${ELANUS} ef=${eEf}`, `${peer} ef=${ef}`);
    res.headline.push({
      label: `HNSW ${n / 1000}k × ${dim} at recall@10 ≥ 0.95: Elanus ÷ ${peer} (queries/s)`,
      value: `${ratioText(cmp, `${ELANUS} ef=${eEf}`, `${peer} ef=${ef}`)}`,
    });
    res.targets.push({
      id: `hnsw-qps-vs-${peer}`,
      text: `HNSW at recall@10 ≥ 0.95: Elanus ≥ ${need}× ${peer}’s queries/s (${ctx.runtime})`,
      met: r >= need,
      value: `${ratioText(cmp, `${ELANUS} ef=${eEf}`, `${peer} ef=${ef}`)} (Elanus ef=${eEf}, ${peer} ef=${ef})`,
    });
  }

  // Filtered search at fixed ef = 64.
  const fef = 64;
  const sels = [0.5, 0.05, 0.005, 0.0005];
  const fq = ctx.quick ? 10 : 40;
  const fsides: ThroughputSide[] = [];
  const frows: (string | number | null)[][] = [];
  const fRecall = new Map<string, number>();
  const exactFrac = new Map<string, number | null>();
  for (const [si, sel] of sels.entries()) {
    const allow = randomAllow(n, sel, 1000 + si, K);
    const ft: Int32Array[] = [];
    for (let i = 0; i < fq; i++)
      ft.push(flat.search(row(data.queries, dim, i), K, allow.bits, {}).rows.slice());
    for (const l of libs) {
      if (!l.filtered) continue;
      const s = l.filtered(fef, allow);
      let r = 0;
      for (let i = 0; i < fq; i++) r += recallAt(s(row(data.queries, dim, i)), ft[i]!, K);
      fRecall.set(`${l.name}@${sel}`, r / fq);
      exactFrac.set(`${l.name}@${sel}`, l.exactFraction?.() ?? null);
      const fblock = ctx.quick ? 3 : 8;
      let qi = 0;
      fsides.push({
        name: `${l.name} ${sel * 100}%`,
        work: fblock,
        run: () => {
          for (let i = 0; i < fblock; i++) s(row(data.queries, dim, qi++ % fq));
        },
      });
    }
  }
  for (const l of libs)
    if (!l.filtered) res.skipped.push(`filtered HNSW: ${l.name} has no filtered search in its JS API`);
  ctx.log(`hnsw: filtered, ${fsides.length} sides`);
  const fcmp = await compareRates(`Filtered HNSW (ef=${fef})`, 'queries/s', fsides, ctx.quick ? 2 : 3);
  res.comparisons.push(fcmp);
  const fl = libs.filter((l) => l.filtered);
  for (const sel of sels) {
    frows.push([
      `${sel * 100} %`,
      ...fl.flatMap((l) => {
        const s = fcmp.sides.find((x) => x.name === `${l.name} ${sel * 100}%`)!;
        const ex = exactFrac.get(`${l.name}@${sel}`);
        return [
          round(fRecall.get(`${l.name}@${sel}`)!, 4),
          round(s.cpuMedian ?? s.median, 4),
          ex === null || ex === undefined ? '' : `${round(ex * 100, 3)} % exact`,
        ];
      }),
    ]);
  }
  res.tables.push({
    title: `Filtered HNSW, ef=${fef}: recall@${K} vs exact filtered top-${K}, and queries/s`,
    columns: ['rows passing', ...fl.flatMap((l) => [`${l.name} recall`, `${l.name} q/s`, `${l.name} path`])],
    rows: frows,
    note: 'Random allow-lists (seeded). Elanus scans the allowed rows exactly when that is cheaper than the walk (its “exact” share shown); the hnswlib builds filter inside the walk with a JS callback per candidate.',
  });
  for (const l of libs) l.dispose?.();
  return res;
}
