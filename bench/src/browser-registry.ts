import type { Ctx, ScenarioResult } from './lib/types.js';

type Loader = () => Promise<{ run: (ctx: Ctx) => Promise<ScenarioResult> }>;

/** Scenarios bundled for Chromium (Node-only ones such as embed are left out of the bundle). */
export const BROWSER_SCENARIOS: Record<string, Loader> = {
  bandwidth: () => import('./scenarios/bandwidth.js'),
  flat: () => import('./scenarios/flat.js'),
  threads: () => import('./scenarios/threads.js'),
  filter: () => import('./scenarios/filter.js'),
  hnsw: () => import('./scenarios/hnsw.js'),
  bm25: () => import('./scenarios/bm25.js'),
  hybrid: () => import('./scenarios/hybrid.js'),
  insert: () => import('./scenarios/insert.js'),
  coldopen: () => import('./scenarios/coldopen.js'),
  worker: () => import('./scenarios/worker.js'),
};
