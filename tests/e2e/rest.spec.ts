// @elanus/milvus's REST v2 transport in Chromium, from the harness page, against the test REST gateway
// (tests/support/rest-gateway.ts: test infrastructure translating REST v2 to milvus-lite over gRPC, with
// Milvus's CORS answer). The page is on another origin than the gateway, so every call is a CORS
// request with a preflight that allows only Authorization and Content-Type.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MilvusServer, startMilvusServer } from '../support/milvus-server';
import { type RestGateway, startRestGateway } from '../support/rest-gateway';
import { expect, openHarness, test } from './fixtures';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// The harness serves @elanus/core; @elanus/milvus comes straight from its sources through Vite's /@fs/.
const MILVUS_MODULE = `/@fs${resolve(ROOT, 'packages/milvus/src/index.ts')}`;
const TOKEN = 'root:browser-test-secret';

let server: MilvusServer;
let gateway: RestGateway;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  server = await startMilvusServer();
  gateway = await startRestGateway({ milvusAddress: server.address, token: TOKEN });
  // Load the module graph once (idb-keyval is discovered lazily): Vite may re-optimize and reload here.
  const page = await browser.newPage();
  const h = await openHarness(page);
  await h.page.evaluate(async (mod) => {
    await import(mod);
    await import(mod.replace(/index\.ts$/, 'sync/checkpoint-idb.ts'));
  }, MILVUS_MODULE);
  await page.waitForTimeout(1000);
  await page.close();
});

test.afterAll(async () => {
  await gateway?.close();
  await server?.stop();
});

test('push, search and pull through REST v2 from a page; checkpoints in IndexedDB hold no token', async ({
  harness,
}) => {
  test.setTimeout(120_000);
  const out = await harness.page.evaluate(
    async ([mod, url, token]) => {
      const m = { ...(await import(mod)), ...(await import(mod.replace(/index\.ts$/, 'rest/index.ts'))) };
      const core = window.elanus;
      const name = `browser_${Date.now()}`;
      const local = new core.LocalClient(await core.createEngine({ device: 'js' }));
      await m.recordOps(local);
      await local.createCollection({
        collection_name: name,
        fields: [
          { name: 'id', data_type: core.DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: core.DataType.FloatVector, dim: 8 },
          { name: 'title', data_type: core.DataType.VarChar, max_length: 64 },
          { name: 'meta', data_type: core.DataType.JSON },
        ],
        enable_dynamic_field: true,
        index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'IP' }],
      });
      const vec = (i: number) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 7 + j));
      await local.insert({
        collection_name: name,
        data: Array.from({ length: 300 }, (_, i) => ({
          id: String(9_007_199_254_740_993n + BigInt(i)),
          v: vec(i),
          title: `doc ${i}`,
          meta: { i },
          ...(i % 3 ? {} : { shelf: i % 5 }),
        })),
      });
      const remote = new m.RestClient({ uri: url, token });
      const events: string[] = [];
      const pushed = await m.sync({
        local,
        remote,
        collection: name,
        direction: 'push',
        batchSize: 64,
        onProgress: (p: { phase: string }) => events.push(p.phase),
      });
      const q = { collection_name: name, anns_field: 'v', data: vec(42), limit: 5, output_fields: ['title'] };
      const a = await local.search(q);
      const b = await remote.search(q);
      const ids = (r: { results: { id: string }[] }) => r.results.map((h) => h.id);
      // What sync stored in IndexedDB (its default store in a browser).
      const dump = await new Promise<string>((done, fail) => {
        const open = indexedDB.open('elanus-sync');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('checkpoints', 'readonly');
          const st = tx.objectStore('checkpoints');
          const keys = st.getAllKeys();
          const values = st.getAll();
          tx.oncomplete = () => done(JSON.stringify([keys.result, values.result]));
        };
      });
      const fresh = new core.LocalClient(await core.createEngine({ device: 'js' }));
      const pulled = await m.sync({
        local: fresh,
        remote,
        collection: name,
        direction: 'pull',
        batchSize: 100,
      });
      const facade = new m.MilvusClient({ uri: url, token });
      const listed = await facade.listCollections();
      const bad = await new m.RestClient({ uri: url, token: 'root:nope' })
        .listCollections()
        .catch((e: { code: string; status: number; message: string }) => e);
      // The gateway answers CORS like Milvus: a request with another header does not get through.
      const foreign = await fetch(`${url}/v2/vectordb/collections/list`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Extra': '1' },
        body: '{}',
      }).then(
        () => 'allowed',
        (e: Error) => e.name,
      );
      await remote.dropCollection({ collection_name: name });
      return {
        pushed: pushed.pushed,
        pushEqual: pushed.verification?.equal,
        phases: [...new Set(events)],
        localHits: ids(a as never),
        remoteHits: ids(b as never),
        pulled: pulled.pulled,
        pullEqual: pulled.verification?.equal,
        keyCount: pulled.verification?.local.count,
        listed: listed.collection_names.includes(name),
        bad: { code: bad.code, status: bad.status, message: bad.message },
        foreign,
        dump,
        crossOrigin: new URL(url).origin !== location.origin,
      };
    },
    [MILVUS_MODULE, gateway.url, TOKEN] as const,
  );
  expect(out.crossOrigin).toBe(true);
  expect(out.pushed).toEqual({ upserted: 300, deleted: 0 });
  expect(out.pushEqual).toBe(true);
  expect(out.phases).toEqual(['prepare', 'push', 'verify', 'done']);
  expect(out.remoteHits).toEqual(out.localHits);
  expect(out.remoteHits[0]).toMatch(/^90071992547\d{5}$/); // keys beyond 2^53, exact
  expect(out.pulled).toEqual({ upserted: 300, deleted: 0 });
  expect(out.pullEqual).toBe(true);
  expect(out.keyCount).toBe(300);
  expect(out.listed).toBe(true);
  expect(out.bad).toMatchObject({ code: 'RemoteError', status: 1800 });
  expect(out.bad.message).not.toContain('nope');
  expect(out.foreign).toBe('TypeError');
  expect(out.dump).toContain('elanus-sync|rest:');
  expect(out.dump).not.toContain('browser-test-secret');
  expect(out.dump).not.toContain('Bearer');
  // Preflights went out and were answered for the two allowed headers only.
  const preflights = gateway.requests.filter((r) => r.method === 'OPTIONS');
  expect(preflights.length).toBeGreaterThan(0);
  for (const p of preflights) {
    const asked = String(p.headers['access-control-request-headers'] ?? '').toLowerCase();
    if (!asked.includes('x-extra'))
      expect(
        asked
          .split(',')
          .map((s) => s.trim())
          .sort(),
      ).toEqual(['authorization', 'content-type']);
  }
  expect(harness.problems.pageErrors).toEqual([]);
});
