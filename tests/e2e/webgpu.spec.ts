// The WebGPU batch searcher (SwiftShader here): the same top-k as the WASM kernels, device choice,
// buffer reuse and invalidation, and throughput against WASM (printed, not asserted: SwiftShader is a CPU).
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 300_000 });

test('capabilities are detected in the page and in the worker; an unsupported device throws', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    const page = await elanus.capabilities();
    const c = new elanus.MilvusClient({ uri: 'memory://', worker: true, device: 'webgpu' });
    await c.listCollections();
    const info = ((await c.client()) as unknown as { info: { device: string; capabilities: unknown } }).info;
    await c.closeConnection();
    let bad: unknown = null;
    try {
      elanus.resolveDevice('webgpu', { ...page, webgpu: false, devices: ['wasm', 'js'] });
    } catch (e) {
      const x = e as InstanceType<typeof elanus.ElanusError>;
      bad = { code: x.code, message: x.message };
    }
    return {
      page,
      frozen: Object.isFrozen(page),
      worker: info.capabilities,
      device: info.device,
      bad,
      auto: elanus.resolveDevice('auto', page),
    };
  });
  expect(out.page).toMatchObject({
    webgpu: true,
    webgpuFallbackAdapter: true,
    wasmSimd: true,
    crossOriginIsolated: true,
    threads: true,
  });
  expect(out.page.devices).toEqual(['webgpu', 'wasm', 'js']);
  expect(out.frozen).toBe(true);
  expect(out.worker).toEqual(out.page);
  expect(out.device).toBe('webgpu');
  // auto never picks a software adapter.
  expect(out.auto).toBe('wasm');
  expect(out.bad).toEqual({
    code: 'IllegalArgument',
    message:
      'invalid parameter device: "webgpu" is not supported (no WebGPU adapter is available here); supported: "auto", "wasm", "js"',
  });
});

