import { compareRates, type ThroughputSide } from '../lib/compare.js';
import { copyProbe, jsReadProbe, wasmReadProbe } from '../lib/probe.js';
import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

/** Single-core memory bandwidth: the yardstick for FLAT's GB/s. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('bandwidth', 'Single-core memory bandwidth probe', ctx.runtime);
  const bytes = (ctx.quick ? 64 : 256) * 2 ** 20;
  const rounds = ctx.quick ? 3 : 9;
  res.params = { bufferMiB: bytes / 2 ** 20, rounds };
  const sides: ThroughputSide[] = [];
  const w = wasmReadProbe(bytes);
  if (w)
    sides.push({ name: 'WASM SIMD read (4 × v128 accumulators)', work: w.bytes / 1e9, run: () => w.run() });
  else res.skipped.push('WASM SIMD read: WebAssembly SIMD unavailable');
  const j = jsReadProbe(bytes);
  sides.push({ name: 'JS Float64Array read (4 accumulators)', work: j.bytes / 1e9, run: () => j.run() });
  const c = copyProbe(bytes);
  sides.push({ name: 'TypedArray.set copy (read + write bytes)', work: c.bytes / 1e9, run: () => c.run() });
  const cmp = await compareRates(
    `Single-core bandwidth, ${bytes / 2 ** 20} MiB buffers`,
    'GB/s',
    sides,
    rounds,
  );
  res.comparisons.push(cmp);
  res.tables.push({
    title: 'Single-core bandwidth',
    columns: ['probe', 'GB/s (wall)', 'GB/s (CPU time)'],
    rows: cmp.sides.map((s) => [
      s.name,
      round(s.median, 3),
      s.cpuMedian !== undefined ? round(s.cpuMedian, 3) : null,
    ]),
    note: 'Buffers are far larger than the last-level cache. The FLAT scenario repeats the WASM probe over a copy of its own vectors, interleaved with the searches, for its fraction-of-bandwidth figures.',
  });
  return res;
}
