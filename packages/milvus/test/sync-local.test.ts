// The sync algorithm between two in-page engines (a LocalClient stands in for the remote): push from the
// log and by scan, pull, two-way with conflicts, resume after failures, schema mismatch, abort.
import { DataType, type LocalClient } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore, recordOps, type SyncProgress, sync } from '../src/index.js';
import { createRich, expectError, failing, localClient, richRow } from './helpers.js';

const C = 'books';

async function seeded(n: number, record = true): Promise<LocalClient> {
  const local = await localClient();
  if (record) await recordOps(local);
  await createRich(local, C);
  await local.insert({ collection_name: C, data: Array.from({ length: n }, (_, i) => richRow(i)) });
  return local;
}

async function count(c: LocalClient): Promise<number> {
  return (await c.count({ collection_name: C })).data;
}

describe('push', () => {
  it('creates the remote collection from the local one and pushes the log; a re-run writes nothing', async () => {
    const local = await seeded(250);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const events: SyncProgress[] = [];
    const r1 = await sync({
      local,
      remote,
      collection: C,
      direction: 'push',
      batchSize: 64,
      checkpoint,
      onProgress: (p) => events.push(p),
    });
    expect(r1.pushMode).toBe('log');
    expect(r1.pushed.upserted).toBe(250);
    expect(r1.verification?.equal).toBe(true);
    expect(r1.verification?.remote.count).toBe(250);
    expect(events.at(-1)?.phase).toBe('done');
    expect(events.some((e) => e.phase === 'push' && e.done > 0 && e.done < e.total)).toBe(true);
    const desc = await remote.describeCollection({ collection_name: C });
    expect(desc.schema.enable_dynamic_field).toBe(true);
    expect(desc.schema.fields.map((f) => f.name)).toEqual([
      'id',
      'vec',
      'sp',
      'title',
      'year',
      'big',
      'rating',
      'score',
      'flag',
      'meta',
      'tags',
      'nums',
    ]);
    const r2 = await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    expect(r2.pushed).toEqual({ upserted: 0, deleted: 0 });
    expect(r2.batches).toBe(0);
    expect(r2.verification?.equal).toBe(true);
  });

  it('pushes updates and deletions in order and keeps the latest value of a key', async () => {
    const local = await seeded(100);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    await local.upsert({
      collection_name: C,
      data: [richRow(5, 8, undefined, 1), richRow(200, 8, undefined, 1)],
    });
    await local.delete({ collection_name: C, ids: [7, 8] });
    await local.upsert({ collection_name: C, data: [richRow(7, 8, undefined, 2)] }); // deleted, then back
    await local.delete({ collection_name: C, ids: [200] }); // created, then deleted
    const r = await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    expect(r.pushMode).toBe('log');
    expect(r.pushed).toEqual({ upserted: 2, deleted: 2 });
    expect(r.verification?.equal).toBe(true);
    const got = await remote.get({ collection_name: C, ids: [5, 7, 8, 200], output_fields: ['title'] });
    expect(got.data.map((x) => [x.id, x.title])).toEqual([
      ['5', 'title 5 v1'],
      ['7', 'title 7 v2'],
    ]);
  });

  it('scans both sides when no log covers the local writes, and only deletes remote rows with mirror', async () => {
    const local = await seeded(120, false);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    await createRich(remote, C);
    await remote.insert({ collection_name: C, data: [richRow(1000), richRow(3, 8, undefined, 9)] });
    const r = await sync({ local, remote, collection: C, direction: 'push', checkpoint, batchSize: 50 });
    expect(r.pushMode).toBe('scan');
    expect(r.pushed.upserted).toBe(120);
    expect(r.remoteOnly).toBe(1);
    expect(r.verification?.equal).toBe(false);
    // The recorder attached by the first sync makes the next push incremental.
    await local.delete({ collection_name: C, ids: [0] });
    const r2 = await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    expect(r2.pushMode).toBe('log');
    expect(r2.pushed).toEqual({ upserted: 0, deleted: 1 });
    const r3 = await sync({
      local,
      remote,
      collection: C,
      direction: 'push',
      checkpoint,
      full: true,
      mirror: true,
    });
    expect(r3.pushMode).toBe('scan');
    expect(r3.pushed).toEqual({ upserted: 0, deleted: 1 });
    expect(r3.verification?.equal).toBe(true);
  });

  for (const after of [false, true]) {
    it(`resumes after a failed batch (${after ? 'written, answer lost' : 'not written'}) without duplicates or losses`, async () => {
      const local = await seeded(300);
      const inner = await localClient();
      const checkpoint = new MemoryCheckpointStore();
      const remote = failing(inner, 'upsert', 3, after);
      await expectError(
        sync({ local, remote, collection: C, direction: 'push', batchSize: 50, checkpoint }),
        'Unavailable',
      );
      expect(await count(inner)).toBe(after ? 150 : 100);
      const r = await sync({ local, remote, collection: C, direction: 'push', batchSize: 50, checkpoint });
      expect(r.resumed).toBe(true);
      expect(r.pushed.upserted).toBe(200);
      expect(r.verification?.equal).toBe(true);
      expect(await count(inner)).toBe(300);
    });
  }

  it('resumes an interrupted scan push from its last key', async () => {
    const local = await seeded(300, false);
    const inner = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const remote = failing(inner, 'upsert', 4);
    await expectError(
      sync({ local, remote, collection: C, direction: 'push', batchSize: 50, checkpoint }),
      'Unavailable',
    );
    const r = await sync({ local, remote, collection: C, direction: 'push', batchSize: 50, checkpoint });
    expect(r.pushMode).toBe('scan');
    expect(r.resumed).toBe(true);
    expect(r.pushed.upserted).toBe(150);
    expect(r.verification?.equal).toBe(true);
  });

  it('stops at an aborted signal between batches, and the checkpoint lets it continue', async () => {
    const local = await seeded(200);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const ctl = new AbortController();
    const p = sync({
      local,
      remote,
      collection: C,
      direction: 'push',
      batchSize: 40,
      checkpoint,
      signal: ctl.signal,
      onProgress: (e) => {
        if (e.phase === 'push' && e.upserted >= 80) ctl.abort();
      },
    });
    await expectError(p, 'Aborted');
    const r = await sync({ local, remote, collection: C, direction: 'push', batchSize: 40, checkpoint });
    expect(r.pushed.upserted).toBe(120);
    expect(r.verification?.equal).toBe(true);
  });

  it('carries partitions', async () => {
    const local = await seeded(10);
    await local.createPartition({ collection_name: C, partition_name: 'p2024' });
    await local.insert({ collection_name: C, partition_name: 'p2024', data: [richRow(50), richRow(51)] });
    const remote = await localClient();
    await sync({ local, remote, collection: C, direction: 'push', checkpoint: new MemoryCheckpointStore() });
    const inP = await remote.query({
      collection_name: C,
      filter: 'id >= 0',
      partition_names: ['p2024'],
      output_fields: ['id'],
    });
    expect(inP.data.map((x) => x.id)).toEqual(['50', '51']);
  });
});

