/**
 * IVF_FLAT / IVF_SQ8 / IVF_PQ: build time, bytes per vector, recall@10 against exact FLAT and single-thread
 * queries/s over an nprobe sweep, next to faiss-cpu (from the setup's .venv) on the same data and
 * parameters, and IVF_SQ8's scan rate against FLAT's float32 scan. Node only.
 */
import { FlatIndex } from '../../../packages/core/src/indexes/flat.js';
import { type IvfCode, IvfIndex } from '../../../packages/core/src/indexes/ivf.js';
import { recallAt } from '../lib/baseline.js';
import { compareRates, judgedRatio, ratioText, type ThroughputSide } from '../lib/compare.js';
import { clusteredVectors, row } from '../lib/data.js';
import { createKernels } from '../lib/elanus.js';
import { cpuNow, maybeGc, now, round } from '../lib/stats.js';
import { type Ctx, type Curve, emptyResult, type ScenarioResult, type Table } from '../lib/types.js';

const K = 10;
const NPROBES = [1, 4, 8, 16, 32, 64];
const TYPES: { name: string; code: IvfCode }[] = [
  { name: 'IVF_FLAT', code: 'FLAT' },
  { name: 'IVF_SQ8', code: 'SQ8' },
  { name: 'IVF_PQ', code: 'PQ' },
];
const RECALLS = [0.5, 0.8, 0.9, 0.95, 0.99];
/** The target: IVF_SQ8 scores rows at least this many times faster than FLAT's float32 scan. */
const SQ8_SCAN_TARGET = 3.5;

interface Dataset {
  /** Short label for titles and ids. */
  label: string;
  description: string;
  base: Float32Array;
  queries: Float32Array;
  n: number;
  nq: number;
  dim: number;
  nlist: number;
  m: number;
  nbits: number;
}

interface FaissSweep {
  nprobe: number;
  recall: number;
  qpsBatch: number;
  qpsBatchCpu: number;
  qpsSingle: number;
  qpsSingleCpu: number;
}
interface FaissType {
  buildSeconds: number;
  buildCpuSeconds: number;
  serializedBytes: number;
  sweep: FaissSweep[];
}
interface FaissOut {
  faiss: string;
  threads: number;
  types: Record<string, FaissType>;
}

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

/**
 * Runs bench/src/peers/faiss_ivf.py in the setup's .venv on the same vectors (raw float32 files in a temp
 * dir). Returns its JSON, or a reason it could not run.
 */
