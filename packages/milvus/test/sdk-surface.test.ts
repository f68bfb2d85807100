// Code written for @zilliz/milvus2-sdk-node calls methods beyond the core ones (LangChain's Milvus store
// calls flushSync after every insert). Every public method of the SDK's MilvusClient must exist on the
// Elanus facade: answered locally with the SDK's shape, or rejected with NotImplemented naming it.
import { ElanusError, ErrorCode, MilvusClient, SDK_METHODS_NOT_IMPLEMENTED } from '@elanus/core';
import { MilvusClient as SdkClient, ErrorCode as SdkErrorCode } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';

/** SDK plumbing, not API: connection pools, telemetry, caches and the like. */
const SDK_PLUMBING = new Set([
  'connect',
  'createChannelPool',
  'disposeChannelPool',
  'createTelemetryClient',
  'replaceTelemetryClient',
  'sendTelemetryHeartbeat',
  'getTelemetry',
  'applyServerInfo',
  'getCollectionInfoCacheKey',
  'invalidateCollectionInfo',
  'isLifecycleCurrent',
  'metadataListener',
  'normalizeFieldOps',
  'reconnectToPrimary',
  'session',
  'callAlterCollectionSchema',
  'checkCompatibility',
]);

function sdkMethods(): string[] {
  const names = new Set<string>();
  let p: object | null = SdkClient.prototype;
  while (p && p !== Object.prototype) {
    for (const n of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, n);
      if (n !== 'constructor' && !n.startsWith('_') && typeof d?.value === 'function') names.add(n);
    }
    p = Object.getPrototypeOf(p);
  }
  return [...names].filter((n) => !SDK_PLUMBING.has(n)).sort();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function books() {
  const c = new MilvusClient({ uri: 'memory://' });
  await c.createCollection({
    collection_name: 'books',
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true },
      { name: 'vec', data_type: 'FloatVector', dim: 2 },
      { name: 'text', data_type: 'VarChar', max_length: 64 },
    ],
    index_params: [{ field_name: 'vec', index_type: 'HNSW', metric_type: 'L2' }],
  });
  await c.createPartition({ collection_name: 'books', partition_name: 'p1' });
  await c.insert({
    collection_name: 'books',
    data: [
      { id: 1, vec: [0, 0], text: 'Dune' },
      { id: 2, vec: [1, 1], text: 'Emma' },
    ],
  });
  await c.insert({
    collection_name: 'books',
    partition_name: 'p1',
    data: [{ id: 3, vec: [2, 2], text: 'Ulysses' }],
  });
  return c;
}

