// opfs:// persistence in Chromium: reload with the same results (page and `worker: true`, and across the
// two), value types, a torn journal tail, and crash consistency when the page closes mid-stream.
import type { Page } from '@playwright/test';
import { expect, type HarnessPage, openHarness, test } from './fixtures';

/** Creates a collection of many field types, seals part of it and leaves a log tail; returns a snapshot. */
async function seed(h: HarnessPage, uri: string, worker: boolean): Promise<unknown> {
  return h.inPage(
    async (elanus, o) => {
      const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker });
      await c.createCollection({
        collection_name: 'books',
        fields: [
          { name: 'id', data_type: elanus.DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: elanus.DataType.FloatVector, dim: 16 },
          { name: 'title', data_type: elanus.DataType.VarChar, max_length: 64 },
          { name: 'year', data_type: elanus.DataType.Int32, nullable: true },
          { name: 'price', data_type: elanus.DataType.Double },
          { name: 'ok', data_type: elanus.DataType.Bool },
          { name: 'meta', data_type: elanus.DataType.JSON },
          {
            name: 'nums',
            data_type: elanus.DataType.Array,
            element_type: elanus.DataType.Int64,
            max_capacity: 3,
          },
          { name: 'sp', data_type: elanus.DataType.SparseFloatVector },
        ],
        enable_dynamic_field: true,
        index_params: [
          {
            field_name: 'v',
            index_type: 'HNSW',
            metric_type: 'COSINE',
            params: { M: 8, efConstruction: 64 },
          },
          { field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
        ],
      });
      await c.createPartition({ collection_name: 'books', partition_name: 'old' });
      const row = (i: number) => ({
        // Int64 ids past 2^53 travel as strings and must come back exact.
        id: i === 7 ? '9223372036854775807' : i,
        v: window.persistence.vectorFor(i, 16),
        title: `book ${i} ✓`,
        year: i % 9 === 0 ? null : 1900 + i,
        price: i / 3,
        ok: i % 2 === 0,
        meta: { i, even: i % 2 === 0, deep: { s: `x${i}`, a: [1, null, 'y'] } },
        nums: [i, -i, 2 ** 40 + i],
        sp: { [i % 50]: 0.5, [100 + (i % 7)]: 1.25 },
        ...(i % 2 ? { shelf: i % 7, label: `L${i}` } : {}),
      });
      await c.insert({ collection_name: 'books', data: Array.from({ length: 300 }, (_, i) => row(i)) });
      await c.insert({
        collection_name: 'books',
        partition_name: 'old',
        data: Array.from({ length: 50 }, (_, i) => row(1000 + i)),
      });
      await c.flush();
      await c.insert({ collection_name: 'books', data: Array.from({ length: 30 }, (_, i) => row(2000 + i)) });
      await c.delete({ collection_name: 'books', filter: 'year < 1950' });
      await c.upsert({ collection_name: 'books', data: [{ ...row(2001), title: 'upserted' }] });
      await c.createCollection({ collection_name: 'quick', dimension: 4 });
      await c.insert({ collection_name: 'quick', data: [{ id: 1, vector: [1, 2, 3, 4], note: 'x' }] });
      const snap = await window.persistence.snapshot(c);
      await c.closeConnection();
      return snap;
    },
    { uri, worker },
  );
}

function read(h: HarnessPage, uri: string, worker: boolean): Promise<unknown> {
  return h.inPage(
    async (elanus, o) => {
      const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker });
      const snap = await window.persistence.snapshot(c);
      await c.closeConnection();
      return snap;
    },
    { uri, worker },
  );
}

/** The files of a database folder (name → size), read through the OPFS API in the page. */
function files(h: HarnessPage, name: string): Promise<Record<string, number>> {
  return h.page.evaluate(async (n) => {
    const root = await navigator.storage.getDirectory();
    const dir = await (await root.getDirectoryHandle('elanus')).getDirectoryHandle(n);
    const out: Record<string, number> = {};
    for await (const k of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      out[k] = (await (await dir.getFileHandle(k)).getFile()).size;
    }
    return out;
  }, name);
}

