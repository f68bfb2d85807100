import { clusteredVectors, row, zipfCorpus } from '../lib/data.js';
import { MilvusClient } from '../lib/elanus.js';
import { cpuNow, median, now, pairedRatio, round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const DIM = 384;

async function denseClient(uri: string, extra: Record<string, unknown> = {}) {
  const c = new MilvusClient({ uri, ...extra });
  await c.createCollection({
    collection_name: 'ins',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vec', data_type: 'FloatVector', dim: DIM },
      { name: 'cat', data_type: 'Int32' },
      { name: 'title', data_type: 'VarChar', max_length: 64 },
    ],
    index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'IP' },
  });
  return c;
}

/** Insert throughput: memory:// (and idb:// where IndexedDB exists), batches awaited one by one. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('insert', 'Insert throughput', ctx.runtime);
  const n = ctx.quick ? 5_000 : ctx.runtime === 'node' ? 50_000 : 20_000;
  const batch = 1000;
  const data = clusteredVectors({ n, nq: 1, dim: DIM, seed: 13 });
  const rowsOf = (from: number, to: number) => {
    const out = [];
    for (let i = from; i < to; i++)
      out.push({ id: i, vec: row(data.base, DIM, i), cat: i % 10, title: `title ${i}` });
    return out;
  };
  res.dataset = `${data.description}, plus an Int32 and a VarChar field`;
  res.params = { rows: n, batch, dim: DIM };

  // Sides take turns batch by batch (A B A B …), so each pair of batches sees the same machine state.
  const targets: { name: string; client: MilvusClient; finish?: () => Promise<unknown> }[] = [
    { name: 'memory://', client: await denseClient('memory://') },
  ];
  const hasIdb = typeof indexedDB !== 'undefined' && ctx.runtime !== 'node';
  if (hasIdb) {
    for (const [name, durability] of [
      ['idb:// strict', 'strict'],
      ['idb:// relaxed', 'relaxed'],
    ] as const) {
      const uri = `idb://bench-insert-${durability}-${Date.now()}`;
      const client = await denseClient(uri, { idleSealMs: 0, durability });
      targets.push({
        name,
        client,
        finish: async () => {
          await (client as unknown as { flush(): Promise<unknown> }).flush();
        },
      });
    }
  } else res.skipped.push('idb:// insert: no IndexedDB in Node (measured in Chromium)');
  const times = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const cpu = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let from = 0; from < n; from += batch) {
    const rows = rowsOf(from, Math.min(n, from + batch));
    for (const t of targets) {
      const c0 = cpuNow?.() ?? 0;
      const t0 = now();
      await t.client.insert({ collection_name: 'ins', data: rows });
      times.get(t.name)!.push(now() - t0);
      if (cpuNow) cpu.get(t.name)!.push(cpuNow() - c0);
    }
  }
  const flushMs = new Map<string, number>();
  for (const t of targets) {
    if (!t.finish) continue;
    const t0 = now();
    await t.finish();
    flushMs.set(t.name, now() - t0);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const rows: (string | number | null)[][] = targets.map((t) => [
    t.name,
    round((n * 1000) / sum(times.get(t.name)!), 4),
    round((batch * 1000) / median(times.get(t.name)!), 4),
    cpuNow ? round((n * 1000) / sum(cpu.get(t.name)!), 4) : null,
    round(pairedRatio(times.get(t.name)!, times.get('memory://')!), 3),
    flushMs.has(t.name) ? round(flushMs.get(t.name)!, 4) : null,
  ]);

  // Full text: the analyzer and the BM25 index on the insert path.
  const nd = ctx.quick ? 2_000 : 10_000;
  const corpus = zipfCorpus({
    docs: nd,
    vocab: 30_000,
    minLen: 50,
    maxLen: 200,
    queries: 1,
    qMin: 3,
    qMax: 3,
    seed: 4,
  });
  const { elanusTextClient } = await import('./bm25.js');
  const tc = await elanusTextClient();
  const tb = 500;
  const tt: number[] = [];
  const c0 = cpuNow?.() ?? 0;
  for (let from = 0; from < nd; from += tb) {
    const docs = [];
    for (let d = from; d < Math.min(nd, from + tb); d++) docs.push({ id: d, text: corpus.texts[d]! });
    const t0 = now();
    await tc.insert({ collection_name: 'ft', data: docs });
    tt.push(now() - t0);
  }
  const tcpu = cpuNow ? cpuNow() - c0 : Number.NaN;
  rows.push([
    `memory:// text + BM25 function (${nd.toLocaleString('en-US')} docs of 50–200 words, batches of ${tb})`,
    round((nd * 1000) / sum(tt), 4),
    round((tb * 1000) / median(tt), 4),
    cpuNow ? round((nd * 1000) / tcpu, 4) : null,
    null,
    null,
  ]);
  res.tables.push({
    title: `Insert throughput (${n.toLocaleString('en-US')} rows × ${DIM}, awaited batches of ${batch}, FLAT index)`,
    columns: [
      'target',
      'rows/s (total)',
      'rows/s (median batch)',
      'rows/s (CPU time)',
      '× memory:// (paired per batch, time)',
      'flush ms',
    ],
    rows,
    note: hasIdb
      ? '`idb://` clients use `idleSealMs: 0` (seal only on flush); strict durability resolves a write once it is on disk. Batches alternate between the targets.'
      : undefined,
  });
  for (const t of targets.slice(1)) {
    res.headline.push({
      label: `Insert ${n / 1000}k × ${DIM}: ${t.name} ÷ memory:// (time per batch)`,
      value: `${round(pairedRatio(times.get(t.name)!, times.get('memory://')!), 3)}×`,
    });
  }
  for (const t of targets)
    await (t.client as unknown as { closeConnection?: () => Promise<void> }).closeConnection?.();
  return res;
}
