import { elanusError } from '../errors/index.js';

/**
 * The IVF family (k-means, SQ8, PQ) loads only when a schema or index request names an IVF type, so an app
 * using FLAT or HNSW does not download it. Every path that can build or restore an index is async up front
 * (createCollection, createIndex, reopen, replay, another tab's commit) and awaits `prepareLazyIndexes`
 * there; the registry then builds synchronously.
 */
type IvfModule = typeof import('./ivf.js');
/** BIN_IVF_FLAT (binary k-means) is its own chunk, loaded with the IVF family (an `index_type` of `BIN_IVF_*`). */
type BinIvfModule = typeof import('./bin-ivf.js');
/** HNSW_SQ (the quantized codes and refinement around the HNSW graph) is its own chunk, loaded the same way. */
type HnswSqModule = typeof import('./hnsw-sq.js');
/**
 * The Float16Vector / BFloat16Vector / Int8Vector support (conversions and the compact column) loads the
 * same way, when a schema names one of those types: the same async paths prepare it (`LazyNeeds`).
 */
type CompactModule = typeof import('../collection/compact-vectors.js');

let loaded: IvfModule | undefined;
let loading: Promise<IvfModule> | undefined;
let binIvfLoaded: BinIvfModule | undefined;
let binIvfLoading: Promise<BinIvfModule> | undefined;
let hnswSqLoaded: HnswSqModule | undefined;
let hnswSqLoading: Promise<HnswSqModule> | undefined;
let compactLoaded: CompactModule | undefined;
let compactLoading: Promise<CompactModule> | undefined;

const LAZY = /^(BIN_)?IVF_|^HNSW_SQ$/i;
/** The compact vector types, by number and by name (schemas take either). */
const COMPACT = new Set<unknown>([102, 103, 105, 'float16vector', 'bfloat16vector', 'int8vector']);

/** Which lazily loaded modules something needs. */
export interface LazyNeeds {
  ivf: boolean;
  compact: boolean;
}

/** Whether a request or stored value names a compact vector type (a field's `data_type`), near its top. */
export function mentionsCompactVectors(value: unknown, depth = 5): boolean {
  if (depth < 0 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (Array.isArray(value)) return value.some((v) => mentionsCompactVectors(v, depth - 1));
  const o = value as Record<string, unknown>;
  const t = typeof o.data_type === 'string' ? o.data_type.toLowerCase() : o.data_type;
  if (COMPACT.has(t)) return true;
  for (const k in o) {
    if (k === 'data' || k === 'rows' || k === 'columns') continue;
    if (mentionsCompactVectors(o[k], depth - 1)) return true;
  }
  return false;
}

/** What a request or stored value needs loaded before it is applied. */
export function lazyNeeds(value: unknown): LazyNeeds {
  return { ivf: mentionsLazyIndex(value), compact: mentionsCompactVectors(value) };
}

/** Whether a request or stored value names a lazily loaded index type (an `index_type`) in its first levels. */
export function mentionsLazyIndex(value: unknown, depth = 5): boolean {
  if (depth < 0 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (Array.isArray(value)) return value.some((v) => mentionsLazyIndex(v, depth - 1));
  const o = value as Record<string, unknown>;
  if (typeof o.index_type === 'string' && LAZY.test(o.index_type)) return true;
  for (const k in o) {
    // Rows never name index types; skip them so a big insert is not walked.
    if (k === 'data' || k === 'rows') continue;
    if (mentionsLazyIndex(o[k], depth - 1)) return true;
  }
  return false;
}

/** Loads what `needed` names, once: `true` the IVF module, a `LazyNeeds` each module it asks for. */
export async function prepareLazyIndexes(needed: boolean | LazyNeeds = true): Promise<void> {
  const needs = typeof needed === 'boolean' ? { ivf: needed, compact: false } : needed;
  await Promise.all([
    needs.ivf ? loadIvf() : undefined,
    needs.ivf ? loadBinIvf() : undefined,
    needs.ivf ? loadHnswSq() : undefined,
    needs.compact ? loadCompact() : undefined,
  ]);
}

async function loadHnswSq(): Promise<void> {
  if (hnswSqLoaded) return;
  hnswSqLoading ??= import('./hnsw-sq.js');
  try {
    hnswSqLoaded = await hnswSqLoading;
  } catch (e) {
    hnswSqLoading = undefined; // a failed chunk load may succeed on the next call
    throw e;
  }
}

/** The HNSW_SQ module; it must have been prepared (an engine bug otherwise, never user input). */
export function hnswSqModule(): HnswSqModule {
  if (!hnswSqLoaded) {
    throw elanusError('ivfModuleNotLoaded', {});
  }
  return hnswSqLoaded;
}

async function loadBinIvf(): Promise<void> {
  if (binIvfLoaded) return;
  binIvfLoading ??= import('./bin-ivf.js');
  try {
    binIvfLoaded = await binIvfLoading;
  } catch (e) {
    binIvfLoading = undefined; // a failed chunk load may succeed on the next call
    throw e;
  }
}

/** The BIN_IVF_FLAT module; it must have been prepared (an engine bug otherwise, never user input). */
export function binIvfModule(): BinIvfModule {
  if (!binIvfLoaded) {
    throw elanusError('ivfModuleNotLoaded', {});
  }
  return binIvfLoaded;
}

async function loadIvf(): Promise<void> {
  if (loaded) return;
  loading ??= import('./ivf.js');
  try {
    loaded = await loading;
  } catch (e) {
    loading = undefined; // a failed chunk load may succeed on the next call
    throw e;
  }
}

async function loadCompact(): Promise<void> {
  if (compactLoaded) return;
  compactLoading ??= import('../collection/compact-vectors.js');
  try {
    compactLoaded = await compactLoading;
  } catch (e) {
    compactLoading = undefined;
    throw e;
  }
}

/** The compact vector module; it must have been prepared (an engine bug otherwise, never user input). */
export function compactModule(): CompactModule {
  if (!compactLoaded) {
    throw elanusError('compactModuleNotLoaded', {});
  }
  return compactLoaded;
}

/** The IVF module; it must have been prepared (an engine bug otherwise, never user input). */
export function ivfModule(): IvfModule {
  if (!loaded) {
    throw elanusError('ivfModuleNotLoaded', {});
  }
  return loaded;
}
