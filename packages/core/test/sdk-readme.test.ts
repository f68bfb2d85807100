// The drop-in suite: the code snippets of @zilliz/milvus2-sdk-node 3.0.6's README, run against the in-page
// engine with only the package name and the address changed ('localhost:19530' → 'memory://', and again
// → 'idb://<name>', persisted through fake-indexeddb). Where the
// README shows a request's type instead of a value, a value of that type stands in. Snippets for what has
// no local meaning (users and roles, resource groups, bulk import) are checked to fail with
// NotImplemented naming the method; docs/milvus-compatibility.md lists every remaining difference.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AggregationBucket,
  ConsistencyLevelEnum,
  DataType,
  ElanusError,
  ErrorCode,
  FieldPartialUpdateOpType,
  IndexType,
  MetricType,
  MilvusClient,
  RRFRanker,
  type SearchResultData,
  WeightedRanker,
} from '../src/index.js';

// Set before each test: memory://, or a fresh idb:// database (fake-indexeddb in Node).
let address = 'memory://';
let databases = 0;

/** One query vector gives a flat list of hits; given as `[vector]`, the SDK types it as either form. */
const hitsOf = (res: { results: SearchResultData[] | SearchResultData[][] }) =>
  res.results as SearchResultData[];
const vec = (x: number, dim = 128) => Array.from({ length: dim }, (_, i) => Math.sin(x + i));
const queryVector = vec(0.5);

const ROWS = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1,
  vector: vec(i),
  title: i % 2 ? `hello ${i}` : `${i} world`,
  category: ['books', 'music', 'electronics'][i % 3]!,
  age: 10 + i,
  price: i * 25,
  status: i % 4 ? 'active' : 'deleted',
  tags: i % 5 ? ['ai', 'ml', 'x', 'y'] : ['ai'],
  metadata: { key: i % 2 ? 'value' : 'other', nested: { field: i } },
}));
type Row = (typeof ROWS)[number];
const where = (p: (r: Row) => boolean) => ROWS.filter(p);

async function articles(client: MilvusClient) {
  await client.createCollection({
    collection_name: 'articles',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: 128 },
      { name: 'title', data_type: DataType.VarChar, max_length: 256 },
      { name: 'category', data_type: DataType.VarChar, max_length: 64 },
      { name: 'age', data_type: DataType.Int32 },
      { name: 'price', data_type: DataType.Double },
      { name: 'status', data_type: DataType.VarChar, max_length: 16 },
      {
        name: 'tags',
        data_type: DataType.Array,
        element_type: DataType.VarChar,
        max_capacity: 8,
        max_length: 32,
      },
      { name: 'metadata', data_type: DataType.JSON },
    ],
    index_params: [{ field_name: 'vector', index_type: 'HNSW', metric_type: MetricType.COSINE }],
    enable_dynamic_field: true,
  });
  await client.insert({
    collection_name: 'articles',
    data: ROWS,
  });
  return client;
}

/** What the server answers for a collection with no vector index: loading or searching it is refused. */
async function expectServerRefusal(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ElanusError);
  expect(['IndexNotExist', 'CollectionNotLoaded']).toContain((e as ElanusError).code);
}

