/**
 * The embedding model's own worker: transformers.js and onnxruntime-web load and run here, never on the
 * page's thread, so the page stays responsive while documents are embedded.
 *
 * Inference calls are serialised (an onnxruntime session runs one call at a time) and queries go ahead
 * of queued document batches, so a search does not wait behind an upload.
 */
import { env as transformersEnv } from '@huggingface/transformers';
import { DefaultEmbeddingFunction, modelEnv } from './model-api';
import type { EmbedKind, FromWorker, ModelRuntime, ToWorker } from './protocol';

declare const self: {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', cb: (e: MessageEvent<ToWorker>) => void): void;
  location: Location;
};

const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;
// Offline: the files come from this origin only (plugins/local-assets.ts serves them), never a hub or CDN.
modelEnv.allowRemoteModels = false;
modelEnv.allowLocalModels = true;
modelEnv.localModelPath = `${base}models/`;
modelEnv.wasmPaths = {
  mjs: `${base}ort/ort-wasm-simd-threaded.jsep.mjs`,
  wasm: `${base}ort/ort-wasm-simd-threaded.jsep.wasm`,
};
// The service worker already keeps one copy of the model; a second in IndexedDB or in transformers.js'
// Cache Storage would only double the storage used.
modelEnv.useIndexedDBCache = false;
transformersEnv.useBrowserCache = false;

// q8 on every device: the corpus vectors were computed with the q8 model (scripts/corpus), and queries
// must live in the same space.
const ef = new DefaultEmbeddingFunction({ dtype: 'q8', batch_size: 16 });
let runtime: Promise<ModelRuntime> | undefined;

function load(): Promise<ModelRuntime> {
  runtime ??= (async () => {
    const t0 = performance.now();
    await ef.load({
      onProgress: (e) => {
        if (e.stage === 'load' && e.status === 'file' && e.file)
          self.postMessage({ type: 'status', text: `loading ${e.file}` });
      },
    });
    const rt = ef.runtime;
    return {
      device: rt?.device ?? 'unknown',
      dtype: rt?.dtype ?? 'q8',
      dim: ef.dim,
      loadMs: performance.now() - t0,
    };
  })();
  // A failed load is retried by the next request.
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

interface Job {
  id: number;
  kind: EmbedKind;
  texts: string[];
  controller: AbortController;
}

const queue: Job[] = [];
const jobs = new Map<number, Job>();
let running = false;

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        await load();
        const encode = job.kind === 'queries' ? ef.encodeQueries.bind(ef) : ef.encodeDocuments.bind(ef);
        const rows = await encode(job.texts, { signal: job.controller.signal });
        const dim = ef.dim;
        const flat = new Float32Array(rows.length * dim);
        rows.forEach((r, i) => {
          flat.set(r, i * dim);
        });
        self.postMessage({ type: 'embedded', id: job.id, vectors: flat, count: rows.length, dim }, [
          flat.buffer,
        ]);
      } catch (e) {
        fail(job.id, e);
      } finally {
        jobs.delete(job.id);
      }
    }
  } finally {
    running = false;
  }
}

function fail(id: number, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  self.postMessage({ type: 'error', id, name: err.name, message: err.message });
}

self.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.type === 'load') {
    load().then(
      (rt) => self.postMessage({ type: 'loaded', id: msg.id, runtime: rt }),
      (e) => fail(msg.id, e),
    );
  } else if (msg.type === 'embed') {
    const job: Job = { id: msg.id, kind: msg.kind, texts: msg.texts, controller: new AbortController() };
    jobs.set(job.id, job);
    // Queries jump the queue: a search should not wait for an upload's remaining batches.
    if (job.kind === 'queries') queue.unshift(job);
    else queue.push(job);
    void pump();
  } else if (msg.type === 'abort') {
    const job = jobs.get(msg.id);
    if (!job) return;
    const queued = queue.indexOf(job);
    if (queued >= 0) {
      queue.splice(queued, 1);
      jobs.delete(job.id);
      self.postMessage({ type: 'error', id: job.id, name: 'AbortError', message: 'embedding cancelled' });
    } else {
      job.controller.abort();
    }
  }
});