test('WebGPU FLAT batches return the same top-k as WASM on 20k x 384 (COSINE, IP, L2, filtered)', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    const N = 20_000;
    const DIM = 384;
    let s = 12345;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    const vec = () => {
      const v = new Float32Array(DIM);
      for (let j = 0; j < DIM; j++) v[j] = r();
      return v;
    };
    const rows = Array.from({ length: N }, (_, i) => {
      const v = vec();
      return { id: i, cat: i % 10, vc: v, vi: v, vl: v };
    });
    const schema = {
      collection_name: 'p',
      fields: [
        { name: 'id', data_type: elanus.DataType.Int64, is_primary_key: true },
        { name: 'cat', data_type: elanus.DataType.Int32 },
        { name: 'vc', data_type: elanus.DataType.FloatVector, dim: DIM },
        { name: 'vi', data_type: elanus.DataType.FloatVector, dim: DIM },
        { name: 'vl', data_type: elanus.DataType.FloatVector, dim: DIM },
      ],
      index_params: [
        { field_name: 'vc', index_type: 'FLAT', metric_type: 'COSINE' },
        { field_name: 'vi', index_type: 'FLAT', metric_type: 'IP' },
        { field_name: 'vl', index_type: 'FLAT', metric_type: 'L2' },
      ],
    };
    const gpu = new elanus.MilvusClient({ uri: 'memory://', device: 'webgpu' });
    const cpu = new elanus.MilvusClient({ uri: 'memory://', device: 'wasm' });
    for (const c of [gpu, cpu]) {
      await c.createCollection(schema);
      for (let i = 0; i < N; i += 5000)
        await c.insert({ collection_name: 'p', data: rows.slice(i, i + 5000) });
    }
    const engine = (
      (await gpu.client()) as unknown as {
        engine: { options: { device: string; batchSearcher: { stats: Record<string, unknown> } } };
      }
    ).engine;
    const queries = Array.from({ length: 16 }, vec);
    const cases: { field: string; filter?: string; limit: number }[] = [];
    for (const field of ['vc', 'vi', 'vl']) {
      cases.push({ field, limit: 10 });
      cases.push({ field, limit: 10, filter: 'cat in [1, 4, 7]' });
    }
    cases.push({ field: 'vl', limit: 100, filter: 'cat == 3 and id > 5000' });
    const results: {
      field: string;
      filter?: string;
      same: boolean;
      sameScores: boolean;
      n: number;
      ms: number;
    }[] = [];
    const idsOf = (res: { results: unknown }) =>
      (res.results as { id: string; score: number }[][]).map((h) => h.map((x) => x.id));
    const scoresOf = (res: { results: unknown }) =>
      (res.results as { id: string; score: number }[][]).map((h) => h.map((x) => x.score));
    for (const c of cases) {
      const req = {
        collection_name: 'p',
        anns_field: c.field,
        data: queries,
        limit: c.limit,
        ...(c.filter ? { filter: c.filter } : {}),
      };
      const t0 = performance.now();
      const a = await gpu.search(req);
      const ms = performance.now() - t0;
      const b = await cpu.search(req);
      results.push({
        field: c.field,
        ...(c.filter ? { filter: c.filter } : {}),
        same: JSON.stringify(idsOf(a)) === JSON.stringify(idsOf(b)),
        sameScores: JSON.stringify(scoresOf(a)) === JSON.stringify(scoresOf(b)),
        n: idsOf(a).flat().length,
        ms,
      });
    }
    const afterParity = { ...engine.options.batchSearcher.stats };

    // Writes: appended rows are uploaded (only them), deletes apply through the filter bitset, and a
    // compaction (row renumbering) re-uploads the column.
    const probe = queries[0]!;
    const near = { id: 999_999, cat: 0, vc: probe, vi: probe, vl: probe };
    for (const c of [gpu, cpu]) await c.insert({ collection_name: 'p', data: [near] });
    const req = { collection_name: 'p', anns_field: 'vl', data: queries.slice(0, 4), limit: 5 };
    const afterInsert = idsOf(await gpu.search(req));
    const afterInsertCpu = idsOf(await cpu.search(req));
    const uploadsAfterInsert = engine.options.batchSearcher.stats.uploads;
    for (const c of [gpu, cpu]) await c.delete({ collection_name: 'p', ids: [999_999] });
    const afterDelete = idsOf(await gpu.search(req));
    const afterDeleteCpu = idsOf(await cpu.search(req));
    for (const c of [gpu, cpu]) await c.delete({ collection_name: 'p', filter: 'cat < 4' }); // 40%: compacts
    const afterCompact = idsOf(await gpu.search(req));
    const afterCompactCpu = idsOf(await cpu.search(req));
    return {
      device: engine.options.device,
      results,
      afterParity,
      afterInsert: afterInsert[0]![0],
      insertSame: JSON.stringify(afterInsert) === JSON.stringify(afterInsertCpu),
      uploadsAfterInsert,
      deleteSame: JSON.stringify(afterDelete) === JSON.stringify(afterDeleteCpu),
      deletedGone: !afterDelete.flat().includes('999999'),
      compactSame: JSON.stringify(afterCompact) === JSON.stringify(afterCompactCpu),
      final: { ...engine.options.batchSearcher.stats },
    };
  });
  for (const r of out.results)
    console.log(
      `parity ${r.field}${r.filter ? ` [${r.filter}]` : ''}: same ids ${r.same}, same scores ${r.sameScores}, ${r.n} hits, GPU ${r.ms.toFixed(0)} ms`,
    );
  expect(out.device).toBe('webgpu');
  expect(out.results.map((r) => [r.field, r.filter, r.same])).toEqual(
    out.results.map((r) => [r.field, r.filter, true]),
  );
  expect(out.results.every((r) => r.sameScores)).toBe(true);
  expect(out.results.every((r) => r.n > 0)).toBe(true);
  // Every parity search ran on the GPU; one upload per field, reused across the searches.
  expect(out.afterParity).toMatchObject({
    searches: out.results.length,
    fallbacks: 0,
    uploads: 3,
    lastError: null,
  });
  expect(out.afterInsert).toBe('999999');
  expect(out.insertSame).toBe(true);
  expect(out.uploadsAfterInsert).toBe(4); // the appended row only, for the searched field
  expect(out.deleteSame && out.deletedGone).toBe(true);
  expect(out.compactSame).toBe(true);
  expect(out.final.uploads).toBe(5); // compaction re-uploaded the column
  expect(out.final.fallbacks).toBe(0);
});

