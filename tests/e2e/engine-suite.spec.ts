// One shared engine suite, run against every target: in-thread × worker, memory × IndexedDB × OPFS.
// The scenario runs in the harness page through the public MilvusClient only.
import { expect, test } from './fixtures';

const TARGETS = [
  { name: 'in-thread, memory', uri: 'memory://', worker: false },
  { name: 'in-thread, IndexedDB', uri: 'idb://suite-thread', worker: false },
  { name: 'worker, memory', uri: 'memory://', worker: true },
  { name: 'worker, IndexedDB', uri: 'idb://suite-worker', worker: true },
  { name: 'in-thread, OPFS', uri: 'opfs://suite-thread', worker: false },
  { name: 'worker, OPFS', uri: 'opfs://suite-worker', worker: true },
] as const;

for (const target of TARGETS) {
  test(`engine suite: ${target.name}`, async ({ harness }) => {
    const out = await harness.inPage(
      async (elanus, t) => {
        const { MilvusClient, RRFRanker, FunctionType } = elanus;
        const client = new MilvusClient({ uri: t.uri, worker: t.worker });
        const name = 'suite';
        await client.dropAlias({ alias: 'suite_live' }).catch(() => undefined);
        if ((await client.hasCollection({ collection_name: name })).value)
          await client.dropCollection({ collection_name: name });
        await client.createCollection({
          collection_name: name,
          fields: [
            { name: 'id', data_type: 'Int64', is_primary_key: true },
            { name: 'vec', data_type: 'FloatVector', dim: 8 },
            { name: 'text', data_type: 'VarChar', max_length: 200, enable_analyzer: true },
            { name: 'bm25', data_type: 'SparseFloatVector' },
            { name: 'year', data_type: 'Int32' },
            { name: 'meta', data_type: 'JSON' },
            { name: 'tags', data_type: 'Array', element_type: 'VarChar', max_capacity: 4, max_length: 16 },
          ],
          functions: [
            { name: 'f', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['bm25'] },
          ],
          enable_dynamic_field: true,
          index_params: [
            {
              field_name: 'vec',
              index_type: 'HNSW',
              metric_type: 'COSINE',
              params: { M: 8, efConstruction: 64 },
            },
            { field_name: 'bm25', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
          ],
        });
        const words = ['alpha', 'beta', 'gamma', 'delta', 'vector', 'search', 'browser', 'milvus'];
        const rows = Array.from({ length: 500 }, (_, i) => ({
          id: i,
          vec: Array.from({ length: 8 }, (_, d) => Math.sin(i * 0.37 + d)),
          text: `${words[i % 8]} ${words[(i * 3) % 8]} doc ${i}`,
          year: 1900 + (i % 120),
          meta: { group: i % 5, nested: { even: i % 2 === 0 } },
          tags: [words[i % 8]!],
          color: i % 3 === 0 ? 'red' : 'blue',
        }));
        // Written through an alias: the engine (and, in a worker, the other side) resolves it.
        await client.createAlias({ collection_name: name, alias: 'suite_live' });
        await client.insert({ collection_name: 'suite_live', data: rows });
        const search = await client.search({
          collection_name: name,
          anns_field: 'vec',
          data: rows[42]!.vec,
          limit: 5,
          filter: 'year >= 1900 and meta["nested"]["even"] == true and color == "red"',
          output_fields: ['year', 'color'],
        });
        const text = await client.search({
          collection_name: name,
          anns_field: 'bm25',
          data: 'vector browser',
          limit: 3,
          output_fields: ['text'],
        });
        const count = await client.query({
          collection_name: name,
          filter: 'array_contains(tags, "milvus")',
          output_fields: ['count(*)'],
        });
        const aggregates = await client.query({
          collection_name: name,
          filter: 'id < 130',
          group_by_fields: ['year'],
          output_fields: ['year', 'count(*)', 'max(id)'],
          order_by_fields: 'count(*):desc',
          limit: 2,
        });
        const ordered = await client.query({
          collection_name: name,
          filter: 'id < 10',
          order_by_fields: 'year:desc',
          limit: 3,
          output_fields: ['year'],
        });
        const del = await client.delete({ collection_name: name, filter: 'id < 100' });
        await client.upsert({ collection_name: name, data: [{ ...rows[200]!, year: 2050 }] });
        const got = await client.get({ collection_name: name, ids: [200, 5], output_fields: ['year'] });
        await client.upsert({ collection_name: name, partial_update: true, data: [{ id: 300, year: 3000 }] });
        const partial = await client.get({
          collection_name: name,
          ids: [300],
          output_fields: ['year', 'color', 'tags'],
        });
        const hybrid = await client.hybridSearch({
          collection_name: name,
          data: [
            { data: [rows[300]!.vec], anns_field: 'vec', limit: 10 },
            { data: ['gamma'], anns_field: 'bm25', limit: 10 },
          ],
          rerank: RRFRanker(60),
          limit: 3,
        });
        let error = null as { name: string; code: string; message: string; isElanus: boolean } | null;
        try {
          await client.query({ collection_name: name, filter: 'year >> 2' });
        } catch (e) {
          const err = e as { name: string; code: string; message: string };
          error = {
            name: err.name,
            code: err.code,
            message: err.message,
            isElanus: e instanceof elanus.ElanusError,
          };
        }
        const stats = await client.getCollectionStatistics({ collection_name: name });
        await client.closeConnection();
        // Reopen: IndexedDB targets must give back the same collection.
        const again = new MilvusClient({ uri: t.uri, worker: t.worker });
        const reopened = (await again.hasCollection({ collection_name: name })).value
          ? (await again.getCollectionStatistics({ collection_name: 'suite_live' })).data.row_count
          : null;
        const aliasAfter =
          (await again.listAliases({ collection_name: name }).catch(() => null))?.aliases ?? null;
        await again.closeConnection();
        return {
          search: (search.results as unknown as { id: string; color: string }[]).map((h) => [h.id, h.color]),
          firstScore: (search.results as unknown as { score: number }[])[0]?.score,
          text: (text.results as unknown as { text: string }[]).map((h) => h.text),
          count: count.data[0]!['count(*)'],
          aggregates: aggregates.data,
          ordered: ordered.data.map((r) => r.id),
          deleted: del.delete_cnt,
          got: got.data,
          partial: partial.data,
          hybrid: (hybrid.results as unknown[]).length,
          error,
          rows: stats.data.row_count,
          reopened,
          aliasAfter,
        };
      },
      { uri: target.uri, worker: target.worker },
    );
    expect(out.search[0]).toEqual(['42', 'red']);
    expect(out.firstScore).toBeCloseTo(1, 5);
    for (const [, color] of out.search) expect(color).toBe('red');
    expect(out.text).toHaveLength(3);
    for (const t of out.text) expect(t).toMatch(/vector|browser/);
    expect(out.count).toBe('62');
    // Years 1900-1909 hold two of the first 130 rows (i and i + 120); ties come in year order.
    expect(out.aggregates).toEqual([
      { year: 1900, 'count(*)': '2', 'max(id)': '120' },
      { year: 1901, 'count(*)': '2', 'max(id)': '121' },
    ]);
    expect(out.ordered).toEqual(['9', '8', '7']);
    expect(out.deleted).toBe('100');
    expect(out.got).toEqual([{ id: '200', year: 2050 }]);
    // A partial upsert changes the year and keeps the other fields (dynamic color included).
    expect(out.partial).toEqual([{ id: '300', year: 3000, color: 'red', tags: ['vector'] }]);
    expect(out.hybrid).toBe(3);
    expect(out.error).toMatchObject({ name: 'ElanusError', code: 'InvalidFilter', isElanus: true });
    expect(out.error!.message).toMatch(/bitwise operators are not supported \(column 6\)/);
    expect(out.rows).toBe('400');
    expect(out.reopened).toBe(/^(idb|opfs):/.test(target.uri) ? '400' : null);
    // memory:// starts empty again: no collection, so listAliases of it is refused.
    expect(out.aliasAfter).toEqual(/^(idb|opfs):/.test(target.uri) ? ['suite_live'] : null);
    expect(harness.problems.pageErrors).toEqual([]);
  });
}
