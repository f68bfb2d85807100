// BGEM3EmbeddingFunction on a tiny randomly initialised XLM-R-like encoder with BGE-M3's sparse and
// ColBERT heads (built by scripts/setup.d/25-tiny-models.sh): dense, lexical weights and ColBERT vectors
// against a numpy implementation of FlagEmbedding's BGEM3 semantics on the same weights.
import { ElanusError } from '@elanus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixture,
  maxAbsDiff,
  SKIP_REASON,
  sparseDiff,
  staleModels,
  tinyModelsReady,
  useTinyModels,
} from '../../../tests/support/tiny-models.js';
import { BGEM3EmbeddingFunction } from '../src/hybrid/bge-m3.js';
import { ModelHandle } from '../src/runtime/model-handle.js';
import { encodeSingles } from '../src/runtime/tokenize.js';

const fx = fixture.bge_m3;
const TOL = fixture.tolerance;

describe('BGEM3EmbeddingFunction: options (no model needed)', () => {
  it('rejects bad options, naming the parameter', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ model_name: 7 }, 'model_name'],
      [{ batch_size: -1 }, 'batch_size'],
      [{ return_sparse: 'yes' }, 'return_sparse'],
      [{ normalize_embeddings: 1 }, 'normalize_embeddings'],
      [{ return_dense: false, return_sparse: false }, 'return_dense'],
      [{ max_length: 0 }, 'max_length'],
      [{ device: 'gpu' }, 'device'],
    ];
    for (const [opts, param] of bad) {
      let err: unknown;
      try {
        new BGEM3EmbeddingFunction(opts as never);
      } catch (e) {
        err = e;
      }
      expect(err, param).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).code).toBe('IllegalArgument');
      expect((err as ElanusError).message).toContain(param);
    }
  });

  it("knows BAAI/bge-m3's dimensions up front, like pymilvus' dim property", () => {
    expect(new BGEM3EmbeddingFunction().dim).toEqual({ dense: 1024, colbert_vecs: 1024, sparse: 250002 });
    expect(() => new BGEM3EmbeddingFunction({ model_name: 'x/y' }).dim).toThrow(/load\(\)/);
  });
});

describe.skipIf(!tinyModelsReady)(
  `BGEM3EmbeddingFunction on the tiny test model${tinyModelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let ef: BGEM3EmbeddingFunction;
    beforeAll(() => {
      useTinyModels();
      ef = new BGEM3EmbeddingFunction({ model_name: fx.model, device: 'cpu', return_colbert_vecs: true });
    });
    afterAll(async () => {
      await ef?.dispose();
    });

    it('runs on the models the fixture describes', () => {
      expect(staleModels()).toBeNull();
    });

    it('tokenises as the Python tokenizers do (Unigram/Metaspace, truncation keeps </s>)', async () => {
      const handle = new ModelHandle(fx.model, 'base', 'cpu', undefined, 'BGE-M3 model');
      const m = await handle.get();
      expect(encodeSingles(m, fx.texts, m.maxLength).map((r) => r.ids)).toEqual(fx.input_ids);
      expect([...m.specialIds].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]); // <s> <pad> </s> <unk>
      await handle.dispose();
    });

    it('matches the reference dense, sparse and ColBERT outputs within 1e-4', async () => {
      const out = await ef.encodeDocuments(fx.texts);
      expect(out.dense).toHaveLength(fx.texts.length);
      let dense = 0;
      out.dense!.forEach((v, i) => {
        dense = Math.max(dense, maxAbsDiff(v, fx.dense[i]!));
      });
      let sparse = 0;
      const mismatched: number[] = [];
      out.sparse!.forEach((v, i) => {
        const d = sparseDiff(v, fx.sparse[i]!);
        if (d === Infinity) mismatched.push(i);
        else sparse = Math.max(sparse, d);
      });
      let colbert = 0;
      for (const i of fx.colbert_texts) {
        const got = out.colbert_vecs![i]!;
        expect(got.length, `ColBERT vectors of text ${i}`).toBe(fx.colbert_vecs[i]!.length);
        got.forEach((v, t) => {
          colbert = Math.max(colbert, maxAbsDiff(v, fx.colbert_vecs[i]![t]!));
        });
      }
      console.log(
        `[bge-m3 parity] max |Δ| dense ${dense.toExponential(2)}, sparse ${sparse.toExponential(2)}, colbert ${colbert.toExponential(2)}`,
      );
      expect(mismatched, 'texts whose lexical terms differ').toEqual([]);
      expect(dense).toBeLessThan(TOL);
      expect(sparse).toBeLessThan(TOL);
      expect(colbert).toBeLessThan(TOL);
      // The long text was truncated to the model's 64 tokens: 63 ColBERT vectors.
      expect(out.colbert_vecs![fx.texts.length - 1]).toHaveLength(fixture.max_length - 1);
      expect(ef.dim).toEqual(fx.dim);
    });

    it('sparse vectors leave out special tokens and are sorted by token id', async () => {
      const { sparse } = await ef.encodeQueries(['', 'sparse sparse vector']);
      expect(sparse![0]!.indices.length).toBe(0); // <s></s> only
      const v = sparse![1]!;
      expect(v.indices).toBeInstanceOf(Uint32Array);
      for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]!).toBeGreaterThan(v.indices[i - 1]!);
      for (const id of v.indices) expect([0, 1, 2, 3]).not.toContain(id);
    });

    it('returns only what was asked for, and raw vectors without normalisation', async () => {
      const denseOnly = new BGEM3EmbeddingFunction({
        model_name: fx.model,
        device: 'cpu',
        return_sparse: false,
      });
      const a = await denseOnly.encode([fx.texts[0]!]);
      expect(Object.keys(a)).toEqual(['dense']);
      const raw = new BGEM3EmbeddingFunction({
        model_name: fx.model,
        device: 'cpu',
        normalize_embeddings: false,
        return_sparse: false,
        return_colbert_vecs: true,
      });
      const b = await raw.encode([fx.texts[0]!]);
      const norm = Math.hypot(...b.dense![0]!);
      expect(Math.abs(norm - 1)).toBeGreaterThan(1e-3);
      expect(
        maxAbsDiff(
          b.dense![0]!.map((x) => x / norm),
          fx.dense[0]!,
        ),
      ).toBeLessThan(TOL);
      const c0 = b.colbert_vecs![0]![0]!;
      const cn = Math.hypot(...c0);
      expect(
        maxAbsDiff(
          c0.map((x) => x / cn),
          fx.colbert_vecs[0]![0]!,
        ),
      ).toBeLessThan(TOL);
      await denseOnly.dispose();
      await raw.dispose();
    });

    it('gives the same result in small batches', async () => {
      const small = new BGEM3EmbeddingFunction({ model_name: fx.model, device: 'cpu', batch_size: 2 });
      const out = await small.encode(fx.texts);
      out.sparse!.forEach((v, i) => {
        expect(sparseDiff(v, fx.sparse[i]!)).toBeLessThan(TOL);
      });
      await small.dispose();
    });

    it('names the missing head when the ONNX graph lacks it', async () => {
      // A masked-LM graph has neither BGE-M3 head.
      const wrong = new BGEM3EmbeddingFunction({
        model_name: fixture.splade.model,
        device: 'cpu',
        return_dense: false,
      });
      await expect(wrong.encode(['x'])).rejects.toMatchObject({
        code: 'Unavailable',
        message: expect.stringContaining('sparse_linear'),
      });
      await wrong.dispose();
    });
  },
);
