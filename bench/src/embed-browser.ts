// Standalone: DefaultEmbeddingFunction throughput in Chromium (WASM 1 thread, WASM with env.numThreads
// 'auto' = every core, WebGPU on SwiftShader) next to the same ONNX file on onnxruntime-node with the
// same thread count (intraOpNumThreads), same sentences, same run.
// `node --import tsx --conditions=source bench/src/embed-browser.ts [q8|fp32 ...]`
// The page is tests/harness (cross-origin isolated, /ort/ included; serves /models/ = .cache/models).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';
const sentences = (
  JSON.parse(readFileSync(join(root, 'packages/model/test/fixtures/minilm-reference.json'), 'utf8')) as {
    sentences: string[];
  }
).sentences.slice(0, Number(process.env.EMBED_SENTENCES ?? 100));
const only = process.env.EMBED_ONLY; // substring of a Chromium config label
const PAGE_TIMEOUT_MS = Number(process.env.EMBED_PAGE_TIMEOUT_MS ?? 180_000);
const dtypes = (process.argv.slice(2).length ? process.argv.slice(2) : ['q8', 'fp32']) as Array<
  'q8' | 'fp32'
>;
const BATCH = 16;
const REPS = Number(process.env.EMBED_REPS ?? 3);
const GPU_SENTENCES = Number(process.env.EMBED_GPU_SENTENCES ?? 32);

interface PageArgs {
  dense: string;
  env: string;
  st: string;
  sentences: string[];
  device: 'wasm' | 'webgpu';
  dtype: 'q8' | 'fp32';
  threads: 'auto' | number;
  batch: number;
  reps: number;
}

/** Runs in the page. Sets @elanus/model's env.numThreads; reads back what onnxruntime-web started with. */
async function inPage(_elanus: unknown, a: PageArgs) {
  // Vite rewrites the bare import in runtime/load.ts; import the same URL to share the module instance.
  const src = await (await fetch(a.st)).text();
  const m = /import\(\s*["']([^"']*transformers[^"']*)["']\s*\)/.exec(src);
  if (!m) throw new Error('transformers.js import not found in runtime/load.ts');
  const [tf, dense, envMod] = await Promise.all([
    import(/* @vite-ignore */ m[1]!),
    import(/* @vite-ignore */ a.dense),
    import(/* @vite-ignore */ a.env),
  ]);
  Object.assign(envMod.env, {
    allowRemoteModels: false,
    allowLocalModels: true,
    localModelPath: '/models/',
    wasmPaths: '/ort/',
    useIndexedDBCache: false,
    numThreads: a.threads,
  });
  const ef = new dense.DefaultEmbeddingFunction({ device: a.device, dtype: a.dtype, batch_size: a.batch });
  const l0 = performance.now();
  await ef.load();
  const loadMs = performance.now() - l0;
  await ef.encodeDocuments(a.sentences.slice(0, a.batch)); // warm-up
  const times: number[] = [];
  for (let r = 0; r < (a.device === 'wasm' ? a.reps : 1); r++) {
    const t0 = performance.now();
    await ef.encodeDocuments(a.sentences);
    times.push(performance.now() - t0);
  }
  const runtime = ef.runtime;
  await ef.dispose();
  return {
    times,
    loadMs,
    runtime,
    isolated: globalThis.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    threadsSeen: tf.env.backends.onnx.wasm.numThreads as number,
  };
}

async function nodeSide(dtype: 'q8' | 'fp32', threads: number) {
  const { createRequire } = await import('node:module');
  const ort = createRequire(import.meta.url)('onnxruntime-node');
  const { pathToFileURL } = await import('node:url');
  const modelRequire = createRequire(join(root, 'packages/model/package.json'));
  const tf = await import(pathToFileURL(modelRequire.resolve('@huggingface/transformers')).href);
  tf.env.localModelPath = join(root, '.cache/models/');
  tf.env.allowRemoteModels = false;
  const tok = await tf.AutoTokenizer.from_pretrained(MODEL);
  const file = join(root, `.cache/models/${MODEL}/onnx/${dtype === 'q8' ? 'model_quantized' : 'model'}.onnx`);
  const opts: Record<string, unknown> = { executionProviders: ['cpu'], intraOpNumThreads: threads };
  const session = await ort.InferenceSession.create(file, opts);
  const embed = async (texts: string[]) => {
    for (let i = 0; i < texts.length; i += BATCH) {
      const enc = tok(texts.slice(i, i + BATCH), { padding: true, truncation: true, max_length: 256 });
      const feeds: Record<string, unknown> = {};
      for (const name of session.inputNames as string[]) {
        feeds[name] = new ort.Tensor('int64', enc[name].data, enc[name].dims);
      }
      const out = await session.run(feeds);
      // mean pooling + L2, as the page's pipeline does
      const h = out[session.outputNames[0]];
      const [b, s, d] = h.dims as [number, number, number];
      const mask = enc.attention_mask.data as BigInt64Array;
      for (let r = 0; r < b; r++) {
        const v = new Float32Array(d);
        for (let j = 0; j < s; j++) {
          if (mask[r * s + j] === 0n) continue;
          const off = (r * s + j) * d;
          for (let k = 0; k < d; k++) v[k]! += h.data[off + k];
        }
      }
    }
  };
  await embed(sentences.slice(0, BATCH));
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await embed(sentences);
    times.push(performance.now() - t0);
  }
  await session.release?.();
  return times;
}

