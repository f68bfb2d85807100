/**
 * Shared by @elanus/model's SPLADE, BGE-M3 and local reranker tests: where the tiny randomly
 * initialised test models live (built by scripts/setup.d/25-tiny-models.sh, see
 * tests/support/python/tiny_models.py), their reference fixture, and the offline `env` setup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { env } from '../../packages/model/src/env.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODELS_DIR = `${ROOT}.cache/models/`;
export const TINY_DIR = `${MODELS_DIR}elanus-test/`;
const STAMP = `${TINY_DIR}.elanus-tiny-models.json`;

export interface SparseRef {
  indices: number[];
  values: number[];
}

export interface TinyFixture {
  tolerance: number;
  max_length: number;
  models: Record<string, { weights_sha256: string; vocab_size: number }>;
  splade: {
    model: string;
    texts: string[];
    input_ids: number[][];
    full: SparseRef[];
    k_tokens: number;
    top_k: SparseRef[];
  };
  bge_m3: {
    model: string;
    texts: string[];
    input_ids: number[][];
    dim: { dense: number; colbert_vecs: number; sparse: number };
    dense: number[][];
    sparse: SparseRef[];
    colbert_texts: number[];
    colbert_vecs: number[][][];
  };
  cross_encoder: {
    model: string;
    documents: string[];
    cases: Array<{
      query: string;
      input_ids: number[][];
      token_type_ids: number[][];
      logits: number[];
      sigmoid: number[];
    }>;
  };
  bge_reranker: {
    model: string;
    documents: string[];
    cases: Array<{
      query: string;
      query_max_length: number;
      max_length: number;
      input_ids: number[][];
      logits: number[];
      normalized: number[];
    }>;
  };
}

export const fixture = JSON.parse(
  readFileSync(
    new URL('../../packages/model/test/fixtures/tiny-models-reference.json', import.meta.url),
    'utf8',
  ),
) as TinyFixture;

/** True when the setup step has built the models (the tests skip, saying why, when it has not). */
export const tinyModelsReady = Object.keys(fixture.models).every((name) =>
  existsSync(`${MODELS_DIR}${name}/onnx/model.onnx`),
);

export const SKIP_REASON =
  'skipped: .cache/models/elanus-test is missing (build it with `bash scripts/setup.d/25-tiny-models.sh`; the test command runs setup first)';

if (!tinyModelsReady) console.warn(`[tiny-model tests] ${SKIP_REASON}`);

/**
 * Null when the built models are those the fixture describes; else why not. A mismatch is a failure,
 * not a skip: comparing against a fixture of other weights would be meaningless.
 */
export function staleModels(): string | null {
  if (!existsSync(STAMP)) return `${STAMP} is missing: rebuild with bash scripts/setup.d/25-tiny-models.sh`;
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { models?: TinyFixture['models'] };
  for (const [name, m] of Object.entries(fixture.models)) {
    if (stamp.models?.[name]?.weights_sha256 !== m.weights_sha256) {
      return `${name} in .cache/models differs from the fixture's: rebuild with bash scripts/setup.d/25-tiny-models.sh (or regenerate the fixture with tiny_models.py --write-fixture)`;
    }
  }
  return null;
}

/** Offline: the prepared folder only, never the hub, no IndexedDB. */
export function useTinyModels(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS_DIR;
  env.useIndexedDBCache = false;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest value difference between two sparse vectors with the same indices (Infinity otherwise). */
export function sparseDiff(got: { indices: Uint32Array; values: Float32Array }, want: SparseRef): number {
  if (got.indices.length !== want.indices.length) return Infinity;
  for (let i = 0; i < want.indices.length; i++) if (got.indices[i] !== want.indices[i]) return Infinity;
  return maxAbsDiff(got.values, want.values);
}
