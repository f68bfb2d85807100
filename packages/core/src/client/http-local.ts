// The local half of HttpClient (http-client.ts), loaded on its first memory:// or idb:// call: REST v2
// request bodies to MilvusClient requests, and MilvusClient results to REST v2 `data`.

import type { MilvusClient } from './milvus-client.js';

type Body = Record<string, unknown>;
type Local = (c: MilvusClient, b: Body) => Promise<unknown>;

const pick = (b: Body, names: Record<string, string>): Body => {
  const out: Body = {};
  for (const [from, to] of Object.entries(names)) if (b[from] !== undefined) out[to] = b[from];
  return out;
};
const col = (b: Body): Body => ({ collection_name: b.collectionName });

/** REST v2 `params` of a search (`searchParams`) to the SDK's. */
function searchReq(b: Body): Body {
  const sp = (b.searchParams ?? {}) as Body;
  const params = { ...((sp.params as Body | undefined) ?? {}) };
  return {
    ...col(b),
    data: b.data,
    ...pick(b, {
      annsField: 'anns_field',
      limit: 'limit',
      offset: 'offset',
      filter: 'filter',
      outputFields: 'output_fields',
      partitionNames: 'partition_names',
      groupingField: 'group_by_field',
      consistencyLevel: 'consistency_level',
    }),
    ...(sp.metricType !== undefined ? { metric_type: sp.metricType } : {}),
    ...(Object.keys(params).length ? { params } : {}),
  };
}

function hits(res: { results: unknown[] }, nq: number): { data: unknown[]; topks: number[] } {
  const groups = (nq > 1 ? res.results : [res.results]) as Record<string, unknown>[][];
  const data: unknown[] = [];
  const topks: number[] = [];
  for (const g of groups) {
    topks.push(g.length);
    for (const { score, ...rest } of g) data.push({ ...rest, distance: score });
  }
  return { data, topks };
}

const nqOf = (data: unknown) =>
  Array.isArray(data) && (Array.isArray(data[0]) || typeof data[0] === 'object') ? data.length : 1;

function fieldOf(f: Body): Body {
  const tp = (f.elementTypeParams ?? {}) as Body;
  return {
    name: f.fieldName,
    data_type: f.dataType,
    ...pick(f, {
      isPrimary: 'is_primary_key',
      autoID: 'autoID',
      autoId: 'autoID',
      description: 'description',
      elementDataType: 'element_type',
      isPartitionKey: 'is_partition_key',
      nullable: 'nullable',
      defaultValue: 'default_value',
    }),
    ...tp,
  };
}

function indexParamsOf(list: unknown): Body[] {
  return ((list ?? []) as Body[]).map((p) => {
    const params = { ...((p.params as Body | undefined) ?? {}) };
    const index_type = (p.indexType ?? params.index_type ?? 'AUTOINDEX') as string;
    delete params.index_type;
    return {
      field_name: p.fieldName,
      index_type,
      ...(p.indexName !== undefined ? { index_name: p.indexName } : {}),
      ...(p.metricType !== undefined ? { metric_type: p.metricType } : {}),
      params,
    };
  });
}

function createReq(b: Body): Body {
  const schema = b.schema as Body | undefined;
  const params = (b.params ?? {}) as Body;
  if (!schema) {
    return {
      ...col(b),
      ...pick(b, {
        dimension: 'dimension',
        metricType: 'metric_type',
        idType: 'id_type',
        autoID: 'auto_id',
        primaryFieldName: 'primary_field_name',
        vectorFieldName: 'vector_field_name',
      }),
      ...(params.max_length !== undefined ? { max_length: Number(params.max_length) } : {}),
      enable_dynamic_field: params.enableDynamicField ?? true,
    };
  }
  return {
    ...col(b),
    fields: ((schema.fields ?? []) as Body[]).map(fieldOf),
    ...(schema.functions ? { functions: schema.functions } : {}),
    enable_dynamic_field: schema.enableDynamicField ?? schema.enabledDynamicField ?? false,
    ...(b.indexParams ? { index_params: indexParamsOf(b.indexParams) } : {}),
  };
}

/** The server gives Int64 ids as JSON numbers (unless Accept-Type-Allow-Int64), VarChar ids as strings. */
function idsOf(r: { IDs: unknown }): (number | string)[] {
  const ids = r.IDs as { int_id?: { data: string[] }; str_id?: { data: string[] } };
  return ids.int_id ? ids.int_id.data.map(Number) : (ids.str_id?.data ?? []);
}

