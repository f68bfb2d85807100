/** Where a scenario ran. */
export type Runtime = 'node' | 'page' | 'worker';

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  note?: string;
}

/** One side of an interleaved comparison: the median of its per-round values. */
export interface SideResult {
  name: string;
  median: number;
  /** Per-round values (kept short in the results file). */
  rounds: number[];
  /** Node only: the median from process CPU time instead of wall time. */
  cpuMedian?: number;
  cpuRounds?: number[];
}

export interface Comparison {
  title: string;
  /** What the number is: `qps`, `ms`, `GB/s`, `rows/s`, … */
  unit: string;
  higherIsBetter: boolean;
  /** Name of the side the ratios are relative to. */
  reference: string;
  sides: SideResult[];
  /** ratio[name] = paired median of side/reference per round (> 1 = more of `unit`). */
  ratios: Record<string, number>;
  /** The same from CPU time (Node only). */
  cpuRatios?: Record<string, number>;
}

export interface CurveSeries {
  name: string;
  /** [x, y, label] points. */
  points: [number, number, string][];
}

export interface Curve {
  id: string;
  title: string;
  x: string;
  y: string;
  logY?: boolean;
  series: CurveSeries[];
}

export interface Distribution {
  id: string;
  title: string;
  unit: string;
  /** Per series: sample count and 21 quantiles (0, 5, …, 100 %). */
  series: { name: string; n: number; q: number[] }[];
}

export interface Target {
  id: string;
  text: string;
  /** null: could not be evaluated here. */
  met: boolean | null;
  value: string;
}

/** One line of the headline table: a ratio with what it compares. */
export interface Headline {
  label: string;
  /** e.g. "1.27×" (how the scenario states it). */
  value: string;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  runtime: Runtime;
  dataset?: string;
  params?: Record<string, unknown>;
  tables: Table[];
  comparisons: Comparison[];
  curves: Curve[];
  distributions: Distribution[];
  targets: Target[];
  headline: Headline[];
  skipped: string[];
  notes: string[];
  seconds: number;
}

export interface Ctx {
  runtime: Runtime;
  /** Smaller sizes, for a quick check of the harness itself. */
  quick: boolean;
  /** Sub-step of a multi-phase scenario (cold open: `write`, then `open` in a restarted browser). */
  phase?: string;
  log: (msg: string) => void;
  /** Reads a file of the repository (Node: fs; browser: fetch from the bench server); null when absent. */
  readFile: (path: string) => Promise<ArrayBuffer | null>;
}

export function emptyResult(scenario: string, title: string, runtime: Runtime): ScenarioResult {
  return {
    scenario,
    title,
    runtime,
    tables: [],
    comparisons: [],
    curves: [],
    distributions: [],
    targets: [],
    headline: [],
    skipped: [],
    notes: [],
    seconds: 0,
  };
}
