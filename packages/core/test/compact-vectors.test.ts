import 'fake-indexeddb/auto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { CompactVectorColumn } from '../src/collection/compact-vector-column.js';
import { toCompactVector } from '../src/collection/compact-vectors.js';
import { bf16Bits, decodeBf16, decodeF16, f16Bits } from '../src/collection/half-float.js';
import { MilvusClient } from '../src/index.js';
import { createKernels } from '../src/kernels/index.js';
import { DataType, type FieldSchema } from '../src/schema/types.js';
import { openIdbClient } from '../src/storage/index.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { rng } from './index-helpers.js';
import { dump, expectError, openOn } from './storage-helpers.js';

// Float16Vector, BFloat16Vector and Int8Vector: the SDK's conversions bit for bit, the compact codes as
// the stored form, query output in the SDK's shape, exact FLAT search over the stored precision, and the
// codes surviving upsert, delete, compaction and a reopen.

const PY = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url));
const SDK_BYTES = '@zilliz/milvus2-sdk-node/dist/milvus/utils/Bytes.js';

const dim = 24;
const n = 400;
const r = rng(7);
/** Doubles (not float32 values), so the float16 rounding starts from the double as the SDK's does. */
const floats = Array.from({ length: n }, () => Array.from({ length: dim }, () => (r() - 0.5) * 4));
const ints = Array.from({ length: n }, () => Array.from({ length: dim }, () => Math.floor(r() * 256) - 128));

/** Edge values for the float16 rounding: ties, subnormals, the largest finite values, signed zero. */
const EDGES = [
  0,
  -0,
  1,
  -1,
  0.1,
  1 / 3,
  2 ** -24,
  2 ** -25,
  3 * 2 ** -26,
  2 ** -14,
  2 ** -14 - 2 ** -25,
  65504,
  65519.99,
  -65519,
  1 + 2 ** -11,
  1 + 3 * 2 ** -11,
  2048 + 1,
  2048 + 3,
  1e-8,
  6e-5,
  0.99951171875,
  1234.5678,
  // Rounding through float32 first would land on the tie 1 + 2^-11 and go to even (1); the double is above.
  1 + 2 ** -11 + 2 ** -40,
];

function decoded(type: 'f16' | 'bf16', v: number[]): number[] {
  const bits = Uint16Array.from(v, (x) => (type === 'f16' ? f16Bits(x) : bf16Bits(x)));
  const out = new Float32Array(v.length);
  (type === 'f16' ? decodeF16 : decodeBf16)(bits, 0, v.length, out);
  return Array.from(out);
}

function score(metric: 'L2' | 'IP' | 'COSINE', a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  return metric === 'L2' ? l2 : metric === 'IP' ? dot : dot / Math.sqrt(na * nb);
}

async function setup(metric: 'L2' | 'IP' | 'COSINE', client?: Awaited<ReturnType<typeof openOn>>) {
  const c = client ?? new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'h',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'f16', data_type: DataType.Float16Vector, dim },
      { name: 'bf16', data_type: 'BFloat16Vector', dim },
      { name: 'i8', data_type: DataType.Int8Vector, dim },
      { name: 'tag', data_type: DataType.Int32 },
    ],
    index_params: [
      { field_name: 'f16', index_type: 'FLAT', metric_type: metric },
      { field_name: 'bf16', index_type: 'FLAT', metric_type: metric },
      { field_name: 'i8', index_type: 'HNSW', metric_type: metric, params: { M: 16, efConstruction: 200 } },
    ],
  });
  const { f32ArrayToF16Bytes, f32ArrayToBf16Bytes } = await import(SDK_BYTES);
  await c.insert({
    collection_name: 'h',
    // The SDK's forms, mixed: number arrays, and the byte buffers its helpers make (Buffers, Int8Arrays).
    data: floats.map((v, i) => ({
      id: i,
      f16: i % 3 === 1 ? f32ArrayToF16Bytes(v) : v,
      bf16: i % 3 === 2 ? f32ArrayToBf16Bytes(v) : v,
      i8: i % 2 ? Int8Array.from(ints[i]!) : ints[i],
      tag: i % 4,
    })),
  });
  return c;
}