async function main() {
  const port = Number(process.env.EMBED_PORT ?? 5191);
  process.env.HARNESS_PORT = String(port);
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: join(root, 'tests/harness/vite.config.ts'),
    root: join(root, 'tests/harness'),
    logLevel: 'warn',
  });
  await server.listen();
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    args: ['--enable-unsafe-webgpu'],
  });
  const rows: string[][] = [];
  const dps = (n: number, ms: number) => (n * 1000) / ms;
  // onnxruntime-node at the thread count the page got, measured once per dtype and count.
  const native = new Map<string, number>();
  const nativeDps = async (dtype: 'q8' | 'fp32', threads: number): Promise<number> => {
    const key = `${dtype}/${threads}`;
    let v = native.get(key);
    if (v === undefined) {
      v = dps(sentences.length, Math.min(...(await nodeSide(dtype, threads))));
      native.set(key, v);
      rows.push([dtype, 'onnxruntime-node', String(threads), v.toFixed(1), '1.00']);
      console.log(rows.at(-1)!.join(' | '));
    }
    return v;
  };
  let cores = 0;
  try {
    for (const dtype of dtypes) {
      const configs: Array<[string, 'wasm' | 'webgpu', 'auto' | number, number]> = [
        ['Chromium WASM, numThreads 1', 'wasm', 1, sentences.length],
        ["Chromium WASM, numThreads 'auto' (COI)", 'wasm', 'auto', sentences.length],
      ];
      if (dtype === 'fp32') configs.push(['Chromium WebGPU (SwiftShader)', 'webgpu', 'auto', GPU_SENTENCES]);
      for (const [label, device, threads, n] of configs) {
        if (only && !label.includes(only)) continue;
        const page = await browser.newPage();
        if (process.env.EMBED_DEBUG) {
          page.on('console', (msg) => console.error(`[console.${msg.type()}] ${msg.text()}`));
          page.on('pageerror', (err) => console.error(`[pageerror] ${err.message}`));
          page.on('worker', (w) => {
            console.error(`[worker] ${w.url()}`);
            w.on('close', () => console.error(`[worker closed] ${w.url()}`));
          });
          page.on('requestfailed', (r) =>
            console.error(`[requestfailed] ${r.url()} ${r.failure()?.errorText}`),
          );
          page.on('request', (r) => {
            if (/ort|wasm|mjs|transformers/.test(r.url())) console.error(`[request] ${r.url()}`);
          });
        }
        try {
          await page.goto(`http://127.0.0.1:${port}/`);
          await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, {
            timeout: 60_000,
          });
          const arg: PageArgs = {
            dense: `/@fs${join(root, 'packages/model/src/dense/index.ts')}`,
            env: `/@fs${join(root, 'packages/model/src/env.ts')}`,
            st: `/@fs${join(root, 'packages/model/src/runtime/load.ts')}`,
            sentences: sentences.slice(0, n),
            device,
            dtype,
            threads,
            batch: BATCH,
            reps: REPS,
          };
          const out = (await Promise.race([
            page.evaluate(([s, x]) => window.harness.runInPage(s, x), [inPage.toString(), arg] as const),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`timed out after ${PAGE_TIMEOUT_MS} ms`)), PAGE_TIMEOUT_MS),
            ),
          ])) as Awaited<ReturnType<typeof inPage>>;
          cores = out.cores;
          const v = dps(n, Math.min(...out.times));
          const nat = await nativeDps(dtype, out.threadsSeen);
          rows.push([
            dtype,
            `${label} [${JSON.stringify(out.runtime)}, isolated=${out.isolated}${n !== sentences.length ? `, ${n} sentences` : ''}]`,
            String(out.threadsSeen),
            v.toFixed(1),
            (v / nat).toFixed(2),
          ]);
        } catch (e) {
          rows.push([dtype, label, String(threads), `failed: ${(e as Error).message.split('\n')[0]}`, '']);
        } finally {
          await page.close();
        }
        console.log(rows.at(-1)!.join(' | '));
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(
    `\n${sentences.length} sentences (minilm-reference.json), batch ${BATCH}, best of ${REPS} after warm-up, ` +
      `navigator.hardwareConcurrency ${cores}, Node os.availableParallelism() ${availableParallelism()}\n`,
  );
  console.log(
    '| dtype | pipeline | threads | docs/s | ÷ onnxruntime-node, same dtype and threads |\n|---|---|---|---|---|',
  );
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

await main();
