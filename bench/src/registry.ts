import type { Ctx, Runtime, ScenarioResult } from './lib/types.js';

export interface ScenarioDef {
  name: string;
  /** Runtimes it runs in by default. */
  runtimes: Runtime[];
  load: () => Promise<{ run: (ctx: Ctx) => Promise<ScenarioResult> }>;
}

/** Every scenario, in the order `pnpm bench` runs them. */
export const SCENARIOS: ScenarioDef[] = [
  { name: 'bandwidth', runtimes: ['node', 'page', 'worker'], load: () => import('./scenarios/bandwidth.js') },
  { name: 'flat', runtimes: ['node', 'page', 'worker'], load: () => import('./scenarios/flat.js') },
  { name: 'threads', runtimes: ['node', 'page', 'worker'], load: () => import('./scenarios/threads.js') },
  { name: 'filter', runtimes: ['node', 'page'], load: () => import('./scenarios/filter.js') },
  { name: 'hnsw', runtimes: ['node', 'page'], load: () => import('./scenarios/hnsw.js') },
  { name: 'hnsw-real', runtimes: ['node'], load: () => import('./scenarios/hnsw-real.js') },
  { name: 'ivf', runtimes: ['node'], load: () => import('./scenarios/ivf.js') },
  { name: 'bm25', runtimes: ['node', 'page'], load: () => import('./scenarios/bm25.js') },
  { name: 'hybrid', runtimes: ['node', 'page'], load: () => import('./scenarios/hybrid.js') },
  { name: 'insert', runtimes: ['node', 'page'], load: () => import('./scenarios/insert.js') },
  { name: 'coldopen', runtimes: ['page'], load: () => import('./scenarios/coldopen.js') },
  { name: 'worker', runtimes: ['page'], load: () => import('./scenarios/worker.js') },
  { name: 'embed', runtimes: ['node'], load: () => import('./scenarios/embed.js') },
  { name: 'sync', runtimes: ['node'], load: () => import('./scenarios/sync.js') },
];
