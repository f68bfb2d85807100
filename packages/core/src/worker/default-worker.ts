// The engine worker that ships with @elanus/core. The library build inlines it here as one self-contained,
// minified module (a Blob URL at run time), so an app's bundler has no sibling chunks or assets to copy:
// Vite (build and dev server), webpack, Rollup and esbuild all load it the same way. Pages whose CSP
// refuses `blob:` workers pass their own: `worker: () => new Worker(new URL('./my-engine.worker.ts',
// import.meta.url), { type: 'module' })`, that file calling `exposeEngine()` from '@elanus/core/worker'.

import type { WorkerLike } from './client.js';
import EngineWorker from './engine.worker.ts?worker&inline';

export function defaultWorker(): WorkerLike {
  return new EngineWorker({ name: 'elanus-engine' });
}
