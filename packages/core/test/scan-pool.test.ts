import { describe, expect, it } from 'vitest';
import { LocalClient } from '../src/client/local-client.js';
import { createEngine } from '../src/engine/create.js';
import type { Engine } from '../src/engine/engine.js';
import { seededRandom } from '../src/indexes/kmeans.js';
import type { ScanPool } from '../src/kernels/pool/scan-pool.js';
import { WasmVectorColumn } from '../src/kernels/wasm-column.js';
import { DataType } from '../src/schema/types.js';

// The scan pool (worker_threads here, Web Workers in Chromium) splits FLAT scans by row range over the
// column's shared memory. Exact search must give the same hits, bit for bit, as the engine's own thread.

const dim = 64;
const n = 40_000; // 40k x 64 x nq: above the pool's minimum work, so it is used.
const rand = seededRandom(7);
const vectors = Array.from({ length: n }, () => Array.from({ length: dim }, () => rand() * 2 - 1));
// Duplicated vectors make exact ties: the merge must break them as the in-thread heap does.
for (let i = 0; i < 200; i++) vectors[n - 1 - i] = vectors[i * 7]!;
const queries = Array.from({ length: 5 }, (_, q) => vectors[q * 131]!.map((x) => x + 0.01));

async function client(threads: 'auto' | number, metric: string): Promise<{ c: LocalClient; engine: Engine }> {
  const engine = await createEngine({ threads });
  const c = new LocalClient(engine);
  await c.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim },
      { name: 'tag', data_type: DataType.Int32 },
    ],
    index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: metric }],
  });
  const rows = vectors.map((v, i) => ({ id: i, v, tag: i % 10 }));
  for (let i = 0; i < n; i += 10_000)
    await c.insert({ collection_name: 'c', data: rows.slice(i, i + 10_000) });
  return { c, engine };
}

const poolOf = (e: Engine) => e.options.scanPool as ScanPool;

describe('scan pool', () => {
  it('uses every core by default and reports why', async () => {
    const engine = await createEngine();
    expect(engine.options.threads?.count).toBeGreaterThan(1);
    expect(engine.options.threads?.reason).toMatch(/scan workers over shared memory/);
    const one = await createEngine({ threads: 1 });
    expect(one.options.threads).toEqual({ count: 1, reason: 'threads: 1' });
    expect(one.options.scanPool).toBeUndefined();
    const js = await createEngine({ device: 'js', threads: 2 });
    expect(js.options.threads?.count).toBe(1);
    expect(js.options.threads?.reason).toMatch(/device is "js"/);
  });

  it.each(['0', 1.5, 65, 'many', -1, Number.POSITIVE_INFINITY])('rejects threads: %s', async (threads) => {
    await expect(createEngine({ threads: threads as number })).rejects.toMatchObject({
      code: 'IllegalArgument',
      message: expect.stringMatching(/invalid parameter threads: expected "auto" or an integer from 1 to 64/),
    });
  });

  it.each(['COSINE', 'IP', 'L2'])(
    'gives the single-thread hits exactly (%s), with and without filters',
    async (metric) => {
      const pooled = await client(2, metric);
      const single = await client(1, metric);
      const col = pooled.c.engine.get('c')!.denseColumn('v');
      expect(col).toBeInstanceOf(WasmVectorColumn);
      expect((col as WasmVectorColumn).shared).toBe(true);
      const before = poolOf(pooled.engine).stats.searches;
      for (const filter of [undefined, 'tag == 3', 'tag in [1, 2, 3, 4, 5]', 'id < 50']) {
        const req = {
          collection_name: 'c',
          data: queries,
          limit: 25,
          output_fields: ['id'],
          ...(filter ? { filter } : {}),
        };
        const a = await pooled.c.search(req);
        const b = await single.c.search(req);
        expect(a.results).toEqual(b.results);
        expect((a.results as unknown[]).length).toBe(queries.length);
      }
      // A batch larger than a worker's query slots (16): scored in groups per pass over the rows.
      const many = Array.from({ length: 37 }, (_, q) => vectors[q * 977]!.map((x) => x - 0.02));
      const big = { collection_name: 'c', data: many, limit: 7, filter: 'tag != 2' };
      expect((await pooled.c.search(big)).results).toEqual((await single.c.search(big)).results);
      // Every search above went through the pool (4 searches of 5 queries, then one of 37).
      expect(poolOf(pooled.engine).stats.searches - before).toBe(5);
      expect(poolOf(pooled.engine).running).toBe(2);
    },
    60_000,
  );

  it('writes issued during a pool scan wait for it, and the scan sees the rows as they were', async () => {
    const { c, engine } = await client(2, 'L2');
    const q = { collection_name: 'c', data: [vectors[5]!], limit: 3 };
    const searching = c.search(q);
    // Inserting grows the shared column (moving its norms): it must not run under the scan.
    const extra = Array.from({ length: 30_000 }, (_, i) => ({ id: n + i, v: vectors[5]!, tag: 0 }));
    const writing = c.insert({ collection_name: 'c', data: extra });
    const [hits] = [(await searching).results as { id: string; score: number }[]];
    await writing;
    expect(hits[0]).toMatchObject({ id: '5', score: 0 });
    // The scan ran before the insert, so none of the 30k copies of vector 5 is among its hits.
    expect(hits.every((h) => Number(h.id) < n)).toBe(true);
    // 70k x 64 floats outgrew the shared memory's first maximum (16 MiB): the column moved to a larger
    // memory, and the pool re-attached to it.
    const col = c.engine.get('c')!.denseColumn('v') as WasmVectorColumn;
    expect(col.memoryEpoch).toBeGreaterThan(0);
    const searches = poolOf(engine).stats.searches;
    const after = (await c.search(q)).results as { id: string; score: number }[];
    expect(poolOf(engine).stats.searches).toBe(searches + 1);
    expect(after.map((h) => h.score)).toEqual([0, 0, 0]);
    expect(after.filter((h) => Number(h.id) >= n).length).toBeGreaterThan(0);
    expect(poolOf(engine).stats.searches).toBeGreaterThan(0);
  }, 60_000);

  it('a pool worker that crashes or is terminated never hangs a search: it runs here, and the worker is replaced', async () => {
    const pooled = await client(2, 'IP');
    const single = await client(1, 'IP');
    const req = { collection_name: 'c', data: queries, limit: 10 };
    const want = (await single.c.search(req)).results;
    const pool = poolOf(pooled.engine);
    expect((await pooled.c.search(req)).results).toEqual(want);
    const fallbacks = pool.stats.fallbacks;
    pool.terminateWorker(0);
    // The dead worker is replaced on this search.
    expect((await pooled.c.search(req)).results).toEqual(want);
    pool.crashWorker(1);
    // Racing the crash: either the worker dies before (replaced) or during the scan (falls back here).
    expect((await pooled.c.search(req)).results).toEqual(want);
    await new Promise((r) => setTimeout(r, 200));
    expect((await pooled.c.search(req)).results).toEqual(want);
    expect(pool.running).toBe(2);
    expect(pool.stats.fallbacks).toBeGreaterThanOrEqual(fallbacks);
  }, 60_000);
});