describe('float16 / bfloat16 conversion', () => {
  it("float16 bits are the SDK's (@petamoriken/float16) and known patterns", async () => {
    const { f32ArrayToF16Bytes } = await import(SDK_BYTES);
    const all = [...EDGES, ...EDGES.map((x) => -x), ...floats.flat()];
    const sdk = new Uint16Array(new Uint8Array(f32ArrayToF16Bytes(all)).buffer);
    expect(Array.from(all, f16Bits)).toEqual(Array.from(sdk));
    expect([1, 65504, 2 ** -24, -0, 0.1, 1 / 3, 1 + 2 ** -11, 1 + 3 * 2 ** -11].map(f16Bits)).toEqual([
      0x3c00, 0x7bff, 0x0001, 0x8000, 0x2e66, 0x3555, 0x3c00, 0x3c02,
    ]);
    // Beyond the largest float16 (it rounds to Infinity) and non-finite values are refused (-1).
    expect([65520, -1e6, Number.NaN, Number.POSITIVE_INFINITY].map(f16Bits)).toEqual([-1, -1, -1, -1]);
  });

  it.skipIf(!existsSync(PY))('float16 bits round to nearest even exactly as numpy does', () => {
    // JSON has no -0: signed zeros are checked against the known pattern above.
    const all = [...EDGES, ...EDGES.map((x) => -x), ...floats.flat()].filter((x) => !Object.is(x, -0));
    const py = spawnSync(
      PY,
      [
        '-c',
        'import sys,json,numpy as np; x=np.array(json.load(sys.stdin),dtype=np.float64); print(json.dumps(x.astype(np.float16).view(np.uint16).tolist()))',
      ],
      { input: JSON.stringify(all), encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(Array.from(all, f16Bits)).toEqual(JSON.parse(py.stdout));
  });

  it("bfloat16 bits are the SDK's (float32, upper 16 bits) and decode back exactly", async () => {
    const { f32ArrayToBf16Bytes, bf16BytesToF32Array, f16BytesToF32Array, f32ArrayToF16Bytes } = await import(
      SDK_BYTES
    );
    const all = [...EDGES, ...EDGES.map((x) => -x), ...floats.flat(), 3e38, -1e-40];
    const sdk = new Uint16Array(new Uint8Array(f32ArrayToBf16Bytes(all)).buffer);
    expect(Array.from(all, bf16Bits)).toEqual(Array.from(sdk));
    expect(decoded('bf16', all)).toEqual(bf16BytesToF32Array(new Uint8Array(f32ArrayToBf16Bytes(all))));
    const finite = all.filter((x) => Math.abs(x) < 65504);
    expect(decoded('f16', finite)).toEqual(f16BytesToF32Array(new Uint8Array(f32ArrayToF16Bytes(finite))));
    expect([1e39, Number.NaN].map(bf16Bits)).toEqual([-1, -1]);
  });
});

describe('Float16Vector, BFloat16Vector, Int8Vector fields', () => {
  for (const metric of ['L2', 'IP', 'COSINE'] as const) {
    it(`${metric}: exact FLAT search over the stored precision, HNSW on int8, filters, by ids`, async () => {
      const c = await setup(metric);
      const q = floats[11]!.map((x) => x * 0.9 + 0.05);
      for (const [field, type] of [
        ['f16', 'f16'],
        ['bf16', 'bf16'],
      ] as const) {
        // The reference quantizes the query and the rows as the SDK would have sent them.
        const qq = decoded(type, q);
        const want = floats
          .map((v, i) => ({ i, s: score(metric, qq, decoded(type, v)) }))
          .sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s));
        const res = (await c.search({ collection_name: 'h', anns_field: field, data: q, limit: 10 }))
          .results as unknown as { id: string; score: number }[];
        expect(res.map((h) => Number(h.id))).toEqual(want.slice(0, 10).map((w) => w.i));
        for (const [k, h] of res.entries()) expect(h.score).toBeCloseTo(want[k]!.s, 4);
        const f = (
          await c.search({ collection_name: 'h', anns_field: field, data: q, limit: 5, filter: 'tag == 2' })
        ).results as unknown as { id: string }[];
        expect(f.map((h) => Number(h.id))).toEqual(
          want
            .filter((w) => w.i % 4 === 2)
            .slice(0, 5)
            .map((w) => w.i),
        );
        const byId = (await c.search({ collection_name: 'h', anns_field: field, ids: [42], limit: 1 }))
          .results as unknown as { id: string }[];
        expect(byId[0]!.id).toBe('42');
      }
      // Int8Vector: HNSW against the brute-force reference (recall), scores exact for the hits it returns.
      const qi = ints[5]!.map((x) => Math.max(-128, Math.min(127, x + 3)));
      const want = ints
        .map((v, i) => ({ i, s: score(metric, qi, v) }))
        .sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s));
      const res = (
        await c.search({ collection_name: 'h', anns_field: 'i8', data: qi, limit: 10, params: { ef: 200 } })
      ).results as unknown as { id: string; score: number }[];
      // Integer vectors tie often: a hit counts when it scores as well as the 10th best (ids may differ).
      const tenth = want[9]!.s;
      const good = res.filter((h) => {
        const s = score(metric, qi, ints[Number(h.id)]!);
        return metric === 'L2' ? s <= tenth + 1e-6 : s >= tenth - 1e-6;
      });
      expect(good.length).toBeGreaterThanOrEqual(9);
      for (const h of res) expect(h.score).toBeCloseTo(score(metric, qi, ints[Number(h.id)]!), 3);
      // An Int8Array query and a byte-buffer query read the same.
      const asTyped = (
        await c.search({ collection_name: 'h', anns_field: 'i8', data: Int8Array.from(qi), limit: 3 })
      ).results as unknown as { id: string }[];
      expect(asTyped.map((h) => h.id)).toEqual(res.slice(0, 3).map((h) => h.id));
    });
  }

  it('range search, group_by, hybrid search and the search iterator work on compact fields', async () => {
    const c = await setup('L2');
    const q = floats[20]!;
    const want = floats
      .map((v, i) => ({ i, s: score('L2', decoded('f16', q), decoded('f16', v)) }))
      .sort((a, b) => a.s - b.s);
    // Bounds off the exact values, so float32 scores cannot round across them.
    const radius = want[30]!.s + 1e-3;
    const lo = want[3]!.s - 1e-3;
    const ranged = (
      await c.search({
        collection_name: 'h',
        anns_field: 'f16',
        data: q,
        limit: 100,
        params: { radius, range_filter: lo },
      })
    ).results as unknown as { id: string }[];
    expect(ranged.map((h) => Number(h.id))).toEqual(
      want.filter((w) => w.s < radius && w.s >= lo).map((w) => w.i),
    );
    const grouped = (
      await c.search({
        collection_name: 'h',
        anns_field: 'f16',
        data: q,
        limit: 4,
        group_by_field: 'tag',
        output_fields: ['tag'],
      })
    ).results as unknown as { tag: number }[];
    expect(grouped.map((h) => h.tag).sort()).toEqual([0, 1, 2, 3]);
    const hybrid = await c.hybridSearch({
      collection_name: 'h',
      data: [
        { anns_field: 'f16', data: q, limit: 5 },
        { anns_field: 'i8', data: ints[20]!, limit: 5, params: { ef: 100 } },
      ],
      rerank: { strategy: 'rrf', params: { k: 60 } },
      limit: 3,
    });
    expect((hybrid.results as unknown as { id: string }[])[0]!.id).toBe('20');
    const pages: string[] = [];
    for await (const page of await c.searchIterator({
      collection_name: 'h',
      anns_field: 'bf16',
      data: floats[30]!,
      batchSize: 7,
      limit: 20,
    }))
      for (const h of page) pages.push(h.id as string);
    expect(pages).toHaveLength(20);
    expect(new Set(pages).size).toBe(20);
    expect(pages[0]).toBe('30');
  });

  it('query and get return numbers, as the SDK does (float16/bfloat16 decoded, int8 as integers)', async () => {
    const c = await setup('L2');
    const got = await c.get({ collection_name: 'h', ids: [0, 1, 2], output_fields: ['f16', 'bf16', 'i8'] });
    for (const row of got.data) {
      const i = Number(row.id);
      expect(Array.isArray(row.f16)).toBe(true);
      expect(row.f16).toEqual(decoded('f16', floats[i]!));
      expect(row.bf16).toEqual(decoded('bf16', floats[i]!));
      expect(row.i8).toEqual(ints[i]);
    }
    // A value read back and written again keeps its bits (the decoded numbers are exact float16 values).
    await c.upsert({ collection_name: 'h', data: [{ ...got.data[0]!, id: 0, tag: 9 }] });
    const again = await c.get({
      collection_name: 'h',
      ids: [0],
      output_fields: ['f16', 'bf16', 'i8', 'tag'],
    });
    expect(again.data[0]).toEqual({ ...got.data[0], tag: 9 });
    // Search hits carry the fields in the same form.
    const hit = (
      await c.search({
        collection_name: 'h',
        anns_field: 'f16',
        data: floats[3]!,
        limit: 1,
        output_fields: ['*'],
      })
    ).results[0] as unknown as Record<string, unknown>;
    expect(hit).toMatchObject({ id: '3', f16: decoded('f16', floats[3]!), i8: ints[3] });
  });

  it('upsert replaces, delete removes, compaction keeps the codes of the rows it keeps', async () => {
    const c = await setup('IP');
    const v = floats[0]!.map((x) => -x);
    await c.upsert({ collection_name: 'h', data: [{ id: 7, f16: v, bf16: v, i8: ints[0], tag: 1 }] });
    const got = await c.get({ collection_name: 'h', ids: [7], output_fields: ['f16', 'i8'] });
    expect(got.data[0]!.f16).toEqual(decoded('f16', v));
    expect(got.data[0]!.i8).toEqual(ints[0]);
    const res = (await c.search({ collection_name: 'h', anns_field: 'f16', data: v, limit: 1 }))
      .results as unknown as {
      id: string;
    }[];
    expect(res[0]!.id).toBe('7');
    // Delete most rows (the collection compacts past 30 % dead once it holds 1024 rows: grow it first).
    const more = Array.from({ length: 800 }, (_, k) => {
      const i = 1000 + k;
      return { id: i, f16: floats[k % n]!, bf16: floats[k % n]!, i8: ints[k % n]!, tag: 0 };
    });
    await c.insert({ collection_name: 'h', data: more });
    await c.delete({ collection_name: 'h', filter: 'id >= 1000 and id < 1600' });
    const after = await c.get({
      collection_name: 'h',
      ids: [7, 5, 1700],
      output_fields: ['f16', 'bf16', 'i8'],
    });
    expect(after.data.map((d) => d.id)).toEqual(['7', '5', '1700']);
    expect(after.data[1]!.bf16).toEqual(decoded('bf16', floats[5]!));
    expect(after.data[2]!.i8).toEqual(ints[700 % n]);
    const top = (await c.search({ collection_name: 'h', anns_field: 'bf16', data: floats[1]!, limit: 3 }))
      .results as unknown as { id: string }[];
    expect(top.map((h) => h.id)).not.toContain('1001');
  });

  it('persists the codes: a reopened database answers the same, from the stored segments and the log', async () => {
    const storage = new MemoryStorage();
    const a = await setup('COSINE', await openOn(storage));
    await a.flush();
    // A write after the seal stays in the log, replayed on open.
    await a.insert({
      collection_name: 'h',
      data: [{ id: 9999, f16: floats[1]!, bf16: floats[2]!, i8: ints[3]!, tag: 0 }],
    });
    const q = floats[9]!;
    const before = await a.search({
      collection_name: 'h',
      anns_field: 'f16',
      data: q,
      limit: 5,
      output_fields: ['*'],
    });
    const state = await dump(a);
    await a.closeConnection();
    const b = await openOn(storage);
    expect(await dump(b)).toEqual(state);
    expect(
      (await b.search({ collection_name: 'h', anns_field: 'f16', data: q, limit: 5, output_fields: ['*'] }))
        .results,
    ).toEqual(before.results);
    const got = await b.get({ collection_name: 'h', ids: [9999], output_fields: ['f16', 'bf16', 'i8'] });
    expect(got.data[0]).toMatchObject({
      f16: decoded('f16', floats[1]!),
      bf16: decoded('bf16', floats[2]!),
      i8: ints[3],
    });
    // Stored as 2 (float16, bfloat16) and 1 (int8) bytes a dimension.
    const seg = (await storage.readAll(['seg/'])).filter(([k]) => /^seg\/\d+\/0\/(f16|bf16|i8)$/.test(k));
    const sizes = Object.fromEntries(
      seg.map(([k, v]) => [k.split('/').pop(), (v as ArrayBuffer).byteLength]),
    );
    const rows = n;
    expect(sizes.f16).toBeLessThanOrEqual(16 + rows * dim * 2 + 8);
    expect(sizes.bf16).toBeLessThanOrEqual(16 + rows * dim * 2 + 8);
    expect(sizes.i8).toBeLessThanOrEqual(16 + rows * dim + 8);
    await b.closeConnection();
  });

  it('idb://: cold open from IndexedDB (sealed segments and a log tail) returns the same codes', async () => {
    const a = new MilvusClient({ uri: 'idb://unit-compact', idleSealMs: 0 });
    await setup('L2', (await a.client()) as never);
    await a.flush();
    await a.upsert({
      collection_name: 'h',
      data: [{ id: 3, f16: floats[8]!, bf16: floats[8]!, i8: ints[8]!, tag: 1 }],
    });
    const q = floats[8]!;
    const search = (c: MilvusClient | Awaited<ReturnType<typeof openIdbClient>>) =>
      Promise.all(
        ['f16', 'bf16', 'i8'].map((field) =>
          c.search({
            collection_name: 'h',
            anns_field: field,
            data: field === 'i8' ? ints[8]! : q,
            limit: 4,
            output_fields: ['*'],
          }),
        ),
      );
    const before = await search(a);
    const state = await dump((await a.client()) as never);
    await a.closeConnection();
    const b = await openIdbClient('idb://unit-compact');
    expect(await dump(b)).toEqual(state);
    expect(await search(b)).toEqual(before);
    const got = await b.get({ collection_name: 'h', ids: [3], output_fields: ['f16', 'bf16', 'i8'] });
    expect(got.data[0]).toEqual({ id: '3', f16: decoded('f16', q), bf16: decoded('bf16', q), i8: ints[8] });
    await b.closeConnection();
  });

  it('bad values and schemas are refused naming the field, what was expected and what came', async () => {
    const c = await setup('L2');
    const ins = (row: Record<string, unknown>) =>
      c.insert({
        collection_name: 'h',
        data: [{ id: 5000, f16: floats[0], bf16: floats[0], i8: ints[0], tag: 0, ...row }],
      });
    const bad = [...floats[0]!];
    bad[3] = 70000;
    expect((await expectError(ins({ f16: bad }), 'DataTypeMismatch')).message).toMatch(
      /field "f16" of row 0: expected finite numbers within float16 range \(±65504\) in the Float16Vector \(index 3\), got 70000/,
    );
    expect((await expectError(ins({ bf16: floats[0]!.slice(1) }), 'DimensionMismatch')).message).toMatch(
      /field "bf16" of row 0: expected a vector of dim 24, got dim 23/,
    );
    expect((await expectError(ins({ f16: new Uint8Array(47) }), 'DataTypeMismatch')).message).toMatch(
      /field "f16" of row 0: expected a Float16Vector of 24 numbers or 48 bytes, got Uint8Array\(47\)/,
    );
    const nanBits = new Uint8Array(48);
    nanBits[1] = 0x7e; // 0x7e00: a float16 NaN
    expect((await expectError(ins({ f16: nanBits }), 'DataTypeMismatch')).message).toMatch(
      /expected finite Float16Vector values \(bits 0x7e00 at index 0\)/,
    );
    const i8 = [...ints[0]!];
    i8[2] = 128;
    expect((await expectError(ins({ i8 }), 'DataTypeMismatch')).message).toMatch(
      /field "i8" of row 0: expected integers in \[-128, 127\] in the Int8Vector \(index 2\), got 128/,
    );
    i8[2] = 1.5;
    expect((await expectError(ins({ i8 }), 'DataTypeMismatch')).message).toMatch(/\(index 2\), got 1.5/);
    expect((await expectError(ins({ i8: 'x' }), 'DataTypeMismatch')).message).toMatch(
      /expected an Int8Vector of 24 integers in \[-128, 127\]/,
    );
    expect((await c.count({ collection_name: 'h' })).data).toBe(n);
    // Queries: the same checks, naming the parameter.
    const s = (field: string, data: unknown) =>
      c.search({ collection_name: 'h', anns_field: field, data: data as number[], limit: 1 });
    expect((await expectError(s('f16', [1, 2]), 'DimensionMismatch')).message).toMatch(
      /data: expected a query vector of dim 24 for field "f16", got dim 2/,
    );
    expect((await expectError(s('i8', i8), 'IllegalArgument')).message).toMatch(
      /data: expected integers in \[-128, 127\] in the Int8Vector \(index 2\) for field "i8", got 1.5/,
    );
    // Schemas: dim required; Int8Vector takes HNSW only (as Milvus); metrics are the float ones.
    const m = new MilvusClient({ uri: 'memory://' });
    const make = (type: number, index: Record<string, unknown>, d: number | null = 8) =>
      m.createCollection({
        collection_name: 'x',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: type as DataType, ...(d === null ? {} : { dim: d }) },
        ],
        index_params: [{ field_name: 'v', ...index }],
      });
    expect(
      (await expectError(make(DataType.Float16Vector, { index_type: 'FLAT' }, null), 'IllegalArgument'))
        .message,
    ).toMatch(/fields\[1\]\.dim/);
    expect(
      (
        await expectError(
          make(DataType.Int8Vector, { index_type: 'FLAT', metric_type: 'L2' }),
          'IllegalArgument',
        )
      ).message,
    ).toMatch(/index_type: expected one of HNSW, AUTOINDEX for a Int8Vector field, got "FLAT"/);
    expect(
      (
        await expectError(
          make(DataType.BFloat16Vector, { index_type: 'FLAT', metric_type: 'HAMMING' }),
          'IllegalArgument',
        )
      ).message,
    ).toMatch(/metric_type: expected one of L2, IP, COSINE for a BFloat16Vector field, got "HAMMING"/);
    expect((await m.hasCollection({ collection_name: 'x' })).value).toBe(false);
    // Float16Vector / BFloat16Vector take the IVF indexes too.
    await make(DataType.Float16Vector, { index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 4 } });
    await m.insert({
      collection_name: 'x',
      data: Array.from({ length: 50 }, (_, i) => ({ id: i, v: floats[i]!.slice(0, 8) })),
    });
    const ivf = (
      await m.search({ collection_name: 'x', data: floats[4]!.slice(0, 8), limit: 1, params: { nprobe: 4 } })
    ).results as unknown as { id: string }[];
    expect(ivf[0]!.id).toBe('4');
  });

  it('describeCollection names the types and their dim', async () => {
    const c = await setup('L2');
    const desc = await c.describeCollection({ collection_name: 'h' });
    const types = Object.fromEntries(desc.schema.fields.map((f) => [f.name, f.data_type]));
    expect(types).toMatchObject({ f16: 'Float16Vector', bf16: 'BFloat16Vector', i8: 'Int8Vector' });
    expect(desc.schema.fields.find((f) => f.name === 'f16')).toMatchObject({ dim: String(dim) });
  });

  it('holds 2 (float16, bfloat16) or 1 (int8) bytes a dimension as the column of record', async () => {
    const kernels = await createKernels('auto');
    const d = 384;
    const rows = 1000;
    for (const [type, bytes] of [
      [DataType.Float16Vector, 2],
      [DataType.BFloat16Vector, 2],
      [DataType.Int8Vector, 1],
    ] as const) {
      const field = { name: 'v', data_type: type, dim: d } as FieldSchema;
      const col = new CompactVectorColumn(field, kernels.createColumn(d));
      const v = Array.from({ length: d }, (_, i) => (i % 100) - 50);
      for (let k = 0; k < rows; k++) col.push(toCompactVector(v, field, k));
      expect(col.data().byteLength / rows).toBe(bytes * d);
      expect(col.bytesPerRow()).toEqual({ codes: bytes * d, scan: 4 * d });
      // The float32 scan copy (what the kernels read) is still held beside the codes.
      expect(col.scan.data().subarray(0, rows * d).byteLength / rows).toBe(4 * d);
      expect(Array.from(col.scan.get(rows - 1))).toEqual(v);
    }
  });
});

