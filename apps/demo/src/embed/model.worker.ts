/**
 * The embedding model's own worker: transformers.js and onnxruntime-web load and run here, never on the
 * page's thread, so the page stays responsive while documents are embedded.
 *
 * Inference calls are serialised (an onnxruntime session runs one call at a time) and queries go ahead
 * of queued document batches, so a search does not wait behind an upload.
 */
import { env as transformersEnv } from '@huggingface/transformers';
import { DefaultEmbeddingFunction, modelEnv } from './model-api';
import type { FromWorker, ModelRuntime, ToWorker } from './protocol';

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

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function status(text: string, fraction?: number): void {
  const msg: FromWorker =
    fraction === undefined ? { type: 'status', text } : { type: 'status', text, fraction };
  self.postMessage(msg);
}

function load(): Promise<ModelRuntime> {
  runtime ??= (async () => {
    const t0 = performance.now();
    await ef.load({
      onProgress: (e) => {
        if (e.stage === 'load' && e.status === 'file' && e.file) status(`loading ${e.file}`);
        else if (e.stage === 'download' && e.total > 0)
          status(`downloading ${e.file}: ${mb(e.loaded)} of ${mb(e.total)} MB`, e.loaded / e.total);
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

type Job = { id: number; controller: AbortController } & (
  | { kind: 'documents' | 'queries'; texts: string[] }
  | { kind: 'rerank'; query: string; documents: string[] }
);

const queue: Job[] = [];
const jobs = new Map<number, Job>();
let running = false;

/** Pieces of a document a query may match best: its sentences, its quoted examples, and the whole. */
function passages(doc: string): string[] {
  const parts = doc
    .split(/(?<=[.!?…]["'”’)]?)\s+(?=\S)| — |[“”]/u)
    .map((p) => p.trim())
    .filter((p) => p.split(/\s+/).length >= 3);
  return [doc, ...new Set(parts)].slice(0, 12);
}

/**
 * The rerank substitute: a candidate scores the cosine of its best passage with the query (vectors are
 * normalised), so a document whose one sentence answers the query rises above one that is vaguely about
 * everything. Not a cross-encoder; the page labels it as what it is.
 */
async function rerankScores(query: string, documents: string[], signal: AbortSignal): Promise<number[]> {
  const pieces: string[] = [];
  const owner: number[] = [];
  documents.forEach((d, i) => {
    for (const p of passages(d)) {
      pieces.push(p);
      owner.push(i);
    }
  });
  const [q] = await ef.encodeQueries([query], { signal });
  const vecs = await ef.encodeDocuments(pieces, {
    signal,
    onProgress: (e) => {
      if (e.stage === 'encode') status(`reranking: ${e.done} of ${e.total} passages embedded`, e.progress);
    },
  });
  const best = documents.map(() => Number.NEGATIVE_INFINITY);
  vecs.forEach((v, j) => {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k]! * q![k]!;
    const i = owner[j]!;
    if (s > best[i]!) best[i] = s;
  });
  return best;
}

async function run(job: Job): Promise<void> {
  await load();
  const signal = job.controller.signal;
  if (job.kind === 'rerank') {
    self.postMessage({
      type: 'reranked',
      id: job.id,
      scores: await rerankScores(job.query, job.documents, signal),
    });
    return;
  }
  const encode = job.kind === 'queries' ? ef.encodeQueries.bind(ef) : ef.encodeDocuments.bind(ef);
  const rows = await encode(job.texts, { signal });
  const dim = ef.dim;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    flat.set(r, i * dim);
  });
  self.postMessage({ type: 'embedded', id: job.id, vectors: flat, count: rows.length, dim }, [flat.buffer]);
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        await run(job);
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
  } else if (msg.type === 'embed' || msg.type === 'rerank') {
    const controller = new AbortController();
    const job: Job =
      msg.type === 'embed'
        ? { id: msg.id, controller, kind: msg.kind, texts: msg.texts }
        : { id: msg.id, controller, kind: 'rerank', query: msg.query, documents: msg.documents };
    jobs.set(job.id, job);
    // Searches (queries, reranks) jump the queue: they should not wait for an upload's remaining batches.
    if (job.kind === 'documents') queue.push(job);
    else queue.unshift(job);
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
