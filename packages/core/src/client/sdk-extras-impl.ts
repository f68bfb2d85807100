// The bodies of the SDK extras (see sdk-extras.ts), loaded on first use: most pages never call them.

import { elanusError } from '../errors/index.js';
import { createAnalyzer } from '../functions/analyzer/index.js';
import { loadStemmers, stemmerLanguagesIn } from '../functions/analyzer/stemmers.js';
import { ok } from '../methods/common.js';
import {
  ELANUS_VERSION,
  type FlushResult,
  type FlushSyncReq,
  type IndexStateReq,
  type PartitionsReq,
  type RunAnalyzerReq,
  type RunAnalyzerRes,
  type SdkExtras,
} from './sdk-extras-types.js';
import type { CollectionReq, DescribeCollectionRes, ResStatus, VectorClient } from './types.js';

const MILVUS_API_VERSION = 'v2.6.0';

export type Impl = (b: VectorClient, req: never) => Promise<unknown>;

function requireNames(v: unknown, param: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((n) => typeof n !== 'string')) {
    const got = Array.isArray(v) ? `array(${v.length})` : typeof v;
    throw elanusError('namesNotArray', { param, got }, { param });
  }
  return v as string[];
}

/** Only the `default` database exists locally: the server's error for any other name. */
function requireDefaultDb(db?: unknown): void {
  if (db === undefined || db === '' || db === 'default') return;
  throw elanusError('defaultDatabaseOnly', { database: db }, { param: 'db_name' });
}

async function flushSync(b: VectorClient, req: FlushSyncReq): Promise<FlushResult> {
  const names = requireNames(req?.collection_names, 'collection_names');
  for (const n of names) await b.describeCollection({ collection_name: n }); // CollectionNotExists first
  await b.flush({ collection_names: names });
  const now = String(Date.now());
  const each = <T>(v: () => T) => Object.fromEntries(names.map((n) => [n, v()]));
  return {
    status: ok(),
    db_name: 'default',
    coll_segIDs: each(() => ({ data: [] })),
    flush_coll_segIDs: each(() => ({ data: [] })),
    coll_seal_times: each(() => now),
    coll_flush_ts: each(() => now),
  };
}

async function flushAll(b: VectorClient, req?: { db_name?: string }) {
  requireDefaultDb(req?.db_name);
  const { collection_names } = await b.listCollections();
  if (collection_names.length > 0) await b.flush({ collection_names });
  return { status: ok(), flush_all_ts: String(Date.now()) };
}

async function loadPartitions(b: VectorClient, req: PartitionsReq): Promise<ResStatus> {
  const names = requireNames(req?.partition_names, 'partition_names');
  for (const partition_name of names) {
    const has = await b.hasPartition({ collection_name: req.collection_name, partition_name });
    if (!has.value) {
      throw elanusError('partitionNotFound', { partition: partition_name }, { param: 'partition_names' });
    }
  }
  // One engine holds every partition of a loaded collection: loading some loads the collection.
  return b.loadCollection({ collection_name: req.collection_name });
}

async function indexOf(b: VectorClient, req: IndexStateReq) {
  const d = await b.describeIndex(req);
  const first = d.index_descriptions[0];
  if (!first) {
    throw elanusError('indexNotFound', { collection: req?.collection_name }, { param: 'index_name' });
  }
  return first;
}

