// env.numThreads: how it resolves for onnxruntime-web (browser scopes described as plain objects, since
// Node is no browser), its checks, and, on onnxruntime-node, that an exact count gives the same vectors.
// The Chromium side (pthread pool really started) is tests/e2e/model-threads.spec.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { DefaultEmbeddingFunction } from '../src/dense/index.js';
import { env } from '../src/env.js';
import {
  checkNumThreads,
  MAX_AUTO_THREADS,
  resolveWasmThreads,
  wasmThreadsPossible,
} from '../src/runtime/threads.js';
import { loadReference, modelsReady, useLocalModels } from './dense-support.js';

const isolated = (cores: number | undefined) => ({
  crossOriginIsolated: true,
  SharedArrayBuffer,
  navigator: { hardwareConcurrency: cores },
});

describe('resolveWasmThreads', () => {
  it("'auto' is the core count when cross-origin isolated, capped", () => {
    expect(resolveWasmThreads('auto', isolated(2))).toBe(2);
    expect(resolveWasmThreads('auto', isolated(6))).toBe(6);
    expect(resolveWasmThreads('auto', isolated(64))).toBe(MAX_AUTO_THREADS);
    expect(resolveWasmThreads('auto', isolated(undefined))).toBe(1);
  });

  it('an exact count is used as given when isolated', () => {
    expect(resolveWasmThreads(1, isolated(8))).toBe(1);
    expect(resolveWasmThreads(3, isolated(2))).toBe(3);
  });

  it('is 1 without cross-origin isolation or SharedArrayBuffer, whatever was asked', () => {
    const open = { crossOriginIsolated: false, SharedArrayBuffer, navigator: { hardwareConcurrency: 8 } };
    expect(wasmThreadsPossible(open)).toBe(false);
    expect(resolveWasmThreads('auto', open)).toBe(1);
    expect(resolveWasmThreads(4, open)).toBe(1);
    const noSab = { crossOriginIsolated: true, navigator: { hardwareConcurrency: 8 } };
    expect(resolveWasmThreads('auto', noSab)).toBe(1);
  });
});

describe('checkNumThreads', () => {
  it("accepts 'auto' and positive integers", () => {
    for (const v of ['auto', 1, 2, 16]) expect(() => checkNumThreads(v)).not.toThrow();
  });

  it('rejects anything else with an IllegalArgument naming the parameter', () => {
    for (const v of [0, -1, 1.5, Number.NaN, '2', 'all', null, undefined]) {
      expect(() => checkNumThreads(v)).toThrow(
        expect.objectContaining({
          code: 'IllegalArgument',
          message: expect.stringMatching(
            /^invalid parameter numThreads: expected "auto" or a positive integer/,
          ),
          details: { param: 'numThreads' },
        }),
      );
    }
  });
});

describe.skipIf(!modelsReady)('env.numThreads on onnxruntime-node', () => {
  afterEach(() => {
    env.numThreads = 'auto';
  });

  it('a bad value fails the load before anything is fetched', async () => {
    useLocalModels();
    (env as { numThreads: unknown }).numThreads = 0;
    await expect(new DefaultEmbeddingFunction({ device: 'cpu' }).load()).rejects.toMatchObject({
      code: 'IllegalArgument',
      details: { param: 'numThreads' },
    });
  });

  it('numThreads: 1 (intraOpNumThreads) gives the same vectors as the default', async () => {
    useLocalModels();
    const texts = loadReference().sentences.slice(0, 8);
    const encode = async () => {
      const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32' });
      try {
        return await ef.encodeDocuments(texts);
      } finally {
        await ef.dispose();
      }
    };
    const all = await encode();
    env.numThreads = 1;
    const one = await encode();
    let worst = 0;
    all.forEach((v, i) => {
      for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(v[k]! - one[i]![k]!));
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 60_000);
});