/** A call whose REST v2 result is `data: {}`. */
const done = async (p: Promise<unknown>) => {
  await p;
  return {};
};

export const LOCAL: Record<string, Local> = {
  // collections
  'collections/create': async (c, b) => {
    await c.createCollection(createReq(b) as never);
    return {};
  },
  'collections/describe': async (c, b) => {
    const d = await c.describeCollection(col(b) as never);
    const idx = await c.describeIndex(col(b) as never).catch(() => ({ index_descriptions: [] }));
    const load = await c.getLoadState(col(b) as never);
    return {
      collectionName: d.collection_name,
      collectionID: Number(d.collectionID),
      description: d.schema.description,
      autoId: d.schema.autoID,
      enableDynamicField: d.schema.enable_dynamic_field,
      fields: d.schema.fields.map((f) => ({
        name: f.name,
        type: f.data_type,
        id: Number(f.fieldID),
        primaryKey: f.is_primary_key,
        autoId: f.autoID,
        partitionKey: f.is_partition_key,
        nullable: f.nullable,
        description: f.description,
        ...(f.element_type !== 'None' ? { elementType: f.element_type } : {}),
        params: f.type_params,
      })),
      functions: d.schema.functions,
      indexes: idx.index_descriptions.map((i) => ({
        fieldName: i.field_name,
        indexName: i.index_name,
        metricType: i.metric_type,
      })),
      load: load.state,
      shardsNum: d.shards_num,
      partitionsNum: Number(d.num_partitions),
      consistencyLevel: d.consistency_level,
      aliases: d.aliases,
      properties: d.properties,
    };
  },
  'collections/drop': (c, b) => done(c.dropCollection(col(b) as never)),
  'collections/list': async (c) => (await c.listCollections()).collection_names,
  'collections/has': async (c, b) => ({ has: (await c.hasCollection(col(b) as never)).value }),
  'collections/rename': (c, b) =>
    done(c.renameCollection({ ...col(b), new_collection_name: b.newCollectionName } as never)),
  'collections/get_stats': async (c, b) => ({
    rowCount: Number((await c.getCollectionStatistics(col(b) as never)).data.row_count),
  }),
  'collections/flush': (c, b) => done(c.flush({ collection_names: [b.collectionName as string] })),
  'collections/load': (c, b) => done(c.loadCollection(col(b) as never)),
  'collections/release': (c, b) => done(c.releaseCollection(col(b) as never)),
  'collections/get_load_state': async (c, b) => {
    const s = await c.getLoadState(col(b) as never);
    return { loadState: s.state, loadProgress: s.state === 'LoadStateLoaded' ? 100 : 0 };
  },
  'collections/compact': async (c, b) => {
    const r = await c.compact(col(b) as never);
    return { compactionID: Number(r.compactionID) };
  },
  'collections/get_compaction_state': async () => ({ state: 'Completed' }),
  'collections/alter_properties': (c, b) =>
    done(c.alterCollectionProperties({ ...col(b), properties: b.properties } as never)),
  'collections/drop_properties': (c, b) =>
    done(c.dropCollectionProperties({ ...col(b), properties: b.propertyKeys } as never)),
  'collections/fields/alter_properties': async (c, b) => {
    const fp = (b.fieldParams ?? {}) as Body;
    const properties: Body = {};
    for (const [k, v] of Object.entries(fp)) properties[k === 'mmap_enabled' ? 'mmap.enabled' : k] = v;
    await c.alterCollectionFieldProperties({ ...col(b), field_name: b.fieldName, properties } as never);
    return {};
  },
  // entities
  'entities/insert': async (c, b) => {
    const r = await c.insert({
      ...col(b),
      data: b.data,
      ...pick(b, { partitionName: 'partition_name' }),
    } as never);
    return { insertCount: Number(r.insert_cnt), insertIds: idsOf(r) };
  },
  'entities/upsert': async (c, b) => {
    const r = await c.upsert({
      ...col(b),
      data: b.data,
      ...pick(b, { partitionName: 'partition_name' }),
    } as never);
    return { upsertCount: Number(r.upsert_cnt), upsertIds: idsOf(r) };
  },
  'entities/delete': async (c, b) => {
    await c.delete({ ...col(b), filter: b.filter, ...pick(b, { partitionName: 'partition_name' }) } as never);
    return {};
  },
  'entities/get': async (c, b) =>
    (
      await c.get({
        ...col(b),
        ids: Array.isArray(b.id) ? b.id : [b.id],
        ...pick(b, { outputFields: 'output_fields' }),
      } as never)
    ).data,
  'entities/query': async (c, b) =>
    (
      await c.query({
        ...col(b),
        filter: b.filter ?? '',
        ...pick(b, {
          outputFields: 'output_fields',
          limit: 'limit',
          offset: 'offset',
          partitionNames: 'partition_names',
          consistencyLevel: 'consistency_level',
        }),
      } as never)
    ).data,
  'entities/search': async (c, b) => hits(await c.search(searchReq(b) as never), nqOf(b.data)),
  'entities/hybrid_search': async (c, b) => {
    const rr = (b.rerank ?? {}) as Body;
    const rp = (rr.params ?? {}) as Body;
    const r = await c.hybridSearch({
      ...col(b),
      data: ((b.search ?? []) as Body[]).map((s) => searchReq({ ...s, collectionName: b.collectionName })),
      rerank:
        rr.strategy === 'weighted'
          ? { strategy: 'weighted', params: { weights: rp.weights } }
          : { strategy: 'rrf', params: { k: rp.k ?? 60 } },
      ...pick(b, { limit: 'limit', outputFields: 'output_fields' }),
    } as never);
    return hits(r, 1);
  },
  // indexes
  'indexes/create': async (c, b) => {
    for (const p of indexParamsOf(b.indexParams)) await c.createIndex({ ...col(b), ...p } as never);
    return {};
  },
  'indexes/describe': async (c, b) => {
    const d = await c.describeIndex({ ...col(b), index_name: b.indexName } as never);
    return d.index_descriptions.map((i) => ({
      failReason: '',
      fieldName: i.field_name,
      indexName: i.index_name,
      indexState: 'Finished',
      indexType: i.index_type,
      indexedRows: Number(i.indexed_rows),
      metricType: i.metric_type,
      pendingRows: Number(i.pending_index_rows),
      totalRows: Number(i.total_rows),
    }));
  },
  'indexes/list': async (c, b) => (await c.listIndexes(col(b) as never)).indexes,
  'indexes/drop': (c, b) => done(c.dropIndex({ ...col(b), index_name: b.indexName } as never)),
  'indexes/alter_properties': (c, b) =>
    done(c.alterIndexProperties({ ...col(b), index_name: b.indexName, params: b.properties } as never)),
  'indexes/drop_properties': (c, b) =>
    done(c.dropIndexProperties({ ...col(b), index_name: b.indexName, properties: b.propertyKeys } as never)),
  // partitions
  'partitions/list': async (c, b) => (await c.listPartitions(col(b) as never)).partition_names,
  'partitions/create': (c, b) =>
    done(c.createPartition({ ...col(b), partition_name: b.partitionName } as never)),
  'partitions/drop': (c, b) => done(c.dropPartition({ ...col(b), partition_name: b.partitionName } as never)),
  'partitions/has': async (c, b) => ({
    has: (await c.hasPartition({ ...col(b), partition_name: b.partitionName } as never)).value,
  }),
  'partitions/load': (c, b) =>
    done(c.loadPartitions({ ...col(b), partition_names: b.partitionNames } as never)),
  'partitions/release': (c, b) =>
    done(c.releasePartitions({ ...col(b), partition_names: b.partitionNames } as never)),
  'partitions/get_stats': async (c, b) => {
    const s = await c.getPartitionStatistics({ ...col(b), partition_name: b.partitionName } as never);
    return { rowCount: Number(s.data.row_count) };
  },
  // aliases
  'aliases/list': async (c, b) =>
    (await c.listAliases(b.collectionName ? (col(b) as never) : undefined)).aliases,
  'aliases/create': (c, b) => done(c.createAlias({ ...col(b), alias: b.aliasName } as never)),
  'aliases/alter': (c, b) => done(c.alterAlias({ ...col(b), alias: b.aliasName } as never)),
  'aliases/drop': (c, b) => done(c.dropAlias({ alias: b.aliasName } as never)),
  'aliases/describe': async (c, b) => {
    const d = await c.describeAlias({ alias: b.aliasName } as never);
    return { aliasName: d.alias, collectionName: d.collection, dbName: d.db_name };
  },
};
