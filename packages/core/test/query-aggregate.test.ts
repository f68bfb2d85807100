import { describe, expect, it } from 'vitest';
import { DataType, ElanusError, MilvusClient } from '../src/index.js';

async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(ElanusError);
  expect((e as ElanusError).code).toBe(code);
  if (message) expect((e as ElanusError).message).toMatch(message);
}

const COLORS = ['red', 'blue', 'green', null] as const;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Item {
  id: number;
  color: string | null;
  size: number;
  price: number | null;
  stock: bigint;
}

async function shop(n = 300) {
  const client = new MilvusClient({ uri: 'memory://' });
  await client.createCollection({
    collection_name: 'shop',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      { name: 'color', data_type: DataType.VarChar, max_length: 8, nullable: true },
      { name: 'size', data_type: DataType.Int32 },
      { name: 'price', data_type: DataType.Double, nullable: true },
      { name: 'stock', data_type: DataType.Int64 },
      { name: 'meta', data_type: DataType.JSON },
    ],
    index_params: { field_name: 'v', index_type: 'FLAT', metric_type: 'L2' },
  });
  const r = rng(7);
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      id: i + 1,
      color: COLORS[Math.floor(r() * COLORS.length)]!,
      size: Math.floor(r() * 3),
      price: r() < 0.2 ? null : Math.round(r() * 1000) / 10,
      // Above 2^53, so a float sum would lose the last digits.
      stock: 2n ** 60n + BigInt(Math.floor(r() * 1000)),
    });
  }
  await client.insert({
    collection_name: 'shop',
    data: items.map((x) => ({ ...x, stock: x.stock.toString(), v: [0, 1], meta: {} })),
  });
  return { client, items };
}

describe('query aggregates (group_by_fields, count/sum/avg/min/max)', () => {
  it('matches a reference computed row by row, grouped by one and by two fields', async () => {
    const { client, items } = await shop();
    const res = await client.query({
      collection_name: 'shop',
      filter: 'size != 1',
      group_by_fields: ['color'],
      output_fields: [
        'color',
        'count(*)',
        'count(price)',
        'sum(price)',
        'avg(price)',
        'min(price)',
        'max(stock)',
        'sum(stock)',
        'min(color)',
      ],
    });
    const kept = items.filter((x) => x.size !== 1);
    // Ascending group order, null last.
    const order = ['blue', 'green', 'red', null];
    expect(res.data.map((g) => g.color)).toEqual(order.filter((c) => kept.some((x) => x.color === c)));
    for (const g of res.data) {
      const rows = kept.filter((x) => x.color === g.color);
      const prices = rows.map((x) => x.price).filter((p): p is number => p !== null);
      expect(g['count(*)']).toBe(String(rows.length));
      expect(g['count(price)']).toBe(String(prices.length));
      expect(g['sum(price)']).toBeCloseTo(
        prices.reduce((a, b) => a + b, 0),
        6,
      );
      expect(g['avg(price)']).toBeCloseTo(prices.reduce((a, b) => a + b, 0) / prices.length, 9);
      expect(g['min(price)']).toBe(Math.min(...prices));
      // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
      expect(g['max(stock)']).toBe(rows.reduce((m, x) => (x.stock > m ? x.stock : m), 0n).toString());
      // Exact int64 sum, not a rounded double.
      expect(g['sum(stock)']).toBe(rows.reduce((a, x) => a + x.stock, 0n).toString());
      expect(g['min(color)']).toBe(g.color);
      expect(Object.keys(g)).toEqual([
        'color',
        'count(*)',
        'count(price)',
        'sum(price)',
        'avg(price)',
        'min(price)',
        'max(stock)',
        'sum(stock)',
        'min(color)',
      ]);
    }

    const two = await client.query({
      collection_name: 'shop',
      filter: '',
      group_by_fields: ['color', 'size'],
      output_fields: ['size', 'color', 'count(*)'],
    });
    const expected = new Map<string, number>();
    for (const x of items)
      expected.set(`${x.color}|${x.size}`, (expected.get(`${x.color}|${x.size}`) ?? 0) + 1);
    expect(two.data).toHaveLength(expected.size);
    for (const g of two.data) expect(g['count(*)']).toBe(String(expected.get(`${g.color}|${g.size}`)));
    expect(two.data.reduce((a, g) => a + Number(g['count(*)']), 0)).toBe(items.length);
  });

  it('aggregates without groups give one row; an empty match gives counts of 0 and null values', async () => {
    const { client, items } = await shop(50);
    const all = await client.query({
      collection_name: 'shop',
      filter: 'id <= 10',
      output_fields: ['count(*)', 'max(size)', 'avg(size)'],
    });
    const ten = items.slice(0, 10);
    expect(all.data).toEqual([
      {
        'count(*)': '10',
        'max(size)': Math.max(...ten.map((x) => x.size)),
        'avg(size)': ten.reduce((a, x) => a + x.size, 0) / 10,
      },
    ]);
    const none = await client.query({
      collection_name: 'shop',
      filter: 'id > 1000',
      output_fields: ['count(*)', 'sum(price)', 'min(color)'],
    });
    expect(none.data).toEqual([{ 'count(*)': '0', 'sum(price)': null, 'min(color)': null }]);
    // Function names are case-insensitive; the key is the normalised name.
    const upper = await client.query({
      collection_name: 'shop',
      filter: 'id <= 10',
      output_fields: ['COUNT( * )'],
    });
    expect(upper.data).toEqual([{ 'count(*)': '10' }]);
  });

  it('orders and pages groups by an aggregate or a group field', async () => {
    const { client, items } = await shop();
    const counts = new Map<number, number>();
    for (const x of items) counts.set(x.size, (counts.get(x.size) ?? 0) + 1);
    const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const res = await client.query({
      collection_name: 'shop',
      filter: '',
      group_by_fields: ['size'],
      output_fields: ['size', 'count(*)'],
      order_by_fields: [{ field: 'count(*)', order: 'desc' }],
    });
    expect(res.data.map((g) => g.size)).toEqual(byCount.map(([s]) => s));
    const page = await client.query({
      collection_name: 'shop',
      filter: '',
      group_by_fields: ['size'],
      output_fields: ['size'],
      order_by: 'size:desc',
      offset: 1,
      limit: 1,
    });
    expect(page.data).toEqual([{ size: 1 }]);
  });

  it('refuses what cannot be aggregated, naming the parameter', async () => {
    const { client } = await shop(5);
    const q = (extra: Record<string, unknown>) =>
      client.query({ collection_name: 'shop', filter: '', ...extra } as never);
    await expectError(
      q({ output_fields: ['id', 'count(*)'] }),
      'IllegalArgument',
      /output_fields: "id" cannot be mixed with aggregates/,
    );
    await expectError(
      q({ group_by_fields: ['color'], output_fields: ['size', 'count(*)'] }),
      'IllegalArgument',
      /"size" is neither an aggregate nor one of group_by_fields/,
    );
    await expectError(
      q({ output_fields: ['sum(color)'] }),
      'IllegalArgument',
      /sum\(\) expects a numeric field, got "color" of type VarChar/,
    );
    await expectError(q({ output_fields: ['avg(nope)'] }), 'FieldNotExists', /"nope"/);
    await expectError(q({ output_fields: ['sum(*)'] }), 'IllegalArgument', /only count\(\*\) takes \*/);
    await expectError(
      q({ group_by_fields: ['price'], output_fields: ['count(*)'] }),
      'IllegalArgument',
      /group_by_fields\[0\]: expected a Bool, integer or VarChar field, got "price" of type Double/,
    );
    await expectError(
      q({ group_by_fields: ['meta'], output_fields: ['count(*)'] }),
      'IllegalArgument',
      /of type JSON/,
    );
    await expectError(
      q({ group_by_fields: 'color', output_fields: ['count(*)'] }),
      'IllegalArgument',
      /group_by_fields/,
    );
    await expectError(
      q({ group_by_fields: ['color'], output_fields: ['count(*)'], order_by_fields: 'size' }),
      'IllegalArgument',
      /order_by_fields: expected one of group_by_fields or an aggregate/,
    );
    await expectError(
      q({ output_fields: ['count(*)'], order_by_fields: [{ field: 'count(*)', order: 'up' }] }),
      'IllegalArgument',
      /order_by_fields\[0\]: expected order "asc" or "desc", got "up"/,
    );
    await expectError(
      client.queryIterator({ collection_name: 'shop', batchSize: 2, group_by_fields: ['color'] }),
      'IllegalArgument',
      /queryIterator/,
    );
  });
});

