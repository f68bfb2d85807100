export const now = (): number => performance.now();

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]) of the samples. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const a = Float64Array.from(xs).sort();
  if (a.length === 0) return Number.NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

/** 21 quantiles (0, 5, …, 100 %): a compact latency distribution for the results file and the plots. */
export function summary(xs: ArrayLike<number>): { n: number; q: number[] } {
  return { n: xs.length, q: Array.from({ length: 21 }, (_, i) => round(quantile(xs, i / 20), 4)) };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const m = 10 ** Math.max(0, digits - Math.max(0, Math.floor(Math.log10(Math.abs(x) || 1)) + 1));
  return Math.round(x * m) / m;
}

export async function maybeGc(): Promise<void> {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
  await new Promise((r) => setTimeout(r, 0));
}

export interface Contender {
  name: string;
  /** One unit of work (e.g. a block of queries); the harness times it. */
  run: () => unknown;
}

type CpuUsage = () => { user: number; system: number };
/** Node's process CPU time (all threads), in ms; undefined in browsers. */
export const cpuNow: (() => number) | undefined = (() => {
  const cu = (globalThis as { process?: { cpuUsage?: CpuUsage } }).process?.cpuUsage;
  if (typeof cu !== 'function') return undefined;
  return () => {
    const u = cu();
    return (u.user + u.system) / 1000;
  };
})();

export interface Timings {
  /** Wall-clock ms per round. */
  wall: number[];
  /** Process CPU ms per round (Node only): robust to other processes taking the cores. */
  cpu: number[];
}

/**
 * Runs the contenders interleaved (A B C, C B A, A B C, …) `rounds` times after `warmup` untimed rounds, and returns
 * each one's per-round wall (and, in Node, CPU) times in ms. Only ratios from one such call are meaningful on a
 * shared machine; rounds are paired for the ratios.
 */
export async function interleave(
  contenders: Contender[],
  rounds: number,
  warmup = 1,
): Promise<Map<string, Timings>> {
  const times = new Map<string, Timings>(contenders.map((c) => [c.name, { wall: [], cpu: [] }]));
  const reversed = [...contenders].reverse();
  for (let r = -warmup; r < rounds; r++) {
    // A B C, C B A, A B C, …: no side always runs right after the same neighbour.
    for (const c of (r & 1) === 1 ? reversed : contenders) {
      const c0 = cpuNow?.() ?? 0;
      const t = now();
      const p = c.run();
      if (p instanceof Promise) await p;
      const dt = now() - t;
      const dc = (cpuNow?.() ?? 0) - c0;
      if (r >= 0) {
        const tm = times.get(c.name)!;
        tm.wall.push(dt);
        if (cpuNow) tm.cpu.push(dc);
      }
    }
  }
  return times;
}

/** Per-round ratios a/b (interleaved rounds are paired), and their median. */
export function pairedRatio(a: number[], b: number[]): number {
  const r: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) r.push(a[i]! / b[i]!);
  return median(r);
}
