// Shared by the storage unit tests: an in-process Web Locks stand-in, clients over a given Storage,
// and a full-state dump to compare an engine before and after a reopen.
import { expect } from 'vitest';
import { createEngine } from '../src/engine/create.js';
import { ElanusError } from '../src/errors/index.js';
import { PersistentClient, type PersistentClientOptions } from '../src/storage/persistent-client.js';
import type { LockManagerLike } from '../src/storage/tabs.js';
import type { Storage } from '../src/storage/types.js';

/** Exclusive locks with a FIFO queue, `ifAvailable` and abort signals, like navigator.locks. */
export class FakeLocks implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();

  async request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    cb: (lock: unknown) => unknown,
  ): Promise<unknown> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return cb(null);
      await new Promise<void>((resolve, reject) => {
        const q = this.queues.get(name) ?? [];
        this.queues.set(name, q);
        q.push(resolve);
        options.signal?.addEventListener('abort', () => {
          const i = q.indexOf(resolve);
          if (i >= 0) q.splice(i, 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    }
    this.held.add(name);
    try {
      return await cb({ name });
    } finally {
      const next = this.queues.get(name)?.shift();
      if (next) next();
      else this.held.delete(name);
    }
  }
}

export function openOn(
  storage: Storage,
  extra: Partial<PersistentClientOptions> = {},
): Promise<PersistentClient> {
  return PersistentClient.open({
    storage,
    name: 'test',
    createEngine: () => createEngine({ device: 'js' }),
    coordination: { locks: null, channel: null },
    idleSealMs: 0,
    ...extra,
  });
}

export async function expectError(p: Promise<unknown>, code: string): Promise<ElanusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(ElanusError);
  expect((e as ElanusError).code, (e as Error).message).toBe(code);
  return e as ElanusError;
}

type Api = Pick<
  PersistentClient,
  | 'listCollections'
  | 'describeCollection'
  | 'listPartitions'
  | 'describeIndex'
  | 'getLoadState'
  | 'query'
  | 'count'
  | 'listIndexes'
  | 'getCollectionStatistics'
>;

/** Everything observable about a database, with volatile fields (timestamps of responses) removed. */
export async function dump(client: Api): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const names = (await client.listCollections()).collection_names.sort();
  for (const name of names) {
    const desc = await client.describeCollection({ collection_name: name });
    const parts = await client.listPartitions({ collection_name: name });
    const idx = await client.listIndexes({ collection_name: name });
    const indexes = idx.indexes.length
      ? (await client.describeIndex({ collection_name: name })).index_descriptions
      : [];
    const load = await client.getLoadState({ collection_name: name });
    const pk = desc.schema.fields.find((f) => f.is_primary_key)!.name;
    const stats = (await client.getCollectionStatistics({ collection_name: name })).data;
    let rows: unknown = stats;
    const byPartition: Record<string, number> = {};
    if (load.state === 'LoadStateLoaded') {
      rows = (
        await client.query({ collection_name: name, filter: '', output_fields: ['*'], limit: 16384 })
      ).data.sort((a, b) => (String(a[pk]) < String(b[pk]) ? -1 : 1));
      for (const p of parts.partition_names) {
        byPartition[p] = (
          await client.query({ collection_name: name, filter: '', partition_names: [p], limit: 16384 })
        ).data.length;
      }
    }
    out[name] = { desc, parts, indexes, load: load.state, rows, byPartition };
  }
  return out;
}
