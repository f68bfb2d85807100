// The worker client against the engine host over a MessageChannel (Node has no module Workers; the
// browser tier runs the same through a real Worker). Same-thread, but every call crosses postMessage.
import { transferHandlers } from 'comlink';
import { describe, expect, it } from 'vitest';
import type { Progress, RowData, SearchHit, VectorClient } from '../src/index.js';
import { createEngine, DataType, ElanusError, LocalClient, MilvusClient } from '../src/index.js';
import type { WorkerClient } from '../src/worker/client.js';
import {
  decodeRows,
  decodeSearchResults,
  ERROR_HANDLER,
  encodeRows,
  encodeSearchResults,
  packQueries,
  packRows,
  registerTransferHandlers,
  shiftRowIndexes,
  transferHandlersRegistered,
  unpackQueries,
  unpackRows,
} from '../src/worker/protocol.js';
import { type FakeWorker, fakeWorker } from './worker-support.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function vectors(n: number, dim: number, seed = 1): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => r() * 2 - 1));
}

async function caught(p: Promise<unknown>): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(ElanusError);
  return e as ElanusError;
}

async function workerClient(opts: Record<string, unknown> = {}) {
  const made: FakeWorker[] = [];
  const client = new MilvusClient({
    uri: 'memory://',
    worker: () => {
      const w = fakeWorker();
      made.push(w);
      return w as unknown as Worker;
    },
    ...opts,
  });
  const wc = (await client.client()) as unknown as WorkerClient;
  return { client, wc, made };
}

const books = {
  collection_name: 'books',
  fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'vec', data_type: DataType.FloatVector, dim: 8 },
    { name: 'title', data_type: DataType.VarChar, max_length: 32 },
    { name: 'year', data_type: DataType.Int32 },
    { name: 'tags', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
  ],
  enable_dynamic_field: true,
  index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'COSINE' },
};

function bookRows(n: number, seed = 3): RowData[] {
  const v = vectors(n, 8, seed);
  return v.map((vec, i) => ({
    id: i + 1,
    vec,
    title: `t${i}`,
    year: 1900 + (i % 100),
    tags: [i, 2 ** 40 + i],
    ...(i % 3 === 0 ? { color: 'red' } : {}),
  }));
}

async function both(fn: (c: VectorClient) => Promise<unknown>) {
  const local = new LocalClient(await createEngine());
  const { wc, client } = await workerClient();
  const a = await fn(local);
  const b = await fn(wc as unknown as VectorClient);
  await client.closeConnection();
  return [a, b] as const;
}

