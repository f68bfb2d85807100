/** Running a model loaded by `ModelHandle` on token rows, and reading its outputs. */
import { ElanusError } from '@elanus/core';
import { type BatchLoop, forEachBatch, planBatches } from './batches.js';
import { toTensors } from './tokenize.js';
import type { EncodedRow, LoadedModel, ModelOutputs, TensorLike } from './types.js';

/** Runs the model; failures become ElanusErrors naming the model. The inputs are released either way. */
export async function runModel(
  m: LoadedModel,
  inputs: Record<string, TensorLike>,
  modelName: string,
): Promise<ModelOutputs> {
  try {
    return await m.model(inputs);
  } catch (e) {
    throw new ElanusError(
      'UnexpectedError',
      `running ${modelName} failed: ${e instanceof Error ? e.message : String(e)}`,
      { model: modelName },
    );
  } finally {
    for (const t of Object.values(inputs)) t.dispose?.();
  }
}

/** Output `name` as float data with its dims, or an error naming what the graph lacks. */
export function outputOf(
  outputs: ModelOutputs,
  names: readonly string[],
  rank: number,
  modelName: string,
  hint = '',
): { data: Float32Array; dims: number[]; name: string } {
  for (const name of names) {
    const t = outputs[name];
    if (t && t.dims.length === rank && t.data instanceof Float32Array)
      return { data: t.data, dims: t.dims, name };
  }
  throw new ElanusError(
    'Unavailable',
    `model ${modelName} has no float output ${names.map((n) => JSON.stringify(n)).join(' or ')} of rank ${rank}${hint} (outputs: ${Object.keys(outputs).join(', ')})`,
    { model: modelName },
  );
}

export function disposeAll(outputs: ModelOutputs): void {
  for (const t of Object.values(outputs)) t?.dispose?.();
}

export interface RowBatchLoop extends BatchLoop {
  batchSize: number;
  /** Output values per token and longest batch, to bound a batch's outputs (see `planBatches`). */
  perToken?: number;
  maxElements?: number;
}

/**
 * The batch → pad → run loop of SPLADE, BGE-M3 and the cross-encoders: `take` reads each batch's outputs
 * (row r of the outputs is `rows[batch[r]]`), which are released after it.
 */
export function runRowBatches(
  m: LoadedModel,
  rows: EncodedRow[],
  loop: RowBatchLoop,
  take: (batch: number[], outputs: ModelOutputs) => void,
): Promise<void> {
  const batches = planBatches(
    rows.map((r) => r.ids.length),
    loop.batchSize,
    loop.perToken,
    loop.maxElements,
  );
  return forEachBatch(
    batches,
    loop,
    (batch) =>
      runModel(
        m,
        toTensors(
          m,
          batch.map((i) => rows[i]!),
        ),
        loop.model,
      ),
    (batch, outputs) => {
      try {
        take(batch, outputs);
      } finally {
        disposeAll(outputs);
      }
    },
  );
}