describe('pull', () => {
  it('pulls into an empty local, then applies remote updates and deletions; a re-run writes nothing', async () => {
    const remote = await seeded(180, false);
    const local = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const r1 = await sync({ local, remote, collection: C, direction: 'pull', batchSize: 64, checkpoint });
    expect(r1.pulled.upserted).toBe(180);
    expect(r1.verification?.equal).toBe(true);
    await remote.delete({ collection_name: C, ids: [1, 2, 179] });
    await remote.upsert({ collection_name: C, data: [richRow(10, 8, undefined, 3), richRow(500)] });
    const r2 = await sync({ local, remote, collection: C, direction: 'pull', batchSize: 64, checkpoint });
    expect(r2.pulled).toEqual({ upserted: 2, deleted: 3 });
    expect(r2.verification?.equal).toBe(true);
    const r3 = await sync({ local, remote, collection: C, direction: 'pull', checkpoint });
    expect(r3.pulled).toEqual({ upserted: 0, deleted: 0 });
    // Pulled rows are not local changes: the next push sends nothing.
    const r4 = await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    expect(r4.pushed).toEqual({ upserted: 0, deleted: 0 });
  });

  it('resumes an interrupted pull', async () => {
    const remote = await seeded(260, false);
    const inner = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const local = failing(inner, 'upsert', 3);
    await expectError(
      sync({ local, remote, collection: C, direction: 'pull', batchSize: 50, checkpoint }),
      'Unavailable',
    );
    const r = await sync({
      local: inner,
      remote,
      collection: C,
      direction: 'pull',
      batchSize: 50,
      checkpoint,
    });
    expect(r.resumed).toBe(true);
    expect(r.pulled.upserted).toBe(160);
    expect(r.verification?.equal).toBe(true);
  });
});

