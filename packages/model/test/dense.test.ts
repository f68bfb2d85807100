// Dense embeddings in Node against the model prepared in .cache/models (no hub): parity with
// sentence-transformers, batching, instructions, abort, bad input, and a throughput print.
import { ElanusError } from '@elanus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DefaultEmbeddingFunction,
  type EmbeddingProgress,
  SentenceTransformerEmbeddingFunction,
} from '../src/dense/index.js';
import { cosine, loadReference, modelsReady, norm, SKIP_REASON, useLocalModels } from './dense-support.js';

const ref = loadReference();

/** Per-sentence cosine to the sentence-transformers reference; lists every sentence under `min`. */
function parity(vectors: Float32Array[], min: number): { worst: number; failures: string[] } {
  let worst = 1;
  const failures: string[] = [];
  vectors.forEach((v, i) => {
    const c = cosine(v, ref.embeddings[i]!);
    worst = Math.min(worst, c);
    if (!(c >= min))
      failures.push(`#${i} ${JSON.stringify(ref.sentences[i]!.slice(0, 50))}: cosine ${c.toFixed(6)}`);
  });
  return { worst, failures };
}

async function rejection(p: Promise<unknown>): Promise<ElanusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    return e as ElanusError;
  }
  throw new Error('expected a rejection');
}

describe('SentenceTransformerEmbeddingFunction: options and input checks (no model needed)', () => {
  it('rejects bad constructor options, naming the parameter', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ batch_size: 0 }, 'batch_size'],
      [{ batch_size: 1.5 }, 'batch_size'],
      [{ device: 'tpu' }, 'device'],
      [{ dtype: 'int4' }, 'dtype'],
      [{ model_name: '' }, 'model_name'],
      [{ model_name: 42 }, 'model_name'],
      [{ normalize_embeddings: 'yes' }, 'normalize_embeddings'],
      [{ query_instruction: 1 }, 'query_instruction'],
      [{ max_seq_length: -1 }, 'max_seq_length'],
    ];
    for (const [options, param] of bad) {
      let err: unknown;
      try {
        new SentenceTransformerEmbeddingFunction(options as never);
      } catch (e) {
        err = e;
      }
      expect(err, param).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).code).toBe('IllegalArgument');
      expect((err as ElanusError).message).toContain(param);
      expect((err as ElanusError).details).toEqual({ param });
    }
  });

  it('rejects an empty list and non-strings before loading anything', async () => {
    const ef = new DefaultEmbeddingFunction();
    const empty = await rejection(ef.encodeDocuments([]));
    expect(empty.code).toBe('IllegalArgument');
    expect(empty.message).toContain('documents');
    const notString = await rejection(ef.encodeQueries(['fine', 3 as unknown as string]));
    expect(notString.message).toContain('queries[1]');
    expect(notString.details).toEqual({ param: 'queries[1]' });
    const notArray = await rejection(ef.encode('a sentence' as unknown as string[]));
    expect(notArray.message).toContain('texts');
    expect(ef.runtime).toBeUndefined();
  });

  it('knows all-MiniLM-L6-v2 without loading it; resolves the pymilvus short name', () => {
    expect(new DefaultEmbeddingFunction().dim).toBe(384);
    const short = new SentenceTransformerEmbeddingFunction({ model_name: 'all-MiniLM-L6-v2' });
    expect(short.model_name).toBe('sentence-transformers/all-MiniLM-L6-v2');
    const unknown = new SentenceTransformerEmbeddingFunction({ model_name: 'someone/some-model' });
    expect(() => unknown.dim).toThrow(ElanusError);
  });

  it('refuses webgpu in Node', async () => {
    const ef = new DefaultEmbeddingFunction({ device: 'webgpu' });
    const err = await rejection(ef.load());
    expect(err.code).toBe('Unavailable');
    expect(err.message).toContain('webgpu');
  });
});

