import {
  createEngine,
  DataType,
  ElanusError,
  LocalClient,
  type RowData,
  type VectorClient,
} from '@elanus/core';
import { expect } from 'vitest';

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function localClient(): Promise<LocalClient> {
  return new LocalClient(await createEngine({ device: 'js' }));
}

/** A collection using most field kinds sync has to carry. */
export const richFields = (dim = 8) => [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim },
  { name: 'sp', data_type: DataType.SparseFloatVector },
  { name: 'title', data_type: DataType.VarChar, max_length: 64 },
  { name: 'year', data_type: DataType.Int32 },
  { name: 'big', data_type: DataType.Int64, nullable: true },
  { name: 'rating', data_type: DataType.Float },
  { name: 'score', data_type: DataType.Double },
  { name: 'flag', data_type: DataType.Bool },
  { name: 'meta', data_type: DataType.JSON },
  {
    name: 'tags',
    data_type: DataType.Array,
    element_type: DataType.VarChar,
    max_capacity: 4,
    max_length: 16,
  },
  { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
];

export const richIndexes = [
  { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
  { field_name: 'sp', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' },
];

export async function createRich(client: VectorClient, name: string, dim = 8): Promise<void> {
  await client.createCollection({
    collection_name: name,
    fields: richFields(dim),
    enable_dynamic_field: true,
    index_params: richIndexes,
  });
}

export function richRow(i: number, dim = 8, rand = rng(i + 1), version = 0): RowData {
  const vec = Array.from({ length: dim }, () => rand() * 2 - 1);
  const row: RowData = {
    id: i,
    vec,
    sp: { [i % 97]: 0.5 + version, [((i * 7) % 1000) + 100]: rand() },
    title: `title ${i} v${version}`,
    year: 1900 + (i % 120),
    big: i % 5 === 0 ? null : `${9007199254740993n + BigInt(i)}`,
    rating: rand() * 5,
    score: rand() * 1000,
    flag: i % 2 === 0,
    meta: { i, nested: { v: version, list: [1, 2, i] } },
    tags: [`t${i % 3}`, 'x'],
    nums: [i, -i],
  };
  if (i % 3 === 0) row.extra = { k: `dyn${i}`, v: version };
  return row;
}

export async function expectError(p: Promise<unknown>, code: string, message?: RegExp): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(ElanusError);
  expect((e as ElanusError).code).toBe(code);
  if (message) expect((e as ElanusError).message).toMatch(message);
  return e as ElanusError;
}

/**
 * Wraps a client so that the Nth call of `method` (1-based) fails like a dropped connection, optionally
 * after the call reached the target (`after: true`: the write happened but the answer was lost).
 */
export function failing<T extends VectorClient>(
  client: T,
  method: keyof VectorClient,
  nth: number,
  after = false,
): T & { calls: number } {
  const state = { calls: 0 };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'calls') return state.calls;
      const v = Reflect.get(target, prop, receiver);
      if (prop !== method || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return async (req: unknown) => {
        state.calls++;
        if (state.calls === nth) {
          if (after) await (v as (r: unknown) => Promise<unknown>).call(target, req);
          throw new ElanusError('Unavailable', `injected failure on ${String(method)} #${nth}`);
        }
        return (v as (r: unknown) => Promise<unknown>).call(target, req);
      };
    },
  }) as T & { calls: number };
}

export async function allRows(client: VectorClient, collection: string): Promise<RowData[]> {
  const res = await client.query({
    collection_name: collection,
    filter: 'id >= 0 or id < 0',
    output_fields: ['*'],
  });
  return res.data;
}
