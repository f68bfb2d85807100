// The shared pieces of the local-model runtime on their own: batch planning, the batch loop's progress
// and abort, and the argument checks every class uses (the models' own tests cover them end to end).
import { ElanusError } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { checkIntAtLeast, checkOneOf } from '../src/common/checks.js';
import { forEachBatch, planBatches } from '../src/runtime/batches.js';
import type { EncodeProgress } from '../src/runtime/types.js';

describe('runtime batches', () => {
  it('plans longest first, ties in input order, at most batchSize per batch', () => {
    expect(planBatches([3, 5, 3, 1, 5], 2)).toEqual([[1, 4], [0, 2], [3]]);
  });

  it('bounds items x longest x perToken by maxElements (a lone item always gets a batch)', () => {
    expect(planBatches([4, 4, 4, 10], 32, 10, 100)).toEqual([[3], [0, 1], [2]]);
  });

  it('reports progress after each batch and stops between batches on abort', async () => {
    const events: EncodeProgress[] = [];
    const taken: number[][] = [];
    const controller = new AbortController();
    const loop = {
      model: 'm',
      what: 'testing',
      signal: controller.signal,
      onProgress: (e: EncodeProgress) => events.push(e),
    };
    const run = forEachBatch(
      [[0, 1], [2], [3]],
      loop,
      async (batch) => batch.map((i) => i * 10),
      (batch, result) => {
        taken.push(result);
        if (batch[0] === 2) controller.abort(new Error('stop'));
      },
    );
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ElanusError);
    expect((err as ElanusError).code).toBe('Aborted');
    expect((err as ElanusError).message).toContain('testing aborted: stop');
    expect(taken).toEqual([[0, 10], [20]]);
    expect(events.map((e) => [e.done, e.total])).toEqual([
      [2, 4],
      [3, 4],
    ]);
  });
});

describe('shared argument checks', () => {
  it('name the parameter and what was expected', () => {
    expect(() => checkOneOf('device', 'tpu', ['webgpu', 'wasm'])).toThrow(
      'invalid parameter device: expected one of webgpu, wasm, got "tpu"',
    );
    expect(() => checkIntAtLeast('max_length', 2, 3)).toThrow(
      'invalid parameter max_length: expected an integer of at least 3, got number 2',
    );
  });
});