describe.skipIf(!modelsReady)(
  `dense embeddings, Node, local model files${modelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let fp32: DefaultEmbeddingFunction;
    let q8: DefaultEmbeddingFunction;
    let fp32Vectors: Float32Array[];

    beforeAll(async () => {
      useLocalModels();
      fp32 = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32' });
      q8 = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'q8' });
      fp32Vectors = await fp32.encodeDocuments(ref.sentences);
    }, 180_000); // two shared cores: 100 sentences can take a while under load

    afterAll(async () => {
      await Promise.all([fp32?.dispose(), q8?.dispose()]);
    });

    it('fp32 matches sentence-transformers: cosine >= 0.9999 for every fixture sentence', () => {
      expect(fp32Vectors).toHaveLength(100);
      for (const v of fp32Vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(384);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
      const { worst, failures } = parity(fp32Vectors, 0.9999);
      console.log(`[dense] fp32 min cosine to sentence-transformers: ${worst.toPrecision(9)}`);
      expect(failures).toEqual([]);
      expect(fp32.runtime).toEqual({ device: 'cpu', dtype: 'fp32' });
    });

    it('q8 matches sentence-transformers: cosine >= 0.99 for every fixture sentence', async () => {
      const { worst, failures } = parity(await q8.encodeDocuments(ref.sentences), 0.99);
      console.log(`[dense] q8 min cosine to sentence-transformers: ${worst.toPrecision(9)}`);
      expect(failures).toEqual([]);
    });

    it('fp16 weights match closely too', async () => {
      const fp16 = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp16' });
      try {
        const { worst, failures } = parity(await fp16.encodeDocuments(ref.sentences), 0.999);
        console.log(`[dense] fp16 min cosine to sentence-transformers: ${worst.toPrecision(9)}`);
        expect(failures).toEqual([]);
      } finally {
        await fp16.dispose();
      }
    });

    it('gives the same vectors, in input order, whatever the batch size', async () => {
      const texts = ref.sentences.slice(0, 23);
      const one = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32', batch_size: 1 });
      const seven = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32', batch_size: 7 });
      try {
        const events: EmbeddingProgress[] = [];
        const [a, b] = await Promise.all([
          one.encodeDocuments(texts),
          seven.encodeDocuments(texts, { onProgress: (e) => events.push(e) }),
        ]);
        for (let i = 0; i < texts.length; i++) {
          expect(cosine(a[i]!, fp32Vectors[i]!)).toBeGreaterThan(0.99999);
          expect(cosine(b[i]!, fp32Vectors[i]!)).toBeGreaterThan(0.99999);
        }
        const encode = events.filter((e) => e.stage === 'encode');
        expect(encode.map((e) => e.done)).toEqual([7, 14, 21, 23]);
        expect(encode.at(-1)).toMatchObject({ total: 23, progress: 1 });
      } finally {
        await Promise.all([one.dispose(), seven.dispose()]);
      }
    });

    it('reports load progress: start, each file, ready', async () => {
      const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'q8' });
      const events: EmbeddingProgress[] = [];
      try {
        await ef.load({ onProgress: (e) => events.push(e) });
        const load = events.filter((e) => e.stage === 'load');
        expect(load[0]).toMatchObject({ status: 'start', device: 'cpu', dtype: 'q8' });
        expect(load.at(-1)).toMatchObject({ status: 'ready' });
        const files = load.flatMap((e) => (e.status === 'file' && e.file ? [e.file] : []));
        expect(files).toEqual(
          expect.arrayContaining([
            'config.json',
            'tokenizer.json',
            'tokenizer_config.json',
            'onnx/model_quantized.onnx',
          ]),
        );
      } finally {
        await ef.dispose();
      }
    });

    it('prepends query_instruction / doc_instruction', async () => {
      const ef = new DefaultEmbeddingFunction({
        device: 'cpu',
        dtype: 'fp32',
        query_instruction: 'query: ',
        doc_instruction: 'passage: ',
      });
      try {
        const [q] = await ef.encodeQueries(['how do vector indexes work']);
        const [d] = await ef.encodeDocuments(['how do vector indexes work']);
        const [plainQ, plainD, bare] = await ef.encode([
          'query: how do vector indexes work',
          'passage: how do vector indexes work',
          'how do vector indexes work',
        ]);
        expect(cosine(q!, plainQ!)).toBeGreaterThan(0.999999);
        expect(cosine(d!, plainD!)).toBeGreaterThan(0.999999);
        expect(cosine(q!, bare!)).toBeLessThan(0.9999);
      } finally {
        await ef.dispose();
      }
    });

    it('returns unnormalised mean pooling with normalize_embeddings: false', async () => {
      const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32', normalize_embeddings: false });
      try {
        const raw = await ef.encodeDocuments(ref.sentences.slice(0, 5));
        raw.forEach((v, i) => {
          expect(Math.abs(norm(v) - 1)).toBeGreaterThan(0.01);
          expect(cosine(v, fp32Vectors[i]!)).toBeGreaterThan(0.99999);
        });
      } finally {
        await ef.dispose();
      }
    });

    it('aborts before, and between batches; the function stays usable', async () => {
      const pre = new AbortController();
      pre.abort(new Error('user left'));
      const before = await rejection(q8.encodeDocuments(['never embedded'], { signal: pre.signal }));
      expect(before.code).toBe('Aborted');
      expect(before.message).toContain('user left');

      const mid = new AbortController();
      let batches = 0;
      const during = await rejection(
        fp32.encodeDocuments(ref.sentences, {
          signal: mid.signal,
          onProgress: (e) => {
            if (e.stage === 'encode' && ++batches === 1) mid.abort();
          },
        }),
      );
      expect(during.code).toBe('Aborted');
      expect(batches).toBe(1);

      const again = await fp32.encodeQueries(['still works']);
      expect(again[0]!.length).toBe(384);
    });

    it('aborts a load without cancelling it for the next caller', async () => {
      const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp16' });
      const ctl = new AbortController();
      const first = ef.load({ signal: ctl.signal });
      ctl.abort();
      expect((await rejection(first)).code).toBe('Aborted');
      await ef.load();
      expect(ef.runtime).toEqual({ device: 'cpu', dtype: 'fp16' });
      await ef.dispose();
    });

    it('fails with ElanusError Unavailable for a model that is not there (remote models off)', async () => {
      const ef = new SentenceTransformerEmbeddingFunction({
        model_name: 'nobody/no-such-model',
        device: 'cpu',
      });
      const err = await rejection(ef.encodeDocuments(['x']));
      expect(err.code).toBe('Unavailable');
      expect(err.message).toContain('nobody/no-such-model');
    });

    it('prints documents/s for fp32 and q8 on 200 sentences (no assertion)', async () => {
      const docs = Array.from({ length: 200 }, (_, i) => `${ref.sentences[i % 100]} (${i})`);
      const rates: string[] = [];
      for (const [name, ef] of [
        ['fp32', fp32],
        ['q8', q8],
      ] as const) {
        await ef.encodeDocuments(docs.slice(0, 8)); // warm-up
        const t0 = performance.now();
        await ef.encodeDocuments(docs);
        const s = (performance.now() - t0) / 1000;
        rates.push(`${name} ${(docs.length / s).toFixed(1)} docs/s`);
      }
      console.log(`[dense] Node CPU throughput, 200 sentences, batch 32: ${rates.join(', ')}`);
    }, 300_000);
  },
);