describe('the SDK surface on the Elanus facade', () => {
  it('has every public method of SDK 3.0.6 MilvusClient; the unimplemented ones reject with NotImplemented', async () => {
    const methods = sdkMethods();
    expect(methods.length).toBeGreaterThan(130);
    const c = new MilvusClient({ uri: 'memory://' });
    const missing = methods.filter((m) => typeof (c as unknown as Record<string, unknown>)[m] !== 'function');
    expect(missing).toEqual([]);
    for (const m of SDK_METHODS_NOT_IMPLEMENTED) {
      const e = await rejection((c as unknown as Record<string, (r: unknown) => Promise<unknown>>)[m]!({}));
      expect(e, m).toBeInstanceOf(ElanusError);
      expect((e as ElanusError).code, m).toBe('NotImplemented');
      expect((e as ElanusError).message, m).toContain(`${m}() is a Milvus SDK method`);
    }
    // Every name in the list is a real SDK method (a typo would hide one).
    expect(SDK_METHODS_NOT_IMPLEMENTED.filter((m) => !methods.includes(m))).toEqual([]);
  });

  it('ErrorCode.SUCCESS and the SDK names it shares mean what they mean in the SDK', async () => {
    expect(ErrorCode.SUCCESS).toBe(SdkErrorCode.SUCCESS);
    for (const k of [
      'IndexNotExist',
      'UnexpectedError',
      'CollectionNotExists',
      'IllegalArgument',
      'SchemaMismatch',
    ])
      expect(ErrorCode[k as keyof typeof ErrorCode], k).toBe(SdkErrorCode[k as keyof typeof SdkErrorCode]);
    const c = new MilvusClient({ uri: 'memory://' });
    const st = await c.createCollection({ collection_name: 'ok', dimension: 2 });
    expect(st.error_code === ErrorCode.SUCCESS).toBe(true);
    const e = await c.describeCollection({ collection_name: 'missing' }).catch((err: unknown) => err);
    expect((e as ElanusError).code).toBe(ErrorCode.CollectionNotExists);
    await c.closeConnection();
  });

  it('flushSync, flushAll, compact, getVersion, checkHealth answer with the SDK shapes', async () => {
    const c = await books();
    const f = await c.flushSync({ collection_names: ['books'] });
    expect(f.status.error_code).toBe('Success');
    expect(Object.keys(f.coll_segIDs)).toEqual(['books']);
    expect(((await rejection(c.flushSync({ collection_names: ['nope'] }))) as ElanusError).code).toBe(
      'CollectionNotExists',
    );
    expect(((await rejection(c.flushSync({} as never))) as ElanusError).message).toMatch(
      /invalid parameter collection_names: expected a non-empty array of names/,
    );
    expect((await c.flushAll()).status.error_code).toBe('Success');
    expect((await c.compact({ collection_name: 'books' })).compactionID).toBe('0');
    expect((await c.getCompactionState({ compactionID: '0' })).state).toBe('Completed');
    expect((await c.getVersion()).version).toMatch(/^v2\.6\.0-elanus-\d+\.\d+\.\d+$/);
    expect(await c.checkHealth()).toEqual({ isHealthy: true, reasons: [], quota_states: [] });
  });

  it('partitions, index state and progress, batch describe, databases', async () => {
    const c = await books();
    await c.releaseCollection({ collection_name: 'books' });
    expect((await c.loadPartitions({ collection_name: 'books', partition_names: ['p1'] })).error_code).toBe(
      'Success',
    );
    expect((await c.getLoadState({ collection_name: 'books' })).state).toBe('LoadStateLoaded');
    expect((await c.getLoadingProgress({ collection_name: 'books' })).progress).toBe('100');
    const e = await rejection(c.loadPartitions({ collection_name: 'books', partition_names: ['nope'] }));
    expect((e as ElanusError).code).toBe('PartitionNotExists');
    const ps = await c.getPartitionStatistics({ collection_name: 'books', partition_name: 'p1' });
    expect(ps.data.row_count).toBe('1');
    expect((await c.getIndexState({ collection_name: 'books', field_name: 'vec' })).state).toBe('Finished');
    const prog = await c.getIndexBuildProgress({ collection_name: 'books', field_name: 'vec' });
    expect(prog).toMatchObject({ indexed_rows: '3', total_rows: '3', pending_index_rows: '0' });
    const b = await c.batchDescribeCollections({ collection_names: ['books'] });
    expect(b.responses.map((r) => r.collection_name)).toEqual(['books']);
    expect(await c.getPkFieldName({ collection_name: 'books' })).toBe('id');
    expect((await c.getPkField({ collection_name: 'books' })).name).toBe('id');
    expect((await c.listDatabases()).db_names).toEqual(['default']);
    expect((await c.use({ db_name: 'default' })).error_code).toBe('Success');
    expect(((await rejection(c.use({ db_name: 'other' }))) as ElanusError).code).toBe('DatabaseNotFound');
    expect(((await rejection(c.createDatabase({ db_name: 'x' }))) as ElanusError).code).toBe(
      'NotImplemented',
    );
  });

  it('runAnalyzer tokenizes with analyzer_params, or with a field’s analyzer', async () => {
    const c = new MilvusClient({ uri: 'memory://' });
    const r = await c.runAnalyzer({
      text: ['The Running dogs', 'Cats'],
      analyzer_params: { type: 'english' },
    });
    expect(r.results.map((x) => x.tokens.map((t) => t.token))).toEqual([['run', 'dog'], ['cat']]);
    const d = await c.runAnalyzer({ text: 'a b', with_detail: true });
    expect(d.results[0]!.tokens).toEqual([
      { token: 'a', position: 0 },
      { token: 'b', position: 1 },
    ]);
    const e = await rejection(c.runAnalyzer({ text: 'x', analyzer_params: '{oops' }));
    expect((e as ElanusError).message).toMatch(/invalid parameter analyzer_params/);
  });

  it('the older search form: search_params with anns_field, topk, metric_type and params as JSON', async () => {
    const c = await books();
    const r = await c.search({
      collection_name: 'books',
      search_params: { anns_field: 'vec', topk: 2, metric_type: 'L2', params: '{"ef":10}' },
      vectors: [[0, 0]],
      output_fields: ['text'],
    } as never);
    expect((r.results as unknown as { id: string; text: string }[]).map((h) => [h.id, h.text])).toEqual([
      ['1', 'Dune'],
      ['2', 'Emma'],
    ]);
    const bad = await rejection(
      c.search({ collection_name: 'books', data: [0, 0], params: '{"ef": ' as never, limit: 1 }),
    );
    expect((bad as ElanusError).message).toMatch(
      /invalid parameter params: expected an object or a JSON object string/,
    );
  });

  it('search and query without output_fields return every field, as the SDK asks with ["*"]', async () => {
    const c = await books();
    const s = await c.search({ collection_name: 'books', data: [0, 0], limit: 1 });
    expect(s.results[0]).toMatchObject({ id: '1', text: 'Dune', vec: [0, 0] });
    const q = await c.query({ collection_name: 'books', filter: 'id == 2' });
    expect(q.data).toEqual([{ id: '2', text: 'Emma', vec: [1, 1] }]);
    const only = await c.query({ collection_name: 'books', filter: 'id == 2', output_fields: [] });
    expect(only.data).toEqual([{ id: '2' }]);
  });
});
