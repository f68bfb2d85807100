// Inputs a careless or hostile user reaches (issue 15, defects 3-7): each one is refused with a message that
// names the field, the row and the place, or stored faithfully; a refused batch writes nothing.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ElanusError, MilvusClient } from '../src/index.js';
import { fakeWorker } from './worker-support.js';

async function rejection(p: Promise<unknown>): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ElanusError);
  return e as ElanusError;
}

async function collection(options: Record<string, unknown> = {}) {
  const c = new MilvusClient({ uri: 'memory://', ...options });
  await c.createCollection({
    collection_name: 'c',
    enable_dynamic_field: true,
    fields: [
      { name: 'pk', data_type: 'Int64', is_primary_key: true },
      { name: 'j', data_type: 'JSON' },
      { name: 's', data_type: 'VarChar', max_length: 100 },
      { name: 'f', data_type: 'Float' },
      { name: 'v', data_type: 'FloatVector', dim: 3 },
    ],
    index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'IP' }],
  } as never);
  await c.insert({ collection_name: 'c', data: [{ pk: 1, j: {}, s: 'ok', f: 1, v: [1, 0, 0] }] });
  return c;
}
const row = (o: object) => ({ pk: 2, j: {}, s: 'x', f: 0, v: [0, 1, 0], ...o });
const count = async (c: MilvusClient) => (await c.count({ collection_name: 'c' })).data;

describe('numbers beyond float32 (defect 3)', () => {
  it.each([
    [
      'v',
      { v: [1e39, 0, 0] },
      /"v" of row 1: expected numbers within float32 range \(±3\.4e38\) in the vector \(index 0\), got 1e\+39/,
    ],
    ['f', { f: -1e39 }, /"f" of row 1: expected a Float within float32 range/],
  ])(
    'insert of %s refuses 1e39 (it would be stored as Infinity) and writes nothing',
    async (_f, bad, msg) => {
      const c = await collection();
      const e = await rejection(c.insert({ collection_name: 'c', data: [row({ pk: 3 }), row(bad)] }));
      expect(e.code).toBe('DataTypeMismatch');
      expect(e.message).toMatch(msg);
      expect(await count(c)).toBe(1);
    },
  );

  it.each([
    [[1e39, 0, 0], '1e+39 at index 0'],
    [[0, Number.NaN, 0], 'NaN at index 1'],
    [[0, 0, Number.POSITIVE_INFINITY], 'Infinity at index 2'],
    [[0, '1', 0], 'string at index 1'],
  ])('a query vector %o is refused naming the element, never []', async (q, got) => {
    const c = await collection();
    const e = await rejection(c.search({ collection_name: 'c', data: q as number[], limit: 1 }));
    expect(e.code).toBe('IllegalArgument');
    expect(e.message).toBe(
      `invalid parameter data: expected finite numbers within float32 range (±3.4e38) in the query vector, got ${got}`,
    );
  });
});