async function runFaiss(ds: Dataset, reps: number, seed: number): Promise<FaissOut | string> {
  const { existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { dirname, join, resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  // BENCH_IVF_PYTHON picks another interpreter (one with faiss-cpu installed).
  const py = env('BENCH_IVF_PYTHON') || join(root, '.venv/bin/python');
  if (!existsSync(py)) return `faiss-cpu: ${py} missing (run bash scripts/setup.sh venv)`;
  const dir = mkdtempSync(join(tmpdir(), 'elanus-ivf-'));
  try {
    const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'base.f32'), bytes(ds.base.subarray(0, ds.n * ds.dim)));
    writeFileSync(join(dir, 'queries.f32'), bytes(ds.queries.subarray(0, ds.nq * ds.dim)));
    const { n, nq, dim, nlist, m, nbits } = ds;
    writeFileSync(
      join(dir, 'params.json'),
      JSON.stringify({
        n,
        nq,
        dim,
        nlist,
        m,
        nbits,
        nprobes: NPROBES.filter((p) => p <= nlist),
        k: K,
        niter: 10,
        reps,
        seed,
      }),
    );
    const r = spawnSync(py, [join(root, 'bench/src/peers/faiss_ivf.py'), dir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      maxBuffer: 64 << 20,
      timeout: 15 * 60_000,
    });
    const err = (r.stderr ?? '').trim().split('\n').pop() ?? '';
    if (r.status === 3)
      return `faiss-cpu: ${err || 'not importable'} (pip install -r scripts/requirements-milvus.txt)`;
    if (r.status !== 0) return `faiss-cpu peer failed (exit ${r.status ?? r.signal}): ${err}`;
    return JSON.parse(r.stdout) as FaissOut;
  } catch (e) {
    return `faiss-cpu peer failed: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Smallest nprobe whose recall reaches r, or undefined. */
function firstAt<T extends { nprobe: number; recall: number }>(pts: T[], r: number): T | undefined {
  return pts.find((p) => p.recall >= r);
}

async function runDataset(ctx: Ctx, res: ScenarioResult, ds: Dataset, headline: boolean): Promise<void> {
  const { n, nq, dim, nlist } = ds;
  const kernels = await createKernels('wasm');
  const col = kernels.createColumn(dim);
  col.pushMany(ds.base.subarray(0, n * dim), n);
  const q = (i: number) => row(ds.queries, dim, i);

  // Exact reference (L2 throughout: the vectors are unit length, so the ranking equals COSINE's).
  const flat = new FlatIndex(col, kernels, 'L2');
  flat.addRange(0, n);
  const truth: Int32Array[] = [];
  const tf = now();
  for (let i = 0; i < nq; i++) truth.push(flat.search(q(i), K, null, {}).rows.slice());
  const flatMsPerQuery = (now() - tf) / nq;
  ctx.log(`${ds.label}: ground truth (${round(flatMsPerQuery, 3)} ms/query FLAT)`);

  // Builds: one addRange(0, n) each (trains the quantizer and codec, then fills the lists).
  const idx = new Map<string, IvfIndex>();
  const build = new Map<string, { wall: number; cpu: number | null; bytes: number }>();
  for (const t of TYPES) {
    await maybeGc();
    const opts =
      t.code === 'PQ'
        ? { nlist, code: t.code, m: ds.m, nbits: ds.nbits, seed: 42 }
        : { nlist, code: t.code, seed: 42 };
    const ix = new IvfIndex(col, kernels, 'L2', opts);
    const c0 = cpuNow?.() ?? 0;
    const t0 = now();
    ix.addRange(0, n);
    const wall = (now() - t0) / 1000;
    const cpu = cpuNow ? (cpuNow() - c0) / 1000 : null;
    if (!ix.trained) res.notes.push(`${ds.label}: ${t.name} did not train (${n} rows < ${ix.trainAt})`);
    idx.set(t.name, ix);
    build.set(t.name, { wall, cpu, bytes: ix.memoryBytes() });
    ctx.log(`${ds.label}: built ${t.name} in ${round(wall, 3)} s`);
  }

  // Recall, and a per-query time estimate to size each side's block (~blockMs per block).
  const blockMs = ctx.quick ? 15 : 120;
  const recall = new Map<string, number>();
  const sides: ThroughputSide[] = [];
  const side = (name: string, msPerQuery: number, fn: (x: Float32Array) => unknown) => {
    const block = Math.max(1, Math.min(4 * nq, Math.round(blockMs / Math.max(msPerQuery, 1e-4))));
    let qi = 0;
    sides.push({
      name,
      work: block,
      run: () => {
        for (let i = 0; i < block; i++) fn(q(qi++ % nq));
      },
    });
  };
  side('FLAT', flatMsPerQuery, (x) => flat.search(x, K, null, {}));
  // nprobe = nlist probes every list: a pure scan of all n rows (plus ranking the nlist centroids).
  const sweep = NPROBES.filter((p) => p <= nlist);
  const probes = [...new Set([...sweep, nlist])];
  for (const t of TYPES) {
    const ix = idx.get(t.name)!;
    for (const nprobe of t.code === 'PQ' ? sweep : probes) {
      const params = { nprobe };
      let r = 0;
      const t0 = now();
      for (let i = 0; i < nq; i++) r += recallAt(ix.search(q(i), K, null, params).rows, truth[i]!, K);
      const ms = (now() - t0) / nq;
      recall.set(`${t.name}@${nprobe}`, r / nq);
      side(`${t.name} nprobe=${nprobe}`, ms, (x) => ix.search(x, K, null, params));
    }
  }
  ctx.log(`${ds.label}: search, ${sides.length} sides interleaved`);
  const cmp = await compareRates(
    `IVF search, ${ds.label}, top-${K}, one query per call`,
    'queries/s',
    sides,
    ctx.quick ? 2 : 5,
  );
  res.comparisons.push(cmp);
  const qps = (name: string) => {
    const s = cmp.sides.find((x) => x.name === name)!;
    return s.cpuMedian ?? s.median;
  };
  const useCpu = cmp.sides[0]!.cpuMedian !== undefined;

  // The peer.
  ctx.log(`${ds.label}: faiss-cpu`);
  const fz = await runFaiss(ds, ctx.quick ? 2 : 3, 42);
  const faiss = typeof fz === 'string' ? null : fz;
  if (typeof fz === 'string') res.skipped.push(`${ds.label}: ${fz}`);
  else res.notes.push(`${ds.label}: faiss-cpu ${fz.faiss}, ${fz.threads} OpenMP thread(s)`);
  const fpt = (t: string, nprobe: number) => faiss?.types[t]?.sweep.find((s) => s.nprobe === nprobe);
  const fq = (p: FaissSweep | undefined, single: boolean) =>
    p === undefined
      ? Number.NaN
      : single
        ? useCpu
          ? p.qpsSingleCpu
          : p.qpsSingle
        : useCpu
          ? p.qpsBatchCpu
          : p.qpsBatch;
  const num = (x: number, d = 4) => (Number.isFinite(x) ? round(x, d) : null);

  // Build and memory.
  const colBytes = 4 * dim;
  res.tables.push({
    title: `IVF build and memory, ${ds.label} (nlist ${nlist}; PQ m=${ds.m}, nbits=${ds.nbits}; single thread)`,
    columns: [
      'index',
      'Elanus build s (wall)',
      'Elanus build s (CPU)',
      'faiss build s (wall)',
      'faiss build s (CPU)',
      'Elanus ÷ faiss (build time)',
      'Elanus index B/vector',
      'Elanus total B/vector (index + float32 column)',
      'faiss B/vector (serialized index)',
    ],
    rows: TYPES.map((t) => {
      const b = build.get(t.name)!;
      const f = faiss?.types[t.name];
      const mine = b.cpu ?? b.wall;
      const theirs = f ? (b.cpu !== null ? f.buildCpuSeconds : f.buildSeconds) : Number.NaN;
      return [
        t.name,
        round(b.wall, 3),
        b.cpu === null ? null : round(b.cpu, 3),
        f ? round(f.buildSeconds, 3) : null,
        f ? round(f.buildCpuSeconds, 3) : null,
        num(mine / theirs, 3),
        round(b.bytes / n, 4),
        round(b.bytes / n + colBytes, 4),
        f ? round(f.serializedBytes / n, 4) : null,
      ];
    }),
    note: `Build = addRange(0, n): k-means (10 iterations on ≤ 256 sampled rows per centroid), codec training, list fill; faiss: train + add with cp.niter = 10, the same sample cap (IVF_SQ8 without residuals, as Elanus). The ÷ column is ${useCpu ? 'CPU' : 'wall'} time. Elanus index bytes are memoryBytes() (centroids, list ids, codes, codec tables); the column of float32 vectors (${colBytes} B/vector) is kept next to every index. faiss's serialized index holds its codes, 8-byte ids and centroids.`,
  });

  // The nprobe sweep, one table per index type.
  for (const t of TYPES) {
    const rows: Table['rows'] = [];
    for (const nprobe of sweep) {
      const e = qps(`${t.name} nprobe=${nprobe}`);
      const f = fpt(t.name, nprobe);
      rows.push([
        nprobe,
        round(recall.get(`${t.name}@${nprobe}`)!, 4),
        f ? round(f.recall, 4) : null,
        round(e, 4),
        f ? round(fq(f, false), 4) : null,
        f ? round(fq(f, true), 4) : null,
        num(e / fq(f, false), 3),
        num(e / fq(f, true), 3),
      ]);
    }
    res.tables.push({
      title: `${t.name}, ${ds.label}: recall@${K} and queries/s by nprobe (nlist ${nlist})`,
      columns: [
        'nprobe',
        'Elanus recall',
        'faiss recall',
        'Elanus q/s',
        'faiss q/s (batch)',
        'faiss q/s (1 per call)',
        'Elanus ÷ faiss (batch)',
        'Elanus ÷ faiss (1 per call)',
      ],
      rows,
      note: `Recall against each library's own exact L2 top-${K} (Elanus FLAT, faiss IndexFlatL2). Elanus searches one query per call, interleaved with the other sides; faiss runs afterwards in its own process, all ${nq} queries per search() call (batch) or one per call from Python, median of its repetitions. q/s are from ${useCpu ? 'process CPU time' : 'wall time'} on both sides; the ÷ columns are plain ratios of medians (not interleaved).`,
    });
  }

  // Queries/s at equal recall: each side at its smallest nprobe reaching the level.
  const eqRows: Table['rows'] = [];
  for (const t of TYPES) {
    const mine = sweep.map((nprobe) => ({
      nprobe,
      recall: recall.get(`${t.name}@${nprobe}`)!,
    }));
    const theirs = faiss?.types[t.name]?.sweep ?? [];
    for (const r of RECALLS) {
      const e = firstAt(mine, r);
      const f = firstAt(theirs, r);
      if (!e && !f) continue;
      const eq = e ? qps(`${t.name} nprobe=${e.nprobe}`) : Number.NaN;
      eqRows.push([
        t.name,
        `≥ ${r}`,
        e?.nprobe ?? 'never',
        e ? round(eq, 4) : null,
        f?.nprobe ?? (faiss ? 'never' : null),
        f ? round(fq(f, false), 4) : null,
        num(eq / fq(f, false), 3),
        num(eq / fq(f, true), 3),
      ]);
    }
  }
  res.tables.push({
    title: `IVF queries/s at equal recall@${K}, ${ds.label} (each library at its smallest swept nprobe reaching it)`,
    columns: [
      'index',
      'recall@10',
      'Elanus nprobe',
      'Elanus q/s',
      'faiss nprobe',
      'faiss q/s (batch)',
      'Elanus ÷ faiss (batch)',
      'Elanus ÷ faiss (1 per call)',
    ],
    rows: eqRows,
    note: `nprobe swept over ${NPROBES.join(', ')}; a level neither side reaches is left out.`,
  });

  // Scan rate: rows scored per second. FLAT scores n rows per query; IVF at nprobe p about p / nlist · n.
  const flatQps = qps('FLAT');
  const flatRows = flatQps * n;
  const scanRows: Table['rows'] = [
    ['FLAT (float32, exact)', 'all', round(flatQps, 4), round(flatRows, 4), 1, ''],
  ];
  for (const t of TYPES.filter((x) => x.code !== 'PQ')) {
    for (const nprobe of probes) {
      const name = `${t.name} nprobe=${nprobe}`;
      const rowsPerQ = (Math.min(nprobe, nlist) / nlist) * n;
      const rate = qps(name) * rowsPerQ;
      scanRows.push([
        t.name,
        nprobe === nlist ? `${nprobe} (= nlist: every row)` : nprobe,
        round(qps(name), 4),
        round(rate, 4),
        round(rate / flatRows, 3),
        nprobe === nlist ? ratioText(cmp, name, 'FLAT') : '',
      ]);
    }
  }
  res.tables.push({
    title: `Rows scored per second, ${ds.label}: IVF_SQ8 (and IVF_FLAT) against FLAT's float32 scan`,
    columns: ['index', 'nprobe', 'q/s', 'rows/s', '× FLAT rows/s', 'paired q/s ratio to FLAT (same rows)'],
    rows: scanRows,
    note: `rows/s = q/s × rows scored per query (n for FLAT, nprobe / nlist × n for IVF, counting the average list size; the time includes ranking the ${nlist} centroids, which dominates at small nprobe). At nprobe = nlist both sides score all ${n.toLocaleString('en-US')} rows, so the paired ratio of q/s is the ratio of scan rates.`,
  });
  const sq8Full = `IVF_SQ8 nprobe=${nlist}`;
  const sq8Ratio = judgedRatio(cmp, sq8Full, 'FLAT');
  const sq864 = `IVF_SQ8 nprobe=${Math.min(64, nlist)}`;
  const sq864Ratio = (qps(sq864) * (Math.min(64, nlist) / nlist) * n) / flatRows;
  if (headline) {
    res.targets.push({
      id: 'ivf-sq8-scan',
      text: `IVF_SQ8 scans rows ≥ ${SQ8_SCAN_TARGET}× as fast as FLAT's float32 scan (node)`,
      met: Number.isFinite(sq8Ratio) ? sq8Ratio >= SQ8_SCAN_TARGET : null,
      value: `${round(sq8Ratio, 3)}× at nprobe = nlist (${useCpu ? 'CPU time' : 'wall'}, ${ds.label}); ${round(sq864Ratio, 3)}× from nprobe=${Math.min(64, nlist)}'s q/s`,
    });
    res.headline.push({
      label: `IVF_SQ8 scan rate ÷ FLAT float32, ${ds.label}`,
      value: `${round(sq8Ratio, 3)}×`,
    });
    if (faiss) {
      for (const t of TYPES) {
        const e = qps(`${t.name} nprobe=${Math.min(16, nlist)}`);
        const f = fq(fpt(t.name, Math.min(16, nlist)), false);
        if (Number.isFinite(f))
          res.headline.push({
            label: `${t.name} ${ds.label}, nprobe=${Math.min(16, nlist)}: Elanus ÷ faiss-cpu (queries/s, faiss batched)`,
            value: `${round(e / f, 3)}×`,
          });
      }
    }
  }

  const curve: Curve = {
    id: `ivf-recall-qps-${ds.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${ctx.runtime}`,
    title: `IVF recall@10 vs queries/s (${ctx.runtime}, ${ds.label}, nlist ${nlist})`,
    x: 'recall@10',
    y: useCpu ? 'queries/s (CPU time)' : 'queries/s',
    logY: true,
    series: TYPES.flatMap((t) => {
      const s = [
        {
          name: `Elanus ${t.name}`,
          points: sweep.map(
            (p) =>
              [
                round(recall.get(`${t.name}@${p}`)!, 4),
                round(qps(`${t.name} nprobe=${p}`), 4),
                `nprobe=${p}`,
              ] as [number, number, string],
          ),
        },
      ];
      const f = faiss?.types[t.name];
      if (f)
        s.push({
          name: `faiss ${t.name}`,
          points: f.sweep.map(
            (p) =>
              [round(p.recall, 4), round(fq(p, false), 4), `nprobe=${p.nprobe}`] as [number, number, string],
          ),
        });
      return s;
    }),
  };
  res.curves.push(curve);
}

