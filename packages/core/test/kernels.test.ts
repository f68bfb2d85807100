import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM build script without types
import { buildWasm, renderModule } from '../scripts/build-wasm.mjs';
import { seededRandom } from '../src/indexes/kmeans.js';
import {
  createKernels,
  JsKernels,
  JsVectorColumn,
  type Kernels,
  kernelsWasmBytes,
  simdSupported,
  type WasmVectorColumn,
} from '../src/kernels/index.js';
import type { DenseMetric } from '../src/kernels/types.js';

/** Seeded uniform generator, so failures reproduce. */
const rng = seededRandom;

function randomRows(n: number, dim: number, seed: number, positive = false): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = positive ? r() : r() * 2 - 1;
  return out;
}

function naive(metric: DenseMetric, q: Float32Array, v: Float32Array): number {
  let dot = 0;
  let qq = 0;
  let vv = 0;
  let l2 = 0;
  for (let i = 0; i < q.length; i++) {
    dot += q[i]! * v[i]!;
    qq += q[i]! * q[i]!;
    vv += v[i]! * v[i]!;
    l2 += (q[i]! - v[i]!) ** 2;
  }
  if (metric === 'L2') return l2;
  if (metric === 'IP') return dot;
  return qq > 0 && vv > 0 ? dot / Math.sqrt(qq * vv) : 0;
}

const relErr = (a: number, b: number, scale: number) => Math.abs(a - b) / Math.max(scale, 1e-30);