describe('JSON values (defects 4, 5, 6)', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  it.each([
    ['a function', { j: { f: () => 1 } }, 'expected a JSON value at j["f"], got a function'],
    ['a cycle', { j: circular }, 'expected a JSON value at j["self"], got a circular reference'],
    [
      'a BigInt',
      { j: { n: [1, 2n] } },
      'expected a JSON value (JSON has no BigInt: pass a number or a string) at j["n"][1], got 2n',
    ],
    ['NaN', { j: { x: Number.NaN } }, 'expected a finite number at j["x"], got NaN'],
    [
      'a lone surrogate',
      { j: { t: 'a\ud800' } },
      'expected valid UTF-16 text at j["t"], got a lone surrogate at index 1',
    ],
    ['a dynamic function', { extra: () => 1 }, 'expected a JSON value at extra, got a function'],
  ])('refuses %s with its path', async (_what, bad, msg) => {
    const c = await collection();
    const e = await rejection(c.insert({ collection_name: 'c', data: [row(bad)] }));
    expect(e.code).toBe('DataTypeMismatch');
    expect(e.message).toContain(msg);
    expect(await count(c)).toBe(1);
  });

  it('caps a JSON value and the dynamic field at 64 KiB as the server does; maxJsonBytes moves the cap', async () => {
    const c = await collection();
    const big = 'x'.repeat(70_000);
    for (const bad of [{ j: { big } }, { extra: big }, { a: 'y'.repeat(40_000), b: 'z'.repeat(40_000) }]) {
      const e = await rejection(c.insert({ collection_name: 'c', data: [row(bad)] }));
      expect(e.code).toBe('MaxLengthExceeded');
      expect(e.message).toMatch(
        /expected a JSON value of at most 65536 bytes \(maxJsonBytes\), got \d+ bytes/,
      );
    }
    const roomy = await collection({ maxJsonBytes: 200_000 });
    await roomy.insert({ collection_name: 'c', data: [row({ j: { big } })] });
    expect(await count(roomy)).toBe(2);
  });

  it('stores what JSON can hold faithfully: toJSON values, dropped undefined, a __proto__ key', async () => {
    const c = await collection();
    const when = new Date('2026-01-02T03:04:05Z');
    const input = JSON.parse(
      '{"pk": 9, "j": {"__proto__": {"x": 1}}, "s": "😀", "f": 0, "v": [0, 0, 1], "__proto__": 5}',
    );
    await c.insert({ collection_name: 'c', data: [input, row({ pk: 10, j: { when, gone: undefined } })] });
    const got = await c.get({ collection_name: 'c', ids: [9, 10], output_fields: ['j', 's', '$meta'] });
    const [a, b] = got.data as Record<string, unknown>[];
    expect(Object.keys(a!.j as object)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(a!.j, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(a!.j)).toBe(Object.prototype);
    expect(Object.keys(a!.$meta as object)).toEqual(['__proto__']);
    expect(a!.s).toBe('😀');
    expect(b!.j).toEqual({ when: '2026-01-02T03:04:05.000Z' });
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // no prototype was polluted
  });

  it('a VarChar with a lone surrogate is refused (it has no UTF-8 encoding)', async () => {
    const c = await collection();
    const e = await rejection(c.insert({ collection_name: 'c', data: [row({ s: '\udc00ab' })] }));
    expect(e.message).toContain('"s" of row 0: expected valid UTF-16 text (a lone surrogate at index 0)');
  });

  it('in worker mode an uncloneable value is a DataTypeMismatch, not a raw DataCloneError', async () => {
    const client = new MilvusClient({ uri: 'memory://', worker: () => fakeWorker() as unknown as Worker });
    await client.createCollection({ collection_name: 'w', dimension: 2 } as never);
    const e = await rejection(
      client.insert({ collection_name: 'w', data: [{ id: 1, vector: [0, 1], extra: { f: () => 1 } }] }),
    );
    expect(e.code).toBe('DataTypeMismatch');
    expect(e.message).toMatch(/cannot be sent to the engine worker/);
    // The worker is still there and the client still works.
    await client.insert({ collection_name: 'w', data: [{ id: 1, vector: [0, 1] }] });
    expect((await client.count({ collection_name: 'w' })).data).toBe(1);
    await client.closeConnection();
  });
});

describe('secrets (defect 7)', () => {
  it('JSON.stringify, console.log and config never show the token or a password', () => {
    const c = new MilvusClient({
      uri: 'https://user:pw-123@db.example:19530',
      token: 'tok-secret',
      password: 'p4ss',
    });
    for (const shown of [JSON.stringify(c), inspect(c, { depth: 5 }), JSON.stringify(c.config)]) {
      expect(shown).not.toContain('tok-secret');
      expect(shown).not.toContain('pw-123');
      expect(shown).not.toContain('p4ss');
    }
    expect(c.config).toEqual({ uri: 'https://user:***@db.example:19530', token: '***', password: '***' });
  });
});
