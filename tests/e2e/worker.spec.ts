// The engine in a module Worker (`worker: true`), driven from the harness page: same behaviour as the
// in-page engine, errors with their codes across the boundary, big inserts in one message, progress and
// abort, and a dying worker.
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

test('the Milvus API behaves the same in a worker as in the page, errors included', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const rng = (seed: number) => {
      let s = seed >>> 0;
      return () => {
        s = (s * 1664525 + 1013904223) >>> 0;
        return (s / 2 ** 32) * 2 - 1;
      };
    };
    const scenario = async (c: InstanceType<typeof elanus.MilvusClient>) => {
      const r = rng(3);
      const log: unknown[] = [];
      const step = async (name: string, p: Promise<unknown>) => {
        try {
          const v = (await p) as Record<string, unknown>;
          // Timestamps differ between runs.
          log.push([name, v && typeof v === 'object' && 'timestamp' in v ? { ...v, timestamp: 0 } : v]);
        } catch (e) {
          const err = e as InstanceType<typeof elanus.ElanusError>;
          log.push([
            name,
            'error',
            err instanceof elanus.ElanusError,
            err.name,
            err.code,
            err.message,
            err.details,
          ]);
        }
      };
      await step(
        'create',
        c.createCollection({
          collection_name: 'books',
          fields: [
            { name: 'id', data_type: elanus.DataType.Int64, is_primary_key: true },
            { name: 'vec', data_type: elanus.DataType.FloatVector, dim: 16 },
            { name: 'title', data_type: elanus.DataType.VarChar, max_length: 16 },
            { name: 'year', data_type: elanus.DataType.Int32 },
          ],
          enable_dynamic_field: true,
          index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'COSINE' },
        }),
      );
      const rows = Array.from({ length: 200 }, (_, i) => ({
        id: i,
        vec: Array.from({ length: 16 }, r),
        title: `t${i}`,
        year: 1900 + (i % 120),
        ...(i % 5 === 0 ? { color: 'red' } : {}),
      }));
      await step('insert', c.insert({ collection_name: 'books', data: rows }));
      const q = Array.from({ length: 3 }, () => Array.from({ length: 16 }, r));
      await step(
        'search one',
        c.search({ collection_name: 'books', data: q[0], limit: 5, output_fields: ['title', 'vec'] }),
      );
      await step(
        'search many',
        c.search({
          collection_name: 'books',
          data: q,
          limit: 3,
          filter: 'year >= 1950',
          output_fields: ['*'],
        }),
      );
      await step(
        'query',
        c.query({ collection_name: 'books', filter: 'id < 6', output_fields: ['title', 'color'] }),
      );
      await step('get', c.get({ collection_name: 'books', ids: [7, 8], output_fields: ['vec'] }));
      await step('delete', c.delete({ collection_name: 'books', filter: 'id in [1, 2, 3]' }));
      await step('count', c.count({ collection_name: 'books' }));
      await step(
        'upsert',
        c.upsert({
          collection_name: 'books',
          data: rows.slice(0, 4).map((row) => ({ ...row, title: 'new' })),
        }),
      );
      await step(
        'query after',
        c.query({ collection_name: 'books', filter: 'id < 6', output_fields: ['title'] }),
      );
      // Errors: each must arrive as an ElanusError with its code, message and details.
      await step('no collection', c.search({ collection_name: 'nope', data: q[0] }));
      await step(
        'dim',
        c.insert({ collection_name: 'books', data: [{ id: 1000, vec: [1, 2], title: 'x', year: 1 }] }),
      );
      await step('dup', c.insert({ collection_name: 'books', data: [rows[10]!] }));
      await step('filter', c.query({ collection_name: 'books', filter: 'year >>> 3' }));
      await step('query dim', c.search({ collection_name: 'books', data: [[1, 2, 3]] }));
      await step('exists', c.createCollection({ collection_name: 'books', dimension: 4 }));
      await step('drop', c.dropCollection({ collection_name: 'books' }));
      await step('list', c.listCollections());
      return log;
    };
    const inPage = await scenario(new elanus.MilvusClient({ uri: 'memory://' }));
    const client = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    const inWorker = await scenario(client);
    const wc = (await client.client()) as unknown as {
      handlersRegistered(): Promise<{ page: boolean; worker: boolean }>;
      info: { device: string };
    };
    const handlers = await wc.handlersRegistered();
    const info = wc.info;
    await client.closeConnection();
    return {
      inPage: JSON.stringify(inPage),
      inWorker: JSON.stringify(inWorker),
      handlers,
      info,
      errors: inWorker.filter((s) => (s as unknown[])[1] === 'error'),
    };
  });
  expect(out.inWorker).toBe(out.inPage);
  // A comlink transfer handler for ElanusError is registered on both sides.
  expect(out.handlers).toEqual({ page: true, worker: true });
  expect(out.info.device).toBe('wasm');
  expect(out.errors.map((e) => (e as unknown[]).slice(0, 5))).toEqual([
    ['no collection', 'error', true, 'ElanusError', 'CollectionNotExists'],
    ['dim', 'error', true, 'ElanusError', 'DimensionMismatch'],
    ['dup', 'error', true, 'ElanusError', 'DuplicatePrimaryKey'],
    ['filter', 'error', true, 'ElanusError', 'InvalidFilter'],
    ['query dim', 'error', true, 'ElanusError', 'DimensionMismatch'],
    ['exists', 'error', true, 'ElanusError', 'CollectionAlreadyExists'],
  ]);
  expect(harness.problems.pageErrors).toEqual([]);
});