describe('worker client: same results as in-thread', () => {
  it('runs the Milvus API with identical results, key order included', async () => {
    const [a, b] = await both(async (c) => {
      await c.createCollection(books);
      const ins = await c.insert({ collection_name: 'books', data: bookRows(50) });
      const q = vectors(3, 8, 9);
      const one = await c.search({
        collection_name: 'books',
        data: q[0],
        limit: 5,
        output_fields: ['title', 'vec', 'tags', 'color'],
      });
      const many = await c.search({
        collection_name: 'books',
        data: q,
        limit: 4,
        filter: 'year > 1920',
        output_fields: ['*'],
      });
      const query = await c.query({ collection_name: 'books', filter: 'id < 8', output_fields: ['*'] });
      const got = await c.get({ collection_name: 'books', ids: [3, 4], output_fields: ['vec', 'color'] });
      const del = await c.delete({ collection_name: 'books', filter: 'id in [1, 2]' });
      const count = await c.count({ collection_name: 'books' });
      const up = await c.upsert({ collection_name: 'books', data: bookRows(5, 7) });
      const desc = await c.describeCollection({ collection_name: 'books' });
      const pages: RowData[][] = [];
      for await (const page of await c.queryIterator({
        collection_name: 'books',
        batchSize: 20,
        output_fields: ['title'],
      }))
        pages.push(page);
      const hits: SearchHit[][] = [];
      for await (const page of await c.searchIterator({
        collection_name: 'books',
        data: q[1],
        batchSize: 10,
        limit: 25,
      }))
        hits.push(page);
      return {
        ins: { ...ins, timestamp: 0 },
        one,
        many,
        query,
        got,
        del: { ...del, timestamp: 0 },
        count,
        up: { ...up, timestamp: 0 },
        desc: { ...desc, created_timestamp: 0, created_utc_timestamp: 0 },
        pages,
        hits,
      };
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('errors keep code, name, message and details across the boundary', async () => {
    const { wc, client } = await workerClient();
    expect(transferHandlersRegistered()).toBe(true);
    expect(await wc.workerHandlersRegistered()).toBe(true);
    const e = await caught(client.describeCollection({ collection_name: 'nope' }));
    expect(e.name).toBe('ElanusError');
    expect(e.code).toBe('CollectionNotExists');
    expect(e.message).toBe('collection not found[collection=nope]');
    expect(e.details).toEqual({ param: 'collection_name' });
    await client.createCollection(books);
    const bad = await caught(
      client.insert({
        collection_name: 'books',
        data: [{ id: 1, vec: [1, 2, 3], title: 'x', year: 1, tags: [] }],
      }),
    );
    expect(bad.code).toBe('DimensionMismatch');
    const bad2 = await caught(client.search({ collection_name: 'books', data: [[1, 2]], limit: 1 }));
    expect(bad2.code).toBe('DimensionMismatch');
    await client.closeConnection();
  });

  it('the handler also carries a returned (not thrown) ElanusError, and plain errors stay Errors', () => {
    registerTransferHandlers();
    const h = transferHandlers.get(ERROR_HANDLER)!;
    const err = new ElanusError('IllegalArgument', 'bad', { param: 'x' });
    expect(h.canHandle(err)).toBe(true);
    const [wire] = h.serialize(err);
    const back = h.deserialize(structuredClone(wire)) as ElanusError;
    expect(back).toBeInstanceOf(ElanusError);
    expect([back.code, back.message, back.details, back.status]).toEqual([
      'IllegalArgument',
      'bad',
      { param: 'x' },
      1100,
    ]);
    const t = transferHandlers.get('throw')!;
    const [tw] = t.serialize({ value: new TypeError('boom') });
    let thrown: unknown;
    try {
      t.deserialize(structuredClone(tw));
    } catch (x) {
      thrown = x;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('TypeError');
    expect((thrown as Error).message).toBe('boom');
  });
});

describe('worker client: transfer encodings', () => {
  it('packs row vectors of a batch into one transferable Float32Array and restores them', () => {
    const rows = bookRows(4);
    const before = JSON.stringify(rows);
    const p = packRows(rows, ['vec']);
    expect(JSON.stringify(rows)).toBe(before); // the caller's rows are untouched
    expect(p.packed?.fields).toEqual([{ name: 'vec', dim: 8, offset: 0 }]);
    expect(p.packed?.data.length).toBe(32);
    expect(p.transfer).toEqual([p.packed?.data.buffer]);
    expect(p.rows[0]).not.toHaveProperty('vec');
    const back = unpackRows(structuredClone(p.rows), p.packed, new Set(['vec']));
    expect(back[2]!.vec).toBeInstanceOf(Float32Array);
    expect(Array.from(back[2]!.vec as Float32Array)).toEqual(
      Array.from(Float32Array.from(rows[2]!.vec as number[])),
    );
  });

  it('leaves a field in the rows when the rows do not agree on it (the engine reports the bad row)', () => {
    const rows = bookRows(3);
    rows[1]!.vec = [1, 2];
    expect(packRows(rows, ['vec']).packed).toBeNull();
    rows[1]!.vec = [1, 2, 3, 4, 5, 6, 7, 'x'];
    expect(packRows(rows, ['vec']).packed).toBeNull();
  });

  it('packs several query vectors into one buffer, losing nothing', () => {
    const q = vectors(3, 4);
    const { wire, transfer } = packQueries(q);
    expect(wire.kind).toBe('many');
    expect(transfer).toHaveLength(1);
    // Doubles cross as doubles (a Float16Vector query rounds them itself); float32 values as float32.
    const back = unpackQueries(wire) as Float64Array[];
    expect(back[0]).toBeInstanceOf(Float64Array);
    expect(back.map((v) => Array.from(v))).toEqual(q);
    const f32 = q.map((v) => Array.from(Float32Array.from(v)));
    const back32 = unpackQueries(packQueries(f32).wire) as Float32Array[];
    expect(back32[0]).toBeInstanceOf(Float32Array);
    expect(back32.map((v) => Array.from(v))).toEqual(f32);
    expect(packQueries(q[0]).wire.kind).toBe('one');
    expect(packQueries('text query').wire.kind).toBe('raw');
  });

  it('packs a Float16Vector / Int8Vector field only when float32 holds its values exactly', () => {
    const rows = [{ h: [0.1, 0.5] }, { h: [0.25, 1] }];
    expect(packRows(rows, ['h'], new Set(['h'])).packed).toBeNull();
    expect(packRows(rows, ['h']).packed?.fields).toEqual([{ name: 'h', dim: 2, offset: 0 }]);
    const exact = [{ h: [Math.fround(0.1), 0.5] }, { h: [-128, 127] }];
    expect(packRows(exact, ['h'], new Set(['h'])).packed?.data).toEqual(
      Float32Array.from([Math.fround(0.1), 0.5, -128, 127]),
    );
  });

  it('result rows cross as columns and come back equal, key order included', () => {
    const rows: RowData[] = [
      { score: 0.5, id: '1', vec: [0.5, 0.25], n: 1e-7, s: 'a', j: { a: 1 } },
      { score: 0.25, id: '2', vec: [1, 2], n: 3, s: 'b', j: null },
    ];
    const t: Transferable[] = [];
    const w = encodeRows(rows, t);
    expect('cols' in w && w.cols.map((c) => c.t)).toEqual(['f32', 'any', 'vec', 'f64', 'any', 'any']);
    expect(JSON.stringify(decodeRows(structuredClone(w)))).toBe(JSON.stringify(rows));
    const ragged = [{ a: 1 }, { a: 2, b: 3 }];
    expect(decodeRows(encodeRows(ragged, []))).toEqual(ragged);
    const res = {
      status: { error_code: 'Success', reason: '', code: 0 },
      results: [[rows[0] as SearchHit], [] as SearchHit[]],
      recalls: [],
    };
    expect(decodeSearchResults(encodeSearchResults(res, []))).toEqual(res);
    const single = { ...res, results: [rows[1] as SearchHit] };
    expect(decodeSearchResults(encodeSearchResults(single, []))).toEqual(single);
  });

  it('renumbers row indexes of an error from a later chunk', () => {
    const e = shiftRowIndexes(
      new ElanusError(
        'DataTypeMismatch',
        'invalid value for field "a" of row 3: x; invalid parameter data[3]',
        { field: 'a', row: 3, param: 'data[3]' },
      ),
      100,
    ) as ElanusError;
    expect(e.message).toBe('invalid value for field "a" of row 103: x; invalid parameter data[103]');
    expect(e.details).toEqual({ field: 'a', row: 103, param: 'data[103]' });
  });

  it('Float16Vector, BFloat16Vector, Int8Vector fields: identical results in all input forms', async () => {
    const { f32ArrayToF16Bytes, f32ArrayToBf16Bytes } = await import(
      '@zilliz/milvus2-sdk-node/dist/milvus/utils/Bytes.js'
    );
    const v = vectors(40, 8, 4);
    // Float32 would round this onto the float16 tie 1 + 2^-11 (then to even, 1); float16 of the double is
    // 1 + 2^-10. Rows and queries must both reach the engine as the double.
    const tie = 1 + 2 ** -11 + 2 ** -40;
    v[0]![0] = tie;
    const [a, b] = await both(async (c) => {
      await c.createCollection({
        collection_name: 'h',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'f16', data_type: DataType.Float16Vector, dim: 8 },
          { name: 'bf16', data_type: DataType.BFloat16Vector, dim: 8 },
          { name: 'i8', data_type: DataType.Int8Vector, dim: 8 },
        ],
        index_params: [
          { field_name: 'f16', index_type: 'FLAT', metric_type: 'L2' },
          { field_name: 'bf16', index_type: 'FLAT', metric_type: 'IP' },
          { field_name: 'i8', index_type: 'HNSW', metric_type: 'COSINE' },
        ],
      });
      // Doubles (not packed for f16), float32 values (packed), the SDK's byte buffers, Int8Arrays.
      const data = v.map((x, i) => ({
        id: i,
        f16: i < 20 ? x : f32ArrayToF16Bytes(x),
        bf16: i % 2 ? x : f32ArrayToBf16Bytes(x),
        i8: i % 2 ? x.map((y) => Math.round(y * 100)) : Int8Array.from(x, (y) => Math.round(y * 100)),
      }));
      await c.insert({ collection_name: 'h', data: data.slice(0, 20) });
      await c.insert({
        collection_name: 'h',
        data: data.slice(20).map((r) => ({ ...r, f16: Array.from(Float32Array.from(v[Number(r.id)]!)) })),
      });
      const out = [];
      for (const field of ['f16', 'bf16', 'i8'])
        out.push(
          await c.search({
            collection_name: 'h',
            anns_field: field,
            data: field === 'i8' ? v.slice(0, 2).map((x) => x.map((y) => Math.round(y * 50))) : v.slice(0, 2),
            limit: 5,
            output_fields: ['*'],
          }),
        );
      out.push(await c.query({ collection_name: 'h', filter: 'id >= 18 and id < 23', output_fields: ['*'] }));
      out.push(await c.get({ collection_name: 'h', ids: [1, 30], output_fields: ['f16', 'i8'] }));
      return out;
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const out = a as unknown[];
    const got = (out[4] as { data: RowData[] }).data;
    expect(got[0]!.i8).toEqual(v[1]!.map((y) => Math.round(y * 100)));
    const first = (out[3] as { data: RowData[] }).data;
    expect(first).toHaveLength(5);
    const hit = ((out[0] as { results: SearchHit[][] }).results[0] ?? [])[0]!;
    expect(hit).toMatchObject({ id: '0', score: 0 });
    expect((hit.f16 as number[])[0]).toBe(1 + 2 ** -10);
  });

  it('10,000 x 384 rows go to the worker in one insert message', async () => {
    const { wc, made, client } = await workerClient();
    await client.createCollection({
      collection_name: 'big',
      dimension: 384,
      metric_type: 'IP',
      index_params: { index_type: 'FLAT' },
    });
    const dim = 384;
    const r = rng(5);
    const data = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      vector: Float32Array.from({ length: dim }, () => r()),
    }));
    const w = made[0]!;
    const sent: { bytes: number; transfers: number }[] = [];
    const post = w.postMessage;
    w.postMessage = (m, t) => {
      sent.push({
        bytes: (t ?? []).reduce<number>((s, b) => s + (b as ArrayBuffer).byteLength, 0),
        transfers: (t ?? []).length,
      });
      post(m, t);
    };
    const res = await client.insert({ collection_name: 'big', data });
    w.postMessage = post;
    expect(res.insert_cnt).toBe('10000');
    // One message carries every vector, as one transferable buffer (the other is the schema look-up).
    expect(sent.filter((m) => m.transfers > 0)).toEqual([{ bytes: 10_000 * dim * 4, transfers: 1 }]);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect((await client.count({ collection_name: 'big' })).data).toBe(10_000);
    const hits = (await client.search({ collection_name: 'big', data: data[42]!.vector, limit: 1 }))
      .results as SearchHit[];
    expect(hits[0]!.id).toBe('42');
    await wc.closeConnection();
  });
});

describe('worker client: progress and abort', () => {
  const dim = 128; // 2048 rows per chunk

  async function setup() {
    const w = await workerClient();
    await w.client.createCollection({
      collection_name: 'p',
      dimension: dim,
      metric_type: 'L2',
      index_params: { index_type: 'FLAT' },
    });
    return w;
  }
  const rows = (n: number, from = 0) => vectors(n, dim, 11).map((vector, i) => ({ id: from + i, vector }));

  it('reports progress per chunk, last one complete, before the call resolves', async () => {
    const { client } = await setup();
    const seen: Progress[] = [];
    const res = await client.insert({
      collection_name: 'p',
      data: rows(10_000),
      onProgress: (p) => seen.push(p),
    });
    expect(res.insert_cnt).toBe('10000');
    expect(res.IDs).toMatchObject({ id_field: 'int_id' });
    expect((res.IDs as { int_id: { data: string[] } }).int_id.data.slice(-2)).toEqual(['9998', '9999']);
    expect(res.succ_index).toHaveLength(10_000);
    expect(seen.length).toBe(5);
    expect(seen.at(-1)).toEqual({ operation: 'insert', done: 10_000, total: 10_000 });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('an aborted insert leaves nothing', async () => {
    const { client } = await setup();
    await client.insert({ collection_name: 'p', data: rows(10, 100_000) });
    const ctl = new AbortController();
    const seen: number[] = [];
    const e = await caught(
      client.insert({
        collection_name: 'p',
        data: rows(10_000),
        signal: ctl.signal,
        onProgress: (p) => {
          seen.push(p.done);
          if (p.done >= 4096) ctl.abort();
        },
      }),
    );
    expect(e.code).toBe('Aborted');
    expect(e.details).toMatchObject({ applied: 0 });
    expect((e.details as { rolledBack: number }).rolledBack).toBeGreaterThanOrEqual(4096);
    expect(seen.length).toBeLessThan(5);
    expect((await client.count({ collection_name: 'p' })).data).toBe(10);
    expect((await client.query({ collection_name: 'p', filter: 'id < 100000', limit: 5 })).data).toEqual([]);
    // Still usable, and the same rows insert fine afterwards.
    expect((await client.insert({ collection_name: 'p', data: rows(10_000) })).insert_cnt).toBe('10000');
  });

  it('an already aborted signal rejects before anything is sent', async () => {
    const { client } = await setup();
    const e = await caught(
      client.insert({ collection_name: 'p', data: rows(3), signal: AbortSignal.abort() }),
    );
    expect(e.code).toBe('Aborted');
    expect((await client.count({ collection_name: 'p' })).data).toBe(0);
  });

  it('an aborted upsert keeps the chunks it applied and says so', async () => {
    const { client } = await setup();
    const ctl = new AbortController();
    const e = await caught(
      client.upsert({
        collection_name: 'p',
        data: rows(10_000),
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.done >= 2048) ctl.abort();
        },
      }),
    );
    expect(e.code).toBe('Aborted');
    const applied = (e.details as { applied: number }).applied;
    expect(applied).toBeGreaterThanOrEqual(2048);
    expect((await client.count({ collection_name: 'p' })).data).toBe(applied);
  });

  it('a bad row in a later chunk fails the whole insert with its index in the batch, and nothing stays', async () => {
    const { client } = await setup();
    const data: RowData[] = rows(6000);
    data[5000] = { id: 5000, vector: vectors(1, dim - 1)[0] };
    const e = await caught(client.insert({ collection_name: 'p', data, onProgress: () => {} }));
    expect(e.code).toBe('DimensionMismatch');
    expect(e.message).toContain('row 5000');
    expect((await client.count({ collection_name: 'p' })).data).toBe(0);
    const dup = rows(5000);
    dup[4500] = { ...dup[4500]!, id: 7 };
    const d = await caught(client.insert({ collection_name: 'p', data: dup, onProgress: () => {} }));
    expect(d.code).toBe('DuplicatePrimaryKey');
    expect(d.message).toBe(
      'invalid parameter data[4500]: expected unique primary keys in one insert, got "7" twice',
    );
  });

  it('a chunked upsert that repeats a key in a later chunk keeps the last row, as one call would', async () => {
    const { client } = await setup();
    const data: RowData[] = rows(6000);
    const last = vectors(1, dim)[0]!;
    data[5500] = { id: 7, vector: last };
    const res = await client.upsert({ collection_name: 'p', data, onProgress: () => {} });
    expect(res.upsert_cnt).toBe('6000');
    expect((await client.count({ collection_name: 'p' })).data).toBe(5999);
    const got = await client.get({ collection_name: 'p', ids: [7], output_fields: ['vector'] });
    expect(got.data[0]!.vector).toEqual(Array.from(Float32Array.from(last)));
  });

  it('calls queue behind a chunked insert and see all of it', async () => {
    const { client } = await setup();
    const ins = client.insert({ collection_name: 'p', data: rows(8000), onProgress: () => {} });
    const count = client.count({ collection_name: 'p' });
    await ins;
    expect((await count).data).toBe(8000);
  });
});

describe('worker client: a dying worker', () => {
  it('terminate() rejects calls in flight with WorkerTerminated; the next call starts a new worker', async () => {
    const { client, wc, made } = await workerClient();
    await client.createCollection({ collection_name: 'a', dimension: 4 });
    const pending = client.insert({
      collection_name: 'a',
      data: Array.from({ length: 5000 }, (_, i) => ({ id: i, vector: [1, 2, 3, i] })),
      onProgress: () => wc.terminate(),
    });
    const e = await caught(pending);
    expect(e.code).toBe('WorkerTerminated');
    expect(made[0]!.terminated).toBe(true);
    // Auto restart: a fresh memory:// engine.
    expect((await client.hasCollection({ collection_name: 'a' })).value).toBe(false);
    expect(made).toHaveLength(2);
    await client.createCollection({ collection_name: 'a', dimension: 4 });
    expect(
      (await client.insert({ collection_name: 'a', data: [{ id: 1, vector: [1, 2, 3, 4] }] })).insert_cnt,
    ).toBe('1');
  });

  it('a crash (error event) rejects calls in flight and terminates the worker', async () => {
    const { client, wc, made } = await workerClient({ restartWorker: false });
    await client.createCollection({ collection_name: 'a', dimension: 4 });
    const pending = client.insert({
      collection_name: 'a',
      data: Array.from({ length: 5000 }, (_, i) => ({ id: i, vector: [1, 2, 3, i] })),
      onProgress: () => made[0]!.crash('out of memory'),
    });
    const e = await caught(pending);
    expect(e.code).toBe('WorkerTerminated');
    expect(e.message).toContain('out of memory');
    expect(made[0]!.terminated).toBe(true);
    // restartWorker: false — calls keep failing until restart().
    expect((await caught(client.listCollections())).code).toBe('WorkerTerminated');
    await client.restart();
    expect((await client.listCollections()).collection_names).toEqual([]);
    expect(wc.worker).toBe(made[1]);
  });

  it('a Worker instance (not a factory) cannot be restarted', async () => {
    const w = fakeWorker();
    const client = new MilvusClient({ uri: 'memory://', worker: w as unknown as Worker });
    expect((await client.listCollections()).collection_names).toEqual([]);
    const wc = (await client.client()) as unknown as WorkerClient;
    wc.terminate();
    expect(w.terminated).toBe(true);
    const e = await caught(client.listCollections());
    expect(e.code).toBe('WorkerTerminated');
    expect(e.message).toContain('function');
  });

  it('an iterator belongs to its worker', async () => {
    const { client, wc } = await workerClient();
    await client.createCollection({ collection_name: 'a', dimension: 4 });
    await client.insert({
      collection_name: 'a',
      data: Array.from({ length: 30 }, (_, i) => ({ id: i, vector: [1, 2, 3, i] })),
    });
    const it = (await client.queryIterator({ collection_name: 'a', batchSize: 10 }))[Symbol.asyncIterator]();
    expect((await it.next()).value).toHaveLength(10);
    await wc.restart();
    expect((await caught(it.next())).code).toBe('WorkerTerminated');
  });

  it('a backend that cannot open rejects with its own error and stops the worker', async () => {
    const workers: FakeWorker[] = [];
    const client = new MilvusClient({
      uri: 'memory://',
      device: 'webgpu', // Node: no adapter
      worker: () => {
        const w = fakeWorker();
        workers.push(w);
        return w as unknown as Worker;
      },
    });
    const e = await caught(client.listCollections());
    expect(e.code).toBe('IllegalArgument');
    expect(e.details).toMatchObject({ param: 'device' });
    expect(workers.map((w) => w.terminated)).toEqual([true]);
  });

  it('worker: true needs Web Workers (Node has none)', async () => {
    const e = await caught(new MilvusClient({ uri: 'memory://', worker: true }).listCollections());
    expect(e.code).toBe('Unavailable');
  });
});
