import { clusteredVectors, row } from '../lib/data.js';
import { MilvusClient } from '../lib/elanus.js';
import { now, round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const DIM = 384;
const URI = 'idb://bench-cold-open';
const KEY = 'elanus-bench-cold-open';

/**
 * Cold open from IndexedDB, in two phases run by bench/run.mjs with a browser restart between them (same
 * profile): `write` builds and seals an HNSW collection; `open` opens it in the fresh browser and searches.
 */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('coldopen', 'Cold open from IndexedDB', ctx.runtime);
  if (typeof indexedDB === 'undefined' || ctx.runtime === 'node') {
    res.skipped.push('cold open: needs IndexedDB (measured in Chromium)');
    return res;
  }
  const n = ctx.quick ? 2_000 : 10_000;
  const data = clusteredVectors({ n, nq: 10, dim: DIM, seed: 19 });
  if (ctx.phase === 'write') {
    const c = new MilvusClient({ uri: URI, idleSealMs: 0 });
    if ((await c.hasCollection({ collection_name: 'c' })).value)
      await c.dropCollection({ collection_name: 'c' });
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'vec', data_type: 'FloatVector', dim: DIM },
      ],
    });
    const t0 = now();
    for (let from = 0; from < n; from += 2000) {
      const rows = [];
      for (let i = from; i < Math.min(n, from + 2000); i++) rows.push({ id: i, vec: row(data.base, DIM, i) });
      await c.insert({ collection_name: 'c', data: rows });
    }
    const t1 = now();
    await c.createIndex({
      collection_name: 'c',
      field_name: 'vec',
      index_type: 'HNSW',
      metric_type: 'IP',
      params: { M: 16, efConstruction: 200 },
    });
    await c.loadCollection({ collection_name: 'c' });
    const t2 = now();
    await (c as unknown as { flush(): Promise<unknown> }).flush();
    const t3 = now();
    const before = (await c.search({ collection_name: 'c', data: row(data.queries, DIM, 0), limit: 10 }))
      .results;
    await (c as unknown as { closeConnection(): Promise<void> }).closeConnection();
    localStorage.setItem(
      KEY,
      JSON.stringify({ insert: t1 - t0, build: t2 - t1, flush: t3 - t2, before: JSON.stringify(before) }),
    );
    res.notes.push('write phase done');
    return res;
  }
  const w = JSON.parse(localStorage.getItem(KEY) ?? 'null') as {
    insert: number;
    build: number;
    flush: number;
    before: string;
  } | null;
  if (!w) {
    res.skipped.push('cold open: the write phase did not run');
    return res;
  }
  const t0 = now();
  const c = new MilvusClient({ uri: URI });
  await (c as unknown as { connectPromise?: Promise<unknown> }).connectPromise;
  await c.loadCollection({ collection_name: 'c' });
  const t1 = now();
  const after = (await c.search({ collection_name: 'c', data: row(data.queries, DIM, 0), limit: 10 }))
    .results;
  const t2 = now();
  const usage = await navigator.storage?.estimate?.();
  res.dataset = `${data.description}; HNSW M=16, efConstruction=200`;
  res.tables.push({
    title: `Cold open of a sealed ${n.toLocaleString('en-US')} × ${DIM} HNSW collection (fresh browser, same profile)`,
    columns: ['step', 'ms'],
    rows: [
      ['write: insert (batches of 2,000)', round(w.insert, 4)],
      ['write: build HNSW (createIndex + loadCollection)', round(w.build, 4)],
      ['write: flush (seal segments and index)', round(w.flush, 4)],
      ['open: client + loadCollection', round(t1 - t0, 4)],
      ['open: first search', round(t2 - t1, 4)],
      ['open ÷ rebuild', round((t1 - t0) / w.build, 3)],
    ],
    note: `Same results after reopening: ${JSON.stringify(after) === w.before}. Origin storage in use: ${usage?.usage ? round(usage.usage / 1e6, 3) : '?'} MB.`,
  });
  await (c as unknown as { closeConnection(): Promise<void> }).closeConnection();
  return res;
}
