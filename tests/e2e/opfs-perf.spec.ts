// A quick measurement (timings printed, never asserted; the data is): insert throughput of 20k x 384 rows and the cold open of
// the sealed database, opfs:// vs idb://, in the page and with `worker: true`. It runs in a persistent
// profile: Playwright's default contexts keep storage in memory, not on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { expect, openHarness, test } from './fixtures';

test.setTimeout(600_000);

const TARGETS = [
  { label: 'idb page', uri: 'idb://perf-page', worker: false },
  { label: 'opfs page', uri: 'opfs://perf-page', worker: false },
  { label: 'idb worker', uri: 'idb://perf-worker', worker: true },
  { label: 'opfs worker', uri: 'opfs://perf-worker', worker: true },
];

test('measure: opfs:// vs idb:// insert throughput and cold open', async ({ baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'elanus-opfs-perf-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    headless: true,
    baseURL,
  });
  try {
    const page = await ctx.newPage();
    const results: Record<string, Record<string, number | boolean>> = {};
    const hitsOf: Record<string, string> = {};
    for (const t of TARGETS) {
      const h = await openHarness(page);
      const ins = await h.inPage(
        async (elanus, o) => {
          const dim = 384;
          const rows = 20_000;
          const batch = 1000;
          const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker, idleSealMs: 0 } as never);
          await c.createCollection({
            collection_name: 'c',
            dimension: dim,
            index_params: { index_type: 'FLAT', metric_type: 'COSINE' },
          });
          const data = Array.from({ length: rows }, (_, id) => ({
            id,
            vector: window.persistence.vectorFor(id, dim),
          }));
          const t0 = performance.now();
          for (let i = 0; i < rows; i += batch)
            await c.insert({ collection_name: 'c', data: data.slice(i, i + batch) });
          const t1 = performance.now();
          await c.flush();
          const t2 = performance.now();
          const q = window.persistence.vectorFor(777, dim);
          const hits = (await c.search({ collection_name: 'c', data: q, limit: 10 })).results.map(
            (r) => r.id,
          );
          await c.closeConnection();
          return {
            'insert rows/s': Math.round(rows / ((t1 - t0) / 1000)),
            'flush ms': Math.round(t2 - t1),
            hits: JSON.stringify(hits),
          };
        },
        { uri: t.uri, worker: t.worker },
      );
      await page.reload();
      const h2 = await openHarness(page);
      const open = await h2.inPage(
        async (elanus, o) => {
          const t0 = performance.now();
          const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker });
          const n = (await c.count({ collection_name: 'c' })).data;
          const t1 = performance.now();
          const q = window.persistence.vectorFor(777, 384);
          const hits = (await c.search({ collection_name: 'c', data: q, limit: 10 })).results.map(
            (r) => r.id,
          );
          await c.closeConnection();
          return { 'cold open ms': Math.round(t1 - t0), rows: n, hits: JSON.stringify(hits) };
        },
        { uri: t.uri, worker: t.worker },
      );
      // Every row back, the same hits after the reopen, and the same hits on every backend and mode.
      expect(open.rows, t.label).toBe(20_000);
      expect(open.hits, t.label).toBe(ins.hits);
      hitsOf[t.label] = open.hits;
      results[t.label] = {
        'insert rows/s': ins['insert rows/s'],
        'flush ms': ins['flush ms'],
        'cold open ms': open['cold open ms'],
        rows: open.rows,
        'same hits after reopen': ins.hits === open.hits,
      };
    }
    expect(new Set(Object.values(hitsOf)).size).toBe(1);
    console.log('20k x 384 (awaited batches of 1000, FLAT), persistent profile:');
    console.table(results);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
