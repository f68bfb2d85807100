// SpladeEmbeddingFunction on a tiny randomly initialised BERT masked-LM (built by
// scripts/setup.d/25-tiny-models.sh): parity with a numpy implementation of SPLADE's max pooling on the
// same weights (fixtures/tiny-models-reference.json), top-k, instructions, batching, abort, bad input.
import { ElanusError, type SparseVector } from '@elanus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixture,
  SKIP_REASON,
  sparseDiff,
  staleModels,
  tinyModelsReady,
  useTinyModels,
} from '../../../tests/support/tiny-models.js';
import type { EmbeddingProgress } from '../src/dense/types.js';
import { ModelHandle } from '../src/runtime/model-handle.js';
import { encodeSingles } from '../src/runtime/tokenize.js';
import { SpladeEmbeddingFunction } from '../src/sparse/splade.js';

const fx = fixture.splade;
const TOL = fixture.tolerance;

function expectSorted(v: SparseVector): void {
  expect(v.indices).toBeInstanceOf(Uint32Array);
  expect(v.values).toBeInstanceOf(Float32Array);
  for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]!).toBeGreaterThan(v.indices[i - 1]!);
  for (const x of v.values) expect(x).toBeGreaterThan(0);
}

/** Worst value difference over all texts, and the texts whose indices differ. */
function compare(got: SparseVector[], want: typeof fx.full): { worst: number; mismatched: number[] } {
  let worst = 0;
  const mismatched: number[] = [];
  got.forEach((v, i) => {
    const d = sparseDiff(v, want[i]!);
    if (d === Infinity) mismatched.push(i);
    else worst = Math.max(worst, d);
  });
  return { worst, mismatched };
}

describe('SpladeEmbeddingFunction: options (no model needed)', () => {
  it('rejects bad options, naming the parameter', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ model_name: '' }, 'model_name'],
      [{ batch_size: 0 }, 'batch_size'],
      [{ k_tokens_query: 0 }, 'k_tokens_query'],
      [{ k_tokens_document: 2.5 }, 'k_tokens_document'],
      [{ query_instruction: 3 }, 'query_instruction'],
      [{ device: 'tpu' }, 'device'],
      [{ dtype: 'int4' }, 'dtype'],
      [{ max_length: 2 }, 'max_length'],
    ];
    for (const [opts, param] of bad) {
      let err: unknown;
      try {
        new SpladeEmbeddingFunction(opts as never);
      } catch (e) {
        err = e;
      }
      expect(err, param).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).code).toBe('IllegalArgument');
      expect((err as ElanusError).message).toContain(param);
    }
  });

  it('knows the vocabulary size of the naver models, and says when it does not', () => {
    expect(new SpladeEmbeddingFunction().dim).toBe(30522);
    expect(() => new SpladeEmbeddingFunction({ model_name: 'someone/splade' }).dim).toThrow(/load\(\)/);
  });

  it('rejects bad texts before loading anything', async () => {
    const ef = new SpladeEmbeddingFunction({ model_name: 'nowhere/none' });
    await expect(ef.encodeDocuments([] as string[])).rejects.toMatchObject({ code: 'IllegalArgument' });
    await expect(ef.encodeQueries([1] as never)).rejects.toThrow(/queries\[0\]/);
  });
});

