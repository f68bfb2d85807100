// A consumer app that uses @elanus/model as a user writes it: the packed tarballs of core and model,
// plain JavaScript. tests/consumer/model.test.ts builds it with several bundlers and calls
// `window.elanusModelScenario(...)` in Chromium: BM25 (pure JS) and all-MiniLM-L6-v2 through the
// transformers.js browser build that @elanus/model ships (its install carries no onnxruntime-node).
import { DataType, MilvusClient } from '@elanus/core';
import { BM25EmbeddingFunction, buildDefaultAnalyzer, DefaultEmbeddingFunction, env } from '@elanus/model';

const docs = [
  'A cat sits on the mat.',
  'Stock markets fell sharply on Monday.',
  'The kitten is sleeping on a rug.',
  'Rain is expected over the weekend.',
];

async function scenario({ modelPath, ortPath }) {
  const bm25 = new BM25EmbeddingFunction(buildDefaultAnalyzer('en'));
  bm25.fit(docs);
  const [q] = bm25.encodeQueries(['markets']);

  // Offline: model files and onnxruntime-web's .wasm from this app's own server.
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelPath;
  env.wasmPaths = ortPath;
  const ef = new DefaultEmbeddingFunction({ device: 'wasm', dtype: 'q8' });
  const vectors = await ef.encodeDocuments(docs);
  const [query] = await ef.encodeQueries(['a small cat resting']);

  const client = new MilvusClient({ uri: 'memory://' });
  await client.createCollection({
    collection_name: 'docs',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: ef.dim },
    ],
    index_params: [{ field_name: 'vector', index_type: 'FLAT', metric_type: 'COSINE' }],
  });
  await client.insert({
    collection_name: 'docs',
    data: vectors.map((v, id) => ({ id, vector: Array.from(v) })),
  });
  const res = await client.search({ collection_name: 'docs', data: Array.from(query), limit: 2 });
  await client.closeConnection();
  return {
    bm25Terms: q ? q.indices.length : 0,
    dim: ef.dim,
    norm: Math.hypot(...vectors[0]),
    top: res.results.map((h) => h.id),
  };
}

window.elanusModelScenario = scenario;
document.title = 'ready';
