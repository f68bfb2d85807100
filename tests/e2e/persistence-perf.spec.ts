// A quick measurement (printed, not asserted): insert throughput of 10k x 384 into IndexedDB vs memory,
// and the cold open of a sealed 20k x 384 HNSW collection vs building that index again. It runs in a
// persistent profile: Playwright's default contexts keep IndexedDB in memory, not on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { openHarness, test } from './fixtures';

test.setTimeout(600_000);

test('measure: insert throughput and cold open vs rebuild', async ({ baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'elanus-perf-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    headless: true,
    baseURL,
  });
  try {
    await measure(await openHarness(await ctx.newPage()));
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function measure(h: Awaited<ReturnType<typeof openHarness>>): Promise<void> {
  const insert = await h.inPage(async (elanus) => {
    const dim = 384;
    const rows = 10_000;
    const batch = 1000;
    const data = Array.from({ length: rows }, (_, id) => ({
      id,
      vector: window.persistence.vectorFor(id, dim),
    }));
    const out: Record<string, number> = {};
    for (const [label, config] of [
      ['memory', { uri: 'memory://' }],
      ['idb strict', { uri: 'idb://perf-strict', idleSealMs: 0 }],
      ['idb relaxed', { uri: 'idb://perf-relaxed', durability: 'relaxed', idleSealMs: 0 }],
    ] as const) {
      const c = new elanus.MilvusClient(config);
      await c.createCollection({
        collection_name: 'c',
        dimension: dim,
        index_params: { index_type: 'FLAT', metric_type: 'COSINE' },
      });
      const t0 = performance.now();
      for (let i = 0; i < rows; i += batch)
        await c.insert({ collection_name: 'c', data: data.slice(i, i + batch) });
      const t1 = performance.now();
      await c.flush();
      const t2 = performance.now();
      out[`${label}: rows/s`] = Math.round(rows / ((t1 - t0) / 1000));
      out[`${label}: flush ms`] = Math.round(t2 - t1);
      await c.closeConnection();
    }
    return out;
  });
  console.log('insert 10k x 384 (awaited batches of 1000, FLAT):', insert);

  const open = await h.inPage(async (elanus) => {
    const dim = 384;
    const rows = 20_000;
    const uri = 'idb://perf-hnsw';
    const c = new elanus.MilvusClient({ uri, idleSealMs: 0 });
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: elanus.DataType.Int64, is_primary_key: true },
        { name: 'vector', data_type: elanus.DataType.FloatVector, dim },
      ],
    });
    for (let i = 0; i < rows; i += 2000) {
      const data = Array.from({ length: 2000 }, (_, k) => ({
        id: i + k,
        vector: window.persistence.vectorFor(i + k, dim),
      }));
      await c.insert({ collection_name: 'c', data });
    }
    const t0 = performance.now();
    await c.createIndex({
      collection_name: 'c',
      field_name: 'vector',
      index_type: 'HNSW',
      metric_type: 'COSINE',
      params: { M: 16, efConstruction: 100 },
    });
    const t1 = performance.now();
    await c.loadCollection({ collection_name: 'c' });
    await c.flush();
    const t2 = performance.now();
    const q = window.persistence.vectorFor(777, dim);
    const before = (await c.search({ collection_name: 'c', data: q, limit: 10 })).results;
    await c.closeConnection();
    const t3 = performance.now();
    const d = new elanus.MilvusClient({ uri });
    await d.connectPromise;
    const t4 = performance.now();
    const after = (await d.search({ collection_name: 'c', data: q, limit: 10 })).results;
    const t5 = performance.now();
    await d.closeConnection();
    return {
      'HNSW build (rebuild) ms': Math.round(t1 - t0),
      'seal (flush) ms': Math.round(t2 - t1),
      'cold open ms': Math.round(t4 - t3),
      'first search after open ms': Math.round(t5 - t4),
      'same results after reopen': JSON.stringify(before) === JSON.stringify(after),
    };
  });
  console.log('20k x 384 HNSW (M 16, efConstruction 100):', open);
}