test('10,000 x 384 vectors cross to the worker in one message, as one transferred buffer', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    const client = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    await client.createCollection({
      collection_name: 'big',
      dimension: 384,
      metric_type: 'IP',
      index_params: { index_type: 'FLAT' },
    });
    let s = 1;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    const data = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      vector: Array.from({ length: 384 }, r),
    }));
    const wc = (await client.client()) as unknown as { worker: Worker };
    const w = wc.worker;
    const sent: { transfers: number; bytes: number }[] = [];
    const post = w.postMessage.bind(w);
    w.postMessage = ((m: unknown, t?: Transferable[]) => {
      sent.push({
        transfers: t?.length ?? 0,
        bytes: (t ?? []).reduce<number>((n, b) => n + (b as ArrayBuffer).byteLength, 0),
      });
      post(m, t ?? []);
    }) as typeof w.postMessage;
    const t0 = performance.now();
    const res = await client.insert({ collection_name: 'big', data });
    const ms = performance.now() - t0;
    w.postMessage = post;
    const count = (await client.count({ collection_name: 'big' })).data;
    const hit = (
      await client.search({
        collection_name: 'big',
        data: data[1234]!.vector,
        limit: 1,
        output_fields: ['vector'],
      })
    ).results[0] as unknown as {
      id: string;
      vector: number[];
    };
    await client.closeConnection();
    return {
      cnt: res.insert_cnt,
      sent,
      count,
      id: hit.id,
      vecLen: hit.vector.length,
      vecOk: hit.vector.every((x, j) => x === Math.fround(data[1234]!.vector[j]!)),
      ms,
    };
  });
  console.log(`worker insert 10,000 x 384 (number[] rows, FLAT): ${out.ms.toFixed(0)} ms`);
  expect(out.cnt).toBe('10000');
  expect(out.sent.filter((m) => m.transfers > 0)).toEqual([{ transfers: 1, bytes: 10_000 * 384 * 4 }]);
  expect(out.sent.length).toBeLessThanOrEqual(2); // the insert, and at most the one-time schema look-up
  expect(out.count).toBe(10_000);
  expect([out.id, out.vecLen, out.vecOk]).toEqual(['1234', 384, true]);
});

test('a chunked insert reports progress and an abort leaves nothing of it', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const client = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    await client.createCollection({ collection_name: 'p', dimension: 384, metric_type: 'COSINE' }); // AUTOINDEX: HNSW
    let s = 2;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    const data = Array.from({ length: 3000 }, (_, i) => ({ id: i, vector: Array.from({ length: 384 }, r) }));
    const progress: { operation: string; done: number; total: number }[] = [];
    const res = await client.insert({
      collection_name: 'p',
      data: data.slice(0, 1500),
      onProgress: (p) => progress.push(p),
    });
    // The page stays responsive while the worker builds the index: count timer ticks during the insert.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const ctl = new AbortController();
    const seen: number[] = [];
    const aborted = await client
      .insert({
        collection_name: 'p',
        data: data.slice(1500),
        signal: ctl.signal,
        onProgress: (p) => {
          seen.push(p.done);
          if (seen.length === 1) ctl.abort();
        },
      })
      .then(
        () => null,
        (e: InstanceType<typeof elanus.ElanusError>) => ({
          code: e.code,
          message: e.message,
          details: e.details,
          isElanus: e instanceof elanus.ElanusError,
        }),
      );
    clearInterval(timer);
    const count = (await client.count({ collection_name: 'p' })).data;
    const found = (await client.query({ collection_name: 'p', filter: 'id >= 1500', limit: 3 })).data.length;
    const hits = (await client.search({ collection_name: 'p', data: data[10]!.vector, limit: 1 }))
      .results as { id: string }[];
    await client.closeConnection();
    return { res: res.insert_cnt, progress, aborted, seen, count, found, top: hits[0]?.id, ticks };
  });
  expect(out.res).toBe('1500');
  expect(out.progress.length).toBeGreaterThan(1);
  expect(out.progress.at(-1)).toEqual({ operation: 'insert', done: 1500, total: 1500 });
  expect(out.aborted?.code).toBe('Aborted');
  expect(out.aborted?.isElanus).toBe(true);
  expect(out.aborted?.details).toMatchObject({ applied: 0 });
  expect(out.seen.length).toBeLessThanOrEqual(2);
  expect(out.count).toBe(1500);
  expect(out.found).toBe(0);
  expect(out.top).toBe('10');
  expect(out.ticks).toBeGreaterThan(0);
});

