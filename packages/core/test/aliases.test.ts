// Collection aliases: the SDK's createAlias/alterAlias/dropAlias/describeAlias/listAliases, an alias
// accepted wherever a collection name is, the server's refusals, and aliases surviving a reopen (from
// the log and from a sealed manifest) and reaching other tabs.
import { describe, expect, it, vi } from 'vitest';
import { ElanusError, MilvusClient } from '../src/index.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { expectError, FakeLocks, openOn } from './storage-helpers.js';

type Aliasing = Pick<
  MilvusClient,
  | 'createCollection'
  | 'createAlias'
  | 'alterAlias'
  | 'dropAlias'
  | 'describeAlias'
  | 'listAliases'
  | 'insert'
  | 'query'
  | 'count'
  | 'search'
  | 'describeCollection'
  | 'hasCollection'
  | 'listCollections'
  | 'dropCollection'
  | 'renameCollection'
  | 'delete'
>;

async function twoCollections(c: Aliasing) {
  for (const name of ['v1', 'v2']) {
    await c.createCollection({ collection_name: name, dimension: 2 });
    await c.insert({
      collection_name: name,
      data: [{ id: name === 'v1' ? 1 : 2, vector: [1, 0], version: name }],
    });
  }
}

describe('collection aliases', () => {
  it('an alias reads and writes its collection; alterAlias swaps it in one step', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await twoCollections(c);
    await c.createAlias({ collection_name: 'v1', alias: 'live' });
    // Creating the same alias for the same collection again is a no-op, as on the server.
    await c.createAlias({ collection_name: 'v1', alias: 'live' });
    expect(await c.describeAlias({ alias: 'live' })).toMatchObject({
      alias: 'live',
      collection: 'v1',
      db_name: 'default',
    });
    const versionOf = async () =>
      (await c.query({ collection_name: 'live', filter: 'id > 0', output_fields: ['version'] })).data.map(
        (r) => r.version,
      );
    expect(await versionOf()).toEqual(['v1']);
    await c.insert({ collection_name: 'live', data: [{ id: 10, vector: [0, 1], version: 'v1' }] });
    expect((await c.count({ collection_name: 'v1' })).data).toBe(2);
    const hits = await c.search({ collection_name: 'live', data: [0, 1], limit: 1 });
    expect(hits.results[0]!.id).toBe('10');
    const d = await c.describeCollection({ collection_name: 'live' });
    expect(d.collection_name).toBe('v1');
    expect(d.aliases).toEqual(['live']);
    expect((await c.hasCollection({ collection_name: 'live' })).value).toBe(true);
    // Aliases are not collections of their own.
    expect((await c.listCollections()).data.map((x) => x.name).sort()).toEqual(['v1', 'v2']);

    await c.alterAlias({ collection_name: 'v2', alias: 'live' });
    expect(await versionOf()).toEqual(['v2']);
    expect((await c.listAliases({ collection_name: 'v2' })).aliases).toEqual(['live']);
    expect((await c.listAliases({ collection_name: 'v1' })).aliases).toEqual([]);
    await c.createAlias({ collection_name: 'v2', alias: 'latest' });
    expect((await c.listAliases()).aliases.sort()).toEqual(['latest', 'live']);
    // listAliases through an alias lists the collection's aliases.
    expect((await c.listAliases({ collection_name: 'live' })).collection_name).toBe('v2');

    // Renames carry aliases along.
    await c.renameCollection({ collection_name: 'v2', new_collection_name: 'v2b' });
    expect((await c.describeAlias({ alias: 'live' })).collection).toBe('v2b');
    expect(await versionOf()).toEqual(['v2']);

    await c.dropAlias({ alias: 'live' });
    await expectError(c.describeAlias({ alias: 'live' }), 'AliasNotFound');
    await expectError(c.query({ collection_name: 'live', filter: 'id > 0' }), 'CollectionNotExists');
  });

  it('refuses what the server refuses, naming the alias or collection', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    await twoCollections(c);
    await c.createAlias({ collection_name: 'v1', alias: 'a' });
    const conflict = await expectError(
      c.createAlias({ collection_name: 'v2', alias: 'a' }),
      'AliasAlreadyExists',
    );
    expect(conflict.message).toMatch(/alias=a\].*points to collection "v1"/);
    await expectError(c.createAlias({ collection_name: 'v1', alias: 'v2' }), 'AliasCollectionNameConflict');
    await expectError(c.createAlias({ collection_name: 'nope', alias: 'b' }), 'CollectionNotExists');
    const ofAlias = await expectError(
      c.createAlias({ collection_name: 'a', alias: 'b' }),
      'CollectionNotExists',
    );
    expect(ofAlias.message).toMatch(/"a" is an alias, and an alias cannot point to an alias/);
    await expectError(c.alterAlias({ collection_name: 'v2', alias: 'nope' }), 'AliasNotFound');
    await expectError(c.dropAlias({ alias: 'nope' }), 'AliasNotFound');
    const bad = await expectError(c.createAlias({ collection_name: 'v1', alias: '1x' }), 'IllegalArgument');
    expect(bad.message).toMatch(/invalid parameter alias/);
    await expectError(c.createAlias({ collection_name: 'v1' } as never), 'IllegalArgument');
    await expectError(c.createCollection({ collection_name: 'a', dimension: 2 }), 'CollectionAlreadyExists');
    const held = await expectError(c.dropCollection({ collection_name: 'v1' }), 'IllegalArgument');
    expect(held.message).toMatch(/because it has aliases \["a"\]/);
    const viaAlias = await expectError(c.dropCollection({ collection_name: 'a' }), 'IllegalArgument');
    expect(viaAlias.message).toMatch(/cannot drop the collection via alias "a"; name the collection "v1"/);
    await expectError(
      c.renameCollection({ collection_name: 'v2', new_collection_name: 'a' }),
      'CollectionAlreadyExists',
    );
    // Nothing above changed anything.
    expect((await c.listAliases()).aliases).toEqual(['a']);
    expect((await c.count({ collection_name: 'v1' })).data).toBe(1);
    await c.dropAlias({ alias: 'a' });
    await c.dropCollection({ collection_name: 'v1' });
    expect((await c.listCollections()).data.map((x) => x.name)).toEqual(['v2']);
  });

  it('errors carry Milvus numeric codes', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    const e = await c.describeAlias({ alias: 'none' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect((e as ElanusError).status).toBe(1600);
  });
});

