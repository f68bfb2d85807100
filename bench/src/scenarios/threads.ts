import { compareRates, ratioOf } from '../lib/compare.js';
import { clusteredVectors, row } from '../lib/data.js';
import { MilvusClient } from '../lib/elanus.js';
import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const K = 10;
/** Issue 14's target for FLAT batch search on 2 cores. */
const SPEEDUP_TARGET = 1.7;

interface EngineInfo {
  engine?: { options: { threads?: { count: number; reason: string } } };
}

/**
 * The scan pool: FLAT search through the client with `threads: 1` against `threads: 'auto'` (every core),
 * batch (nq = 16) and single queries. Wall-clock ratios: CPU time of the calling thread does not count the
 * pool's workers.
 */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('threads', 'Scan pool: FLAT search on 1 thread vs every core', ctx.runtime);
  const n = ctx.quick ? 10_000 : 100_000;
  const dim = 384;
  const rounds = ctx.quick ? 3 : 12;
  const data = clusteredVectors({ n, nq: 64, dim, seed: 5 });
  res.dataset = data.description;
  const clients: { name: string; c: MilvusClient; threads: { count: number; reason: string } }[] = [];
  for (const threads of [1, 'auto'] as const) {
    const c = new MilvusClient({ uri: 'memory://', threads });
    await c.createCollection({
      collection_name: 'flat',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'vec', data_type: 'FloatVector', dim },
      ],
      index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'IP' },
    });
    for (let from = 0; from < n; from += 5000) {
      const rows = [];
      for (let i = from; i < Math.min(n, from + 5000); i++) rows.push({ id: i, vec: row(data.base, dim, i) });
      await c.insert({ collection_name: 'flat', data: rows });
    }
    const info = ((await c.client()) as unknown as EngineInfo).engine?.options.threads ?? {
      count: 1,
      reason: 'unknown',
    };
    clients.push({ name: `threads: ${threads} (${info.count} used)`, c, threads: info });
  }
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ??
    clients[1]!.threads.count;
  res.params = { n, dim, k: K, metric: 'IP', rounds, cores, poolReason: clients[1]!.threads.reason };
  let qi = 0;
  const batches = (nq: number) => {
    const out: Float32Array[][] = [];
    for (let r = 0; r < rounds + 2; r++) {
      const qs: Float32Array[] = [];
      for (let i = 0; i < nq; i++) qs.push(row(data.queries, dim, qi++ % data.nq));
      out.push(qs);
    }
    return out;
  };
  for (const nq of [16, 1]) {
    const blocks = batches(nq);
    const perCall = nq === 1 ? 8 : 1;
    const sides = clients.map(({ name, c }) => {
      let b = 0;
      return {
        name,
        work: nq * perCall,
        run: async () => {
          for (let i = 0; i < perCall; i++) {
            await c.search({ collection_name: 'flat', data: blocks[b++ % blocks.length]!, limit: K });
          }
        },
      };
    });
    // Same hits both ways (the pool is exact): checked on one block before timing.
    const a = await clients[0]!.c.search({ collection_name: 'flat', data: blocks[0]!, limit: K });
    const b = await clients[1]!.c.search({ collection_name: 'flat', data: blocks[0]!, limit: K });
    const same = JSON.stringify(a.results) === JSON.stringify(b.results);
    const title = `FLAT top-${K}, ${n.toLocaleString('en-US')} × ${dim}, nq = ${nq}`;
    const cmp = await compareRates(title, 'queries/s', sides, rounds, sides[0]!.name);
    res.comparisons.push(cmp);
    const speedup = ratioOf(cmp, sides[1]!.name, sides[0]!.name);
    res.headline.push({
      label: `FLAT ${nq === 1 ? 'single query' : `batch nq=${nq}`} speed-up, 1 → ${clients[1]!.threads.count} threads (${cores} cores, wall)`,
      value: `${round(speedup, 3)}×`,
    });
    if (!same) res.skipped.push(`${title}: the pooled hits differ from one thread's (a defect)`);
    if (nq === 16) {
      res.targets.push({
        id: 'threads-flat-batch',
        text: `FLAT batch search (nq = 16) on every core ≥ ${SPEEDUP_TARGET}× one thread (2 cores)`,
        met: clients[1]!.threads.count > 1 && Number.isFinite(speedup) ? speedup >= SPEEDUP_TARGET : null,
        value: `${round(speedup, 3)}× with ${clients[1]!.threads.count} threads on ${cores} cores (wall; hits identical: ${same})`,
      });
    }
  }
  for (const { c } of clients) await c.closeConnection();
  return res;
}