describe('kernels', () => {
  it('detects SIMD and picks wasm under auto in Node', async () => {
    expect(simdSupported()).toBe(true);
    expect((await createKernels()).kind).toBe('wasm');
    expect((await createKernels('js')).kind).toBe('js');
    expect((await createKernels('wasm')).kind).toBe('wasm');
    await expect(createKernels('gpu' as 'js')).rejects.toMatchObject({ code: 'IllegalArgument' });
  });

  it('the committed wasm is what scripts/build-wasm.mjs assembles from kernels.wat', async () => {
    const built = (await buildWasm()) as { kernels: Uint8Array<ArrayBuffer>; probe: Uint8Array<ArrayBuffer> };
    expect(Buffer.from(kernelsWasmBytes()).equals(Buffer.from(built.kernels))).toBe(true);
    const src = readFileSync(new URL('../src/kernels/kernels-wasm.generated.ts', import.meta.url), 'utf8');
    expect(src).toBe(renderModule(built));
    expect(WebAssembly.validate(built.kernels)).toBe(true);
  });

  it('dot and l2sq agree between wasm, js and a double-precision reference', async () => {
    const w = await createKernels('wasm');
    const j = new JsKernels();
    for (const dim of [1, 3, 4, 7, 15, 16, 17, 33, 128, 384, 1000]) {
      const [a, b] = [randomRows(1, dim, dim, true), randomRows(1, dim, dim + 1, true)];
      const refDot = naive('IP', a, b);
      const refL2 = naive('L2', a, b);
      expect(relErr(w.dot(a, b), refDot, refDot)).toBeLessThan(1e-5);
      expect(relErr(j.dot(a, b), refDot, refDot)).toBeLessThan(1e-6);
      expect(relErr(w.l2sq(a, b), refL2, refL2)).toBeLessThan(1e-5);
      expect(relErr(j.l2sq(a, b), refL2, refL2)).toBeLessThan(1e-6);
    }
  });

  for (const metric of ['IP', 'COSINE', 'L2'] as const) {
    it(`${metric}: wasm and js scans agree within 1e-5 relative error`, async () => {
      const kernels: Kernels[] = [await createKernels('wasm'), new JsKernels()];
      for (const dim of [5, 16, 31, 128, 384]) {
        const n = 300;
        // Mixed-sign data: a dot product can cancel to ~0, so relative error is taken against
        // |q|·|v| (the natural scale of a dot product); L2 has no cancellation.
        const rows = randomRows(n, dim, 7 * dim);
        const q = randomRows(1, dim, 99);
        const results = kernels.map((k) => {
          const col = k.createColumn(dim);
          col.pushMany(rows, n);
          const s = k.scanner(col, metric);
          s.setQuery(q);
          const range = new Float32Array(n);
          s.scoreRange(0, n, range);
          const ids = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
          const gathered = new Float32Array(n);
          s.scoreRows(ids, n, gathered);
          const buf = s.idBuffer();
          buf.set(ids.subarray(0, 10));
          s.scoreBuffered(10);
          const buffered = s.scoreBuffer().slice(0, 10);
          const single = s.score(17);
          const pair = s.pair(3, 11);
          s.setQueryRow(5);
          const fromRow = new Float32Array(n);
          s.scoreRange(0, n, fromRow);
          return { range, gathered, buffered, single, pair, fromRow };
        });
        const [wr, jr] = results as [(typeof results)[0], (typeof results)[0]];
        for (let i = 0; i < n; i++) {
          const v = rows.subarray(i * dim, (i + 1) * dim);
          const ref = naive(metric, q, v);
          const scale =
            metric === 'L2'
              ? ref
              : metric === 'COSINE'
                ? 1
                : Math.sqrt(naive('IP', q, q) * naive('IP', v, v));
          expect(relErr(wr.range[i]!, ref, scale)).toBeLessThan(1e-5);
          expect(relErr(wr.range[i]!, jr.range[i]!, scale)).toBeLessThan(1e-5);
          expect(wr.gathered[n - 1 - i]).toBe(wr.range[i]);
          expect(jr.gathered[n - 1 - i]).toBe(jr.range[i]);
          const r5 = naive(metric, rows.subarray(5 * dim, 6 * dim), v);
          expect(relErr(wr.fromRow[i]!, r5, metric === 'L2' ? r5 : scale)).toBeLessThan(1e-4);
          expect(relErr(wr.fromRow[i]!, jr.fromRow[i]!, metric === 'L2' ? r5 : scale)).toBeLessThan(1e-4);
        }
        expect(Array.from(wr.buffered)).toEqual(Array.from(wr.gathered.subarray(0, 10)));
        // The one-shot Kernels scans agree with the scanners.
        for (const [ki, k] of kernels.entries()) {
          const col = k.createColumn(dim);
          col.pushMany(rows, n);
          const o = new Float32Array(n);
          k.scanRange(col, metric, q, 0, n, o);
          expect(Array.from(o)).toEqual(Array.from(ki === 0 ? wr.range : jr.range));
          const g = new Float32Array(3);
          k.scanRows(col, metric, q, [7, 2, 9], 3, g);
          expect(Array.from(g)).toEqual([o[7], o[2], o[9]]);
        }
        expect(wr.single).toBe(wr.range[17]);
        expect(relErr(wr.pair, jr.pair, metric === 'L2' ? Math.abs(jr.pair) : dim)).toBeLessThan(1e-5);
      }
    });
  }

  it('positive data: wasm vs js relative error below 1e-5 for every metric', async () => {
    const w = await createKernels('wasm');
    const j = new JsKernels();
    const dim = 384;
    const n = 500;
    const rows = randomRows(n, dim, 3, true);
    const q = randomRows(1, dim, 4, true);
    for (const metric of ['IP', 'COSINE', 'L2'] as const) {
      const out = [w, j].map((k) => {
        const col = k.createColumn(dim);
        col.pushMany(rows, n);
        const s = k.scanner(col, metric);
        s.setQuery(q);
        const o = new Float32Array(n);
        s.scoreRange(0, n, o);
        return o;
      });
      for (let i = 0; i < n; i++) {
        expect(relErr(out[0]![i]!, out[1]![i]!, Math.abs(out[1]![i]!))).toBeLessThan(1e-5);
      }
    }
  });

  it('wasm column: growth re-derives views, norms survive, data() reflects pushes', async () => {
    const k = await createKernels('wasm');
    const dim = 100;
    const col = k.createColumn(dim) as WasmVectorColumn;
    const s = k.scanner(col, 'COSINE');
    const rows = randomRows(5000, dim, 11);
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 5000; i++) {
      col.push(rows.subarray(i * dim, (i + 1) * dim));
      buffers.add(col.data().buffer);
    }
    expect(buffers.size).toBeGreaterThan(3); // memory.grow happened several times
    expect(col.length).toBe(5000);
    expect(Array.from(col.get(4321))).toEqual(Array.from(rows.subarray(4321 * dim, 4322 * dim)));
    expect(col.data().length).toBe(5000 * dim);
    expect(Array.from(col.data().subarray(0, dim))).toEqual(Array.from(rows.subarray(0, dim)));
    s.setQueryRow(0);
    expect(s.score(0)).toBeCloseTo(1, 5);
    const js = new JsVectorColumn(dim);
    js.pushMany(rows, 5000);
    for (const r of [0, 1, 63, 64, 65, 4999]) expect(col.invNorm(r)).toBe(js.invNorm(r));
    // Scratch views were valid before growth; fetching them again after growth works.
    const ids = s.idBuffer();
    ids[0] = 4999;
    s.scoreBuffered(1);
    expect(s.scoreBuffer()[0]).toBeCloseTo(s.score(4999), 6);
  });

  it('columns compact in place and keep norms aligned', async () => {
    for (const k of [await createKernels('wasm'), new JsKernels()]) {
      const dim = 8;
      const col = k.createColumn(dim);
      const rows = randomRows(50, dim, 5);
      col.pushMany(rows, 50);
      const keep = Int32Array.from([1, 2, 10, 49]);
      const norms = Array.from(keep, (r) => col.invNorm(r));
      col.compact(keep);
      expect(col.length).toBe(4);
      keep.forEach((old, i) => {
        expect(Array.from(col.get(i))).toEqual(Array.from(rows.subarray(old * dim, (old + 1) * dim)));
        expect(col.invNorm(i)).toBe(norms[i]);
      });
      expect(() => col.push([1, 2])).toThrow(expect.objectContaining({ code: 'DimensionMismatch' }));
    }
  });

  it('a foreign column is scanned through data()', async () => {
    const k = await createKernels('wasm');
    const dim = 12;
    const rows = randomRows(20, dim, 8);
    const plain = new JsVectorColumn(dim);
    plain.pushMany(rows, 20);
    const wcol = k.createColumn(dim);
    wcol.pushMany(rows, 20);
    const a = k.scanner(plain, 'COSINE');
    const b = k.scanner(wcol, 'COSINE');
    const q = randomRows(1, dim, 9);
    a.setQuery(q);
    b.setQuery(q);
    for (let r = 0; r < 20; r++) expect(a.score(r)).toBeCloseTo(b.score(r), 5);
  });
});
