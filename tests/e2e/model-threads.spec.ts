// @elanus/model's onnxruntime-web threads in Chromium: in the cross-origin isolated harness,
// `env.numThreads: 'auto'` starts onnxruntime-web's pthread pool (one Worker per extra thread, from
// /ort/*.mjs, which must carry COEP), and the embeddings equal the single-thread ones.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type HarnessPage, openHarness, test } from './fixtures';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modelDir = join(root, '.cache/models/sentence-transformers/all-MiniLM-L6-v2/onnx');
const dtypes = (['fp32', 'q8'] as const).filter((d) =>
  existsSync(join(modelDir, d === 'fp32' ? 'model.onnx' : 'model_quantized.onnx')),
);
const sentences = (
  JSON.parse(readFileSync(join(root, 'packages/model/test/fixtures/minilm-reference.json'), 'utf8')) as {
    sentences: string[];
  }
).sentences.slice(0, 24);

const modules = {
  dense: `/@fs${join(root, 'packages/model/src/dense/index.ts')}`,
  env: `/@fs${join(root, 'packages/model/src/env.ts')}`,
  // Its transformed source names the URL Vite serves transformers.js at (see embedThreaded).
  load: `/@fs${join(root, 'packages/model/src/runtime/load.ts')}`,
};

interface Args {
  modules: typeof modules;
  sentences: string[];
  dtype: 'fp32' | 'q8';
  /** `undefined`: the default ('auto'). */
  numThreads: 'auto' | number | undefined;
}

/**
 * Runs in the page or the worker. Wraps `Worker` before the first model load (onnxruntime-web's WASM
 * runtime starts then, with its pthread pool) to count the pthread Workers it creates and the threads
 * it starts on them, then reads onnxruntime-web's own `env.wasm.numThreads`.
 */
async function embedThreaded(_elanus: unknown, a: Args) {
  const scope = globalThis as unknown as { Worker: typeof Worker };
  const Native = scope.Worker;
  const pthreads: Array<{ url: string; runs: number }> = [];
  scope.Worker = class extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      // Emscripten names its pool workers so; a "run" command starts a pthread on one.
      if (options?.name !== 'em-pthread') return;
      const seen = { url: String(url), runs: 0 };
      pthreads.push(seen);
      const post = this.postMessage.bind(this) as (m: unknown, t?: Transferable[]) => void;
      this.postMessage = (m: unknown, t?: Transferable[] | StructuredSerializeOptions) => {
        if (m && typeof m === 'object' && Object.values(m).includes('run')) seen.runs++;
        post(m, t as Transferable[] | undefined);
      };
    }
  };
  try {
    // Vite rewrites the bare import in runtime/load.ts; importing the same URL shares the module instance.
    const src = await (await fetch(a.modules.load)).text();
    const m = /import\(\s*["']([^"']*transformers[^"']*)["']\s*\)/.exec(src);
    if (!m?.[1]) throw new Error('transformers.js import not found in runtime/load.ts');
    const [tf, dense, envMod] = await Promise.all([
      import(/* @vite-ignore */ m[1]),
      import(/* @vite-ignore */ a.modules.dense),
      import(/* @vite-ignore */ a.modules.env),
    ]);
    Object.assign(envMod.env, {
      allowRemoteModels: false,
      allowLocalModels: true,
      localModelPath: '/models/',
      wasmPaths: '/ort/',
      useIndexedDBCache: false,
    });
    if (a.numThreads !== undefined) envMod.env.numThreads = a.numThreads;
    const ef = new dense.DefaultEmbeddingFunction({ device: 'wasm', dtype: a.dtype, batch_size: 8 });
    await ef.load();
    const t0 = performance.now();
    const vectors: Float32Array[] = await ef.encodeDocuments(a.sentences);
    const seconds = (performance.now() - t0) / 1000;
    const runtime = ef.runtime;
    await ef.dispose();
    return {
      vectors: vectors.map((v) => Array.from(v)),
      runtime,
      seconds,
      ortThreads: tf.env.backends.onnx.wasm.numThreads as number,
      isolated: globalThis.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      pthreads,
    };
  } finally {
    scope.Worker = Native;
  }
}

type Out = Awaited<ReturnType<typeof embedThreaded>>;

function run(harness: HarnessPage, where: 'page' | 'worker', args: Omit<Args, 'modules'>): Promise<Out> {
  const arg = { ...args, modules };
  return where === 'page' ? harness.inPage(embedThreaded, arg) : harness.inWorker(embedThreaded, arg);
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((v, i) => {
    const w = b[i]!;
    expect(v.length).toBe(w.length);
    for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(v[k]! - w[k]!));
  });
  return worst;
}

/** What 'auto' resolves to in the harness (runtime/threads.ts: the core count, at most 8). */
const autoThreads = (cores: number) => Math.min(8, cores);

