// Unit tests of the pieces: lossless JSON, row hashing, schema comparison and mapping, the op-log
// recorders (memory and Storage-backed), checkpoint stores, and gRPC URI parsing.
import 'fake-indexeddb/auto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DataType, ElanusError } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore, GrpcClient, parseGrpcUri } from '../src/grpc/index.js';
import {
  Checksum,
  compareSchemas,
  describeSchema,
  MemoryCheckpointStore,
  type OpLogStorage,
  parseJsonLossless,
  recordOps,
  rowHasher,
  StorageOpLog,
  schemaFromDescribe,
  stringifyJson,
  toCreateRequest,
} from '../src/index.js';
import { IdbCheckpointStore } from '../src/sync/checkpoint-idb.js';
import { createRich, localClient, richRow } from './helpers.js';

describe('lossless JSON', () => {
  it('keeps integers beyond 2^53 exact, as strings', () => {
    const v = parseJsonLossless(
      '{"a":9223372036854775807,"b":-9007199254740993,"c":9007199254740991,"d":1.5e300,"s":"12345678901234567890","x":[12345678901234567890]}',
    );
    expect(v).toEqual({
      a: '9223372036854775807',
      b: '-9007199254740993',
      c: 9007199254740991,
      d: 1.5e300,
      s: '12345678901234567890',
      x: ['12345678901234567890'],
    });
    expect(parseJsonLossless('"say \\"9223372036854775807\\""')).toBe('say "9223372036854775807"');
  });

  it('writes bigints as bare integers and typed arrays as arrays', () => {
    expect(
      stringifyJson({ a: 2n ** 63n - 1n, v: Float32Array.from([0.5, 1]), u: undefined, n: null, s: 'x"y' }),
    ).toBe('{"a":9223372036854775807,"v":[0.5,1],"n":null,"s":"x\\"y"}');
  });
});

describe('row hashing', () => {
  it('hashes a row the same whichever way its values travelled', async () => {
    const l = await localClient();
    await createRich(l, 'h');
    const schema = await describeSchema(l, 'h');
    const hash = rowHasher(schema);
    const base = richRow(9);
    // As the SDK or REST would give it back: Int64 as strings, float32-rounded floats, $meta object.
    const travelled = {
      ...base,
      id: '9',
      vec: Array.from(Float32Array.from(base.vec as number[])),
      rating: Math.fround(base.rating as number),
      sp: Object.fromEntries(Object.entries(base.sp as object).map(([k, v]) => [k, Math.fround(v)])),
      nums: (base.nums as number[]).map(String),
      meta: JSON.parse(JSON.stringify(base.meta)),
      $meta: { extra: base.extra },
    };
    delete (travelled as Record<string, unknown>).extra;
    expect(hash(travelled)).toBe(hash(base));
    expect(hash({ ...travelled, title: 'other' })).not.toBe(hash(base));
    expect(hash({ ...travelled, $meta: { extra: { k: 'dyn9', v: 1 } } })).not.toBe(hash(base));
    const a = new Checksum();
    const b = new Checksum();
    for (const h of ['00000001ffffffff', '00000002ffffffff']) a.add(h);
    for (const h of ['00000002ffffffff', '00000001ffffffff']) b.add(h);
    expect(a.toJSON()).toEqual(b.toJSON());
  });
});

