// Exposes `@elanus/core/idb` (export/import/drop of IndexedDB databases, quota) as `window.elanusIdb`,
// `@elanus/core/opfs` (list/drop/open of OPFS databases) as `window.elanusOpfs`,
// and page-side helpers of the persistence specs (tests/e2e/persistence*.spec.ts) as `window.persistence`.
import * as elanus from '@elanus/core';
import * as elanusIdb from '@elanus/core/idb';
import * as elanusOpfs from '@elanus/core/opfs';

type Client = InstanceType<typeof elanus.MilvusClient>;

/**
 * The vector row `id` gets (pseudo-random in [-1, 1), a function of the id), so that a reopened database
 * can be checked row by row.
 */
function vectorFor(id: number, dim: number): number[] {
  let s = (Math.imul(id + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  return Array.from({ length: dim }, () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.fround(((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1);
  });
}

/** Everything observable about the collections of a client, for before/after comparisons. */
async function snapshot(client: Client): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const names = (await client.listCollections()).collection_names.sort();
  for (const name of names) {
    const desc = await client.describeCollection({ collection_name: name });
    const parts = await client.listPartitions({ collection_name: name });
    const idx = await client.listIndexes({ collection_name: name });
    const indexes = idx.indexes.length
      ? (await client.describeIndex({ collection_name: name })).index_descriptions
      : [];
    const load = (await client.getLoadState({ collection_name: name })).state;
    const stats = (await client.getCollectionStatistics({ collection_name: name })).data;
    let rows: unknown[] = [];
    let hits: unknown = null;
    if (load === 'LoadStateLoaded') {
      rows = (await client.query({ collection_name: name, filter: '', output_fields: ['*'], limit: 16384 }))
        .data;
      const vec = desc.schema.fields.find((f) => f.data_type === 'FloatVector');
      if (vec?.dim) {
        const q = vectorFor(12345, Number(vec.dim));
        hits = (await client.search({ collection_name: name, anns_field: vec.name, data: q, limit: 10 }))
          .results;
      }
    }
    out[name] = { desc, parts, indexes, load, stats, rows, hits };
  }
  return out;
}

interface StreamOptions {
  uri: string;
  collection: string;
  batches: number;
  batchSize: number;
  dim: number;
  /** Run the engine in a worker (`worker: true`). */
  worker?: boolean;
}

/**
 * Inserts `batches` awaited batches (ids b*batchSize..) and logs `elanus-committed <n>` after each one
 * resolved, so a test can kill the page mid-stream and know what was acknowledged.
 */
async function stream(o: StreamOptions): Promise<void> {
  const client = new elanus.MilvusClient({ uri: o.uri, ...(o.worker ? { worker: true } : {}) });
  await client.createCollection({ collection_name: o.collection, dimension: o.dim, metric_type: 'L2' });
  console.log('elanus-committed 0');
  for (let b = 0; b < o.batches; b++) {
    const data = Array.from({ length: o.batchSize }, (_, i) => {
      const id = b * o.batchSize + i;
      return { id, vector: vectorFor(id, o.dim) };
    });
    await client.insert({ collection_name: o.collection, data });
    console.log(`elanus-committed ${b + 1}`);
  }
}

/** Reads every row back: how many there are and how many differ from what the stream wrote. */
async function verify(o: { uri: string; collection: string; dim: number; worker?: boolean }) {
  const client = new elanus.MilvusClient({ uri: o.uri, ...(o.worker ? { worker: true } : {}) });
  try {
    if (!(await client.hasCollection({ collection_name: o.collection })).value)
      return { count: 0, bad: 0, maxId: -1 };
    const count = Number(
      (await client.getCollectionStatistics({ collection_name: o.collection })).data.row_count,
    );
    let bad = 0;
    let maxId = -1;
    let seen = 0;
    for (let from = 0; seen < count && from < 10_000_000; from += 10_000) {
      const rows = (
        await client.query({
          collection_name: o.collection,
          filter: `id >= ${from} and id < ${from + 10_000}`,
          output_fields: ['vector'],
        })
      ).data;
      for (const r of rows) {
        const id = Number(r.id);
        maxId = Math.max(maxId, id);
        const want = vectorFor(id, o.dim);
        const got = r.vector as number[];
        if (got.length !== o.dim || got.some((x, j) => x !== want[j])) bad++;
      }
      seen += rows.length;
    }
    return { count, bad, maxId };
  } finally {
    await client.closeConnection();
  }
}

export const persistence = { vectorFor, snapshot, stream, verify };

declare global {
  interface Window {
    elanusIdb: typeof elanusIdb;
    elanusOpfs: typeof elanusOpfs;
    persistence: typeof persistence;
  }
}

window.elanusIdb = elanusIdb;
window.elanusOpfs = elanusOpfs;
window.persistence = persistence;
