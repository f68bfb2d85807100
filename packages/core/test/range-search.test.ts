import { describe, expect, it } from 'vitest';
import { MilvusClient } from '../src/index.js';
import { DataType } from '../src/schema/types.js';
import { clustered } from './index-helpers.js';

// Range search is applied once, inside each index's scan (no pass over the results afterwards): through
// the client, every index type returns only scores within (radius, range_filter] (similarities) or
// [range_filter, radius) (distances), and the exact ones return every such row, as FLAT does.

const n = 1200;
const dim = 8;
const { data, query } = clustered(n, dim, 5, 8, 0.5);
const vec = (i: number) => Array.from(data.subarray(i * dim, i * dim + dim));
const rows = Array.from({ length: n }, (_, i) => ({ id: i, v: vec(i), cat: i % 3 }));

type Hit = { id: string; score: number };

async function collection(index_type: string, metric_type: string, params: Record<string, unknown> = {}) {
  const c = new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim },
      { name: 'cat', data_type: DataType.Int32 },
    ],
    index_params: [{ field_name: 'v', index_type, metric_type, params }],
  });
  await c.insert({ collection_name: 'c', data: rows });
  return c;
}

const CASES = [
  { index_type: 'FLAT', exact: true },
  { index_type: 'HNSW', exact: true, params: { M: 8, efConstruction: 64 } },
  { index_type: 'IVF_FLAT', exact: false, params: { nlist: 8 } },
  { index_type: 'IVF_SQ8', exact: false, params: { nlist: 8 } },
] as const;

describe.each(CASES)('range search on $index_type', ({ index_type, exact, ...rest }) => {
  const params = 'params' in rest ? rest.params : {};
  for (const metric_type of ['L2', 'IP', 'COSINE'] as const) {
    it(`${metric_type}: only in-range scores, with a filter applied inside the scan`, async () => {
      const c = await collection(index_type, metric_type, params);
      const q = Array.from(query(1));
      const all = (
        await c.search({ collection_name: 'c', anns_field: 'v', data: q, limit: n, params: { nprobe: 8 } })
      ).results as Hit[];
      const l2 = metric_type === 'L2';
      // Bounds from the exhaustive ranking: the 20th and 200th scores.
      const inner = all[20]!.score;
      const outer = all[200]!.score;
      const range = l2 ? { radius: outer, range_filter: inner } : { radius: outer, range_filter: inner };
      const inRange = (s: number) => (l2 ? s < outer && s >= inner : s > outer && s <= inner);
      const ranged = (
        await c.search({
          collection_name: 'c',
          anns_field: 'v',
          data: q,
          limit: n,
          filter: 'cat != 1',
          params: { ...range, nprobe: 8 },
        })
      ).results as Hit[];
      expect(ranged.length).toBeGreaterThan(0);
      for (const h of ranged) {
        expect(inRange(h.score)).toBe(true);
        expect(Number(h.id) % 3).not.toBe(1);
      }
      const expected = all.filter((h) => inRange(h.score) && Number(h.id) % 3 !== 1).map((h) => h.id);
      if (exact) expect(ranged.map((h) => h.id).sort()).toEqual(expected.sort());
      else for (const h of ranged) expect(expected).toContain(h.id);
    });
  }
});