// The compact vector support is a lazy chunk: each "realm" is a fresh module graph (vi.resetModules), as a
// new tab or a reopened page would have.
describe('compact vector support loads on demand', () => {
  async function freshRealm() {
    vi.resetModules();
    const helpers = await import('./storage-helpers.js');
    const lazy = await import('../src/indexes/lazy-indexes.js');
    const loaded = () => {
      try {
        lazy.compactModule();
        return true;
      } catch (e) {
        expect((e as { code?: string }).code).toBe('UnexpectedError');
        return false;
      }
    };
    return { ...helpers, loaded };
  }
  const schema = {
    collection_name: 'h',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: 'float16vector', dim: 4 },
    ],
    index_params: { field_name: 'v', index_type: 'FLAT', metric_type: 'L2' },
  };
  const rows = [
    { id: 1, v: [1, 2, 3, 4] },
    { id: 2, v: [0.1, 0.2, 0.3, 0.4] },
  ];

  it('createCollection with such a field loads it; other collections never do', async () => {
    const realm = await freshRealm();
    const c = await realm.openOn(new MemoryStorage());
    await c.createCollection({ collection_name: 'plain', dimension: 2 });
    expect(realm.loaded()).toBe(false);
    await c.createCollection(schema as never);
    expect(realm.loaded()).toBe(true);
    await c.insert({ collection_name: 'h', data: rows });
    expect((await c.get({ collection_name: 'h', ids: [1], output_fields: ['v'] })).data[0]!.v).toEqual([
      1, 2, 3, 4,
    ]);
    await c.closeConnection();
  });

  it('a follower tab in a fresh realm loads it for a collection the writer creates', async () => {
    const storage = new MemoryStorage();
    const first = await freshRealm();
    const coordination = {
      locks: new first.FakeLocks(),
      channel: (name: string) => new BroadcastChannel(name),
    };
    const name = `compact-${Math.random()}`;
    const leader = await first.openOn(storage, { coordination, name });
    const second = await freshRealm();
    const follower = await second.openOn(storage, { coordination, name });
    expect(follower.mode).toBe('follower');
    expect(second.loaded()).toBe(false);
    await leader.createCollection(schema as never);
    await leader.insert({ collection_name: 'h', data: rows });
    await vi.waitFor(async () => expect((await follower.count({ collection_name: 'h' })).data).toBe(2));
    expect(second.loaded()).toBe(true);
    expect((await follower.get({ collection_name: 'h', ids: [1], output_fields: ['v'] })).data[0]!.v).toEqual(
      [1, 2, 3, 4],
    );
    await follower.closeConnection();
    await leader.closeConnection();
  });

  it('reopening stored collections (manifest and log tail) in a fresh realm loads it first', async () => {
    const storage = new MemoryStorage();
    const first = await freshRealm();
    const a = await first.openOn(storage);
    await a.createCollection(schema as never);
    await a.insert({ collection_name: 'h', data: rows.slice(0, 1) });
    await a.flush();
    await a.createCollection({ ...schema, collection_name: 'tail' } as never);
    await a.insert({ collection_name: 'tail', data: rows });
    await a.closeConnection();
    const second = await freshRealm();
    expect(second.loaded()).toBe(false);
    const b = await second.openOn(storage);
    expect(second.loaded()).toBe(true);
    expect((await b.get({ collection_name: 'tail', ids: [2], output_fields: ['v'] })).data[0]!.v).toEqual(
      decoded('f16', [0.1, 0.2, 0.3, 0.4]),
    );
    await b.closeConnection();
  });
});