for (const worker of [false, true]) {
  const mode = worker ? 'worker: true' : 'in the page';
  test(`opfs:// survives a page reload (${mode}): every collection, index, row and search`, async ({
    harness,
    page,
  }) => {
    const uri = `opfs://reload-${worker}`;
    const before = await seed(harness, uri, worker);
    await page.reload();
    const h = await openHarness(page);
    expect(await read(h, uri, worker)).toEqual(before);
    // The same files open in the other mode.
    expect(await read(h, uri, !worker)).toEqual(before);
    // Writes keep working after a reopen.
    const n = await h.inPage(
      async (elanus, o) => {
        const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker });
        await c.insert({
          collection_name: 'quick',
          data: [{ id: 2, vector: [4, 3, 2, 1] }],
        });
        const count = (await c.count({ collection_name: 'quick' })).data;
        await c.closeConnection();
        return count;
      },
      { uri, worker },
    );
    expect(n).toBe(2);
    expect(harness.problems.pageErrors).toEqual([]);
  });
}

test('opfs:// write modes: a worker appends to one journal file, a page writes a file per commit', async ({
  harness,
}) => {
  const write = (uri: string, worker: boolean) =>
    harness.inPage(
      async (elanus, o) => {
        const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker, idleSealMs: 0 } as never);
        await c.createCollection({ collection_name: 'c', dimension: 4 });
        for (let i = 0; i < 5; i++)
          await c.insert({ collection_name: 'c', data: [{ id: i, vector: [i, 0, 0, 1] }] });
        await c.closeConnection();
      },
      { uri, worker },
    );
  await write('opfs://mode-worker', true);
  await write('opfs://mode-page', false);
  expect(Object.keys(await files(harness, 'mode-worker')).sort()).toEqual(['0-0.j', '0-1.j']);
  // The snapshot and one file per commit (createCollection + 5 inserts).
  expect(Object.keys(await files(harness, 'mode-page')).length).toBe(7);
});

for (const worker of [false, true]) {
  test(`a torn journal tail opens as the committed prefix (${worker ? 'worker' : 'page'})`, async ({
    harness,
    page,
  }) => {
    const name = `torn-${worker}`;
    await harness.inPage(
      async (elanus, o) => {
        const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker, idleSealMs: 0 } as never);
        await c.createCollection({ collection_name: 'c', dimension: 8 });
        for (let b = 0; b < 6; b++) {
          await c.insert({
            collection_name: 'c',
            data: Array.from({ length: 100 }, (_, i) => ({
              id: b * 100 + i,
              vector: window.persistence.vectorFor(b * 100 + i, 8),
            })),
          });
        }
        await c.closeConnection();
      },
      { uri: `opfs://${name}`, worker },
    );
    await page.reload();
    let h = await openHarness(page);
    // Between sessions: cut the last 13 bytes of the newest journal file and append garbage.
    await h.page.evaluate(async (n) => {
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle('elanus')).getDirectoryHandle(n);
      const names: string[] = [];
      for await (const k of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(k);
      const last = names
        .filter((k) => /^\d+-\d+\.j$/.test(k))
        .sort((a, b) => Number(a.split(/[-.]/)[1]) - Number(b.split(/[-.]/)[1]))
        .at(-1)!;
      const fh = await dir.getFileHandle(last);
      const size = (await fh.getFile()).size;
      const w = await fh.createWritable({ keepExistingData: true });
      await w.truncate(size - 13);
      await w.write({
        type: 'write',
        position: size - 13,
        data: new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
      });
      await w.close();
    }, name);
    const v = await h.inPage((_e, o) => window.persistence.verify(o), {
      uri: `opfs://${name}`,
      collection: 'c',
      dim: 8,
      worker,
    });
    // The last batch is gone, all five before it are intact.
    expect(v).toEqual({ count: 500, bad: 0, maxId: 499 });
    // The next writer repairs the tail; its writes survive the next reopen.
    await h.inPage(
      async (elanus, o) => {
        const c = new elanus.MilvusClient({ uri: o.uri, worker: o.worker });
        await c.insert({
          collection_name: 'c',
          data: [{ id: 500, vector: window.persistence.vectorFor(500, 8) }],
        });
        await c.closeConnection();
      },
      { uri: `opfs://${name}`, worker },
    );
    await page.reload();
    h = await openHarness(page);
    expect(
      await h.inPage((_e, o) => window.persistence.verify(o), {
        uri: `opfs://${name}`,
        collection: 'c',
        dim: 8,
        worker,
      }),
    ).toEqual({ count: 501, bad: 0, maxId: 500 });
  });
}