describe('query order_by_fields', () => {
  it('sorts matching rows by several fields, nulls last ascending, ties in key order, then pages', async () => {
    const { client, items } = await shop(120);
    const res = await client.query({
      collection_name: 'shop',
      filter: 'size >= 0',
      output_fields: ['price', 'size'],
      order_by_fields: 'size:desc, price',
      limit: 100,
      offset: 5,
    });
    const cmp = (a: number | null, b: number | null) =>
      a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;
    const expected = [...items]
      .sort((a, b) => b.size - a.size || cmp(a.price, b.price) || a.id - b.id)
      .slice(5, 105)
      .map((x) => x.id);
    expect(res.data.map((r) => Number(r.id))).toEqual(expected);
    const desc = await client.query({
      collection_name: 'shop',
      filter: '',
      limit: 5,
      output_fields: ['price'],
      order_by_fields: ['price:desc'],
    });
    // Descending puts nulls first.
    expect(desc.data[0]!.price).toBeNull();
  });

  it('refuses fields that have no order', async () => {
    const { client } = await shop(5);
    await expectError(
      client.query({ collection_name: 'shop', filter: '', limit: 3, order_by_fields: 'meta' }),
      'IllegalArgument',
      /order_by_fields: expected a Bool, integer, Float, Double or VarChar field, got "meta" of type JSON/,
    );
    await expectError(
      client.query({ collection_name: 'shop', filter: '', limit: 3, order_by: 'nope:asc' }),
      'FieldNotExists',
      /order_by: field "nope"/,
    );
    await expectError(
      client.query({ collection_name: 'shop', filter: '', limit: 3, order_by_fields: 42 as never }),
      'IllegalArgument',
      /order_by_fields: expected a string/,
    );
  });
});
