// A consumer app as a user writes it: @elanus/core installed from its packed tarball, plain JavaScript,
// no Elanus-specific bundler settings. tests/consumer/consumer.test.ts builds it with several bundlers
// and calls `window.elanusScenario(...)` in Chromium.
import { capabilities, DataType, MilvusClient } from '@elanus/core';

const DIM = 8;
const vec = (i) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 7 + j));

async function scenario({ uri, worker, device }) {
  const options = { uri, worker };
  if (device) options.device = device;
  let client = new MilvusClient(options);
  const collection_name = 'docs';
  if ((await client.hasCollection({ collection_name })).value) {
    await client.dropCollection({ collection_name });
  }
  await client.createCollection({
    collection_name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
      { name: 'title', data_type: DataType.VarChar, max_length: 64 },
    ],
    index_params: [{ field_name: 'vector', index_type: 'HNSW', metric_type: 'COSINE' }],
  });
  const data = Array.from({ length: 50 }, (_, i) => ({ id: i, vector: vec(i), title: `doc ${i}` }));
  const inserted = await client.insert({ collection_name, data });
  const search = await client.search({
    collection_name,
    data: vec(7),
    limit: 3,
    filter: 'id >= 5',
    output_fields: ['title'],
  });
  let reopened = null;
  if (uri.startsWith('idb://')) {
    // A second client over the same database sees the committed rows (persistence went through).
    await client.closeConnection();
    client = new MilvusClient(options);
    await client.loadCollection({ collection_name });
    const rows = await client.query({ collection_name, filter: 'id == 7', output_fields: ['title'] });
    reopened = rows.data.map((r) => r.title);
  }
  await client.dropCollection({ collection_name });
  await client.closeConnection();
  return {
    insert_cnt: inserted.insert_cnt,
    top: search.results.map((h) => [h.id, h.title]),
    reopened,
    capabilities: await capabilities(),
  };
}

window.elanusScenario = scenario;
document.title = 'ready';
