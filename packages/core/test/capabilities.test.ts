import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../src/client/types.js';
import type { BatchSearchRequest } from '../src/engine/batch-search.js';
import type { BatchSearcher, BatchSearchStats } from '../src/index.js';
import {
  type Capabilities,
  capabilities,
  createEngine,
  ElanusError,
  LocalClient,
  MilvusClient,
  resolveDevice,
} from '../src/index.js';
import { FlatIndex } from '../src/indexes/flat.js';
import type { TopK } from '../src/indexes/types.js';
import { createKernels } from '../src/kernels/index.js';

function caps(over: Partial<Capabilities>): Capabilities {
  return {
    webgpu: false,
    webgpuFallbackAdapter: false,
    wasm: true,
    wasmSimd: true,
    threads: true,
    crossOriginIsolated: true,
    workers: true,
    indexedDB: true,
    hardwareConcurrency: 4,
    devices: ['wasm', 'js'],
    ...over,
  };
}

function thrown(f: () => unknown): ElanusError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    return e as ElanusError;
  }
  throw new Error('expected a throw');
}

describe('capabilities', () => {
  it('is detected once and frozen', async () => {
    const a = await capabilities();
    expect(await capabilities()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.devices)).toBe(true);
    expect(() => {
      (a as { webgpu: boolean }).webgpu = true;
    }).toThrow();
    // Node 20: no WebGPU, WASM SIMD yes, shared memory yes, no Worker / IndexedDB globals.
    expect(a).toMatchObject({
      webgpu: false,
      webgpuFallbackAdapter: false,
      wasm: true,
      wasmSimd: true,
      threads: true,
      workers: false,
      indexedDB: false,
    });
    expect(a.devices).toEqual(['wasm', 'js']);
    expect(a.hardwareConcurrency).toBeGreaterThanOrEqual(1);
  });

  it('auto picks a hardware GPU, never a software one, then WASM SIMD, then JS', () => {
    expect(resolveDevice('auto', caps({}))).toBe('wasm');
    expect(resolveDevice(undefined, caps({}))).toBe('wasm');
    expect(resolveDevice('auto', caps({ webgpu: true, devices: ['webgpu', 'wasm', 'js'] }))).toBe('webgpu');
    expect(
      resolveDevice(
        'auto',
        caps({ webgpu: true, webgpuFallbackAdapter: true, devices: ['webgpu', 'wasm', 'js'] }),
      ),
    ).toBe('wasm');
    expect(resolveDevice('auto', caps({ wasmSimd: false, devices: ['js'] }))).toBe('js');
  });

  it('an explicit choice that is not supported throws IllegalArgument listing the supported ones', () => {
    const e = thrown(() => resolveDevice('webgpu', caps({})));
    expect(e.code).toBe('IllegalArgument');
    expect(e.message).toBe(
      'invalid parameter device: "webgpu" is not supported (no WebGPU adapter is available here); supported: "auto", "wasm", "js"',
    );
    expect(e.details).toEqual({ param: 'device', supported: ['auto', 'wasm', 'js'] });
    const w = thrown(() => resolveDevice('wasm', caps({ wasmSimd: false, devices: ['js'] })));
    expect(w.message).toContain('supported: "auto", "js"');
    expect(thrown(() => resolveDevice('cuda', caps({}))).message).toBe(
      'invalid parameter device: expected one of "auto", "webgpu", "wasm", "js", got "cuda"',
    );
    expect(resolveDevice('js', caps({}))).toBe('js');
    expect(
      resolveDevice(
        'webgpu',
        caps({ webgpu: true, webgpuFallbackAdapter: true, devices: ['webgpu', 'wasm', 'js'] }),
      ),
    ).toBe('webgpu');
  });

  it('engines and clients honour the device, and reject one this realm lacks on first use', async () => {
    expect((await createEngine({ device: 'js' })).options.device).toBe('js');
    expect((await createEngine()).options.device).toBe('wasm');
    await expect(createEngine({ device: 'webgpu' })).rejects.toMatchObject({ code: 'IllegalArgument' });
    const client = new MilvusClient({ uri: 'memory://', device: 'webgpu' });
    await expect(client.listCollections()).rejects.toMatchObject({
      code: 'IllegalArgument',
      details: { param: 'device' },
    });
  });
});