function ivfSize(ctx: Ctx): { n: number; dim: number; nlist: number; m: number; nbits: number } {
  if (ctx.quick) return { n: 5_000, dim: 64, nlist: 32, m: 16, nbits: 6 };
  // BENCH_IVF_ROWS overrides n (nlist scales to keep ~100 rows per list, at least 39).
  const o = Number(env('BENCH_IVF_ROWS'));
  const n = o > 0 ? o : 100_000;
  const nlist = n === 100_000 ? 1024 : Math.max(16, 2 ** Math.round(Math.log2(n / 100)));
  return { n, dim: 384, nlist: Math.min(nlist, Math.floor(n / 39)), m: 48, nbits: 8 };
}

/** IVF build, memory, recall and throughput against FLAT and faiss-cpu (synthetic, then MiniLM if present). */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('ivf', 'IVF_FLAT / IVF_SQ8 / IVF_PQ against FLAT and faiss-cpu', ctx.runtime);
  if (ctx.runtime !== 'node') {
    res.skipped.push('ivf: Node only (faiss-cpu peer)');
    return res;
  }
  const { n, dim, nlist, m, nbits } = ivfSize(ctx);
  const nq = 200;
  const data = clusteredVectors({ n, nq, dim, seed: 11 });
  res.dataset = data.description;
  const datasets: Dataset[] = [
    {
      label: `${n.toLocaleString('en-US')} × ${dim} synthetic`,
      description: data.description,
      base: data.base,
      queries: data.queries,
      n,
      nq,
      dim,
      nlist,
      m,
      nbits,
    },
  ];

  // Real all-MiniLM-L6-v2 embeddings (prepared by pnpm setup), when present: small, so nlist 128 (quick 32).
  const metaBuf = await ctx.readFile('.cache/corpus/wordnet.meta.json');
  const f32 = await ctx.readFile('.cache/corpus/wordnet.f32');
  if (metaBuf && f32) {
    const meta = JSON.parse(new TextDecoder().decode(metaBuf)) as {
      count: number;
      dim: number;
      model: string;
    };
    const all = new Float32Array(f32);
    const rd = meta.dim;
    const total = Math.min(meta.count, Math.floor(all.length / rd));
    const rq = Math.min(200, Math.floor(total / 10));
    const rn = ctx.quick ? Math.min(2_000, total - rq) : total - rq;
    const rlist = ctx.quick ? 32 : Math.min(128, 2 ** Math.floor(Math.log2(rn / 39)));
    for (let i = 0; i < total; i++) {
      let s = 0;
      for (let j = 0; j < rd; j++) s += all[i * rd + j]! ** 2;
      const inv = 1 / Math.sqrt(s || 1);
      for (let j = 0; j < rd; j++) all[i * rd + j]! *= inv;
    }
    const rm = rd % 48 === 0 ? 48 : rd % 16 === 0 ? 16 : 1;
    datasets.push({
      label: `${rn.toLocaleString('en-US')} × ${rd} MiniLM`,
      description: `${rn.toLocaleString('en-US')} WordNet glosses embedded with ${meta.model}, L2-normalised; the last ${rq} glosses as queries`,
      base: all.slice(0, rn * rd),
      queries: all.slice((total - rq) * rd, total * rd),
      n: rn,
      nq: rq,
      dim: rd,
      nlist: rlist,
      m: rm,
      nbits: ctx.quick ? 6 : 8,
    });
  } else {
    res.skipped.push(
      'ivf on real embeddings: .cache/corpus/wordnet.{f32,meta.json} missing (run pnpm setup)',
    );
  }
  res.params = {
    k: K,
    nprobes: NPROBES,
    metric: 'L2',
    datasets: datasets.map((d) => ({
      label: d.label,
      n: d.n,
      nq: d.nq,
      dim: d.dim,
      nlist: d.nlist,
      m: d.m,
      nbits: d.nbits,
    })),
  };
  for (const [i, ds] of datasets.entries()) {
    res.notes.push(`${ds.label}: ${ds.description}`);
    await runDataset(ctx, res, ds, i === 0);
  }
  return res;
}