const STREAM = { collection: 'stream', batches: 400, batchSize: 200, dim: 24 };

async function startStream(page: Page, uri: string, worker: boolean): Promise<() => number> {
  let acked = -1;
  page.on('console', (m) => {
    const match = /^elanus-committed (\d+)$/.exec(m.text());
    if (match) acked = Math.max(acked, Number(match[1]));
  });
  await page.evaluate(
    (o) => {
      void window.persistence.stream(o).catch((e) => console.log(`elanus-stream-error ${e}`));
    },
    { ...STREAM, uri, worker },
  );
  return () => acked;
}

for (const worker of [false, true]) {
  const points = worker ? [1, 2, 3, 5, 8, 12, 17, 23, 31, 42] : [1, 2, 3, 4, 6, 9, 13, 18, 26, 37];
  test(`crash consistency (${worker ? 'worker' : 'page'}): closing the page at ${points.length} points mid-stream leaves a committed prefix`, async ({
    context,
  }) => {
    test.setTimeout(300_000);
    for (const after of points) {
      const uri = `opfs://crash-${worker}-${after}`;
      const page = await context.newPage();
      await openHarness(page);
      const acked = await startStream(page, uri, worker);
      await expect.poll(acked, { timeout: 60_000, intervals: [10] }).toBeGreaterThanOrEqual(after);
      await page.close();
      const n = acked();
      const h = await openHarness(await context.newPage());
      const r = await h.inPage((_e, o) => window.persistence.verify(o), {
        uri,
        collection: STREAM.collection,
        dim: STREAM.dim,
        worker,
      });
      // Whole batches only, every acknowledged one, all rows intact and the ids a prefix of the stream.
      expect(r.count % STREAM.batchSize, `after ${after}`).toBe(0);
      expect(r.count / STREAM.batchSize, `after ${after}`).toBeGreaterThanOrEqual(n);
      expect(r.bad, `after ${after}`).toBe(0);
      expect(r.maxId, `after ${after}`).toBe(r.count - 1);
      await h.page.close();
    }
  });
}

test('@elanus/core/opfs lists, opens and drops databases', async ({ harness, page }) => {
  const out = await page.evaluate(async () => {
    const { MilvusClient, DataType } = window.elanus;
    const opfs = window.elanusOpfs;
    const c = new MilvusClient({ uri: 'opfs://listed' });
    await c.createCollection({
      collection_name: 'c',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
      index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }],
    });
    await c.insert({ collection_name: 'c', data: [{ id: 1, v: [1, 0] }] });
    await c.closeConnection();
    const listed = await opfs.listOpfsDatabases();
    const direct = await opfs.openOpfsClient('opfs://listed');
    const count = (await direct.count({ collection_name: 'c' })).data;
    await direct.closeConnection();
    await opfs.dropOpfsDatabase('listed');
    const after = await opfs.listOpfsDatabases();
    const fresh = new MilvusClient({ uri: 'opfs://listed' });
    const collections = (await fresh.listCollections()).data.map((x: { name: string }) => x.name);
    await fresh.closeConnection();
    await opfs.dropOpfsDatabase('listed');
    return { listed: listed.includes('listed'), count, after: after.includes('listed'), collections };
  });
  expect(out).toEqual({ listed: true, count: 1, after: false, collections: [] });
  expect(harness.problems.pageErrors).toEqual([]);
});
