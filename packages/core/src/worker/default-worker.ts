// The engine worker that ships with @elanus/core. The library build inlines it here as one self-contained,
// minified module (a Blob URL at run time), so an app's bundler has no sibling chunks or assets to copy:
// Vite (build and dev server), webpack, Rollup and esbuild all load it the same way. Pages whose CSP
// refuses `blob:` workers pass their own: `worker: () => new Worker(new URL('./my-engine.worker.ts',
// import.meta.url), { type: 'module' })`, that file calling `exposeEngine()` from '@elanus/core/worker'.

// Only Vite's client types declare `?worker&inline` modules, and not every program that compiles this
// file has them (the other packages' typechecks read core's sources): so ignore, not expect-error.
// biome-ignore lint/suspicious/noTsIgnore: expect-error would fail where Vite's client types are present
// @ts-ignore
import EngineWorkerImport from './engine.worker.ts?worker&inline';
import type { WorkerLike } from './protocol.js';

const EngineWorker = EngineWorkerImport as new (options?: { name?: string }) => Worker;

export function defaultWorker(): WorkerLike {
  return new EngineWorker({ name: 'elanus-engine' });
}
