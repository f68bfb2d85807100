// CrossEncoderRerankFunction and BGERerankFunction on tiny randomly initialised sequence-classification
// models (BERT-like and XLM-R-like, built by scripts/setup.d/25-tiny-models.sh): pair tokenisation and
// truncation as sentence-transformers / FlagEmbedding do it, scores against numpy on the same weights.
import { ElanusError } from '@elanus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixture,
  maxAbsDiff,
  SKIP_REASON,
  staleModels,
  tinyModelsReady,
  useTinyModels,
} from '../../../tests/support/tiny-models.js';
import { CallableRerankFunction } from '../src/rerank/callable.js';
import { BGERerankFunction, CrossEncoderRerankFunction } from '../src/rerank/cross-encoder.js';
import type { RerankProgress, RerankResult } from '../src/rerank/types.js';
import { ModelHandle } from '../src/runtime/model-handle.js';
import { encodePairs } from '../src/runtime/tokenize.js';

const ce = fixture.cross_encoder;
const bge = fixture.bge_reranker;
const TOL = fixture.tolerance;

/** Scores back in document order, from results of a call that returned every document. */
function byIndex(results: RerankResult[], n: number): number[] {
  const out = new Array<number>(n).fill(Number.NaN);
  for (const r of results) out[r.index] = r.score;
  return out;
}

function expectRanked(results: RerankResult[], docs: string[]): void {
  for (let i = 1; i < results.length; i++)
    expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
  for (const r of results) expect(r.text).toBe(docs[r.index]);
}

describe('local rerankers: options and calling conventions (no model needed)', () => {
  it('are callable objects with properties, like pymilvus rerankers', () => {
    const rf = new CrossEncoderRerankFunction({ model_name: 'nowhere/none', batch_size: 4 });
    expect(typeof rf).toBe('function');
    expect(rf).toBeInstanceOf(CrossEncoderRerankFunction);
    expect(rf).toBeInstanceOf(CallableRerankFunction);
    expect(rf).toBeInstanceOf(Function);
    expect(typeof rf.bind).toBe('function');
    expect(rf.model_name).toBe('nowhere/none');
    expect(rf.batch_size).toBe(4);
    expect(JSON.parse(JSON.stringify(rf))).toMatchObject({ model_name: 'nowhere/none', batch_size: 4 });
    const bgeRf = new BGERerankFunction();
    expect(bgeRf.model_name).toBe('BAAI/bge-reranker-v2-m3');
    expect(bgeRf.normalize).toBe(true);
  });

  it('rejects bad options and arguments, naming the parameter', async () => {
    const bad: Array<[() => unknown, string]> = [
      [() => new CrossEncoderRerankFunction({ activation: 'tanh' as never }), 'activation'],
      [() => new CrossEncoderRerankFunction({ batch_size: 0 }), 'batch_size'],
      [() => new BGERerankFunction({ query_max_length: 0 }), 'query_max_length'],
      [() => new BGERerankFunction({ normalize: 'no' as never }), 'normalize'],
      [() => new BGERerankFunction({ max_length: 2 }), 'max_length'],
    ];
    for (const [make, param] of bad) {
      let err: unknown;
      try {
        make();
      } catch (e) {
        err = e;
      }
      expect(err, param).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).message).toContain(param);
    }
    const rf = new CrossEncoderRerankFunction({ model_name: 'nowhere/none' });
    await expect(rf(3 as never, ['a'])).rejects.toThrow(/query/);
    await expect(rf('q', 'a' as never)).rejects.toThrow(/documents/);
    await expect(rf('q', ['a', 2 as never])).rejects.toThrow(/documents\[1\]/);
    await expect(rf('q', ['a'], { top_k: -1 })).rejects.toThrow(/top_k/);
    // No documents: nothing to load, nothing to score.
    expect(await rf('q', [])).toEqual([]);
  });
});