describe('schema mapping', () => {
  const sdkDescribe = (over: Record<string, unknown> = {}) =>
    ({
      collection_name: 'c',
      schema: {
        name: 'c',
        enable_dynamic_field: false,
        fields: [
          { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: true, type_params: [] },
          { name: 'v', data_type: 'FloatVector', type_params: [{ key: 'dim', value: '4' }], dim: '4' },
          {
            name: 'txt',
            data_type: 'VarChar',
            type_params: [
              { key: 'max_length', value: '32' },
              { key: 'enable_analyzer', value: 'true' },
            ],
          },
          { name: 'bm', data_type: 'SparseFloatVector', is_function_output: false, type_params: [] },
          { name: 'd', data_type: 'Double', default_value: { double_data: 1.5 }, type_params: [] },
          { name: '$meta', data_type: 'JSON', is_dynamic: true },
          ...((over.extraFields as unknown[]) ?? []),
        ],
        functions: [
          { name: 'f', type: 'BM25', input_field_names: ['txt'], output_field_names: ['bm'], params: [] },
        ],
      },
    }) as never;

  it('reads SDK-shaped descriptions: type params, wrapped defaults, BM25 outputs, no $meta field', () => {
    const s = schemaFromDescribe(sdkDescribe());
    expect(s.fields.map((f) => f.name)).toEqual(['id', 'v', 'txt', 'bm', 'd']);
    expect(s.fields[1]).toMatchObject({ type: 'FloatVector', dim: 4 });
    expect(s.fields[2]).toMatchObject({ maxLength: 32, enableAnalyzer: true });
    expect(s.fields[3]?.functionOutput).toBe(true);
    expect(s.fields[4]?.defaultValue).toBe(1.5);
    const req = toCreateRequest(s, 'c2', { target: 'remote', indexes: [] });
    expect(req.fields?.[0]).toMatchObject({ name: 'id', autoID: false, is_primary_key: true });
    expect(req.functions?.[0]).toMatchObject({
      name: 'f',
      input_field_names: ['txt'],
      output_field_names: ['bm'],
    });
    // Every vector field gets an index so the collection can load.
    expect(
      (req.index_params as { field_name: string; metric_type: string }[]).map((i) => [
        i.field_name,
        i.metric_type,
      ]),
    ).toEqual([
      ['v', 'COSINE'],
      ['bm', 'BM25'],
    ]);
  });

  it('compares field by field', () => {
    const a = schemaFromDescribe(sdkDescribe());
    const b = schemaFromDescribe(
      sdkDescribe({ extraFields: [{ name: 'n', data_type: DataType.Int8, nullable: true }] }),
    );
    b.fields[1]!.dim = 8;
    b.dynamic = true;
    expect(compareSchemas(a, b)).toEqual([
      { field: '', property: 'enable_dynamic_field', local: false, remote: true },
      { field: 'v', property: 'dim', local: 4, remote: 8 },
      { field: 'n', property: 'presence', local: 'missing', remote: 'present' },
    ]);
  });

  it('round-trips a local collection through its create request', async () => {
    const l = await localClient();
    await createRich(l, 'src');
    const s = await describeSchema(l, 'src');
    const l2 = await localClient();
    await l2.createCollection(toCreateRequest(s, 'src', { target: 'local', indexes: [] }));
    expect(compareSchemas(s, await describeSchema(l2, 'src'))).toEqual([]);
  });
});

/** A Map behind the few Storage calls the persisted log uses. */
function mapStorage(): OpLogStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    async read(k) {
      return structuredClone(data.get(k));
    },
    async readMany(ks) {
      return ks.map((k) => structuredClone(data.get(k)));
    },
    async list(prefix) {
      return [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
    async commit(b) {
      for (const [k, v] of b.put ?? []) data.set(k, structuredClone(v));
      for (const k of b.remove ?? []) data.delete(k);
    },
  };
}

describe('op log', () => {
  it('records keys of writes per collection, skips muted writes, truncates', async () => {
    const l = await localClient();
    const log = await recordOps(l);
    expect(await recordOps(l)).toBe(log);
    await createRich(l, 'a');
    await l.insert({ collection_name: 'a', data: [richRow(1), richRow(2)] });
    await log.mute(() => l.upsert({ collection_name: 'a', data: [richRow(3)] }));
    await l.delete({ collection_name: 'a', ids: [1] });
    const entries = await log.read('a', 0);
    expect(entries.map((e) => [e.kind, e.keys])).toEqual([
      ['reset', []],
      ['upsert', ['1', '2']],
      ['delete', ['1']],
    ]);
    expect(log.covers('a', 0)).toBe(true);
    await log.truncate('a', entries[1]!.seq);
    expect((await log.read('a', 0)).map((e) => e.kind)).toEqual(['delete']);
    expect(log.covers('a', 0)).toBe(false);
    expect(log.covers('a', entries[1]!.seq)).toBe(true);
    await log.close();
  });

  it('a recorder started after writes does not vouch for them', async () => {
    const l = await localClient();
    await createRich(l, 'a');
    const log = await recordOps(l);
    expect(log.covers('a', 0)).toBe(false);
    await log.close();
  });

  it('persists through Storage, survives a reopen, and marks writes it missed as a gap', async () => {
    const storage = mapStorage();
    const l = await localClient();
    const log = await recordOps(l, { storage });
    await createRich(l, 'a');
    await l.insert({ collection_name: 'a', data: [richRow(1)] });
    await (log as StorageOpLog).flushed();
    const id = log.id;
    await log.close();
    // Same engine, nothing missed: the reopened log continues.
    const again = await StorageOpLog.open(l, storage);
    expect(again.id).toBe(id);
    expect((await again.read('a', 0)).map((e) => e.kind)).toEqual(['reset', 'upsert']);
    expect(again.covers('a', 0)).toBe(true);
    await again.close();
    // The engine wrote while the recorder was away (another listener, like idb persistence, saw it):
    // the old entries no longer cover the present.
    const persistence = l.engine.onWrite(() => {});
    await l.insert({ collection_name: 'a', data: [richRow(2)] });
    persistence();
    const gap = await StorageOpLog.open(l, storage);
    expect(gap.covers('a', again.lastSeq)).toBe(false);
    expect(gap.covers('a', gap.lastSeq)).toBe(true);
    await gap.close();
    expect([...storage.data.keys()].every((k) => k.startsWith('sync/oplog/'))).toBe(true);
  });

  it('needs a LocalClient', async () => {
    await expect(recordOps({} as never)).rejects.toBeInstanceOf(ElanusError);
  });
});