describe('aliases persist', () => {
  it('survive a reopen from the log and from a sealed manifest; writes via an alias log the collection', async () => {
    const storage = new MemoryStorage();
    const a = await openOn(storage);
    await twoCollections(a as unknown as Aliasing);
    await a.createAlias({ collection_name: 'v1', alias: 'live' });
    await a.createAlias({ collection_name: 'v1', alias: 'old' });
    await a.alterAlias({ collection_name: 'v2', alias: 'live' });
    await a.dropAlias({ alias: 'old' });
    await a.insert({ collection_name: 'live', data: [{ id: 5, vector: [1, 1], version: 'v2' }] });
    await a.closeConnection();

    // The log holds the real name, so a replay does not depend on the alias existing then.
    const logged = (await storage.readAll(['log/'])).flatMap(
      ([, v]) => (v as { ops: { kind: string; collection: string }[] }).ops,
    );
    expect(logged.filter((o) => o.kind === 'insert').map((o) => o.collection)).toEqual(['v1', 'v2', 'v2']);

    const b = await openOn(storage);
    expect((await b.listAliases()).aliases).toEqual(['live']);
    expect((await b.describeAlias({ alias: 'live' })).collection).toBe('v2');
    expect((await b.count({ collection_name: 'live' })).data).toBe(2);
    await b.flush(); // seal: the log is folded into segments and the manifest
    expect((await storage.list('log/')).length).toBe(0);
    await b.closeConnection();

    const c = await openOn(storage);
    expect((await c.describeAlias({ alias: 'live' })).collection).toBe('v2');
    expect((await c.describeCollection({ collection_name: 'v2' })).aliases).toEqual(['live']);
    await c.closeConnection();
  });

  it('an alias made in one tab is seen by the other, and a follower can make one', async () => {
    const storage = new MemoryStorage();
    const coordination = { locks: new FakeLocks(), channel: (n: string) => new BroadcastChannel(n) };
    const name = `alias-tabs-${Math.random()}`;
    const a = await openOn(storage, { coordination, name });
    const b = await openOn(storage, { coordination, name });
    expect(b.mode).toBe('follower');
    await a.createCollection({ collection_name: 'c', dimension: 2 });
    await a.createAlias({ collection_name: 'c', alias: 'cc' });
    await vi.waitFor(async () => expect((await b.listAliases()).aliases).toEqual(['cc']));
    await b.createAlias({ collection_name: 'c', alias: 'dd' });
    expect((await a.listAliases({ collection_name: 'c' })).aliases.sort()).toEqual(['cc', 'dd']);
    await expectError(b.dropAlias({ alias: 'zz' }), 'AliasNotFound');
    await a.closeConnection();
    await b.closeConnection();
  });
});
