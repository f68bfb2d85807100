/**
 * The page side of the Chromium runs: `window.bench.run(name, opts)` runs a scenario in the page,
 * `window.bench.runInWorker(name, opts)` the same module in a dedicated worker (bench-worker.js).
 */
import { BROWSER_SCENARIOS } from './browser-registry.js';
import { now } from './lib/stats.js';
import type { Ctx, Runtime, ScenarioResult } from './lib/types.js';

export interface RunOpts {
  quick?: boolean;
  phase?: string;
}

export async function runHere(runtime: Runtime, name: string, opts: RunOpts): Promise<ScenarioResult> {
  const load = BROWSER_SCENARIOS[name];
  if (!load) throw new Error(`no browser scenario ${name}`);
  const ctx: Ctx = {
    runtime,
    quick: opts.quick ?? false,
    ...(opts.phase ? { phase: opts.phase } : {}),
    log: (m) => console.log(`  [${runtime}] ${m}`),
    readFile: async (p) => {
      const r = await fetch(`/files/${p}`);
      return r.ok ? r.arrayBuffer() : null;
    },
  };
  const t = now();
  const result = await (await load()).run(ctx);
  result.seconds = Math.round((now() - t) / 100) / 10;
  return result;
}

if (typeof window !== 'undefined') {
  (window as unknown as { bench: unknown }).bench = {
    run: (name: string, opts: RunOpts = {}) => runHere('page', name, opts),
    runInWorker: (name: string, opts: RunOpts = {}) =>
      new Promise<ScenarioResult>((resolve, reject) => {
        const w = new Worker('/bench-worker.js', { type: 'module' });
        w.onmessage = (e: MessageEvent) => {
          const d = e.data as { log?: string; result?: ScenarioResult; error?: string };
          if (d.log) console.log(d.log);
          else {
            w.terminate();
            if (d.error) reject(new Error(d.error));
            else resolve(d.result!);
          }
        };
        w.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
        w.postMessage({ name, opts });
      }),
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
  document.body.dataset.ready = 'true';
}