describe('checkpoint stores', () => {
  it('memory, IndexedDB (idb-keyval) and files keep JSON values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elanus-cp-'));
    try {
      for (const store of [
        new MemoryCheckpointStore(),
        new IdbCheckpointStore('elanus-sync-test'),
        new FileCheckpointStore(dir),
      ]) {
        expect(await store.load('k|x/y')).toBeUndefined();
        await store.save('k|x/y', { v: 1, pass: { last: '12' } });
        expect(await store.load('k|x/y')).toEqual({ v: 1, pass: { last: '12' } });
        await store.remove('k|x/y');
        expect(await store.load('k|x/y')).toBeUndefined();
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gRPC URIs', () => {
  it('requires the port and knows TLS schemes', () => {
    expect(parseGrpcUri('grpc://localhost:19530')).toEqual({
      address: 'localhost:19530',
      ssl: false,
      host: 'localhost',
      port: '19530',
    });
    expect(parseGrpcUri('https://db.example:443').ssl).toBe(true);
    expect(parseGrpcUri('127.0.0.1:1234').address).toBe('127.0.0.1:1234');
    expect(() => parseGrpcUri('http://localhost')).toThrow(/explicit port/);
    expect(() => parseGrpcUri('ftp://x:1')).toThrow(/grpc:\/\//);
  });

  it('never shows the token', () => {
    const c = new GrpcClient({ uri: 'grpc://db.example:19530', token: 'root:very-secret' });
    expect(c.identity).toBe('grpc://db.example:19530/default');
    expect(JSON.stringify(c)).not.toContain('very-secret');
    expect(inspect(c, { depth: 5 })).not.toContain('very-secret');
  });
});

describe('GrpcClient error mapping', () => {
  const withSdk = (sdk: Record<string, unknown>) => {
    const c = new GrpcClient({ uri: 'grpc://127.0.0.1:1' });
    (c as unknown as { sdkClient: unknown }).sdkClient = sdk;
    return c;
  };

  it('a status object the SDK throws becomes an ElanusError with the server reason and code', async () => {
    const c = withSdk({
      async createCollection() {
        throw {
          error_code: 'UnexpectedError',
          reason: 'field data type SparseFloatVector is not supported',
          code: 1100,
        };
      },
    });
    const e = await c.createCollection({ collection_name: 'x', dimension: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).message).toBe(
      'createCollection: field data type SparseFloatVector is not supported',
    );
    expect((e as ElanusError).code).toBe('IllegalArgument');
    expect((e as ElanusError & { status: number }).status).toBe(1100);
  });

  it('any other thrown non-Error is shown as JSON, never as [object Object]', async () => {
    const c = withSdk({
      async hasCollection() {
        throw { weird: true };
      },
    });
    const e = await c.hasCollection({ collection_name: 'x' }).catch((x: unknown) => x);
    expect((e as Error).message).toBe('hasCollection: {"weird":true}');
  });
});
