import { SEQ_MAX_KK, SEQ_SEGMENT, TILE } from './shaders.js';

/** How the selection pass splits rows, and how many candidates it keeps per segment and query. */
export interface SelectionPlan {
  /** Insertion into a private list per invocation (small kk), else a bitonic sort per tile. */
  sequential: boolean;
  /** Rows per segment (or tile). */
  segment: number;
  tiles: number;
  kk: number;
}

/** Candidates kept per query: k plus a margin, so GPU rounding cannot push a true top-k row out. */
export function candidatesFor(k: number): number {
  return k + Math.max(8, Math.ceil(k / 8));
}

/** How rows are split for selection: small candidate counts by insertion, large ones by sorting tiles. */
export function selectionPlan(n: number, k: number): SelectionPlan {
  const want = candidatesFor(k);
  const sequential = want <= SEQ_MAX_KK;
  const segment = sequential ? SEQ_SEGMENT : TILE;
  return { sequential, segment, tiles: Math.ceil(n / segment), kk: Math.min(want, segment) };
}
