// Shared by the dense*.test.ts files: where the prepared model lives, the reference fixture, cosine.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { env } from '../src/env.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MODELS_DIR = `${ROOT}.cache/models/`;
export const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';
export const MODEL_DIR = `${MODELS_DIR}${MODEL}/`;

/** True when scripts/setup.d/20-models.sh has produced the model files. */
export const modelsReady =
  existsSync(`${MODEL_DIR}onnx/model.onnx`) && existsSync(`${MODEL_DIR}onnx/model_quantized.onnx`);

export const SKIP_REASON =
  'skipped: .cache/models is missing (prepare it with `bash scripts/setup.d/20-models.sh`; the test command runs setup first)';

if (!modelsReady) console.warn(`[dense tests] ${SKIP_REASON}`);

export interface Reference {
  sentences: string[];
  embeddings: number[][];
  dim: number;
  max_seq_length: number;
}

export function loadReference(): Reference {
  return JSON.parse(
    readFileSync(new URL('./fixtures/minilm-reference.json', import.meta.url), 'utf8'),
  ) as Reference;
}

/** Offline: the prepared folder only, never the hub. */
export function useLocalModels(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS_DIR;
  env.useIndexedDBCache = false;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
