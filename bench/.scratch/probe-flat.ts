import { clusteredVectors, row } from '../src/lib/data.js';
import { createIndex, createKernels } from '../src/lib/elanus.js';
import { wasmReadProbe } from '../src/lib/probe.js';
const n = Number(process.argv[2] ?? 10000), dim = 384;
const data = clusteredVectors({ n, nq: 64, dim, seed: 11 });
const kernels = await createKernels('wasm');
const col = kernels.createColumn(dim); col.pushMany(data.base, n);
const idx = createIndex('dense', 'FLAT', 'IP', {}, col, kernels); idx.addRange(0, n);
const probe = wasmReadProbe(n * dim * 4, data.base)!;
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  for (let i = 0; i < 32; i++) idx.search(row(data.queries, dim, i), 10, null, {});
  const a = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < 32; i++) probe.run();
  const b = performance.now() - t;
  console.log('elanus', (32 * n * dim * 4 / a / 1e6).toFixed(1), 'GB/s  probe', (32 * probe.bytes / b / 1e6).toFixed(1), 'GB/s');
}
