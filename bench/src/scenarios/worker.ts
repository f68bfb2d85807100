import { clusteredVectors, row } from '../lib/data.js';
import { MilvusClient } from '../lib/elanus.js';
import { median, now, pairedRatio, round, summary } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const DIM = 384;

/** `worker: true`: the engine in a dedicated worker vs in the page — round trip, search, insert. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('worker', 'Engine in a worker (worker: true) vs in the page', ctx.runtime);
  if (typeof Worker === 'undefined' || ctx.runtime === 'node') {
    res.skipped.push('worker round trip: needs Web Workers (measured in Chromium)');
    return res;
  }
  const n = ctx.quick ? 2_000 : 10_000;
  const data = clusteredVectors({ n, nq: 100, dim: DIM, seed: 17 });
  res.dataset = data.description;
  const clients: [string, MilvusClient][] = [
    ['in page', new MilvusClient({ uri: 'memory://' })],
    ['worker: true', new MilvusClient({ uri: 'memory://', worker: true })],
  ];
  const insertMs = new Map<string, number[]>(clients.map(([n]) => [n, []]));
  for (const [, c] of clients) {
    await c.createCollection({
      collection_name: 'w',
      dimension: DIM,
      metric_type: 'IP',
      index_params: { index_type: 'FLAT', metric_type: 'IP' },
    } as never);
  }
  for (let from = 0; from < n; from += 1000) {
    const rows = [];
    for (let i = from; i < Math.min(n, from + 1000); i++)
      rows.push({ id: i, vector: row(data.base, DIM, i) });
    for (const [name, c] of clients) {
      const t = now();
      await c.insert({ collection_name: 'w', data: rows });
      insertMs.get(name)!.push(now() - t);
    }
  }
  for (const [, c] of clients) await c.loadCollection({ collection_name: 'w' });
  const rtt = new Map<string, number[]>(clients.map(([n]) => [n, []]));
  const search = new Map<string, number[]>(clients.map(([n]) => [n, []]));
  for (let b = 0; b < 20; b++) {
    for (const [name, c] of clients) {
      // 20 calls per sample: one in-page call is below the timer's resolution.
      const t = now();
      for (let i = 0; i < 20; i++) await c.hasCollection({ collection_name: 'w' });
      rtt.get(name)!.push((now() - t) / 20);
      for (let i = 0; i < 10; i++) {
        const t = now();
        await c.search({ collection_name: 'w', data: row(data.queries, DIM, (b * 10 + i) % 100), limit: 10 });
        search.get(name)!.push(now() - t);
      }
    }
  }
  const line = (label: string, m: Map<string, number[]>) => [
    label,
    round(median(m.get('in page')!), 4),
    round(median(m.get('worker: true')!), 4),
    round(median(m.get('worker: true')!) - median(m.get('in page')!), 4),
    round(pairedRatio(m.get('worker: true')!, m.get('in page')!), 3),
  ];
  res.tables.push({
    title: 'worker: true vs in page (medians, ms)',
    columns: ['call', 'in page', 'worker: true', 'difference', 'ratio (paired)'],
    rows: [
      line('hasCollection (round trip; mean of 20 calls per sample)', rtt),
      line(`search, FLAT ${n.toLocaleString('en-US')} × ${DIM}, top-10`, search),
      line(`insert 1,000 rows × ${DIM}`, insertMs),
    ],
    note: 'Calls alternate between the two clients. The worker is the bundled engine worker (module Worker, structured clone).',
  });
  res.headline.push({
    label: 'worker: true: round trip of a trivial call (median)',
    value: `${round(median(rtt.get('worker: true')!), 3)} ms vs ${round(median(rtt.get('in page')!), 3)} ms in the page`,
  });
  res.distributions.push({
    id: `worker-rtt-${ctx.runtime}`,
    title: 'Round trip of a trivial call (hasCollection)',
    unit: 'ms',
    series: clients.map(([name]) => ({ name, ...summary(rtt.get(name)!) })),
  });
  for (const [, c] of clients)
    await (c as unknown as { closeConnection?: () => Promise<void> }).closeConnection?.();
  return res;
}
