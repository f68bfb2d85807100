// search_aggregation: buckets over the search candidates, checked by hand on a small FLAT collection.
// Vectors are [s, 0] and the metric IP, so the query [1, 0] scores each row by its `s`.
import { describe, expect, it } from 'vitest';
import type { AggregationBucket, SearchReq, VectorClient } from '../src/index.js';
import { createEngine, DataType, ElanusError, LocalClient, MilvusClient } from '../src/index.js';
import type { WorkerClient } from '../src/worker/client.js';
import { fakeWorker } from './worker-support.js';

const ROWS = [
  { id: 1, s: 0.9, color: 'red', size: 1, price: 10 },
  { id: 2, s: 0.8, color: 'blue', size: 2, price: 20 },
  { id: 3, s: 0.7, color: 'red', size: 2, price: 30 },
  { id: 4, s: 0.6, color: 'green', size: 1, price: 40 },
  { id: 5, s: 0.5, color: 'blue', size: 1, price: 50 },
  { id: 6, s: 0.4, color: 'red', size: 1, price: 60 },
  { id: 7, s: 0.3, color: 'blue', size: 2, price: 70 },
  { id: 8, s: 0.2, color: 'red', size: 2, price: 80 },
];

async function setup(c: VectorClient): Promise<VectorClient> {
  await c.createCollection({
    collection_name: 'shop',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
      { name: 'color', data_type: DataType.VarChar, max_length: 16 },
      { name: 'size', data_type: DataType.Int32 },
      { name: 'price', data_type: DataType.Double },
    ],
    index_params: { field_name: 'vec', index_type: 'FLAT', metric_type: 'IP' },
  });
  await c.insert({
    collection_name: 'shop',
    data: ROWS.map(({ s, ...r }) => ({ ...r, vec: [s, 0] })),
  });
  return c;
}

async function local(): Promise<VectorClient> {
  return setup(new LocalClient(await createEngine()));
}

async function buckets(c: VectorClient, req: Partial<SearchReq>): Promise<AggregationBucket[]> {
  const r = await c.search({ collection_name: 'shop', data: [1, 0], ...req } as SearchReq);
  expect(r.results).toEqual([]);
  return r.agg_buckets as AggregationBucket[];
}

const keys = (bs: AggregationBucket[]) => bs.map((b) => b.key.map((k) => k.value));
const ids = (b: AggregationBucket) => b.hits.map((h) => h.id);