test('a worker with device webgpu searches on its GPU', async ({ harness }) => {
  const out = await harness.inPage(async (elanus) => {
    const w = new elanus.MilvusClient({ uri: 'memory://', worker: true, device: 'webgpu' });
    const p = new elanus.MilvusClient({ uri: 'memory://', device: 'wasm' });
    let s = 9;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    const data = Array.from({ length: 4000 }, (_, i) => ({
      id: i,
      tag: i % 2 === 0 ? 'even' : 'odd',
      vector: Array.from({ length: 128 }, r),
    }));
    const q = Array.from({ length: 8 }, () => Array.from({ length: 128 }, r));
    const ids: string[][][] = [];
    for (const c of [w, p]) {
      await c.createCollection({
        collection_name: 'g',
        dimension: 128,
        metric_type: 'COSINE',
        index_params: { index_type: 'FLAT' },
      });
      await c.insert({ collection_name: 'g', data });
      const res = await c.search({ collection_name: 'g', data: q, limit: 10, filter: 'tag == "odd"' });
      ids.push((res.results as { id: string }[][]).map((h) => h.map((x) => x.id)));
    }
    const stats = await (
      (await w.client()) as unknown as { gpuStats(): Promise<{ searches: number; fallbacks: number }> }
    ).gpuStats();
    await w.closeConnection();
    return {
      same: JSON.stringify(ids[0]) === JSON.stringify(ids[1]),
      oddOnly: ids[0]!.flat().every((id) => Number(id) % 2 === 1),
      stats,
    };
  });
  expect(out.same).toBe(true);
  expect(out.oddOnly).toBe(true);
  expect(out.stats).toMatchObject({ searches: 1, fallbacks: 0 });
});

test('batched query throughput, WebGPU (SwiftShader) vs WASM (printed, not asserted)', async ({
  harness,
}) => {
  const out = await harness.inPage(async (elanus) => {
    const N = 20_000;
    const DIM = 384;
    let s = 777;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    const vec = () => Float32Array.from({ length: DIM }, r);
    const data = Array.from({ length: N }, (_, i) => ({ id: i, vector: vec() }));
    const gpu = new elanus.MilvusClient({ uri: 'memory://', device: 'webgpu', gpuMinBatch: 1 });
    const cpu = new elanus.MilvusClient({ uri: 'memory://', device: 'wasm' });
    for (const c of [gpu, cpu]) {
      await c.createCollection({
        collection_name: 'b',
        dimension: DIM,
        metric_type: 'COSINE',
        index_params: { index_type: 'FLAT' },
      });
      for (let i = 0; i < N; i += 5000)
        await c.insert({ collection_name: 'b', data: data.slice(i, i + 5000) });
      await c.search({ collection_name: 'b', data: [vec(), vec()], limit: 10 }); // warm-up (upload, pipelines)
    }
    const rows: { batch: number; gpu: number; wasm: number }[] = [];
    for (const batch of [1, 8, 64, 256]) {
      const queries = Array.from({ length: batch }, vec);
      const qps: number[] = [];
      for (const c of [gpu, cpu]) {
        let n = 0;
        const t0 = performance.now();
        // At least two rounds and about a second per point.
        while (n < 2 || performance.now() - t0 < 1000) {
          await c.search({ collection_name: 'b', data: batch === 1 ? queries[0] : queries, limit: 10 });
          n++;
        }
        qps.push((n * batch * 1000) / (performance.now() - t0));
      }
      rows.push({ batch, gpu: qps[0]!, wasm: qps[1]! });
    }
    const stats = (
      (await gpu.client()) as unknown as { engine: { options: { batchSearcher: { stats: unknown } } } }
    ).engine.options.batchSearcher.stats;
    return { rows, stats };
  });
  for (const r of out.rows) {
    console.log(
      `20k x 384 COSINE top-10, batch ${String(r.batch).padStart(3)}: WebGPU(SwiftShader) ${r.gpu.toFixed(1)} q/s, WASM ${r.wasm.toFixed(1)} q/s`,
    );
  }
  const cross = out.rows.find((r) => r.gpu > r.wasm);
  console.log(
    `crossover: ${cross ? `WebGPU ahead from batch ${cross.batch}` : 'none up to batch 256 (SwiftShader runs on the CPU)'}`,
  );
  expect(out.rows).toHaveLength(4);
  expect((out.stats as { fallbacks: number }).fallbacks).toBe(0);
});
