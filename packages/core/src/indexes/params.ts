import { elanusError, invalidParam } from '../errors/index.js';
import type { MetricType } from '../schema/types.js';

// Index and search parameter parsing. Milvus clients send params as numbers or numeric strings;
// both are accepted. A bad value throws IllegalArgument naming the parameter, the expectation and the value.

/** Milvus's IVF defaults (nlist, search nprobe, PQ nbits). */
export const IVF_DEFAULTS = { nlist: 128, nprobe: 8, nbits: 8 } as const;

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** An integer parameter in [min, max]; `dflt` when absent. */
export function intParam(
  params: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  dflt: number,
): number {
  const raw = params[name];
  if (raw === undefined || raw === null) return dflt;
  const v = toNumber(raw);
  if (!Number.isInteger(v) || v < min || v > max) invalidParam(name, `an integer in [${min}, ${max}]`, raw);
  return v;
}

/** A number parameter in [min, max] (or [min, max) with maxOpen); `dflt` when absent. */
export function numParam(
  params: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  dflt: number,
  maxOpen = false,
): number {
  const raw = params[name];
  if (raw === undefined || raw === null) return dflt;
  const v = toNumber(raw);
  if (!Number.isFinite(v) || v < min || v > max || (maxOpen && v === max)) {
    invalidParam(name, `a number in [${min}, ${max}${maxOpen ? ')' : ']'}`, raw);
  }
  return v;
}

/** Range search bounds in "distance" form (smaller is better): keep d with lo <= d < hi. */
export interface RangeBounds {
  hi: number;
  lo: number;
}

/**
 * Milvus range search: with `radius` (and optional `range_filter`) L2 returns distances in
 * [range_filter, radius), IP/COSINE/BM25 return scores in (radius, range_filter]. Returned as bounds on
 * d = score (L2) or d = -score (similarities). Null when `radius` is absent.
 */
export function rangeParams(params: Record<string, unknown>, metric: MetricType): RangeBounds | null {
  const rawR = params.radius;
  if (rawR === undefined || rawR === null) {
    if (params.range_filter !== undefined && params.range_filter !== null) {
      invalidParam('radius', 'a number when range_filter is set', rawR);
    }
    return null;
  }
  const radius = toNumber(rawR);
  if (!Number.isFinite(radius)) invalidParam('radius', 'a finite number', rawR);
  const rawF = params.range_filter;
  const l2 = metric === 'L2';
  let filter = l2 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (rawF !== undefined && rawF !== null) {
    filter = toNumber(rawF);
    if (Number.isNaN(filter)) invalidParam('range_filter', 'a number', rawF);
    if (l2 && !(filter < radius))
      invalidParam('range_filter', `a number less than radius (${radius}) for L2`, rawF);
    if (!l2 && !(filter > radius)) {
      invalidParam('range_filter', `a number greater than radius (${radius}) for ${metric}`, rawF);
    }
  }
  return l2 ? { hi: radius, lo: filter } : { hi: -radius, lo: -filter };
}

/** `k` must be a positive integer. */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) invalidParam('limit', 'a positive integer', k);
}

/** `addRange(from, to)` must stay inside the column: an engine bug otherwise, never user input. */
export function checkAddRange(from: number, to: number, columnLength: number): void {
  if (to > columnLength || from < 0 || from > to) {
    throw elanusError('rangeOutsideColumn', { from, to, rows: columnLength });
  }
}