export const IMPLEMENTED: Record<keyof SdkExtras, Impl> = {
  flushSync: flushSync as Impl,
  flushAll: flushAll as Impl,
  flushAllSync: flushAll as Impl,
  // Writes are durable when their call resolves (idb://) or have nowhere to flush to (memory://).
  getFlushState: async () => ({ status: ok(), flushed: true }),
  getFlushAllState: async () => ({ status: ok(), flushed: true }),
  compact: (async (b: VectorClient, req: CollectionReq) => {
    await b.describeCollection(req);
    return { status: ok(), compactionID: '0' };
  }) as Impl,
  getCompactionState: async () => ({ status: ok(), state: 'Completed' }),
  getVersion: async () => ({ status: ok(), version: `${MILVUS_API_VERSION}-elanus-${ELANUS_VERSION}` }),
  checkHealth: async () => ({ isHealthy: true, reasons: [], quota_states: [] }),
  use: (async (_b: VectorClient, req?: { db_name?: string }) => {
    requireDefaultDb(req?.db_name);
    return ok();
  }) as Impl,
  listDatabases: async () => ({ status: ok(), db_names: ['default'], db_ids: ['1'] }),
  describeDatabase: (async (_b: VectorClient, req: { db_name: string }) => {
    requireDefaultDb(req?.db_name ?? 'default');
    return { status: ok(), db_name: 'default', dbID: '1', created_timestamp: '0', properties: [] };
  }) as Impl,
  loadCollectionAsync: ((b: VectorClient, req: CollectionReq) => b.loadCollection(req)) as Impl,
  loadPartitions: loadPartitions as Impl,
  loadPartitionsSync: loadPartitions as Impl,
  releasePartitions: (async (b: VectorClient, req: PartitionsReq) => {
    requireNames(req?.partition_names, 'partition_names');
    return b.releaseCollection({ collection_name: req.collection_name });
  }) as Impl,
  getLoadingProgress: (async (b: VectorClient, req: CollectionReq) => {
    const s = await b.getLoadState(req);
    const p = s.state === 'LoadStateLoaded' ? '100' : '0';
    return { status: ok(), progress: p, refresh_progress: p };
  }) as Impl,
  getPartitionStatistics: (async (b: VectorClient, req: CollectionReq & { partition_name: string }) => {
    const has = await b.hasPartition(req);
    if (!has.value) {
      throw elanusError('partitionNotFound', { partition: req.partition_name }, { param: 'partition_name' });
    }
    const n = await b.query({
      collection_name: req.collection_name,
      filter: '',
      output_fields: ['count(*)'],
      partition_names: [req.partition_name],
    });
    const rows = String(n.data[0]?.['count(*)'] ?? 0);
    return { status: ok(), stats: [{ key: 'row_count', value: rows }], data: { row_count: rows } };
  }) as Impl,
  // Indexes build as rows arrive: an index that exists is finished.
  getIndexState: (async (b: VectorClient, req: IndexStateReq) => {
    await indexOf(b, req);
    return { status: ok(), state: 'Finished', fail_reason: '' };
  }) as Impl,
  getIndexBuildProgress: (async (b: VectorClient, req: IndexStateReq) => {
    const i = await indexOf(b, req);
    return {
      status: ok(),
      indexed_rows: i.indexed_rows,
      total_rows: i.total_rows,
      pending_index_rows: i.pending_index_rows,
    };
  }) as Impl,
  batchDescribeCollections: (async (b: VectorClient, req: { collection_names: string[] }) => {
    const names = requireNames(req?.collection_names, 'collection_names');
    const responses: DescribeCollectionRes[] = [];
    for (const collection_name of names) responses.push(await b.describeCollection({ collection_name }));
    return { status: ok(), responses };
  }) as Impl,
  getPkField: (async (b: VectorClient, req: CollectionReq) => {
    const d = await b.describeCollection(req);
    return d.schema.fields.find((f) => f.is_primary_key);
  }) as Impl,
  getPkFieldName: (async (b: VectorClient, req: CollectionReq) => {
    const d = await b.describeCollection(req);
    return d.schema.fields.find((f) => f.is_primary_key)?.name ?? '';
  }) as Impl,
  getPkFieldType: (async (b: VectorClient, req: CollectionReq) => {
    const d = await b.describeCollection(req);
    return d.schema.fields.find((f) => f.is_primary_key)?.data_type ?? '';
  }) as Impl,
  runAnalyzer: (async (b: VectorClient, req: RunAnalyzerReq) => runAnalyzer(b, req)) as Impl,
};

async function runAnalyzer(b: VectorClient, req: RunAnalyzerReq): Promise<RunAnalyzerRes> {
  const texts = typeof req?.text === 'string' ? [req.text] : req?.text;
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    throw elanusError('analyzerTextInvalid', { got: typeof req?.text }, { param: 'text' });
  }
  let params: unknown = req.analyzer_params;
  if (params === undefined && req.collection_name !== undefined) {
    // The analyzer of a VarChar field, as the server runs it for that field.
    const d = await b.describeCollection({ collection_name: req.collection_name });
    const f = d.schema.fields.find((x) => x.name === req.field_name);
    if (!f) {
      throw elanusError(
        'paramFieldNotExists',
        { param: 'field_name', field: String(req.field_name), collection: req.collection_name },
        { param: 'field_name' },
      );
    }
    params = (f as { analyzer_params?: unknown }).analyzer_params;
  }
  if (typeof params === 'string') {
    try {
      params = JSON.parse(params);
    } catch {
      throw elanusError(
        'paramsNotObject',
        { param: 'analyzer_params', got: params },
        { param: 'analyzer_params' },
      );
    }
  }
  // Analyzers build synchronously; a named stemmer language is its own chunk, loaded first.
  await loadStemmers(stemmerLanguagesIn(params));
  const analyzer = createAnalyzer((params ?? {}) as never);
  return {
    status: ok(),
    results: texts.map((t) => ({
      tokens: analyzer
        .tokenize(t)
        .map((token, position) => (req.with_detail ? { token, position } : { token })),
    })),
  };
}
