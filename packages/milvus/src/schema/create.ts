import type { VectorClient } from '@elanus/core';
import {
  compareSchemas,
  type IndexInfo,
  indexesFromDescribe,
  mismatchError,
  type SchemaDifference,
  type SchemaInfo,
  schemaFromDescribe,
  toCreateRequest,
  VECTOR_TYPES as VECTOR,
} from './schema.js';

export interface CreateFromResult {
  /** True when the target collection was created; false when it existed with a compatible schema. */
  created: boolean;
  schema: SchemaInfo;
  /** Partitions created on the target. */
  partitions: string[];
  /** Indexes the target could not build (scalar index types it lacks); the collection works without them. */
  warnings: string[];
}

export async function describeSchema(
  client: VectorClient,
  collection: string,
  db_name?: string,
): Promise<SchemaInfo> {
  return schemaFromDescribe(
    await client.describeCollection({ collection_name: collection, ...(db_name ? { db_name } : {}) }),
  );
}

async function describeIndexes(client: VectorClient, collection: string): Promise<IndexInfo[]> {
  try {
    return indexesFromDescribe(await client.describeIndex({ collection_name: collection }));
  } catch (e) {
    // A collection without any index describes as IndexNotExist.
    if ((e as { code?: string }).code === 'IndexNotExist') return [];
    throw e;
  }
}

async function userPartitions(client: VectorClient, collection: string, info: SchemaInfo): Promise<string[]> {
  if (info.hasPartitionKey) return [];
  const res = await client.listPartitions({ collection_name: collection });
  return res.partition_names.filter((p) => p !== '_default');
}

/** Compares two existing collections; throws `SchemaMismatch` with `details.differences` when they differ. */
export async function checkCompatible(
  local: VectorClient,
  remote: VectorClient,
  collection: string,
): Promise<{ local: SchemaInfo; remote: SchemaInfo; differences: SchemaDifference[] }> {
  const [l, r] = await Promise.all([describeSchema(local, collection), describeSchema(remote, collection)]);
  const differences = compareSchemas(l, r);
  if (differences.length) throw mismatchError(collection, differences);
  return { local: l, remote: r, differences };
}

async function createFrom(
  source: VectorClient,
  target: VectorClient,
  collection: string,
  side: 'local' | 'remote',
): Promise<CreateFromResult> {
  const info = await describeSchema(source, collection);
  const exists = (await target.hasCollection({ collection_name: collection })).value;
  const partitions = await userPartitions(source, collection, info);
  if (exists) {
    const have = await describeSchema(target, collection);
    const differences = side === 'remote' ? compareSchemas(info, have) : compareSchemas(have, info);
    if (differences.length) throw mismatchError(collection, differences);
    const created: string[] = [];
    const theirs = new Set(await userPartitions(target, collection, have));
    for (const p of partitions) {
      if (theirs.has(p)) continue;
      await target.createPartition({ collection_name: collection, partition_name: p });
      created.push(p);
    }
    return { created: false, schema: have, partitions: created, warnings: [] };
  }
  const indexes = await describeIndexes(source, collection);
  const vectorIdx = indexes.filter((i) =>
    VECTOR.has(info.fields.find((f) => f.name === i.field)?.type ?? ''),
  );
  const scalarIdx = indexes.filter((i) => !vectorIdx.includes(i));
  // Local collections keep autoID (the engine takes explicit keys on upsert); remote ones get explicit keys.
  const req = toCreateRequest(info, collection, {
    target: side,
    indexes: vectorIdx,
    keepAutoID: side === 'local',
  });
  await target.createCollection(req);
  const warnings: string[] = [];
  for (const i of scalarIdx) {
    try {
      await target.createIndex({
        collection_name: collection,
        field_name: i.field,
        index_name: i.name,
        index_type: i.type,
        params: i.params,
      });
    } catch (e) {
      warnings.push(`index ${i.name} (${i.type}) on ${i.field} was not created: ${(e as Error).message}`);
    }
  }
  for (const p of partitions)
    await target.createPartition({ collection_name: collection, partition_name: p });
  const load = await target.getLoadState({ collection_name: collection });
  if (load.state !== 'LoadStateLoaded') await target.loadCollection({ collection_name: collection });
  return { created: true, schema: await describeSchema(target, collection), partitions, warnings };
}

/**
 * Creates `collection` on the remote with the local collection's schema, functions, partitions and
 * vector indexes. When the remote already has it, the schemas are compared field by field: a mismatch
 * throws `SchemaMismatch` (details.differences) and nothing is written.
 */
export function createRemoteFrom(
  local: VectorClient,
  remote: VectorClient,
  collection: string,
): Promise<CreateFromResult> {
  return createFrom(local, remote, collection, 'remote');
}

/** The reverse: creates the local collection from the remote one (index types the engine lacks map to HNSW). */
export function createLocalFrom(
  remote: VectorClient,
  local: VectorClient,
  collection: string,
): Promise<CreateFromResult> {
  return createFrom(remote, local, collection, 'local');
}
