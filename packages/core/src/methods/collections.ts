import type {
  BoolRes,
  CollectionReq,
  DescribeCollectionRes,
  ResStatus,
  ShowCollectionsRes,
  StatisticsRes,
} from '../client/types.js';
import type { Collection } from '../collection/collection.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { type CreateCollectionReq, checkName, normalizeSchema } from '../schema/normalize.js';
import { DataType, DataTypeName, type FieldSchema } from '../schema/types.js';
import { ok, propertyList, requireString } from './common.js';
import { applyIndexParams, loadCollection } from './indexes.js';

export function createCollection(engine: Engine, req: CreateCollectionReq): ResStatus {
  if (!req || typeof req !== 'object') {
    throw elanusError('requestNotObject', { got: req });
  }
  const schema = normalizeSchema(req);
  const quick = req.fields === undefined && req.schema === undefined;
  // Validate index params before anything is created so a bad request leaves nothing behind.
  const c = engine.create(schema);
  try {
    if (quick) {
      const vec = schema.fields.find((f) => f.data_type === DataType.FloatVector)!;
      const given = req.index_params as Record<string, unknown> | undefined;
      applyIndexParams(c, [
        {
          field_name: vec.name,
          index_type: (given?.index_type as string | undefined) ?? 'AUTOINDEX',
          metric_type:
            (req.metric_type as string | undefined) ?? (given?.metric_type as string | undefined) ?? 'COSINE',
          params: (given?.params as Record<string, unknown> | undefined) ?? {},
        },
      ]);
      loadCollection(c);
    } else if (req.index_params !== undefined) {
      const list = Array.isArray(req.index_params) ? req.index_params : [req.index_params];
      applyIndexParams(c, list as Record<string, unknown>[]);
      loadCollection(c);
    }
  } catch (e) {
    engine.drop(schema.name);
    throw e;
  }
  engine.record({ kind: 'createCollection', collection: c.name, schema });
  for (const { def } of c.indexes.values()) engine.record({ kind: 'createIndex', collection: c.name, def });
  if (c.loaded) engine.record({ kind: 'load', collection: c.name });
  return ok();
}

function describeField(f: FieldSchema, i: number) {
  const type_params: { key: string; value: string }[] = [];
  if (f.dim !== undefined) type_params.push({ key: 'dim', value: String(f.dim) });
  if (f.max_length !== undefined) type_params.push({ key: 'max_length', value: String(f.max_length) });
  if (f.max_capacity !== undefined) type_params.push({ key: 'max_capacity', value: String(f.max_capacity) });
  if (f.enable_analyzer) type_params.push({ key: 'enable_analyzer', value: 'true' });
  if (f.enable_match) type_params.push({ key: 'enable_match', value: 'true' });
  if (f.analyzer_params)
    type_params.push({ key: 'analyzer_params', value: JSON.stringify(f.analyzer_params) });
  type_params.push(...propertyList(f.properties));
  return {
    fieldID: String(100 + i),
    name: f.name,
    description: f.description,
    data_type: DataTypeName[f.data_type]!,
    dataType: f.data_type,
    is_primary_key: f.is_primary_key,
    autoID: f.autoID,
    element_type: f.element_type === undefined ? 'None' : DataTypeName[f.element_type]!,
    type_params,
    ...(f.dim !== undefined ? { dim: String(f.dim) } : {}),
    ...(f.max_length !== undefined ? { max_length: String(f.max_length) } : {}),
    ...(f.max_capacity !== undefined ? { max_capacity: String(f.max_capacity) } : {}),
    nullable: f.nullable,
    default_value: f.default_value ?? null,
    is_partition_key: f.is_partition_key,
    is_function_output: f.is_function_output,
    is_dynamic: false,
    ...(f.enable_analyzer ? { enable_analyzer: true } : {}),
    ...(f.enable_match ? { enable_match: true } : {}),
    ...(f.analyzer_params ? { analyzer_params: f.analyzer_params } : {}),
  };
}

export function describeCollection(engine: Engine, req: CollectionReq): DescribeCollectionRes {
  const c = engine.get(req?.collection_name);
  return {
    status: ok(),
    collection_name: c.name,
    collectionID: String(c.id),
    schema: {
      name: c.name,
      description: c.schema.description,
      enable_dynamic_field: c.schema.enable_dynamic_field,
      autoID: c.pkField.autoID,
      fields: c.fields.map(describeField) as never,
      functions: c.schema.functions.map((fn) => ({
        name: fn.name,
        description: fn.description,
        type: fn.type,
        input_field_names: [...fn.input_field_names],
        output_field_names: [...fn.output_field_names],
        params: { ...fn.params },
      })),
    },
    consistency_level: 'Strong',
    num_partitions: String(c.partitions.length),
    created_timestamp: String(c.created),
    created_utc_timestamp: String(c.created),
    shards_num: 1,
    aliases: engine.aliases(c.name).map(([a]) => a),
    properties: propertyList(c.schema.properties),
  };
}

export function hasCollection(engine: Engine, req: CollectionReq): BoolRes {
  requireString(req?.collection_name, 'collection_name');
  return { status: ok(), value: engine.has(engine.resolve(req.collection_name)) };
}

export function listCollections(engine: Engine): ShowCollectionsRes {
  const names = engine.names();
  return {
    status: ok(),
    collection_names: names,
    data: names.map((n) => {
      const c = engine.get(n);
      return {
        name: n,
        id: String(c.id),
        timestamp: String(c.created),
        loadedPercentage: c.loaded ? '100' : '0',
      };
    }),
  };
}

export function dropCollection(engine: Engine, req: CollectionReq): ResStatus {
  const name = requireString(req?.collection_name, 'collection_name');
  // The server makes the drop idempotent: a collection that is not there is already dropped.
  if (!engine.has(name) && !engine.isAlias(name)) return ok();
  engine.drop(name);
  engine.record({ kind: 'dropCollection', collection: req.collection_name });
  return ok();
}

export function renameCollection(
  engine: Engine,
  req: CollectionReq & { new_collection_name: string },
): ResStatus {
  const from = requireString(req?.collection_name, 'collection_name');
  const to = checkName(req.new_collection_name, 'new_collection_name');
  engine.rename(from, to);
  engine.record({ kind: 'renameCollection', collection: from, newName: to });
  return ok();
}

export function getCollectionStatistics(engine: Engine, req: CollectionReq): StatisticsRes {
  const c: Collection = engine.get(req?.collection_name);
  const n = String(c.liveCount);
  return { status: ok(), stats: [{ key: 'row_count', value: n }], data: { row_count: n } };
}
