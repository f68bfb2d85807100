// Read requests and results typed as @zilliz/milvus2-sdk-node types them (issue 19, point 4): the shape
// of `results` follows the request, row fields are `any`, and `consistency_level` is accepted (and checked).
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConsistencyLevelEnum,
  DataType,
  ElanusError,
  MilvusClient,
  type SearchResultData,
} from '../src/index.js';

async function client() {
  const c = new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
      { name: 'text', data_type: DataType.VarChar, max_length: 32 },
    ],
    index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
  });
  await c.insert({
    collection_name: 'docs',
    data: [
      { id: 1, vec: [0, 0], text: 'origin' },
      { id: 2, vec: [1, 0], text: 'east' },
      { id: 3, vec: [0, 1], text: 'north' },
    ],
  });
  return c;
}

describe('SDK-shaped result types', () => {
  it('one query vector: a flat list whose hits read output fields without casts', async () => {
    const c = await client();
    const res = await c.search({
      collection_name: 'docs',
      data: [0.9, 0.1],
      limit: 2,
      output_fields: ['text'],
    });
    expectTypeOf(res.results).toEqualTypeOf<SearchResultData[]>();
    // The SDK README's line: compiles only because the shape is known and fields are `any`.
    const texts: string[] = res.results.map((h) => h.text.toUpperCase());
    expect(texts).toEqual(['EAST', 'ORIGIN']);
    expect(res.results[0]!.id).toBe('2');
  });

  it('a tuple of several vectors: one list per query; a one-element tuple: one list', async () => {
    const c = await client();
    const two = await c.search({
      collection_name: 'docs',
      data: [
        [1, 0],
        [0, 1],
      ] as [number[], number[]],
      limit: 1,
    });
    expectTypeOf(two.results).toEqualTypeOf<SearchResultData[][]>();
    expect(two.results.map((hits) => hits[0]!.id)).toEqual(['2', '3']);
    const one = await c.search({ collection_name: 'docs', vectors: [[0, 1]] as [number[]], limit: 1 });
    expectTypeOf(one.results).toEqualTypeOf<SearchResultData[]>();
    expect(one.results[0]!.id).toBe('3');
  });

  it('an array of unknown length stays the union, because a single vector in it answers flat (as Milvus)', async () => {
    const c = await client();
    const queries: number[][] = [[0, 1]];
    const res = await c.search({ collection_name: 'docs', data: queries, limit: 1 });
    expectTypeOf(res.results).toEqualTypeOf<SearchResultData[] | SearchResultData[][]>();
    expect(Array.isArray(res.results[0])).toBe(false);
  });

  it('hybridSearch with one query per route: a flat list', async () => {
    const c = await client();
    const res = await c.hybridSearch({
      collection_name: 'docs',
      data: [
        { anns_field: 'vec', data: [1, 0] },
        { anns_field: 'vec', data: [0.9, 0.2] },
      ],
      limit: 1,
      output_fields: ['text'],
    });
    expectTypeOf(res.results).toEqualTypeOf<SearchResultData[]>();
    expect(res.results[0]!.text.length).toBe(4);
  });

  it('query and get rows: fields are `any`, as the SDK types them', async () => {
    const c = await client();
    const q = await c.query({ collection_name: 'docs', filter: 'id == 3', output_fields: ['text'] });
    expect(q.data[0]!.text.toUpperCase()).toBe('NORTH');
    const g = await c.get({ collection_name: 'docs', ids: [1], output_fields: ['text'] });
    expect(g.data[0]!.text.length).toBe(6);
  });
});

describe('consistency_level on reads', () => {
  it('accepts the SDK enum and the level names on search, hybridSearch, query, get, count and iterators', async () => {
    const c = await client();
    expect(ConsistencyLevelEnum).toEqual({ Strong: 0, Session: 1, Bounded: 2, Eventually: 3, Customized: 4 });
    for (const level of [ConsistencyLevelEnum.Bounded, 'Eventually', 'Strong', 4] as const) {
      const s = await c.search({ collection_name: 'docs', data: [0, 0], limit: 1, consistency_level: level });
      expect(s.results[0]!.id).toBe('1');
      const q = await c.query({ collection_name: 'docs', filter: 'id > 0', consistency_level: level });
      expect(q.data).toHaveLength(3);
      const g = await c.get({ collection_name: 'docs', ids: [2], consistency_level: level });
      expect(g.data).toHaveLength(1);
      expect((await c.count({ collection_name: 'docs', consistency_level: level })).data).toBe(3);
      const h = await c.hybridSearch({
        collection_name: 'docs',
        data: [{ anns_field: 'vec', data: [0, 1] }],
        limit: 1,
        consistency_level: level,
      });
      expect(h.results[0]!.id).toBe('3');
    }
    const it = await c.queryIterator({ collection_name: 'docs', batchSize: 2, consistency_level: 'Session' });
    let rows = 0;
    for await (const batch of it) rows += batch.length;
    expect(rows).toBe(3);
  });

  it('reads its own writes at every level (the local engine is always Strong)', async () => {
    const c = await client();
    await c.insert({ collection_name: 'docs', data: [{ id: 4, vec: [5, 5], text: 'far' }] });
    const r = await c.query({
      collection_name: 'docs',
      filter: 'id == 4',
      consistency_level: ConsistencyLevelEnum.Eventually,
    });
    expect(r.data).toHaveLength(1);
  });

  it('refuses an unknown level, naming the parameter, the choices and what came', async () => {
    const c = await client();
    const bad: unknown[] = ['strong', 'Fast', 5, -1, 1.5, true, {}];
    for (const level of bad) {
      for (const call of [
        () => c.search({ collection_name: 'docs', data: [0, 0], consistency_level: level as never }),
        () => c.query({ collection_name: 'docs', filter: 'id > 0', consistency_level: level as never }),
        () => c.get({ collection_name: 'docs', ids: [1], consistency_level: level as never }),
        () => c.count({ collection_name: 'docs', consistency_level: level as never }),
      ]) {
        const e = await call().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e, `consistency_level ${String(level)}`).toBeInstanceOf(ElanusError);
        expect((e as ElanusError).code).toBe('IllegalArgument');
        expect((e as ElanusError).message).toMatch(
          /consistency_level: expected one of Strong, Session, .* got /,
        );
      }
    }
  });
});