test('a terminated or crashed worker rejects pending calls with WorkerTerminated, and restarts', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    type WC = {
      terminate(): void;
      simulateCrash(): Promise<void>;
      restart(): Promise<void>;
      worker: Worker | undefined;
    };
    const client = new elanus.MilvusClient({ uri: 'memory://', worker: true, restartWorker: false });
    const wc = (await client.client()) as unknown as WC;
    await client.createCollection({ collection_name: 'a', dimension: 64 });
    const data = Array.from({ length: 4000 }, (_, i) => ({
      id: i,
      vector: Array.from({ length: 64 }, (_, j) => Math.sin(i + j)),
    }));
    const explain = (e: unknown) => {
      const x = e as InstanceType<typeof elanus.ElanusError>;
      return { isElanus: x instanceof elanus.ElanusError, code: x.code, message: x.message };
    };
    // 1. terminate() while an insert and a queued call are in flight.
    const p1 = client.insert({ collection_name: 'a', data, onProgress: () => wc.terminate() });
    const p2 = client.count({ collection_name: 'a' });
    const terminated = await Promise.allSettled([p1, p2]);
    const afterTerminate = await client.listCollections().then(() => 'ok', explain);
    await client.restart();
    const fresh = (await client.listCollections()).collection_names;
    await client.createCollection({ collection_name: 'b', dimension: 4 });
    // 2. An uncaught error in the worker: the client stops it and rejects what was pending.
    const slow = client.insert({
      collection_name: 'b',
      data: Array.from({ length: 20_000 }, (_, i) => ({ id: i, vector: [i, 1, 2, 3] })),
      onProgress: () => {},
    });
    await wc.simulateCrash();
    const crashed = await slow.then(() => 'resolved', explain);
    // 3. Default client: restarts by itself on the next call.
    const auto = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    const awc = (await auto.client()) as unknown as WC;
    const first = awc.worker;
    await auto.createCollection({ collection_name: 'c', dimension: 4 });
    awc.terminate();
    const again = await auto.hasCollection({ collection_name: 'c' });
    const restarted = awc.worker !== undefined && awc.worker !== first;
    await auto.closeConnection();
    await client.closeConnection();
    return {
      terminated: terminated.map((r) => (r.status === 'rejected' ? explain(r.reason) : 'fulfilled')),
      afterTerminate,
      fresh,
      crashed,
      again: again.value,
      restarted,
    };
  });
  expect(out.terminated).toEqual([
    { isElanus: true, code: 'WorkerTerminated', message: 'the engine worker was terminated' },
    { isElanus: true, code: 'WorkerTerminated', message: 'the engine worker was terminated' },
  ]);
  expect(out.afterTerminate).toMatchObject({ code: 'WorkerTerminated' });
  expect(out.fresh).toEqual([]);
  expect(out.crashed).toMatchObject({ isElanus: true, code: 'WorkerTerminated' });
  expect((out.crashed as { message: string }).message).toContain('simulated crash');
  expect(out.again).toBe(false); // a new memory:// engine
  expect(out.restarted).toBe(true);
});

