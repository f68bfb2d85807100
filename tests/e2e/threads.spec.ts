// The scan pool in Chromium: Web Workers scanning a FLAT column in shared memory (the harness page is
// cross-origin isolated), the same hits as one thread, the pool inside the engine worker too, a dead pool
// worker that never hangs a call, and the one-thread fallback on a page that is not isolated.
import { expect, openHarness, test } from './fixtures';

test.describe.configure({ timeout: 180_000 });

type Elanus = Parameters<Parameters<Awaited<ReturnType<typeof openHarness>>['inPage']>[0]>[0];

/** In-page helper source: builds a 40k x 64 FLAT collection and its queries (seeded). */
async function build(elanus: Elanus, config: Record<string, unknown>) {
  const N = 40_000;
  const DIM = 64;
  let s = 99;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const rows = Array.from({ length: N }, (_, i) => ({
    id: i,
    v: Array.from({ length: DIM }, r),
    tag: i % 10,
  }));
  // Exact ties: the pool's merge must break them as the in-thread heap does.
  for (let i = 0; i < 100; i++) rows[N - 1 - i]!.v = rows[i * 3]!.v;
  const c = new elanus.MilvusClient({ uri: 'memory://', ...config });
  await c.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: elanus.DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: elanus.DataType.FloatVector, dim: DIM },
      { name: 'tag', data_type: elanus.DataType.Int32 },
    ],
    index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'COSINE' }],
  });
  for (let i = 0; i < N; i += 10_000)
    await c.insert({ collection_name: 'c', data: rows.slice(i, i + 10_000) });
  const queries = [1, 500, 9000, 20_000].map((i) => rows[i]!.v.map((x) => x + 0.001));
  return { c, queries };
}

test('the page is isolated: FLAT scans use a pool of workers and give the one-thread hits exactly', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus, src) => {
    const build = new Function('return ' + src)() as (
      e: unknown,
      c: unknown,
    ) => Promise<{
      c: InstanceType<typeof elanus.MilvusClient>;
      queries: number[][];
    }>;
    const pooled = await build(elanus, {});
    const single = await build(elanus, { threads: 1 });
    const engine = ((await pooled.c.client()) as unknown as { engine: { options: Record<string, never> } })
      .engine;
    const pool = engine.options.scanPool as unknown as { stats: { searches: number }; running: number };
    const same: boolean[] = [];
    for (const filter of [undefined, 'tag == 4', 'id < 100']) {
      const req = { collection_name: 'c', data: pooled.queries, limit: 20, ...(filter ? { filter } : {}) };
      const a = await pooled.c.search(req);
      const b = await single.c.search(req);
      same.push(JSON.stringify(a.results) === JSON.stringify(b.results) && a.results.length === 4);
    }
    // Timing, printed only: 20 single-query searches each way.
    const time = async (c: typeof pooled.c) => {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++)
        await c.search({ collection_name: 'c', data: [pooled.queries[i % 4]!], limit: 10 });
      return (performance.now() - t0) / 20;
    };
    const singleMs = await time(single.c);
    const pooledMs = await time(pooled.c);
    return {
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      threads: engine.options.threads as unknown as { count: number; reason: string },
      searches: pool.stats.searches,
      running: pool.running,
      same,
      singleMs,
      pooledMs,
    };
  }, build.toString());
  console.log(
    `scan pool in Chromium (hardwareConcurrency ${out.cores}): 40k x 64 COSINE single query ` +
      `${out.singleMs.toFixed(2)} ms on 1 thread, ${out.pooledMs.toFixed(2)} ms on ${out.threads.count}`,
  );
  expect(out.isolated).toBe(true);
  test.skip(out.cores < 2, 'one core: the pool is not used');
  expect(out.threads.count).toBe(out.cores);
  expect(out.threads.reason).toMatch(/scan workers over shared memory/);
  expect(out.same).toEqual([true, true, true]);
  expect(out.searches).toBeGreaterThanOrEqual(3 + 20);
  expect(out.running).toBe(out.threads.count);
});

test('the engine worker runs its own pool (nested workers), with the same hits', async ({ harness }) => {
  const out = await harness.inPage(async (elanus, src) => {
    const build = new Function('return ' + src)() as (
      e: unknown,
      c: unknown,
    ) => Promise<{
      c: InstanceType<typeof elanus.MilvusClient>;
      queries: number[][];
    }>;
    const inWorker = await build(elanus, { worker: true });
    const single = await build(elanus, { threads: 1 });
    const req = { collection_name: 'c', data: inWorker.queries, limit: 15, filter: 'tag in [1, 2, 3]' };
    const a = await inWorker.c.search(req);
    const b = await single.c.search(req);
    const wc = (await inWorker.c.client()) as unknown as {
      info: { threads: { count: number; reason: string } };
      poolStats(): Promise<{ searches: number } | null>;
    };
    const stats = await wc.poolStats();
    await inWorker.c.closeConnection();
    return {
      cores: navigator.hardwareConcurrency,
      threads: wc.info.threads,
      searches: stats?.searches ?? 0,
      same: JSON.stringify(a.results) === JSON.stringify(b.results),
    };
  }, build.toString());
  test.skip(out.cores < 2, 'one core: the pool is not used');
  expect(out.threads.count).toBe(out.cores);
  expect(out.same).toBe(true);
  expect(out.searches).toBe(1);
});