test.describe('onnxruntime-web threads in Chromium', () => {
  test.skip(
    dtypes.length === 0 && !process.env.CI,
    'skipped: .cache/models is missing (bash scripts/setup.d/20-models.sh prepares it)',
  );
  test.setTimeout(180_000);

  for (const dtype of dtypes) {
    test(`WASM ${dtype}: 'auto' runs the pthread pool, same embeddings as numThreads: 1`, async ({
      harness,
      context,
    }) => {
      const threaded = await run(harness, 'page', { sentences, dtype, numThreads: undefined });
      // onnxruntime-web starts its WASM runtime once per page: one thread count per page.
      const single = await run(await openHarness(await context.newPage()), 'page', {
        sentences,
        dtype,
        numThreads: 1,
      });
      const diff = maxAbsDiff(threaded.vectors, single.vectors);
      console.log(
        `[model-threads] ${dtype}: hardwareConcurrency ${threaded.cores}, ${threaded.ortThreads} threads ` +
          `${(sentences.length / threaded.seconds).toFixed(1)} docs/s, 1 thread ` +
          `${(sentences.length / single.seconds).toFixed(1)} docs/s, max |diff| ${diff.toExponential(2)}`,
      );
      expect(threaded.isolated).toBe(true);
      expect(threaded.runtime).toEqual({ device: 'wasm', dtype });
      expect(threaded.cores).toBeGreaterThan(1);
      expect(threaded.ortThreads).toBe(autoThreads(threaded.cores));
      expect(threaded.ortThreads).toBeGreaterThan(1);
      // Emscripten starts numThreads - 1 pool Workers from the .mjs, and onnxruntime's thread pool runs on them.
      expect(threaded.pthreads.length).toBe(threaded.ortThreads - 1);
      for (const p of threaded.pthreads) {
        // (Vite's dev server adds `?import` to the dynamic import of the .mjs.)
        expect(p.url).toMatch(/\/ort\/ort-wasm-simd-threaded\.jsep\.mjs(\?|$)/);
        expect(p.runs).toBeGreaterThan(0);
      }
      expect(single.ortThreads).toBe(1);
      expect(single.pthreads).toEqual([]);
      expect(diff).toBeLessThanOrEqual(1e-5);
      expect(harness.problems.pageErrors).toEqual([]);
    });
  }

  test('numThreads: 1 is honoured in an isolated page (no pthread Worker)', async ({ harness }) => {
    const out = await run(harness, 'page', {
      sentences: sentences.slice(0, 4),
      dtype: dtypes[0]!,
      numThreads: 1,
    });
    expect(out.isolated).toBe(true);
    expect(out.ortThreads).toBe(1);
    expect(out.pthreads).toEqual([]);
    expect(out.vectors).toHaveLength(4);
  });

  test('an exact numThreads is used as given (3 on any core count)', async ({ harness }) => {
    const out = await run(harness, 'page', {
      sentences: sentences.slice(0, 4),
      dtype: dtypes[0]!,
      numThreads: 3,
    });
    expect(out.ortThreads).toBe(3);
    expect(out.pthreads.length).toBe(2);
    for (const p of out.pthreads) expect(p.runs).toBeGreaterThan(0);
  });

  test('in a module Worker too (as the demo runs its model)', async ({ harness }) => {
    const out = await run(harness, 'worker', {
      sentences: sentences.slice(0, 8),
      dtype: dtypes.at(-1)!,
      numThreads: undefined,
    });
    expect(out.isolated).toBe(true);
    expect(out.ortThreads).toBe(autoThreads(out.cores));
    expect(out.pthreads.length).toBe(out.ortThreads - 1);
    for (const p of out.pthreads) expect(p.runs).toBeGreaterThan(0);
  });

  test('a page that is not cross-origin isolated runs one thread, even when more were asked', async ({
    page,
  }) => {
    // The harness page without COOP/COEP: no SharedArrayBuffer, so onnxruntime-web can start no pthread.
    // Only the document decides that; the model files go straight through (not copied through the route).
    await page.route('**/*', async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' && /thread/i.test(m.text())) warnings.push(m.text());
    });
    const harness = await openHarness(page);
    const out = await run(harness, 'page', {
      sentences: sentences.slice(0, 4),
      dtype: dtypes[0]!,
      numThreads: 4,
    });
    expect(out.isolated).toBe(false);
    expect(out.ortThreads).toBe(1);
    expect(out.pthreads).toEqual([]);
    expect(out.vectors).toHaveLength(4);
    // Resolved to 1 before onnxruntime-web starts: none of its "falling back to single-threading" warnings.
    expect(warnings).toEqual([]);
    expect(harness.problems.pageErrors).toEqual([]);
  });

  test('a bad numThreads is an IllegalArgument naming the parameter', async ({ harness }) => {
    const message = await harness.inPage(async (_e, a: typeof modules) => {
      const [dense, envMod] = await Promise.all([
        import(/* @vite-ignore */ a.dense),
        import(/* @vite-ignore */ a.env),
      ]);
      envMod.env.numThreads = 0;
      try {
        await new dense.DefaultEmbeddingFunction({ device: 'wasm' }).load();
        return 'loaded';
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    }, modules);
    expect(message).toMatch(/^IllegalArgument: invalid parameter numThreads/);
    expect(message).toMatch(/"auto" or a positive integer, got number 0/);
  });
});