describe.skipIf(!tinyModelsReady)(
  `local rerankers on the tiny test models${tinyModelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    beforeAll(() => {
      useTinyModels();
    });

    it('run on the models the fixture describes', () => {
      expect(staleModels()).toBeNull();
    });

    describe('CrossEncoderRerankFunction (sentence-transformers CrossEncoder semantics)', () => {
      let rf: CrossEncoderRerankFunction;
      beforeAll(() => {
        rf = new CrossEncoderRerankFunction({ model_name: ce.model, device: 'cpu' });
      });
      afterAll(async () => {
        await rf?.dispose();
      });

      it('builds [CLS] q [SEP] d [SEP] pairs truncated longest_first, as Hugging Face does', async () => {
        const handle = new ModelHandle(
          ce.model,
          'sequence-classification',
          'cpu',
          undefined,
          'reranker model',
        );
        const m = await handle.get();
        for (const c of ce.cases) {
          const rows = encodePairs(m, c.query, ce.documents, m.maxLength, { strategy: 'longest_first' });
          expect(rows.map((r) => r.ids)).toEqual(c.input_ids);
          expect(rows.map((r) => r.types)).toEqual(c.token_type_ids);
        }
        await handle.dispose();
      });

      it('scores with raw logits by default, within 1e-4 of the reference', async () => {
        let worst = 0;
        for (const c of ce.cases) {
          const results = await rf(c.query, ce.documents, { top_k: null });
          expect(results).toHaveLength(ce.documents.length);
          expectRanked(results, ce.documents);
          worst = Math.max(worst, maxAbsDiff(byIndex(results, ce.documents.length), c.logits));
        }
        console.log(`[cross-encoder parity] max |Δlogit| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(TOL);
      });

      it("applies activation: 'sigmoid' on request", async () => {
        const sig = new CrossEncoderRerankFunction({
          model_name: ce.model,
          device: 'cpu',
          activation: 'sigmoid',
        });
        const c = ce.cases[0]!;
        const results = await sig.rerank(c.query, ce.documents, 0);
        expect(maxAbsDiff(byIndex(results, ce.documents.length), c.sigmoid)).toBeLessThan(TOL);
        await sig.dispose();
      });

      it('returns the top_k best (default 5, as pymilvus), positional or in options', async () => {
        const c = ce.cases[0]!;
        const best = [...c.logits.keys()].sort((a, b) => c.logits[b]! - c.logits[a]!);
        expect((await rf(c.query, ce.documents)).map((r) => r.index)).toEqual(best.slice(0, 5));
        expect((await rf(c.query, ce.documents, 2)).map((r) => r.index)).toEqual(best.slice(0, 2));
        expect((await rf(c.query, ce.documents, { top_k: 3 })).map((r) => r.index)).toEqual(best.slice(0, 3));
        expect(await rf(c.query, ce.documents, { top_k: 100 })).toHaveLength(ce.documents.length);
      });

      it('gives the same scores in small batches, with progress, and stops on abort', async () => {
        const small = new CrossEncoderRerankFunction({ model_name: ce.model, device: 'cpu', batch_size: 2 });
        const events: RerankProgress[] = [];
        const c = ce.cases[1]!;
        const results = await small(c.query, ce.documents, {
          top_k: null,
          onProgress: (e) => events.push(e),
        });
        expect(maxAbsDiff(byIndex(results, ce.documents.length), c.logits)).toBeLessThan(TOL);
        expect(
          events.filter((e) => e.stage === 'encode').map((e) => (e.stage === 'encode' ? e.done : 0)),
        ).toEqual([2, 4, 6, 7]);
        const ac = new AbortController();
        ac.abort();
        await expect(small(c.query, ce.documents, { signal: ac.signal })).rejects.toMatchObject({
          code: 'Aborted',
        });
        await small.dispose();
      });
    });

    describe('BGERerankFunction (FlagEmbedding reranker semantics)', () => {
      it('cuts the query to query_max_length, then the document (only_second)', async () => {
        const handle = new ModelHandle(
          bge.model,
          'sequence-classification',
          'cpu',
          undefined,
          'reranker model',
        );
        const m = await handle.get();
        for (const c of bge.cases) {
          const rows = encodePairs(m, c.query, bge.documents, Math.min(c.max_length, m.maxLength), {
            strategy: 'only_second',
            query_max_length: c.query_max_length,
          });
          expect(rows.map((r) => r.ids)).toEqual(c.input_ids);
        }
        await handle.dispose();
      });

      it('scores sigmoid-normalised by default, raw with normalize: false, within 1e-4', async () => {
        let worst = 0;
        for (const c of bge.cases) {
          const opts = {
            model_name: bge.model,
            device: 'cpu' as const,
            query_max_length: c.query_max_length,
            max_length: c.max_length,
          };
          const norm = new BGERerankFunction(opts);
          const raw = new BGERerankFunction({ ...opts, normalize: false });
          const a = await norm(c.query, bge.documents, { top_k: null });
          const b = await raw(c.query, bge.documents, { top_k: null });
          expectRanked(a, bge.documents);
          worst = Math.max(
            worst,
            maxAbsDiff(byIndex(a, bge.documents.length), c.normalized),
            maxAbsDiff(byIndex(b, bge.documents.length), c.logits),
          );
          for (const r of a) expect(r.score > 0 && r.score < 1).toBe(true);
          await norm.dispose();
          await raw.dispose();
        }
        console.log(`[bge-reranker parity] max |Δscore| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(TOL);
      });
    });
  },
);
