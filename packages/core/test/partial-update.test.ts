// Partial upsert (partial_update, field_ops with the SDK's FieldPartialUpdateOpType): only the given
// fields change, ARRAY fields take appends and removals, new keys insert, and the result survives a
// reopen (the log holds whole rows).
import { describe, expect, it } from 'vitest';
import { DataType, ElanusError, FieldPartialUpdateOpType, FunctionType, MilvusClient } from '../src/index.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { openOn } from './storage-helpers.js';

async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(ElanusError);
  expect((e as ElanusError).code).toBe(code);
  if (message) expect((e as ElanusError).message).toMatch(message);
}

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 2 },
  { name: 'title', data_type: DataType.VarChar, max_length: 64, enable_analyzer: true },
  { name: 'sparse', data_type: DataType.SparseFloatVector },
  { name: 'n', data_type: DataType.Int32 },
  { name: 'note', data_type: DataType.VarChar, max_length: 16, nullable: true },
  {
    name: 'tags',
    data_type: DataType.Array,
    element_type: DataType.Int64,
    max_capacity: 5,
  },
];

type Upserting = Pick<MilvusClient, 'createCollection' | 'insert' | 'upsert' | 'get' | 'search'>;

async function seed(c: Upserting) {
  await c.createCollection({
    collection_name: 'docs',
    fields,
    enable_dynamic_field: true,
    functions: [
      { name: 'bm25', type: FunctionType.BM25, input_field_names: ['title'], output_field_names: ['sparse'] },
    ],
    index_params: [
      { field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' },
      { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
    ],
  });
  await c.insert({
    collection_name: 'docs',
    data: [
      { id: 1, vec: [1, 0], title: 'red apple', n: 3, note: 'a', tags: [1, 2], color: 'red', size: 5 },
      { id: 2, vec: [0, 1], title: 'green pear', n: 4, note: null, tags: [], color: 'green' },
    ],
  });
}

const out = ['vec', 'title', 'n', 'note', 'tags', 'color', 'size'];

describe('partial upsert', () => {
  it('updates only the given fields, scalar, vector and dynamic, and keeps the rest', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    const res = await c.upsert({
      collection_name: 'docs',
      partial_update: true,
      data: [
        { id: 1, n: 30, size: 6 },
        { id: 2, vec: [0.5, 0.5] },
      ],
    });
    expect(res.upsert_cnt).toBe('2');
    const got = await c.get({ collection_name: 'docs', ids: [1, 2], output_fields: out });
    expect(got.data).toEqual([
      { id: '1', vec: [1, 0], title: 'red apple', n: 30, note: 'a', tags: ['1', '2'], color: 'red', size: 6 },
      { id: '2', vec: [0.5, 0.5], title: 'green pear', n: 4, note: null, tags: [], color: 'green' },
    ]);
  });

  it('changing the text recomputes its BM25 output; keeping it keeps the old one', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    await c.upsert({
      collection_name: 'docs',
      partial_update: true,
      data: [{ id: 2, title: 'ripe banana' }],
    });
    await c.upsert({ collection_name: 'docs', partial_update: true, data: [{ id: 1, n: 1 }] });
    const hit = async (text: string) =>
      (await c.search({ collection_name: 'docs', anns_field: 'sparse', data: text, limit: 5 })).results.map(
        (h) => h.id,
      );
    expect(await hit('banana')).toEqual(['2']);
    expect(await hit('pear')).toEqual([]);
    expect(await hit('apple')).toEqual(['1']);
  });

  it('field_ops append to and remove from ARRAY fields, by name or by the SDK enum number', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    await c.upsert({
      collection_name: 'docs',
      field_ops: [{ field_name: 'tags', op: FieldPartialUpdateOpType.ARRAY_APPEND }],
      data: [
        { id: 1, tags: [3, 4] },
        { id: 2, tags: ['9'] },
      ],
    });
    await c.upsert({
      collection_name: 'docs',
      field_ops: [{ field_name: 'tags', op: 'ARRAY_REMOVE' }],
      data: [{ id: 1, tags: [2, 4, 7] }],
    });
    const got = await c.get({ collection_name: 'docs', ids: [1, 2], output_fields: ['tags', 'n'] });
    expect(got.data).toEqual([
      { id: '1', tags: ['1', '3'], n: 3 },
      { id: '2', tags: ['9'], n: 4 },
    ]);
    // Appending past max_capacity is refused like any over-long array, and writes nothing.
    await expectError(
      c.upsert({
        collection_name: 'docs',
        field_ops: [{ field_name: 'tags', op: 'ARRAY_APPEND' }],
        data: [{ id: 1, tags: [5, 6, 7, 8] }],
      }),
      'IllegalArgument',
      /tags/,
    );
    expect(
      (await c.get({ collection_name: 'docs', ids: [1], output_fields: ['tags'] })).data[0]!.tags,
    ).toEqual(['1', '3']);
  });

  it('a new key is inserted as given; one that leaves out a required field is refused', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    await c.upsert({
      collection_name: 'docs',
      partial_update: true,
      data: [{ id: 3, vec: [1, 1], title: 'plum', n: 1, tags: [] }],
    });
    expect((await c.get({ collection_name: 'docs', ids: [3], output_fields: ['note', 'n'] })).data).toEqual([
      { id: '3', note: null, n: 1 },
    ]);
    await expectError(
      c.upsert({ collection_name: 'docs', partial_update: true, data: [{ id: 4, n: 1 }] }),
      'DataTypeMismatch',
      /vec/,
    );
    // The same key twice in one batch: the second row builds on the first.
    await c.upsert({
      collection_name: 'docs',
      partial_update: true,
      data: [
        { id: 1, n: 100 },
        { id: 1, note: 'b' },
      ],
    });
    expect((await c.get({ collection_name: 'docs', ids: [1], output_fields: ['n', 'note'] })).data).toEqual([
      { id: '1', n: 100, note: 'b' },
    ]);
  });

  it('refuses bad options naming the parameter', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    const up = (extra: Record<string, unknown>, data: unknown[] = [{ id: 1, n: 2 }]) =>
      c.upsert({ collection_name: 'docs', data, ...extra } as never);
    await expectError(up({ partial_update: 'yes' }), 'IllegalArgument', /partial_update: expected a boolean/);
    await expectError(up({ field_ops: {} }), 'IllegalArgument', /field_ops: expected an array/);
    await expectError(
      up({ field_ops: [{ field_name: 'nope', op: 0 }] }),
      'FieldNotExists',
      /field_ops\[0\]\.field_name/,
    );
    await expectError(
      up({ field_ops: [{ field_name: 'tags', op: 7 }] }),
      'IllegalArgument',
      /field_ops\[0\]\.op: expected one of REPLACE, ARRAY_APPEND, ARRAY_REMOVE/,
    );
    await expectError(
      up({ field_ops: [{ field_name: 'n', op: 'ARRAY_APPEND' }] }),
      'IllegalArgument',
      /ARRAY_APPEND applies to ARRAY fields, and "n" is not one/,
    );
    await expectError(up({ partial_update: true }, [{ n: 2 }]), 'PrimaryKeyMissing', /row 0/);
    await expectError(
      c.insert({ collection_name: 'docs', data: [{ id: 9 }], partial_update: true } as never),
      'IllegalArgument',
      /partial_update: applies to upsert only/,
    );
    // Without the flag an upsert still replaces whole rows.
    await expectError(up({}, [{ id: 1, n: 2 }]), 'DataTypeMismatch', /vec/);
  });

  it('calls apply in call order while the partial-update code loads', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await seed(c);
    // Not awaited in between: the delete must land after the partial upsert, not before it.
    const up = c.upsert({ collection_name: 'docs', partial_update: true, data: [{ id: 1, n: 5 }] });
    const del = c.delete({ collection_name: 'docs', ids: [1] });
    const q = c.query({ collection_name: 'docs', filter: 'id >= 1', output_fields: ['count(*)'] });
    const ins = c.insert({
      collection_name: 'docs',
      data: [{ id: 7, vec: [0, 0], title: 't', n: 1, tags: [] }],
    });
    await Promise.all([up, del, q, ins]);
    expect((await q).data).toEqual([{ 'count(*)': '1' }]);
    expect((await c.get({ collection_name: 'docs', ids: [1, 7], output_fields: ['n'] })).data).toEqual([
      { id: '7', n: 1 },
    ]);
  });

  it('createCollection, with or without text fields, applies before calls made right after it', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    const made = seed(c); // a BM25 collection: its analyzers load first
    const plain = c.createCollection({ collection_name: 'plain', dimension: 2 });
    const ins = c.insert({ collection_name: 'plain', data: [{ id: 1, vector: [0, 1] }] });
    await Promise.all([made, plain, ins]);
    expect((await c.count({ collection_name: 'plain' })).data).toBe(1);
  });

  it('survives a reopen: the log holds the completed rows', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await seed(a as unknown as Upserting);
    await a.upsert({ collection_name: 'docs', partial_update: true, data: [{ id: 1, n: 77, extra: true }] });
    await a.closeConnection();
    const b = await openOn(storage);
    expect((await b.get({ collection_name: 'docs', ids: [1], output_fields: out })).data).toEqual([
      { id: '1', vec: [1, 0], title: 'red apple', n: 77, note: 'a', tags: ['1', '2'], color: 'red', size: 5 },
    ]);
    await b.closeConnection();
  });
});