test('a pool worker that is terminated or crashes never hangs a search', async ({ harness }) => {
  const out = await harness.inPage(async (elanus, src) => {
    const build = new Function('return ' + src)() as (
      e: unknown,
      c: unknown,
    ) => Promise<{
      c: InstanceType<typeof elanus.MilvusClient>;
      queries: number[][];
    }>;
    const pooled = await build(elanus, {});
    const single = await build(elanus, { threads: 1 });
    const engine = ((await pooled.c.client()) as unknown as { engine: { options: Record<string, never> } })
      .engine;
    const pool = engine.options.scanPool as unknown as {
      terminateWorker(i: number): void;
      crashWorker(i: number): void;
      running: number;
      size: number;
    };
    const req = { collection_name: 'c', data: pooled.queries, limit: 10 };
    const want = JSON.stringify((await single.c.search(req)).results);
    const results: boolean[] = [];
    const withDeadline = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, no) => setTimeout(() => no(new Error('search hung')), 20_000)),
      ]);
    await pooled.c.search(req);
    pool.terminateWorker(0);
    results.push(JSON.stringify((await withDeadline(pooled.c.search(req))).results) === want);
    pool.crashWorker(pool.size - 1);
    results.push(JSON.stringify((await withDeadline(pooled.c.search(req))).results) === want);
    await new Promise((r) => setTimeout(r, 300));
    results.push(JSON.stringify((await withDeadline(pooled.c.search(req))).results) === want);
    return { cores: navigator.hardwareConcurrency, results, running: pool.running, size: pool.size };
  }, build.toString());
  test.skip(out.cores < 2, 'one core: the pool is not used');
  expect(out.results).toEqual([true, true, true]);
  expect(out.running).toBe(out.size);
});

test('a page that is not cross-origin isolated falls back to one thread and says why', async ({ page }) => {
  // Serve the harness without COOP/COEP: no SharedArrayBuffer, so no shared columns.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const harness = await openHarness(page);
  const out = await harness.inPage(async (elanus, src) => {
    const build = new Function('return ' + src)() as (
      e: unknown,
      c: unknown,
    ) => Promise<{
      c: InstanceType<typeof elanus.MilvusClient>;
      queries: number[][];
    }>;
    const { c, queries } = await build(elanus, { threads: 'auto' });
    const engine = ((await c.client()) as unknown as { engine: { options: Record<string, never> } }).engine;
    const res = await c.search({ collection_name: 'c', data: queries, limit: 3 });
    return {
      isolated: crossOriginIsolated,
      threads: engine.options.threads as unknown as { count: number; reason: string },
      pool: engine.options.scanPool !== undefined,
      first: (res.results as { id: string }[][]).map((h) => h[0]?.id),
    };
  }, build.toString());
  expect(out.isolated).toBe(false);
  expect(out.threads.count).toBe(1);
  expect(out.threads.reason).toMatch(/not cross-origin isolated/);
  expect(out.pool).toBe(false);
  expect(out.first).toEqual(['1', '500', '9000', '20000']);
});

// Browsers cap the address space reserved for WebAssembly memories (Chromium: about 120 live memories of a
// 4 GiB maximum). Past the cap a column falls back to a plain array and the JS kernels: never an error.
test.describe('hundreds of collections in one page', () => {
  for (const threads of [1, 'auto'] as const) {
    test(`threads: ${threads}`, async ({ harness }) => {
      const out = await harness.inPage(async (elanus, threads) => {
        const c = new elanus.MilvusClient({ uri: 'memory://', threads });
        const made: string[] = [];
        let error: string | null = null;
        try {
          for (let i = 0; i < 300; i++) {
            const name = `c${i}`;
            await c.createCollection({ collection_name: name, dimension: 8 });
            await c.insert({ collection_name: name, data: [{ id: 1, vector: [1, 2, 3, 4, 5, 6, 7, i] }] });
            made.push(name);
          }
        } catch (e) {
          error = String(e);
        }
        if (error) return { made: made.length, error: `${error} after ${made.length}`, first: null };
        const hits = await c.search({ collection_name: 'c299', data: [1, 2, 3, 4, 5, 6, 7, 299], limit: 1 });
        return { made: made.length, error, first: (hits.results as { id: string }[])[0]?.id };
      }, threads);
      expect(out.error).toBeNull();
      expect(out.made).toBe(300);
      expect(out.first).toBe('1');
    });
  }
});
