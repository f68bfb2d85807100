import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu'], chromiumSandbox: false });
const p = await b.newPage();
p.on('console', (m) => console.log('console', m.type(), m.text()));
await p.goto('http://127.0.0.1:5291/');
await p.waitForFunction(() => document.body.dataset.ready === 'true');
const r = await p.evaluate(async () => {
  const elanus = window.elanus;
  const N = 20000, DIM = 384;
  let s = 5; const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const data = Array.from({ length: N }, (_, i) => ({ id: i, vector: Float32Array.from({ length: DIM }, r) }));
  const out = {};
  const gpu = new elanus.MilvusClient({ uri: 'memory://', device: 'webgpu', gpuMinBatch: 1 });
  const cpu = new elanus.MilvusClient({ uri: 'memory://', device: 'wasm' });
  for (const c of [gpu, cpu]) {
    await c.createCollection({ collection_name: 'b', dimension: DIM, metric_type: 'COSINE', index_params: { index_type: 'FLAT' } });
    await c.insert({ collection_name: 'b', data });
  }
  for (const nq of [16, 16, 64]) {
    const q = Array.from({ length: nq }, () => Float32Array.from({ length: DIM }, r));
    for (const [name, c] of [['gpu', gpu], ['cpu', cpu]]) {
      const t = performance.now();
      const res = await c.search({ collection_name: 'b', data: q, limit: 10 });
      out[`${name}${nq}`] = performance.now() - t;
      out[`${name}${nq}ids`] = JSON.stringify(res.results.map((h) => h.map((x) => x.id)));
    }
    out[`same${nq}`] = out[`gpu${nq}ids`] === out[`cpu${nq}ids`]; delete out[`gpu${nq}ids`]; delete out[`cpu${nq}ids`];
  }
  out.stats = (await gpu.client()).engine.options.batchSearcher.stats;
  return out;
});
console.log(r);
await b.close();
