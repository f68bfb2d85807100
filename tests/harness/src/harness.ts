// Entry of the harness page. Tests reach everything through `window.elanus` and `window.harness`.
import * as elanus from '@elanus/core';
import * as Comlink from 'comlink';
import { type GpuProbe, probeGpu } from './gpu';
import type { HarnessWorkerApi } from './harness-worker';
import { compile } from './run-source';
import './idb';

export interface Harness {
  /** Runs `source` (text of `(elanus, arg) => …`, may be async) in the page. */
  runInPage(source: string, arg?: unknown): Promise<unknown>;
  /** Runs `source` in the page's harness module Worker (started on first use, kept until terminateWorker). */
  runInWorker(source: string, arg?: unknown): Promise<unknown>;
  /** Ends the harness worker; the next runInWorker starts a fresh one. */
  terminateWorker(): void;
  /** Sorted export names of @elanus/core as seen in the page and in the worker. */
  exportNames(where: 'page' | 'worker'): Promise<string[]>;
  probeGpu(where: 'page' | 'worker'): Promise<GpuProbe>;
}

declare global {
  interface Window {
    elanus: typeof elanus;
    harness: Harness;
  }
}

interface WorkerHandle {
  worker: Worker;
  api: Comlink.Remote<HarnessWorkerApi>;
  /** Rejects when the worker fails (e.g. its module graph does not load); a Comlink call would hang instead. */
  failed: Promise<never>;
}
let current: WorkerHandle | undefined;

function handle(): WorkerHandle {
  if (!current) {
    const worker = new Worker(new URL('./harness-worker.ts', import.meta.url), {
      type: 'module',
      name: 'elanus-harness',
    });
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        reject(
          new Error(`harness worker failed: ${e.message || 'its module did not load (see the console)'}`),
        );
      });
    });
    failed.catch(() => {}); // observed through call() only
    current = { worker, api: Comlink.wrap<HarnessWorkerApi>(worker), failed };
  }
  return current;
}

function call<T>(f: (api: Comlink.Remote<HarnessWorkerApi>) => Promise<T>): Promise<T> {
  const h = handle();
  return Promise.race([f(h.api), h.failed]);
}

window.elanus = elanus;
window.harness = {
  async runInPage(source, arg) {
    return await compile(source)(elanus, arg);
  },
  runInWorker: (source, arg) => call((api) => api.run(source, arg)),
  terminateWorker() {
    current?.api[Comlink.releaseProxy]();
    current?.worker.terminate();
    current = undefined;
  },
  async exportNames(where) {
    return where === 'page' ? Object.keys(elanus).sort() : await call((api) => api.exportNames());
  },
  probeGpu: (where) => (where === 'page' ? probeGpu() : call((api) => api.probeGpu())),
};
document.body.dataset.ready = 'true';
