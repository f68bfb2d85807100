import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

/**
 * Hook for remote sync throughput (@elanus/milvus sync, owned by another engineer): replace the body with the
 * measurement and keep the ScenarioResult shape; bench/run.mjs, the results file and BENCHMARKS.md pick it up.
 */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('sync', 'Remote sync throughput', ctx.runtime);
  res.skipped.push(
    'remote sync throughput: hook only (bench/src/scenarios/sync.ts), owned by the remote-sync work',
  );
  return res;
}
