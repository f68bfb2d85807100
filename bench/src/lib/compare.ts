import { type Contender, interleave, maybeGc, median, pairedRatio, round } from './stats.js';
import type { Comparison } from './types.js';

export interface ThroughputSide extends Contender {
  /** Units of work per call of `run` (queries, rows, bytes …) to turn times into a rate. */
  work: number;
}

/**
 * Interleaves the sides and reports rates (work per second): per side the median over rounds, and per side
 * the paired median ratio to `reference` (> 1 = faster).
 */
export async function compareRates(
  title: string,
  unit: string,
  sides: ThroughputSide[],
  rounds: number,
  reference = sides[0]!.name,
  warmup = 1,
): Promise<Comparison> {
  // Start from a collected heap: a concurrent GC thread would otherwise bill its CPU time to whichever side runs.
  await maybeGc();
  const times = await interleave(sides, rounds, warmup);
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (const s of sides) {
    const t = times.get(s.name)!;
    wall.set(
      s.name,
      t.wall.map((ms) => (s.work * 1000) / ms),
    );
    if (t.cpu.length)
      cpu.set(
        s.name,
        t.cpu.map((ms) => (s.work * 1000) / Math.max(ms, 0.001)),
      );
  }
  const cmp: Comparison = {
    title,
    unit,
    higherIsBetter: true,
    reference,
    sides: sides.map((s) => {
      const w = wall.get(s.name)!;
      const c = cpu.get(s.name);
      return {
        name: s.name,
        median: round(median(w), 4),
        rounds: w.map((x) => round(x, 4)),
        ...(c ? { cpuMedian: round(median(c), 4), cpuRounds: c.map((x) => round(x, 4)) } : {}),
      };
    }),
    ratios: Object.fromEntries(
      sides.map((s) => [s.name, round(pairedRatio(wall.get(s.name)!, wall.get(reference)!), 4)]),
    ),
  };
  if (cpu.size === sides.length) {
    cmp.cpuRatios = Object.fromEntries(
      sides.map((s) => [s.name, round(pairedRatio(cpu.get(s.name)!, cpu.get(reference)!), 4)]),
    );
  }
  return cmp;
}

/** Interleaved single-shot times (ms) per side, e.g. latencies, with ratios to `reference` (< 1 = faster). */
export function timeComparison(
  title: string,
  samples: Map<string, number[]>,
  reference: string,
  unit = 'ms',
): Comparison {
  const ref = samples.get(reference)!;
  const sides = [...samples.entries()].map(([name, xs]) => ({
    name,
    median: round(median(xs), 4),
    rounds: xs.length <= 12 ? xs.map((x) => round(x, 4)) : [],
  }));
  return {
    title,
    unit,
    higherIsBetter: false,
    reference,
    sides,
    ratios: Object.fromEntries([...samples.entries()].map(([n, xs]) => [n, round(pairedRatio(xs, ref), 4)])),
  };
}

/** Paired median ratio a/b of two sides of one comparison (their rounds were interleaved). */
export function ratioOf(cmp: Comparison, a: string, b: string, useCpu = false): number {
  const pick = (n: string) => {
    const s = cmp.sides.find((x) => x.name === n);
    return useCpu ? s?.cpuRounds : s?.rounds;
  };
  const ra = pick(a);
  const rb = pick(b);
  if (!ra || !rb || ra.length === 0) return Number.NaN;
  return pairedRatio(ra, rb);
}

/** "1.23× (CPU 1.30×)" — the wall-clock paired ratio, with the CPU-time one where measured. */
export function ratioText(cmp: Comparison, a: string, b: string, digits = 3): string {
  const w = ratioOf(cmp, a, b);
  const c = ratioOf(cmp, a, b, true);
  return Number.isFinite(c) ? `${round(w, digits)}× (CPU time ${round(c, digits)}×)` : `${round(w, digits)}×`;
}

/**
 * The ratio a target is judged on: the CPU-time paired ratio where measured (Node: robust to the other
 * processes on a shared machine), else the wall-clock one.
 */
export function judgedRatio(cmp: Comparison, a: string, b: string): number {
  const c = ratioOf(cmp, a, b, true);
  return Number.isFinite(c) ? c : ratioOf(cmp, a, b);
}