/** A batch searcher that answers with FLAT on the CPU, counting what it was asked. */
class FakeGpu implements BatchSearcher {
  readonly device = 'webgpu' as const;
  readonly stats: BatchSearchStats = { searches: 0, queries: 0, fallbacks: 0, uploads: 0, lastError: null };
  requests: BatchSearchRequest[] = [];
  decline = false;
  constructor(readonly minBatch: number) {}
  async search(req: BatchSearchRequest): Promise<TopK[] | null> {
    this.requests.push(req);
    if (this.decline) return null;
    this.stats.searches++;
    const flat = new FlatIndex(req.column, await createKernels(), req.metric);
    flat.addRange(0, req.column.length);
    return req.queries.map((q) => flat.search(q, req.k, req.allow, {}));
  }
  minWork = 0;
  dispose() {}
}

describe('search hands FLAT batches to the engine batch searcher', () => {
  async function setup(index: string) {
    const engine = await createEngine();
    const gpu = new FakeGpu(2);
    engine.options.batchSearcher = gpu;
    const c = new LocalClient(engine);
    await c.createCollection({
      collection_name: 'v',
      dimension: 8,
      metric_type: 'IP',
      index_params: { index_type: index },
    });
    let s = 7;
    const r = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    };
    await c.insert({
      collection_name: 'v',
      data: Array.from({ length: 300 }, (_, i) => ({
        id: i,
        vector: Array.from({ length: 8 }, r),
        even: i % 2 === 0,
      })),
    });
    const q = Array.from({ length: 4 }, () => Array.from({ length: 8 }, r));
    return { c, gpu, q, engine };
  }

  it('uses it for several query vectors on FLAT, with the filter as the allow-bitset, and gives the same hits', async () => {
    const { c, gpu, q, engine } = await setup('FLAT');
    const req = { collection_name: 'v', data: q, limit: 5, filter: 'even == true', output_fields: ['even'] };
    const viaGpu = await c.search(req);
    expect(gpu.requests).toHaveLength(1);
    expect(gpu.requests[0]!.allow.count()).toBe(150);
    expect(gpu.requests[0]!.k).toBe(5);
    engine.options.batchSearcher = undefined;
    expect(await c.search(req)).toEqual(viaGpu);
    for (const hits of viaGpu.results as SearchHit[][]) for (const h of hits) expect(h.even).toBe(true);
  });

  it('not for one query vector, range search, grouping or HNSW; and falls back when it declines', async () => {
    const { c, gpu, q } = await setup('FLAT');
    await c.search({ collection_name: 'v', data: q[0], limit: 3 });
    await c.search({ collection_name: 'v', data: q, limit: 3, params: { radius: -10 } });
    expect(gpu.requests).toHaveLength(0);
    gpu.decline = true;
    const r = await c.search({ collection_name: 'v', data: q, limit: 3 });
    expect(gpu.requests).toHaveLength(1);
    expect((r.results as SearchHit[][]).map((h) => h.length)).toEqual([3, 3, 3, 3]);
    // Too little work for a GPU call (auto's threshold): the kernels answer.
    gpu.minWork = 4 * 300 * 8 + 1;
    await c.search({ collection_name: 'v', data: q, limit: 3 });
    expect(gpu.requests).toHaveLength(1);
    const h = await setup('HNSW');
    await h.c.search({ collection_name: 'v', data: h.q, limit: 3 });
    expect(h.gpu.requests).toHaveLength(0);
  });
});

describe('in-thread long-operation options', () => {
  it('an aborted signal stops an insert before it starts; progress is reported once, complete', async () => {
    const c = new LocalClient(await createEngine());
    await c.createCollection({ collection_name: 'o', dimension: 2 });
    const data = [
      { id: 1, vector: [1, 2] },
      { id: 2, vector: [3, 4] },
    ];
    await expect(c.insert({ collection_name: 'o', data, signal: AbortSignal.abort() })).rejects.toMatchObject(
      { code: 'Aborted' },
    );
    const seen: unknown[] = [];
    await c.insert({ collection_name: 'o', data, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([{ operation: 'insert', done: 2, total: 2 }]);
    expect((await c.count({ collection_name: 'o' })).data).toBe(2);
  });
});