for (const backend of ['memory://', 'idb://'] as const) {
  describe(`SDK README snippets on ${backend}, only the address changed`, () => {
    beforeEach(() => {
      address = backend === 'memory://' ? backend : `idb://sdk-readme-${++databases}`;
    });

    it('Quick Start: connect (plain, with authentication) and wait for the connection', async () => {
      const client = new MilvusClient({ address });
      const withAuth = new MilvusClient({ address, username: 'root', password: 'milvus' });
      const backend = await client.connectPromise;
      await withAuth.connectPromise;
      // idb:// runs on the persistent client (a writer with a log), memory:// on the engine directly.
      expect('mode' in backend).toBe(address.startsWith('idb://'));
      expect(JSON.stringify(withAuth)).not.toContain('milvus"');
      expect(withAuth.config.password).toBe('***');
    });

    it('Quick Start: create collection, load, insert, search', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'my_collection',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
          { name: 'text', data_type: DataType.VarChar, max_length: 512 },
          { name: 'vector', data_type: DataType.FloatVector, dim: 128 },
        ],
        index_params: [
          {
            field_name: 'vector',
            index_type: 'HNSW',
            metric_type: MetricType.COSINE,
            params: { M: 16, efConstruction: 256 },
          },
        ],
        enable_dynamic_field: true,
      });
      await client.loadCollectionSync({ collection_name: 'my_collection' });
      await client.insert({
        collection_name: 'my_collection',
        data: [
          { vector: Array(128).fill(0.1), text: 'doc1' },
          { vector: Array(128).fill(0.2), text: 'doc2' },
        ],
      });
      const results = await client.search({
        collection_name: 'my_collection',
        data: [Array(128).fill(0.1)],
        limit: 10,
        consistency_level: 'Strong',
        output_fields: ['text'],
      });
      expect(
        hitsOf(results)
          .map((h) => h.text)
          .sort(),
      ).toEqual(['doc1', 'doc2']);
    });

    it('Imports: the enums and constants', () => {
      expect(DataType.FloatVector).toBe(101);
      expect(MetricType.COSINE).toBe('COSINE');
      expect(IndexType.HNSW).toBe('HNSW');
      expect(ConsistencyLevelEnum.Strong).toBe(0);
      expect(ErrorCode.SUCCESS).toBe('Success');
      expect(FieldPartialUpdateOpType.ARRAY_APPEND).toBe(1);
    });

    it('insert returns succ_index, err_index and IDs', async () => {
      const client = await articles(new MilvusClient({ address }));
      const res = await client.insert({
        collection_name: 'articles',
        data: [
          {
            id: 100,
            vector: vec(100),
            title: 't',
            category: 'c',
            age: 1,
            price: 1,
            status: 's',
            tags: [],
            metadata: {},
          },
        ],
      });
      expect(res.succ_index).toEqual([0]);
      expect(res.err_index).toEqual([]);
      expect(res.IDs).toMatchObject({ int_id: { data: ['100'] } });
    });

    it('upsert with field_ops ARRAY_APPEND', async () => {
      const client = await articles(new MilvusClient({ address }));
      await client.upsert({
        collection_name: 'articles',
        data: [{ id: 1, tags: ['featured'] }],
        field_ops: [{ field_name: 'tags', op: FieldPartialUpdateOpType.ARRAY_APPEND }],
      });
      const got = await client.get({
        collection_name: 'articles',
        ids: [1],
        output_fields: ['tags', 'title'],
      });
      expect(got.data[0]).toMatchObject({ tags: [...ROWS[0]!.tags, 'featured'], title: ROWS[0]!.title });
    });

    it('delete by filter and by IDs', async () => {
      const client = await articles(new MilvusClient({ address }));
      const byFilter = await client.delete({ collection_name: 'articles', filter: 'age > 18' });
      expect(byFilter.delete_cnt).toBe(String(where((r) => r.age > 18).length));
      await client.delete({ collection_name: 'articles', ids: [1, 2, 3] });
      expect((await client.count({ collection_name: 'articles' })).data).toBe(
        where((r) => r.age <= 18 && r.id > 3).length,
      );
    });

    it('search with filter, metric_type, params, partition_names and group_by_field', async () => {
      const client = await articles(new MilvusClient({ address }));
      const results = await client.search({
        collection_name: 'articles',
        data: [queryVector],
        limit: 5,
        output_fields: ['title', 'category'],
        filter: 'age > 12',
        metric_type: MetricType.COSINE,
        params: { ef: 64 },
        consistency_level: ConsistencyLevelEnum.Strong,
        partition_names: ['_default'],
        group_by_field: 'category',
      });
      expect(results.results).toHaveLength(3);
      expect(new Set(hitsOf(results).map((h) => h.category)).size).toBe(3);
      for (const h of hitsOf(results)) expect(typeof h.score).toBe('number');
    });

    it('search by primary key IDs', async () => {
      const client = await articles(new MilvusClient({ address }));
      const results = await client.search({
        collection_name: 'articles',
        ids: [1, 2, 3],
        output_fields: ['title', 'category'],
      });
      expect(results.results).toHaveLength(3);
      expect((results.results[0] as { id: string }[])[0]!.id).toBe('1');
    });

    it('search_aggregation: buckets by category with a metric and top hits', async () => {
      const client = await articles(new MilvusClient({ address }));
      const res = await client.search({
        collection_name: 'articles',
        data: queryVector,
        output_fields: ['category', 'price'],
        search_aggregation: {
          fields: ['category'],
          size: 5,
          metrics: { avg_price: { op: 'avg', field_name: 'price' } },
          order: [{ key: '_key', direction: 'asc' }],
          top_hits: { size: 2 },
        },
      });
      const buckets = res.agg_buckets as AggregationBucket[];
      // All 40 rows are candidates (fewer than the budget): books i%3=0 (14), electronics and music (13).
      expect(buckets.map((b) => [b.key[0]!.value, b.count])).toEqual([
        ['books', '14'],
        ['electronics', '13'],
        ['music', '13'],
      ]);
      for (const b of buckets) {
        const ps = where((r) => r.category === b.key[0]!.value).map((r) => r.price);
        expect(b.metrics.avg_price).toBeCloseTo(ps.reduce((x, y) => x + y, 0) / ps.length, 10);
        expect(b.hits).toHaveLength(2);
        for (const h of b.hits) expect(h.category).toBe(b.key[0]!.value);
        expect(b.hits[0]!.score).toBeGreaterThanOrEqual(b.hits[1]!.score);
      }
    });

    it('query, and query aggregation with group_by_fields', async () => {
      const client = await articles(new MilvusClient({ address }));
      const plain = await client.query({
        collection_name: 'articles',
        filter: 'age > 18 AND status == "active"',
        output_fields: ['age'],
        limit: 5,
        offset: 1,
      });
      expect(plain.data.map((r) => r.age)).toEqual(
        where((r) => r.age > 18 && r.status === 'active')
          .slice(1, 6)
          .map((r) => r.age),
      );
      const results = await client.query({
        collection_name: 'articles',
        filter: 'price > 0',
        group_by_fields: ['category'],
        output_fields: ['category', 'count(price)', 'min(price)', 'max(price)', 'sum(price)', 'avg(price)'],
      });
      const books = where((r) => r.price > 0 && r.category === 'books').map((r) => r.price);
      expect(results.data).toContainEqual({
        category: 'books',
        'count(price)': String(books.length),
        'min(price)': Math.min(...books),
        'max(price)': Math.max(...books),
        'sum(price)': books.reduce((a, b) => a + b, 0),
        'avg(price)': books.reduce((a, b) => a + b, 0) / books.length,
      });
      expect(results.data.map((g) => g.category).sort()).toEqual(['books', 'electronics', 'music']);
    });

    it('get and count', async () => {
      const client = await articles(new MilvusClient({ address }));
      const got = await client.get({ collection_name: 'articles', ids: [5, 6], output_fields: ['age'] });
      expect(got.data).toEqual([
        { id: '5', age: 14 },
        { id: '6', age: 15 },
      ]);
      const result = await client.count({ collection_name: 'articles', filter: 'age < 20' });
      expect(result.data).toBe(where((r) => r.age < 20).length);
    });

    it('searchIterator and queryIterator', async () => {
      const client = await articles(new MilvusClient({ address }));
      const hits: unknown[] = [];
      for await (const batch of await client.searchIterator({
        collection_name: 'articles',
        data: queryVector,
        batchSize: 7,
        limit: 20,
        output_fields: ['title'],
        filter: 'age >= 10',
      })) {
        hits.push(...batch);
      }
      expect(hits).toHaveLength(20);
      const rows: unknown[] = [];
      for await (const batch of await client.queryIterator({
        collection_name: 'articles',
        filter: 'age >= 10',
        batchSize: 9,
        limit: 25,
        output_fields: ['age'],
      })) {
        rows.push(...batch);
      }
      expect(rows).toHaveLength(25);
    });

    it('hybridSearch with a reranker (the SDK takes the requests as data)', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'multi',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'a', data_type: DataType.FloatVector, dim: 4 },
          { name: 'b', data_type: DataType.FloatVector, dim: 4 },
        ],
        index_params: [
          { field_name: 'a', index_type: 'FLAT', metric_type: 'L2' },
          { field_name: 'b', index_type: 'FLAT', metric_type: 'IP' },
        ],
      });
      await client.insert({
        collection_name: 'multi',
        data: Array.from({ length: 20 }, (_, i) => ({ id: i, a: vec(i, 4), b: vec(-i, 4) })),
      });
      for (const rerank of [RRFRanker(60), WeightedRanker([0.7, 0.3])]) {
        const results = await client.hybridSearch({
          collection_name: 'multi',
          rerank,
          data: [
            { data: [vec(3, 4)], anns_field: 'a', limit: 10 },
            { data: [vec(-3, 4)], anns_field: 'b', params: {}, limit: 10, filter: 'id < 15' },
          ],
          limit: 5,
          output_fields: ['id'],
        });
        expect(hitsOf(results)[0]!.id).toBe('3');
      }
    });

    it('createCollection with consistency_level and num_partitions; other collection operations', async () => {
      const client = await articles(new MilvusClient({ address }));
      const created = await client.createCollection({
        collection_name: 'c2',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType.FloatVector, dim: 2 },
        ],
        index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: 'L2' }],
        consistency_level: 'Strong',
        num_partitions: 1,
      } as never);
      expect(created.error_code).toBe(ErrorCode.SUCCESS);
      const collection_name = 'c2';
      expect((await client.hasCollection({ collection_name })).value).toBe(true);
      expect((await client.describeCollection({ collection_name })).schema.fields).toHaveLength(2);
      expect(
        (await client.batchDescribeCollections({ collection_names: ['c2', 'articles'] })).responses,
      ).toHaveLength(2);
      expect((await client.showCollections()).data.map((c) => c.name).sort()).toEqual(['articles', 'c2']);
      await client.releaseCollection({ collection_name });
      expect((await client.getLoadState({ collection_name })).state).toBe('LoadStateNotLoad');
      await client.loadCollection({ collection_name });
      expect((await client.getCollectionStatistics({ collection_name })).data.row_count).toBe('0');
      await client.renameCollection({ collection_name, new_collection_name: 'c3' });
      await client.dropCollection({ collection_name: 'c3' });
      expect((await client.hasCollection({ collection_name: 'c3' })).value).toBe(false);
    });

    it('index management', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'idx',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'vector', data_type: DataType.FloatVector, dim: 8 },
        ],
      });
      const collection_name = 'idx';
      await client.createIndex({
        collection_name,
        field_name: 'vector',
        index_type: IndexType.HNSW,
        metric_type: MetricType.COSINE,
        params: { M: 16, efConstruction: 256 },
        index_name: 'vec_idx',
      });
      expect(
        (await client.describeIndex({ collection_name, field_name: 'vector' })).index_descriptions[0],
      ).toMatchObject({
        index_name: 'vec_idx',
      });
      expect((await client.listIndexes({ collection_name })).indexes).toEqual(['vec_idx']);
      expect((await client.getIndexState({ collection_name, field_name: 'vector' })).state).toBe('Finished');
      const progress = await client.getIndexBuildProgress({ collection_name, field_name: 'vector' });
      expect(progress.pending_index_rows).toBe('0');
      await client.releaseCollection({ collection_name });
      await client.dropIndex({ collection_name, field_name: 'vector', index_name: 'vec_idx' });
      expect((await client.listIndexes({ collection_name })).indexes).toEqual([]);
    });

    it('partition management', async () => {
      const client = await articles(new MilvusClient({ address }));
      const collection_name = 'articles';
      const partition_name = 'p2026';
      await client.createPartition({ collection_name, partition_name });
      expect((await client.hasPartition({ collection_name, partition_name })).value).toBe(true);
      expect((await client.listPartitions({ collection_name })).partition_names).toEqual([
        '_default',
        'p2026',
      ]);
      await client.loadPartitions({ collection_name, partition_names: [partition_name] });
      await client.releasePartitions({ collection_name, partition_names: [partition_name] });
      await client.dropPartition({ collection_name, partition_name });
      expect((await client.hasPartition({ collection_name, partition_name })).value).toBe(false);
    });

    it('database management: the default database; others are NotImplemented', async () => {
      const client = new MilvusClient({ address });
      expect((await client.listDatabases()).db_names).toEqual(['default']);
      expect((await client.describeDatabase({ db_name: 'default' })).db_name).toBe('default');
      const e = await client.createDatabase({ db_name: 'other' }).catch((x: unknown) => x);
      expect((e as ElanusError).code).toBe('NotImplemented');
      expect((e as ElanusError).message).toContain('createDatabase');
    });

    it('alias management', async () => {
      const client = await articles(new MilvusClient({ address }));
      const collection_name = 'articles';
      const alias = 'live';
      await client.createAlias({ collection_name, alias });
      await client.alterAlias({ collection_name, alias });
      expect((await client.describeAlias({ alias, collection_name })).collection).toBe('articles');
      expect((await client.listAliases({ collection_name })).aliases).toEqual(['live']);
      await client.dropAlias({ alias });
      expect((await client.listAliases({ collection_name })).aliases).toEqual([]);
    });

    it('RBAC, resource groups and bulk import: NotImplemented naming the method', async () => {
      const client = new MilvusClient({ address });
      for (const [method, req] of [
        ['createUser', { username: 'u', password: 'p' }],
        ['createRole', { roleName: 'r' }],
        ['createResourceGroup', { name: 'rg' }],
        ['bulkInsert', { collection_name: 'c', files: ['data.json'] }],
        ['listImportTasks', { collection_name: 'c' }],
        ['truncateCollection', { collection_name: 'c' }],
        // (alterCollectionProperties and the other property calls are implemented: sdk-properties.test.ts)
        ['addCollectionField', { collection_name: 'c', field: { name: 'f' } }],
      ] as const) {
        const e = await (client as unknown as Record<string, (r: unknown) => Promise<unknown>>)[method]!(
          req,
        ).catch((x: unknown) => x);
        expect(e, method).toBeInstanceOf(ElanusError);
        expect((e as ElanusError).code, method).toBe('NotImplemented');
        expect((e as ElanusError).message, method).toContain(method);
      }
    });

    it('flush and compaction', async () => {
      const client = await articles(new MilvusClient({ address }));
      const collection_names = ['articles'];
      expect((await client.flush({ collection_names })).error_code).toBe('Success');
      await client.flushSync({ collection_names });
      await client.flushAll();
      await client.flushAllSync();
      const { compactionID } = await client.compact({ collection_name: 'articles' });
      expect((await client.getCompactionState({ compactionID })).state).toBe('Completed');
    });

    it('system operations: getVersion, checkHealth, runAnalyzer', async () => {
      const client = new MilvusClient({ address });
      expect((await client.getVersion()).version).toMatch(/\d/);
      expect((await client.checkHealth()).isHealthy).toBe(true);
      const tokens = await client.runAnalyzer({ text: 'Hello, Milvus world' });
      expect(tokens.results[0]!.tokens.map((t) => t.token)).toEqual(['hello', 'milvus', 'world']);
    });

    it('filter expressions: every form the README lists', async () => {
      const client = await articles(new MilvusClient({ address }));
      const n = async (filter: string, filter_params?: Record<string, unknown>) =>
        (
          await client.query({
            collection_name: 'articles',
            filter,
            filter_params,
            output_fields: ['count(*)'],
          })
        ).data[0]!['count(*)'];
      const cases: [string, (r: Row) => boolean][] = [
        ['age > 18', (r) => r.age > 18],
        ['price <= 99.9', (r) => r.price <= 99.9],
        ['status == "active"', (r) => r.status === 'active'],
        ['title != "test"', (r) => r.title !== 'test'],
        ['age > 18 AND status == "active"', (r) => r.age > 18 && r.status === 'active'],
        ['price < 10 OR price > 100', (r) => r.price < 10 || r.price > 100],
        ['NOT (status == "deleted")', (r) => r.status !== 'deleted'],
        ['id IN [1, 2, 3]', (r) => [1, 2, 3].includes(r.id)],
        ['category IN ["books", "music"]', (r) => ['books', 'music'].includes(r.category)],
        ['title LIKE "hello%"', (r) => r.title.startsWith('hello')],
        ['title LIKE "%world"', (r) => r.title.endsWith('world')],
        ['ARRAY_CONTAINS(tags, "ai")', (r) => r.tags.includes('ai')],
        ['ARRAY_LENGTH(tags) > 3', (r) => r.tags.length > 3],
        ['metadata["key"] == "value"', (r) => r.metadata.key === 'value'],
        ['metadata["nested"]["field"] > 10', (r) => r.metadata.nested.field > 10],
      ];
      for (const [filter, p] of cases) expect(await n(filter), filter).toBe(String(where(p).length));
      expect(await n('age > {min_age}', { min_age: 18 })).toBe(String(where((r) => r.age > 18).length));
    });

    it('error handling: a successful call resolves with ErrorCode.SUCCESS; a failed one rejects', async () => {
      const client = new MilvusClient({ address });
      const res = await client.createCollection({ collection_name: 'ok', dimension: 4 });
      expect(res.error_code).toBe(ErrorCode.SUCCESS);
      const err = await client
        .createCollection({ collection_name: 'ok', dimension: 4 })
        .catch((e: Error) => e);
      expect(err).toMatchObject({ code: ErrorCode.CollectionAlreadyExists });
    });

    it('pattern: vector search with a scalar filter', async () => {
      const client = await articles(new MilvusClient({ address }));
      const results = await client.search({
        collection_name: 'articles',
        data: [queryVector],
        limit: 20,
        filter: 'category == "electronics" AND price < 500',
        output_fields: ['title', 'price', 'category'],
      });
      expect(results.results.length).toBe(where((r) => r.category === 'electronics' && r.price < 500).length);
      for (const h of hitsOf(results)) expect(h.category === 'electronics' && h.price < 500).toBe(true);
    });

    it('pattern: dynamic fields', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'flexible',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
          { name: 'vector', data_type: DataType.FloatVector, dim: 128 },
        ],
        enable_dynamic_field: true,
      });
      // As on the server, a collection without a vector index cannot load; the README leaves the index out.
      await expectServerRefusal(client.loadCollection({ collection_name: 'flexible' }));
      await client.createIndex({ collection_name: 'flexible', field_name: 'vector', metric_type: 'COSINE' });
      await client.loadCollection({ collection_name: 'flexible' });
      await client.insert({
        collection_name: 'flexible',
        data: [
          { vector: vec(1), color: 'red', score: 0.95 },
          { vector: vec(2), color: 'blue', tags: ['a', 'b'] },
        ],
      });
      const res = await client.query({
        collection_name: 'flexible',
        filter: 'color == "red"',
        output_fields: ['color', 'score'],
      });
      expect(res.data).toHaveLength(1);
      expect(res.data[0]).toMatchObject({ color: 'red', score: 0.95 });
    });

    it('pattern: sparse vector search', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'docs',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
          { name: 'sparse_vector', data_type: DataType.SparseFloatVector },
        ],
      });
      await client.insert({
        collection_name: 'docs',
        data: [{ sparse_vector: { 0: 0.5, 10: 0.3, 200: 0.8 } }, { sparse_vector: { 1: 0.1, 50: 0.9 } }],
      });
      const search = () =>
        client.search({
          collection_name: 'docs',
          data: [{ 0: 0.5, 10: 0.3 }],
          anns_field: 'sparse_vector',
          limit: 10,
        });
      await expectServerRefusal(search());
      await client.createIndex({
        collection_name: 'docs',
        field_name: 'sparse_vector',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'IP',
      });
      await client.loadCollection({ collection_name: 'docs' });
      expect((await search()).results).toHaveLength(1);
      const res = await client.search({
        collection_name: 'docs',
        data: [{ 0: 0.5, 10: 0.3 }],
        anns_field: 'sparse_vector',
        limit: 10,
      });
      expect(res.results).toHaveLength(1);
      expect(hitsOf(res)[0]!.score).toBeCloseTo(0.34, 5);
    });

    it('pattern: partition key', async () => {
      const client = new MilvusClient({ address });
      await client.createCollection({
        collection_name: 'multi_tenant',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
          { name: 'tenant', data_type: DataType.VarChar, max_length: 64, is_partition_key: true },
          { name: 'vector', data_type: DataType.FloatVector, dim: 128 },
        ],
        num_partitions: 16,
      } as never);
      await client.insert({
        collection_name: 'multi_tenant',
        data: [
          { tenant: 'user_123', vector: vec(1) },
          { tenant: 'user_456', vector: vec(2) },
        ],
      });
      await client.createIndex({
        collection_name: 'multi_tenant',
        field_name: 'vector',
        metric_type: 'COSINE',
      });
      await client.loadCollection({ collection_name: 'multi_tenant' });
      const res = await client.search({
        collection_name: 'multi_tenant',
        data: [queryVector],
        filter: 'tenant == "user_123"',
        limit: 10,
        output_fields: ['tenant'],
      });
      expect(hitsOf(res).map((h) => h.tenant)).toEqual(['user_123']);
    });
  });
}
