import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/indexes/flat.js';
import { createKernels } from '../src/kernels/index.js';
import type { Kernels } from '../src/kernels/types.js';
import { Bitset } from '../src/util/bitset.js';
import { bruteTopK, clustered, rng } from './index-helpers.js';

const METRICS = ['L2', 'IP', 'COSINE'] as const;
const kernelsList: Promise<Kernels>[] = [createKernels('wasm'), createKernels('js')];

function randomBitset(n: number, p: number, seed: number): Bitset {
  const r = rng(seed);
  const b = new Bitset(n);
  for (let i = 0; i < n; i++) if (r() < p) b.set(i);
  return b;
}

describe.each(['wasm', 'js'] as const)('FLAT (%s kernels)', (device) => {
  const n = 3000;
  const dim = 24;
  const { data, query } = clustered(n, dim, 11, 16, 0.6);

  async function build(metric: (typeof METRICS)[number]) {
    const k = await kernelsList[device === 'wasm' ? 0 : 1]!;
    const col = k.createColumn(dim);
    col.pushMany(data, n);
    const idx = new FlatIndex(col, k, metric);
    idx.addRange(0, n);
    return { idx, col, k };
  }

  for (const metric of METRICS) {
    it(`${metric}: exact top-k equals a brute-force sort, with Milvus scores`, async () => {
      const { idx } = await build(metric);
      for (let i = 0; i < 20; i++) {
        const q = query(i);
        const got = idx.search(q, 10, null, {});
        const want = bruteTopK(metric, q, data, n, 10);
        expect(Array.from(got.rows)).toEqual(want.rows);
        got.scores.forEach((s, j) => {
          expect(Math.abs(s - want.scores[j]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want.scores[j]!)));
        });
      }
    });

    it(`${metric}: filters passing 60% (scan) and 2% (gather) match brute force; never short`, async () => {
      const { idx } = await build(metric);
      for (const p of [0.6, 0.02, 0.001]) {
        const allow = randomBitset(n, p, 5);
        const q = query(3);
        const got = idx.search(q, 10, allow, {});
        const want = bruteTopK(metric, q, data, n, 10, (r) => allow.has(r));
        expect(Array.from(got.rows)).toEqual(want.rows);
        expect(got.rows.length).toBe(Math.min(10, allow.count()));
      }
    });
  }

  it('range search: L2 returns distances in [range_filter, radius), IP in (radius, range_filter]', async () => {
    const { idx: l2 } = await build('L2');
    const q = query(1);
    const all = bruteTopK('L2', q, data, n, n);
    const radius = all.scores[200]!;
    const rf = all.scores[50]!;
    const got = l2.search(q, 1000, null, { radius, range_filter: rf });
    const want = all.rows.filter((_, i) => all.scores[i]! < radius && all.scores[i]! >= rf);
    expect(new Set(got.rows)).toEqual(new Set(want));
    for (const s of got.scores) expect(s >= Math.fround(rf) && s < Math.fround(radius)).toBe(true);
    const limited = l2.search(q, 10, null, { radius, range_filter: rf });
    expect(Array.from(limited.rows)).toEqual(Array.from(got.rows.subarray(0, 10)));

    const { idx: ip } = await build('IP');
    const allIp = bruteTopK('IP', q, data, n, n);
    const r2 = allIp.scores[300]!;
    const f2 = allIp.scores[20]!;
    const gotIp = ip.search(q, 1000, null, { radius: r2, range_filter: f2 });
    for (const s of gotIp.scores) expect(s > Math.fround(r2) && s <= Math.fround(f2)).toBe(true);
    expect(gotIp.rows.length).toBeGreaterThan(270);
    expect(gotIp.rows.length).toBeLessThan(290);
    expect(() => ip.search(q, 10, null, { radius: 1, range_filter: 0 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'range_filter' } }),
    );
    expect(() => l2.search(q, 10, null, { radius: 1, range_filter: 2 })).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'range_filter' } }),
    );
  });

  it('deletes are skipped; compact renumbers; serialize round-trips', async () => {
    const { idx, col, k } = await build('COSINE');
    const q = query(7);
    const before = idx.search(q, 10, null, {});
    const dead = Array.from(before.rows.subarray(0, 3));
    idx.remove(dead);
    const after = idx.search(q, 10, null, {});
    for (const d of dead) expect(Array.from(after.rows)).not.toContain(d);
    expect(Array.from(after.rows.subarray(0, 7))).toEqual(Array.from(before.rows.subarray(3)));

    const parts = idx.serialize();
    const again = FlatIndex.deserialize(parts, col, k);
    expect(again.search(q, 10, null, {})).toEqual(after);

    const keep = Int32Array.from({ length: n }, (_, i) => i).filter((r) => !dead.includes(r));
    col.compact(keep);
    idx.compact(keep);
    const compacted = idx.search(q, 10, null, {});
    expect(Array.from(compacted.rows, (r) => keep[r])).toEqual(Array.from(after.rows));
    expect(Array.from(compacted.scores)).toEqual(Array.from(after.scores));
  });

  it('k larger than the rows returns them all; empty index returns nothing', async () => {
    const { idx } = await build('L2');
    const allow = randomBitset(n, 0.002, 9);
    expect(idx.search(query(0), 50, allow, {}).rows.length).toBe(allow.count());
    const k = await kernelsList[0]!;
    const empty = new FlatIndex(k.createColumn(dim), k, 'L2');
    expect(empty.search(query(0), 5, null, {}).rows.length).toBe(0);
    expect(() => idx.search(new Float32Array(3), 5, null, {})).toThrow(
      expect.objectContaining({ code: 'DimensionMismatch' }),
    );
  });
});