describe('scan pool, IVF_FLAT', () => {
  async function ivf(threads: number, metric: string) {
    const engine = await createEngine({ threads });
    const c = new LocalClient(engine);
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim },
        { name: 'tag', data_type: DataType.Int32 },
      ],
      index_params: [{ field_name: 'v', index_type: 'IVF_FLAT', metric_type: metric, params: { nlist: 32 } }],
    });
    const rows = vectors.map((v, i) => ({ id: i, v, tag: i % 10 }));
    for (let i = 0; i < n; i += 10_000)
      await c.insert({ collection_name: 'c', data: rows.slice(i, i + 10_000) });
    return { c, engine };
  }

  it.each(['COSINE', 'L2'])(
    "scores the probed lists on the pool with the index's own hits (%s)",
    async (metric) => {
      const pooled = await ivf(2, metric);
      const single = await ivf(1, metric);
      const pool = poolOf(pooled.engine);
      for (const [nprobe, filter, pooledToo] of [
        [8, undefined, true],
        [24, 'tag in [1, 2, 3, 4]', true],
        // Two lists of ~1/32 of the rows each, a tenth of them allowed, limit 400: short after nprobe on
        // every query, so both sides probe on past nprobe (too little work to split: on one thread).
        [2, 'tag == 3', false],
      ] as const) {
        const limit = pooledToo ? 50 : 400;
        const req = {
          collection_name: 'c',
          data: queries,
          limit,
          params: { nprobe },
          ...(filter ? { filter } : {}),
        };
        const before = pool.stats.searches;
        const a = await pooled.c.search(req);
        const b = await single.c.search(req);
        expect(a.results).toEqual(b.results);
        expect((a.results as unknown[][]).every((hits) => hits.length === limit)).toBe(true);
        expect(pool.stats.searches).toBe(before + (pooledToo ? 1 : 0));
      }
      // A range search stays on the index's own scan (the pool is not asked).
      const before = pool.stats.searches;
      const radius = metric === 'L2' ? 30 : 0.1;
      const r = { collection_name: 'c', data: queries, limit: 10, params: { nprobe: 8, radius } };
      expect((await pooled.c.search(r)).results).toEqual((await single.c.search(r)).results);
      expect(pool.stats.searches).toBe(before);
    },
    60_000,
  );
});
