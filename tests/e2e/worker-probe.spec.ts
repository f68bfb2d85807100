import { expect, test } from './fixtures';
test('probe', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const c = new elanus.MilvusClient({ uri: 'memory://', worker: true });
    await c.createCollection({ collection_name: 'a', dimension: 4, metric_type: 'L2', index_params: { index_type: 'FLAT' } });
    await c.insert({ collection_name: 'a', data: [{ id: 1, vector: [1, 2, 3, 4] }] });
    const r = await c.search({ collection_name: 'a', data: [1, 2, 3, 4], limit: 1 });
    const wc = (await c.client()) as unknown as { info: unknown; handlersRegistered(): Promise<unknown> };
    const g = new elanus.MilvusClient({ uri: 'memory://', device: 'webgpu' });
    await g.createCollection({ collection_name: 'a', dimension: 4, metric_type: 'L2', index_params: { index_type: 'FLAT' } });
    await g.insert({ collection_name: 'a', data: [{ id: 1, vector: [1, 2, 3, 4] }, { id: 2, vector: [0, 0, 0, 1] }] });
    const gr = await g.search({ collection_name: 'a', data: [[1, 2, 3, 4], [0, 0, 0, 1]], limit: 2 });
    const eng = ((await g.client()) as unknown as { engine: { options: { batchSearcher?: { stats: unknown } } } }).engine;
    return { r, info: wc.info, h: await wc.handlersRegistered(), caps: await elanus.capabilities(), gr, stats: eng.options.batchSearcher?.stats };
  });
  console.log(JSON.stringify(out, null, 1));
  console.log(JSON.stringify(harness.problems));
});