describe.skipIf(!tinyModelsReady)(
  `SpladeEmbeddingFunction on the tiny test model${tinyModelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let ef: SpladeEmbeddingFunction;
    beforeAll(() => {
      useTinyModels();
      ef = new SpladeEmbeddingFunction({
        model_name: fx.model,
        device: 'cpu',
        k_tokens_document: fx.k_tokens,
      });
    });
    afterAll(async () => {
      await ef?.dispose();
    });

    it('runs on the models the fixture describes', () => {
      expect(staleModels()).toBeNull();
    });

    it('tokenises as the Python tokenizers do (truncation keeps the closing [SEP])', async () => {
      const handle = new ModelHandle(fx.model, 'masked-lm', 'cpu', undefined, 'SPLADE model');
      const m = await handle.get();
      expect(encodeSingles(m, fx.texts, m.maxLength).map((r) => r.ids)).toEqual(fx.input_ids);
      await handle.dispose();
    });

    it('matches the reference weights within 1e-4 (one padded batch: padding is masked)', async () => {
      const got = await ef.encode(fx.texts);
      got.forEach(expectSorted);
      const { worst, mismatched } = compare(got, fx.full);
      console.log(`[splade parity] ${got.length} texts, max |Δweight| ${worst.toExponential(2)}`);
      expect(mismatched, 'texts whose non-zero terms differ').toEqual([]);
      expect(worst).toBeLessThan(TOL);
      expect(ef.dim).toBe(fixture.models[fx.model]!.vocab_size);
    });

    it('gives each text the same weights whatever its batch', async () => {
      const small = new SpladeEmbeddingFunction({ model_name: fx.model, device: 'cpu', batch_size: 3 });
      const { worst, mismatched } = compare(await small.encode(fx.texts), fx.full);
      expect(mismatched).toEqual([]);
      expect(worst).toBeLessThan(TOL);
      const alone = await small.encode([fx.texts[1]!]);
      expect(sparseDiff(alone[0]!, fx.full[1]!)).toBeLessThan(TOL);
      await small.dispose();
    });

    it('keeps the k largest weights of documents (k_tokens_document), sorted by index', async () => {
      const got = await ef.encodeDocuments(fx.texts);
      got.forEach(expectSorted);
      for (const v of got) expect(v.indices.length).toBeLessThanOrEqual(fx.k_tokens);
      const { worst, mismatched } = compare(got, fx.top_k);
      expect(mismatched).toEqual([]);
      expect(worst).toBeLessThan(TOL);
    });

    it('prefixes instructions and applies k_tokens_query to queries only', async () => {
      const withInstr = new SpladeEmbeddingFunction({
        model_name: fx.model,
        device: 'cpu',
        query_instruction: 'what is ',
        doc_instruction: 'passage ',
        k_tokens_query: 3,
      });
      const [q] = await withInstr.encodeQueries(['the fox']);
      const [full] = await withInstr.encode(['what is the fox']);
      expect(q!.indices.length).toBe(3);
      // The 3 kept terms are the 3 heaviest of the prefixed text.
      const order = Array.from(full!.indices).sort(
        (a, b) => full!.values[full!.indices.indexOf(b)]! - full!.values[full!.indices.indexOf(a)]!,
      );
      expect(Array.from(q!.indices)).toEqual(order.slice(0, 3).sort((a, b) => a - b));
      const [d] = await withInstr.encodeDocuments(['the fox']);
      const [dFull] = await withInstr.encode(['passage the fox']);
      expect(sparseDiff(d!, { indices: Array.from(dFull!.indices), values: Array.from(dFull!.values) })).toBe(
        0,
      );
      await withInstr.dispose();
    });

    it('reports loading and encoding progress', async () => {
      const fresh = new SpladeEmbeddingFunction({ model_name: fx.model, device: 'cpu', batch_size: 4 });
      const events: EmbeddingProgress[] = [];
      await fresh.encode(fx.texts, { onProgress: (e) => events.push(e) });
      expect(events.some((e) => e.stage === 'load' && e.status === 'ready')).toBe(true);
      const enc = events.filter((e) => e.stage === 'encode');
      expect(enc.map((e) => e.done)).toEqual([4, 8]);
      expect(fresh.runtime).toEqual({ device: 'cpu', dtype: 'fp32' });
      await fresh.dispose();
    });

    it('stops on abort', async () => {
      const ac = new AbortController();
      ac.abort(new Error('user left'));
      await expect(ef.encode(['x'], { signal: ac.signal })).rejects.toMatchObject({ code: 'Aborted' });
    });

    it('says which model could not be loaded', async () => {
      const missing = new SpladeEmbeddingFunction({ model_name: 'elanus-test/no-such-model', device: 'cpu' });
      await expect(missing.encode(['x'])).rejects.toMatchObject({
        code: 'Unavailable',
        message: expect.stringContaining('elanus-test/no-such-model'),
      });
    });
  },
);