test('a worker terminated through its own Worker object (no event fires) fails its calls, then restarts', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    type WC = { worker: Worker | undefined };
    const client = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    await client.createCollection({ collection_name: 'a', dimension: 4 });
    const wc = (await client.client()) as unknown as WC;
    const raw = wc.worker!;
    raw.terminate(); // as app code holding the Worker might: the client is not told
    const started = performance.now();
    const hung = new Promise((r) => setTimeout(() => r('hung for 10 s'), 10_000));
    const first = await Promise.race([
      client.count({ collection_name: 'a' }).then(
        () => 'resolved',
        (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
      ),
      hung,
    ]);
    const ms = performance.now() - started;
    // The next call starts a new worker (a new, empty memory:// engine).
    const next = await client.hasCollection({ collection_name: 'a' });
    const replaced = wc.worker !== undefined && wc.worker !== raw;
    await client.closeConnection();
    return { first, ms, next: next.value, replaced };
  });
  console.log(`outside terminate noticed in ${out.ms.toFixed(0)} ms`);
  expect(out.first).toMatchObject({
    code: 'WorkerTerminated',
    message: expect.stringMatching(/terminated from outside/),
  });
  expect(out.next).toBe(false);
  expect(out.replaced).toBe(true);
});

test('idb:// in a worker opens what the page would open', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const name = `idb://worker-spec-${Date.now()}`;
    const outcome = async (worker: boolean) => {
      const c = new elanus.MilvusClient({ uri: name, worker });
      try {
        const has = (await c.hasCollection({ collection_name: 'kept' })).value;
        if (!has) {
          await c.createCollection({ collection_name: 'kept', dimension: 4 });
          await c.insert({ collection_name: 'kept', data: [{ id: 1, vector: [1, 2, 3, 4] }] });
        }
        const n = (await c.count({ collection_name: 'kept' })).data;
        await c.closeConnection();
        return { ok: true, has, n };
      } catch (e) {
        const x = e as InstanceType<typeof elanus.ElanusError>;
        return { ok: false, code: x.code };
      }
    };
    const w1 = await outcome(true);
    const p = await outcome(false);
    const w2 = await outcome(true);
    return { w1, p, w2 };
  });
  console.log(`idb:// through the worker: ${JSON.stringify(out)}`);
  if (!out.p.ok) {
    // Persistence not available yet: the worker must fail the same way the page does.
    expect(out.w1).toEqual(out.p);
    test.info().annotations.push({ type: 'note', description: `idb:// not available yet (${out.p.code})` });
    return;
  }
  expect(out.w1).toEqual({ ok: true, has: false, n: 1 });
  expect(out.p).toEqual({ ok: true, has: true, n: 1 }); // the page sees what the worker wrote
  expect(out.w2).toEqual({ ok: true, has: true, n: 1 });
});

test('storageEstimate() and requestPersistence() answer on idb:// with worker: true as in the page', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    const uri = `idb://estimate-${Date.now()}`;
    const run = async (worker: boolean) => {
      const c = new elanus.MilvusClient({ uri: `${uri}-${worker ? 'w' : 'p'}`, worker });
      await c.createCollection({ collection_name: 'e', dimension: 2 });
      const e = await c.storageEstimate();
      const persisted = await c.requestPersistence();
      await c.closeConnection();
      return { usage: typeof e.usage, quota: e.quota > 0, persisted: typeof persisted };
    };
    return { page: await run(false), worker: await run(true) };
  });
  expect(out.worker).toEqual({ usage: 'number', quota: true, persisted: 'boolean' });
  expect(out.worker).toEqual(out.page);
});

test('worker round trip of a small search (printed, not asserted)', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const run = async (worker: boolean) => {
      const c = new elanus.MilvusClient({ uri: 'memory://', worker });
      await c.createCollection({
        collection_name: 's',
        dimension: 64,
        metric_type: 'IP',
        index_params: { index_type: 'FLAT' },
      });
      await c.insert({
        collection_name: 's',
        data: Array.from({ length: 1000 }, (_, i) => ({
          id: i,
          vector: Array.from({ length: 64 }, (_, j) => Math.cos(i * 7 + j)),
        })),
      });
      const q = Array.from({ length: 64 }, (_, j) => Math.sin(j));
      const t: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t0 = performance.now();
        await c.search({ collection_name: 's', data: q, limit: 10 });
        t.push(performance.now() - t0);
      }
      await c.closeConnection();
      t.splice(0, 50); // warm-up
      t.sort((a, b) => a - b);
      return { p50: t[Math.floor(t.length * 0.5)]!, p99: t[Math.floor(t.length * 0.99)]! };
    };
    return { page: await run(false), worker: await run(true), isolated: globalThis.crossOriginIsolated };
  });
  console.log(
    `small search (1,000 x 64 FLAT, top 10): in-page p50 ${out.page.p50.toFixed(3)} ms p99 ${out.page.p99.toFixed(3)} ms; ` +
      `worker p50 ${out.worker.p50.toFixed(3)} ms p99 ${out.worker.p99.toFixed(3)} ms (round trip included)`,
  );
  expect(out.worker.p50).toBeGreaterThan(0);
});
