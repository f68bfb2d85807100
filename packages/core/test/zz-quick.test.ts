import { it } from 'vitest';
import { createKernels } from '../src/kernels/index.js';
import { HnswIndex } from '../src/index/hnsw.js';
import { FlatIndex } from '../src/index/flat.js';
it('quick', async () => {
  for (const dev of ['wasm', 'js'] as const) {
  const k = await createKernels(dev);
  const dim = 128, n = 20000;
  let s = 1;
  const rnd = () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff; };
  const centers = Array.from({ length: 50 }, () => Float32Array.from({ length: dim }, () => rnd() * 2 - 1));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) { const c = centers[i % 50]!; for (let j = 0; j < dim; j++) data[i * dim + j] = c[j]! + (rnd() - 0.5) * 0.8; }
  const col = k.createColumn(dim); col.pushMany(data, n);
  for (const metric of ['COSINE'] as const) {
    const h = new HnswIndex(col, k, metric, { M: 16, efConstruction: 200 });
    let t = performance.now(); h.addRange(0, n); const bt = performance.now() - t;
    const f = new FlatIndex(col, k, metric); f.addRange(0, n);
    let hit = 0; const nq = 200; let th = 0, tf = 0;
    for (let qi = 0; qi < nq; qi++) {
      const q = Float32Array.from({ length: dim }, (_, j) => centers[qi % 50]![j]! + (rnd() - 0.5) * 0.8);
      t = performance.now(); const a = h.search(q, 10, null, { ef: 64 }); th += performance.now() - t;
      t = performance.now(); const b = f.search(q, 10, null, {}); tf += performance.now() - t;
      const set = new Set(b.rows); for (const r of a.rows) if (set.has(r)) hit++;
    }
    console.log(dev, metric, 'build ms', bt.toFixed(0), 'recall', hit / nq / 10, 'hnsw q/s', (nq / th * 1000).toFixed(0), 'flat q/s', (nq / tf * 1000).toFixed(0), h.lastSearchStats);
  }}
}, 600000);
