import { invalidParam } from '../errors/index.js';
import { intParam } from './params.js';

// HNSW_SQ's build parameters, checked before anything is built. Kept apart from hnsw-sq.ts (a lazily loaded
// chunk, see lazy-indexes.ts) so that validating a request does not need the chunk.

export type SqType = 'SQ6' | 'SQ8' | 'BF16' | 'FP16';
export type RefineType = SqType | 'FP32';

/** Precision order: Milvus requires refine_type finer than sq_type (FP16 ranks above BF16: more mantissa bits). */
const PRECISION: Readonly<Record<RefineType, number>> = { SQ6: 0, SQ8: 1, BF16: 2, FP16: 3, FP32: 4 };
const SQ_TYPES: readonly SqType[] = ['SQ6', 'SQ8', 'BF16', 'FP16'];
const REFINE_TYPES: readonly RefineType[] = ['SQ6', 'SQ8', 'BF16', 'FP16', 'FP32'];
/** Serialized codes of the types (in HNSW_SQ headers); append only. */
export const TYPE_CODES: readonly RefineType[] = ['SQ6', 'SQ8', 'BF16', 'FP16', 'FP32'];

export interface HnswSqOptions {
  M: number;
  efConstruction: number;
  seed?: number;
  sqType: SqType;
  refine: boolean;
  /** Only used when `refine`. */
  refineType: RefineType;
}

/** Milvus's HNSW_SQ defaults: sq_type SQ8, refine false; refine_type FP32 when refine is set without one. */
export const HNSW_SQ_DEFAULTS = { sqType: 'SQ8', refine: false, refineType: 'FP32' } as const;

function enumParam<T extends string>(
  p: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  dflt: T,
): T {
  const raw = p[name];
  if (raw === undefined || raw === null) return dflt;
  const v = typeof raw === 'string' ? raw.toUpperCase() : raw;
  if (!allowed.includes(v as T)) invalidParam(name, `one of ${allowed.join(', ')}`, raw);
  return v as T;
}

function boolParam(p: Record<string, unknown>, name: string, dflt: boolean): boolean {
  const raw = p[name];
  if (raw === undefined || raw === null) return dflt;
  if (raw === true || raw === false) return raw;
  if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return invalidParam(name, 'true or false', raw);
}

/** Validated HNSW_SQ build options (registry `parse`). */
export function parseHnswSqParams(
  p: Record<string, unknown>,
  defaults: { M: number; efConstruction: number },
): HnswSqOptions {
  const M = intParam(p, 'M', 2, 2048, defaults.M);
  const efConstruction = intParam(p, 'efConstruction', 1, 2 ** 31 - 1, defaults.efConstruction);
  const seed = intParam(p, 'seed', 0, 2 ** 32 - 1, 42);
  const sqType = enumParam(p, 'sq_type', SQ_TYPES, HNSW_SQ_DEFAULTS.sqType);
  const refine = boolParam(p, 'refine', HNSW_SQ_DEFAULTS.refine);
  const refineType = enumParam(p, 'refine_type', REFINE_TYPES, HNSW_SQ_DEFAULTS.refineType);
  if (refine && PRECISION[refineType] <= PRECISION[sqType]) {
    invalidParam(
      'refine_type',
      `a type of higher precision than sq_type (${sqType}): one of ${REFINE_TYPES.filter((t) => PRECISION[t] > PRECISION[sqType]).join(', ')}`,
      p.refine_type,
    );
  }
  return { M, efConstruction, seed, sqType, refine, refineType };
}