describe('search_aggregation', () => {
  it('buckets by one field with counts and metrics, best score first by default', async () => {
    const c = await local();
    const bs = await buckets(c, {
      limit: 1, // ignored
      search_aggregation: {
        fields: ['color'],
        size: 10,
        metrics: {
          n: { op: 'count', field_name: '*' },
          total: { op: 'sum', field_name: 'price' },
          mean: { op: 'avg', field_name: 'price' },
          lo: { op: 'min', field_name: 'price' },
          hi: { op: 'max', field_name: 'price' },
          sizes: { op: 'sum', field_name: 'size' },
          best: { op: 'max', field_name: '_score' },
        },
      },
    });
    expect(keys(bs)).toEqual([['red'], ['blue'], ['green']]);
    expect(bs.map((b) => b.count)).toEqual(['4', '3', '1']);
    expect(bs[0]!.key[0]).toEqual({ field_id: '102', field_name: 'color', value: 'red' });
    const { best, ...red } = bs[0]!.metrics;
    expect(red).toEqual({ n: '4', total: 180, mean: 45, lo: 10, hi: 80, sizes: '6' });
    expect(best as number).toBeCloseTo(0.9, 5);
    expect(bs[1]!.metrics.mean as number).toBeCloseTo(140 / 3, 10);
    expect(bs[2]!.metrics).toMatchObject({ n: '1', total: 40, lo: 40, hi: 40, sizes: '1' });
    expect(bs.every((b) => b.hits.length === 0 && b.sub_groups.length === 0)).toBe(true);
  });

  it('buckets by two fields, size caps the bucket count', async () => {
    const c = await local();
    const bs = await buckets(c, { search_aggregation: { fields: ['color', 'size'], size: 3 } });
    expect(keys(bs)).toEqual([
      ['red', 1],
      ['blue', 2],
      ['red', 2],
    ]);
    expect(bs.map((b) => b.count)).toEqual(['2', '2', '2']);
    const all = await buckets(c, { search_aggregation: { fields: ['color', 'size'], size: 100 } });
    expect(keys(all)).toEqual([
      ['red', 1],
      ['blue', 2],
      ['red', 2],
      ['green', 1],
      ['blue', 1],
    ]);
  });

  it('orders by _count, _key and a metric, asc and desc, keys in turn', async () => {
    const c = await local();
    const by = async (order: { key: string; direction: 'asc' | 'desc' }[]) =>
      keys(
        await buckets(c, {
          search_aggregation: {
            fields: ['color'],
            size: 10,
            metrics: { mean: { op: 'avg', field_name: 'price' } },
            order,
          },
        }),
      ).map((k) => k[0]);
    expect(await by([{ key: '_count', direction: 'asc' }])).toEqual(['green', 'blue', 'red']);
    expect(await by([{ key: '_count', direction: 'desc' }])).toEqual(['red', 'blue', 'green']);
    expect(await by([{ key: '_key', direction: 'asc' }])).toEqual(['blue', 'green', 'red']);
    expect(await by([{ key: '_key', direction: 'desc' }])).toEqual(['red', 'green', 'blue']);
    expect(await by([{ key: 'mean', direction: 'desc' }])).toEqual(['blue', 'red', 'green']);
    expect(await by([{ key: 'mean', direction: 'asc' }])).toEqual(['green', 'red', 'blue']);
    // Two keys: size buckets by count (tie 4/4), then key descending.
    const two = await buckets(c, {
      search_aggregation: {
        fields: ['size'],
        size: 10,
        order: [
          { key: '_count', direction: 'desc' },
          { key: '_key', direction: 'desc' },
        ],
      },
    });
    expect(keys(two)).toEqual([[2], [1]]);
  });

  it('top_hits: size, default best score first, and sort by a field or _score', async () => {
    const c = await local();
    const bs = await buckets(c, {
      output_fields: ['price'],
      search_aggregation: { fields: ['color'], size: 1, top_hits: { size: 2 } },
    });
    expect(bs.length).toBe(1);
    expect(ids(bs[0]!)).toEqual(['1', '3']);
    expect(bs[0]!.hits[0]!).toMatchObject({ id: '1', price: 10 });
    expect(bs[0]!.hits[0]!.score).toBeCloseTo(0.9, 5);
    const byPrice = await buckets(c, {
      search_aggregation: {
        fields: ['color'],
        size: 1,
        top_hits: { size: 3, sort: [{ field_name: 'price', direction: 'desc' }] },
      },
    });
    expect(ids(byPrice[0]!)).toEqual(['8', '6', '3']);
    const worst = await buckets(c, {
      search_aggregation: {
        fields: ['color'],
        size: 1,
        top_hits: { size: 2, sort: [{ field_name: '_score', direction: 'asc' }] },
      },
    });
    expect(ids(worst[0]!)).toEqual(['8', '6']);
  });

  it('sub_aggregation nests buckets inside each bucket', async () => {
    const c = await local();
    const bs = await buckets(c, {
      search_aggregation: {
        fields: ['color'],
        size: 2,
        sub_aggregation: {
          fields: ['size'],
          size: 5,
          metrics: { total: { op: 'sum', field_name: 'price' } },
          top_hits: { size: 1 },
        },
      },
    });
    expect(keys(bs)).toEqual([['red'], ['blue']]);
    const red = bs[0]!.sub_groups;
    expect(keys(red)).toEqual([[1], [2]]);
    expect(red.map((b) => [b.count, b.metrics.total, ids(b)])).toEqual([
      ['2', 70, ['1']],
      ['2', 110, ['3']],
    ]);
    const blue = bs[1]!.sub_groups;
    expect(keys(blue)).toEqual([[2], [1]]);
    expect(blue.map((b) => [b.count, b.metrics.total])).toEqual([
      ['2', 90],
      ['1', 50],
    ]);
  });

  it('the filter applies before bucketing; several queries give one list each', async () => {
    const c = await local();
    const bs = await buckets(c, {
      filter: 'price > 25',
      search_aggregation: { fields: ['color'], size: 10 },
    });
    expect(keys(bs)).toEqual([['red'], ['green'], ['blue']]);
    expect(bs.map((b) => b.count)).toEqual(['3', '1', '2']);
    const r = await c.search({
      collection_name: 'shop',
      data: [
        [1, 0],
        [-1, 0],
      ],
      search_aggregation: { fields: ['color'], size: 10, top_hits: { size: 1 } },
    });
    const lists = r.agg_buckets as AggregationBucket[][];
    expect(lists.length).toBe(2);
    expect(keys(lists[0]!)).toEqual([['red'], ['blue'], ['green']]);
    expect(keys(lists[1]!)).toEqual([['red'], ['blue'], ['green']]);
    expect(lists[1]!.map(ids)).toEqual([['8'], ['7'], ['4']]);
  });

  it('errors name the parameter', async () => {
    const c = await local();
    const fails = async (agg: unknown, param: RegExp, extra: Partial<SearchReq> = {}) => {
      const e = await c
        .search({ collection_name: 'shop', data: [1, 0], search_aggregation: agg, ...extra } as SearchReq)
        .then(
          () => undefined,
          (x: unknown) => x,
        );
      expect(e).toBeInstanceOf(ElanusError);
      expect((e as ElanusError).message).toMatch(param);
      return e as ElanusError;
    };
    expect((await fails({ fields: [], size: 1 }, /search_aggregation\.fields/)).code).toBe('IllegalArgument');
    await fails({ fields: ['color'], size: 0 }, /search_aggregation\.size/);
    expect((await fails({ fields: ['nope'], size: 1 }, /search_aggregation\.fields\[0\].*nope/)).code).toBe(
      'FieldNotExists',
    );
    await fails({ fields: ['meta["a"]'], size: 1 }, /search_aggregation\.fields\[0\].*JSON/);
    await fails({ fields: ['price'], size: 1 }, /search_aggregation\.fields\[0\]/);
    await fails(
      { fields: ['color'], size: 1, metrics: { m: { op: 'median', field_name: 'price' } } },
      /search_aggregation\.metrics\.m\.op/,
    );
    await fails(
      { fields: ['color'], size: 1, metrics: { m: { op: 'sum', field_name: 'color' } } },
      /search_aggregation\.metrics\.m\.field_name.*VarChar/,
    );
    await fails(
      { fields: ['color'], size: 1, metrics: { m: { op: 'avg', field_name: '*' } } },
      /search_aggregation\.metrics\.m\.field_name/,
    );
    await fails(
      { fields: ['color'], size: 1, order: [{ key: 'nope', direction: 'asc' }] },
      /search_aggregation\.order\[0\]\.key/,
    );
    await fails(
      { fields: ['color'], size: 1, order: [{ key: '_count', direction: 'up' }] },
      /search_aggregation\.order\[0\]\.direction/,
    );
    await fails({ fields: ['color'], size: 1, top_hits: { size: 0 } }, /search_aggregation\.top_hits\.size/);
    await fails(
      { fields: ['color'], size: 1, sub_aggregation: { fields: ['size'], size: -1 } },
      /search_aggregation\.sub_aggregation\.size/,
    );
    const deep = (n: number): unknown =>
      n === 0 ? undefined : { fields: ['color'], size: 1, sub_aggregation: deep(n - 1) };
    await fails(deep(5), /at most 4/);
    await fails({ fields: ['color'], size: 1 }, /group_by_field are mutually exclusive/, {
      group_by_field: 'color',
    });
    await fails({ fields: ['color'], size: 1 }, /offset are mutually exclusive/, { offset: 2 });
  });

  it('worker mode gives the same buckets as in-thread', async () => {
    const client = new MilvusClient({ uri: 'memory://', worker: () => fakeWorker() as unknown as Worker });
    const wc = await setup((await client.client()) as unknown as WorkerClient as unknown as VectorClient);
    const lc = await local();
    const req = {
      collection_name: 'shop',
      data: [
        [1, 0],
        [-1, 0],
      ],
      output_fields: ['color', 'price'],
      search_aggregation: {
        fields: ['color'],
        size: 2,
        metrics: { mean: { op: 'avg', field_name: 'price' } },
        top_hits: { size: 2 },
        sub_aggregation: { fields: ['size'], size: 2 },
      },
    } as SearchReq;
    const a = await lc.search(req);
    const b = await wc.search(req);
    expect((a.agg_buckets as AggregationBucket[][]).length).toBe(2);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    await client.closeConnection();
  });
});