describe('both', () => {
  it('copies one-sided changes both ways and resolves two-sided ones by the rule', async () => {
    const local = await seeded(60);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const first = await sync({ local, remote, collection: C, direction: 'both', checkpoint });
    expect(first.verification?.equal).toBe(true);
    expect(first.conflicts).toBe(0);
    // local-only change, remote-only change, a conflict, deletions on each side
    await local.upsert({
      collection_name: C,
      data: [richRow(1, 8, undefined, 1), richRow(3, 8, undefined, 1)],
    });
    await remote.upsert({
      collection_name: C,
      data: [richRow(2, 8, undefined, 2), richRow(3, 8, undefined, 2)],
    });
    await local.delete({ collection_name: C, ids: [10] });
    await remote.delete({ collection_name: C, ids: [11] });
    const r = await sync({ local, remote, collection: C, direction: 'both', checkpoint });
    expect(r.conflicts).toBe(1);
    expect(r.verification?.equal).toBe(true);
    const titles = async (c: LocalClient) =>
      (await c.get({ collection_name: C, ids: [1, 2, 3, 10, 11], output_fields: ['title'] })).data.map(
        (x) => x.title,
      );
    expect(await titles(local)).toEqual(['title 1 v1', 'title 2 v2', 'title 3 v2']);
    expect(await titles(remote)).toEqual(await titles(local));
    const again = await sync({ local, remote, collection: C, direction: 'both', checkpoint });
    expect(again.pushed).toEqual({ upserted: 0, deleted: 0 });
    expect(again.pulled).toEqual({ upserted: 0, deleted: 0 });
  });

  it('local-wins and a rule function pick the local side', async () => {
    const local = await seeded(20);
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    await sync({ local, remote, collection: C, direction: 'both', checkpoint });
    await local.upsert({
      collection_name: C,
      data: [richRow(4, 8, undefined, 1), richRow(5, 8, undefined, 1)],
    });
    await remote.upsert({ collection_name: C, data: [richRow(4, 8, undefined, 2)] });
    await remote.delete({ collection_name: C, ids: [5] });
    const seen: string[] = [];
    const r = await sync({
      local,
      remote,
      collection: C,
      direction: 'both',
      checkpoint,
      conflict: (c) => {
        seen.push(`${c.key}:${c.local ? 'L' : '-'}${c.remote ? 'R' : '-'}`);
        return 'local';
      },
    });
    expect(seen).toEqual(['4:LR', '5:L-']);
    expect(r.verification?.equal).toBe(true);
    const got = await remote.get({ collection_name: C, ids: [4, 5], output_fields: ['title'] });
    expect(got.data.map((x) => x.title)).toEqual(['title 4 v1', 'title 5 v1']);
  });
});

describe('schemas', () => {
  it('reports an incompatible remote field by field and writes nothing', async () => {
    const local = await seeded(10);
    const remote = await localClient();
    await remote.createCollection({
      collection_name: C,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        { name: 'other', data_type: DataType.Bool },
      ],
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    });
    const checkpoint = new MemoryCheckpointStore();
    const e = await expectError(
      sync({ local, remote, collection: C, direction: 'push', checkpoint }),
      'SchemaMismatch',
    );
    const diffs = e.details?.differences as { field: string; property: string }[];
    expect(diffs).toContainEqual({ field: 'vec', property: 'dim', local: 8, remote: 4 });
    expect(diffs).toContainEqual({
      field: 'other',
      property: 'presence',
      local: 'missing',
      remote: 'present',
    });
    expect(diffs).toContainEqual({ field: '', property: 'enable_dynamic_field', local: true, remote: false });
    expect(diffs.some((d) => d.field === 'sp' && d.property === 'presence')).toBe(true);
    expect((await remote.count({ collection_name: C })).data).toBe(0);
    expect(checkpoint.keys()).toEqual([]);
  });

  it('rejects a bad direction and a missing collection', async () => {
    const local = await localClient();
    const remote = await localClient();
    await expectError(
      sync({ local, remote, collection: C, direction: 'sideways' as never }),
      'IllegalArgument',
      /direction/,
    );
    await expectError(
      sync({ local, remote, collection: C, direction: 'pull', checkpoint: new MemoryCheckpointStore() }),
      'CollectionNotExists',
      /remote side/,
    );
  });
});

describe('varchar keys', () => {
  it('carries keys that need escaping in filter expressions', async () => {
    const local = await localClient();
    await recordOps(local);
    await local.createCollection({
      collection_name: C,
      fields: [
        { name: 'pk', data_type: DataType.VarChar, max_length: 64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
      index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'IP' }],
    });
    const keys = ['a', 'b"quoted"', 'back\\slash', "it's", 'ünï', 'z'];
    await local.insert({ collection_name: C, data: keys.map((pk, i) => ({ pk, v: [i, 1] })) });
    const remote = await localClient();
    const checkpoint = new MemoryCheckpointStore();
    const r = await sync({ local, remote, collection: C, direction: 'push', checkpoint, batchSize: 2 });
    expect(r.verification?.equal).toBe(true);
    await local.delete({ collection_name: C, ids: ['b"quoted"'] });
    const r2 = await sync({ local, remote, collection: C, direction: 'push', checkpoint });
    expect(r2.pushed.deleted).toBe(1);
    expect(r2.verification?.equal).toBe(true);
  });
});
