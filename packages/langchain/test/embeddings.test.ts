// ElanusEmbeddings with the real all-MiniLM-L6-v2 (the files scripts/setup.d/20-models.sh prepares, loaded
// offline from .cache/models) and the real @langchain/core: parity with sentence-transformers, and a small
// semantic search through ElanusVectorStore where only meaning (no shared words) links query and answer.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ElanusError, MilvusClient } from '@elanus/core';
import { DefaultEmbeddingFunction, env } from '@elanus/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { ElanusEmbeddings } from '../src/embeddings.js';
import { ElanusVectorStore } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODELS = `${ROOT}.cache/models/`;
const ready = existsSync(`${MODELS}sentence-transformers/all-MiniLM-L6-v2/onnx/model.onnx`);
const reference = JSON.parse(
  readFileSync(`${ROOT}packages/model/test/fixtures/minilm-reference.json`, 'utf8'),
) as { sentences: string[]; embeddings: number[][] };

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('ElanusEmbeddings: checks that need no model', () => {
  it('refuses an embeddingFunction without encodeDocuments/encodeQueries, naming the parameter', () => {
    for (const bad of [null, 42, {}, { encodeDocuments() {} }]) {
      expect(() => new ElanusEmbeddings({ embeddingFunction: bad as never })).toThrow(
        /invalid parameter embeddingFunction: expected an object with encodeDocuments\(\) and encodeQueries\(\)/,
      );
    }
  });

  it('an embedder failure surfaces once, not retried by LangChain', async () => {
    let calls = 0;
    const failing = {
      async encodeDocuments(): Promise<number[][]> {
        calls++;
        throw new ElanusError('IllegalArgument', 'invalid parameter documents: boom');
      },
      async encodeQueries(): Promise<number[][]> {
        return [[1, 0]];
      },
    };
    const e = new ElanusEmbeddings({ embeddingFunction: failing });
    await expect(e.embedDocuments(['x'])).rejects.toThrow(/boom/);
    expect(calls).toBe(1);
    expect(await e.embedQuery('q')).toEqual([1, 0]);
  });
});

describe.skipIf(!ready)('ElanusEmbeddings over the real all-MiniLM-L6-v2', () => {
  beforeAll(() => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = MODELS;
    env.useIndexedDBCache = false;
  });

  it('the default embedder matches sentence-transformers (384-d, cosine >= 0.999)', async () => {
    const e = new ElanusEmbeddings({ modelOptions: { dtype: 'fp32' } });
    const docs = await e.embedDocuments(reference.sentences.slice(0, 4));
    expect(docs).toHaveLength(4);
    docs.forEach((v, i) => {
      expect(v).toHaveLength(384);
      expect(Array.isArray(v)).toBe(true);
      expect(cosine(v, reference.embeddings[i]!)).toBeGreaterThanOrEqual(0.999);
    });
    const q = await e.embedQuery(reference.sentences[0]!);
    expect(cosine(q, reference.embeddings[0]!)).toBeGreaterThanOrEqual(0.999);
  });

  it('finds by meaning through ElanusVectorStore, with an injected embedder', async () => {
    const embeddings = new ElanusEmbeddings({
      embeddingFunction: new DefaultEmbeddingFunction({ dtype: 'fp32' }),
    });
    const store = await ElanusVectorStore.fromTexts(
      [
        'The cat is sleeping on the warm windowsill.',
        'Interest rates were raised by the central bank.',
        'The striker scored twice in the final match.',
        'Fresh basil and tomatoes make a simple pasta sauce.',
      ],
      [{ topic: 'pets' }, { topic: 'finance' }, { topic: 'sport' }, { topic: 'food' }],
      embeddings,
      { client: new MilvusClient({ uri: 'memory://' }), collectionName: 'rag' },
    );
    const ask = async (q: string) => (await store.similaritySearch(q, 1))[0]?.metadata.topic;
    expect(await ask('a kitten napping in the sun')).toBe('pets');
    expect(await ask('monetary policy and borrowing costs')).toBe('finance');
    expect(await ask('football goals')).toBe('sport');
    expect(await ask('an Italian dinner recipe')).toBe('food');
  });
});
