// The index guarantees, checked in Chromium through the public API: HNSW recall against FLAT on the
// same seeded data (COSINE, IP, L2), and filtered HNSW search that is never short.
import { expect, test } from './fixtures';

test('HNSW recall@10 against FLAT and filtered search in Chromium', async ({ harness }) => {
  test.setTimeout(180_000);
  const out = await harness.inPage(async (elanus) => {
    const { MilvusClient } = elanus;
    const N = 6000;
    const DIM = 32;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const centers = Array.from({ length: 20 }, () => Array.from({ length: DIM }, () => rand() * 2 - 1));
    const rows = Array.from({ length: N }, (_, i) => ({
      id: i,
      v: centers[i % 20]!.map((x) => x + (rand() - 0.5) * 0.6),
      bucket: i % 1000,
    }));
    const queries = Array.from({ length: 50 }, () =>
      centers[Math.floor(rand() * 20)]!.map((x) => x + (rand() - 0.5) * 0.6),
    );
    const client = new MilvusClient({ uri: 'memory://' });
    const result: Record<string, { recall: number; shortFiltered: number; filteredRecall: number }> = {};
    for (const metric of ['COSINE', 'IP', 'L2']) {
      for (const type of ['FLAT', 'HNSW']) {
        await client.createCollection({
          collection_name: `${type}_${metric}`,
          fields: [
            { name: 'id', data_type: 'Int64', is_primary_key: true },
            { name: 'v', data_type: 'FloatVector', dim: DIM },
            { name: 'bucket', data_type: 'Int32' },
          ],
          index_params: [
            {
              field_name: 'v',
              index_type: type,
              metric_type: metric,
              params: type === 'HNSW' ? { M: 16, efConstruction: 100 } : {},
            },
          ],
        });
        await client.insert({ collection_name: `${type}_${metric}`, data: rows });
      }
      const ids = (r: { results: unknown }) => (r.results as { id: string }[]).map((h) => h.id);
      let hit = 0;
      let fhit = 0;
      let short = 0;
      for (const q of queries) {
        const exact = ids(await client.search({ collection_name: `FLAT_${metric}`, data: q, limit: 10 }));
        const approx = ids(
          await client.search({ collection_name: `HNSW_${metric}`, data: q, limit: 10, params: { ef: 64 } }),
        );
        hit += approx.filter((id) => exact.includes(id)).length;
        // 0.5% of rows pass this filter: 30 rows, so 10 hits are always possible.
        const filter = 'bucket < 5';
        const fe = ids(
          await client.search({ collection_name: `FLAT_${metric}`, data: q, limit: 10, filter }),
        );
        const fa = ids(
          await client.search({
            collection_name: `HNSW_${metric}`,
            data: q,
            limit: 10,
            filter,
            params: { ef: 64 },
          }),
        );
        if (fa.length < 10) short++;
        fhit += fa.filter((id) => fe.includes(id)).length;
      }
      result[metric] = {
        recall: hit / (10 * queries.length),
        filteredRecall: fhit / (10 * queries.length),
        shortFiltered: short,
      };
    }
    await client.closeConnection();
    return result;
  });
  console.log(`Chromium HNSW recall@10 (6k × 32, M=16, ef=64): ${JSON.stringify(out)}`);
  for (const metric of ['COSINE', 'IP', 'L2']) {
    expect(out[metric]!.recall).toBeGreaterThanOrEqual(0.95);
    expect(out[metric]!.filteredRecall).toBeGreaterThanOrEqual(0.95);
    expect(out[metric]!.shortFiltered).toBe(0);
  }
});
