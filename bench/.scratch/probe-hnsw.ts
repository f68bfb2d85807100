import { createRequire } from 'node:module';
import { createIndex } from '../../packages/core/src/index/index.js';
import { createKernels } from '../../packages/core/src/kernels/index.js';
import { clusteredVectors, row } from '../src/lib/data.js';

const require = createRequire(import.meta.url);
const N = Number(process.argv[2] ?? 5000);
const t0 = performance.now();
const d = clusteredVectors({ n: N, nq: 100, dim: 384 });
console.log('gen', (performance.now() - t0).toFixed(0), 'ms');
for (const kind of ['wasm', 'js'] as const) {
  const k = await createKernels(kind);
  const col = k.createColumn(384);
  col.pushMany(d.base, N);
  const idx = createIndex('dense', 'HNSW', 'IP', { M: 16, efConstruction: 200 }, col, k);
  const t = performance.now();
  idx.addRange(0, N);
  console.log('elanus', kind, (performance.now() - t).toFixed(0), 'ms');
}
const hn = require('hnswlib-node');
{
  const idx = new hn.HierarchicalNSW('ip', 384);
  idx.initIndex(N, 16, 200, 100);
  const t = performance.now();
  for (let i = 0; i < N; i++) idx.addPoint(Array.from(row(d.base, 384, i)), i);
  console.log('hnswlib-node', (performance.now() - t).toFixed(0), 'ms');
}
(globalThis as any).window = globalThis;
const { loadHnswlib } = await import('hnswlib-wasm/dist/hnswlib.js');
const lib = await loadHnswlib();
{
  const idx = new lib.HierarchicalNSW('ip', 384, '');
  idx.initIndex(N, 16, 200, 100);
  const t = performance.now();
  for (let i = 0; i < N; i++) idx.addPoint(row(d.base, 384, i), i, false);
  console.log('hnswlib-wasm', (performance.now() - t).toFixed(0), 'ms');
}
const us = require('usearch');
{
  const idx = new us.Index({ dimensions: 384, metric: 'ip', connectivity: 16, expansion_add: 200, expansion_search: 64 });
  const t = performance.now();
  const keys = new BigUint64Array(N).map((_, i) => BigInt(i));
  idx.add(keys, d.base, 1);
  console.log('usearch', (performance.now() - t).toFixed(0), 'ms');
}
