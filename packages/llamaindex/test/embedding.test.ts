// ElanusEmbedding with the real all-MiniLM-L6-v2 (offline, .cache/models) and the real @llamaindex/core:
// parity with sentence-transformers, a semantic query through ElanusVectorStore, and the README's
// LlamaIndex example run as written.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MilvusClient } from '@elanus/core';
import { env } from '@elanus/model';
import { TextNode } from '@llamaindex/core/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { importsOf, README_MODELS, REPO, readmeBlocks, runBlock } from '../../../tests/support/readme-blocks';
import { ElanusEmbedding } from '../src/embedding.js';
import { ElanusVectorStore } from '../src/index.js';

const ready = existsSync(`${README_MODELS}sentence-transformers/all-MiniLM-L6-v2/onnx/model.onnx`);
const reference = JSON.parse(
  readFileSync(`${REPO}/packages/model/test/fixtures/minilm-reference.json`, 'utf8'),
) as { sentences: string[]; embeddings: number[][] };

const cosine = (a: number[], b: number[]) => {
  let d = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    x += a[i]! * a[i]!;
    y += b[i]! * b[i]!;
  }
  return d / Math.sqrt(x * y);
};

describe('ElanusEmbedding: checks that need no model', () => {
  it('refuses an embeddingFunction without encodeDocuments/encodeQueries, naming the parameter', () => {
    expect(() => new ElanusEmbedding({ embeddingFunction: {} as never })).toThrow(
      /invalid parameter embeddingFunction: expected an object with encodeDocuments\(\) and encodeQueries\(\)/,
    );
  });

  it('embeds text queries ({ type: "text" } too) and gives null for other content', async () => {
    const e = new ElanusEmbedding({
      embeddingFunction: {
        async encodeDocuments(d) {
          return d.map((t) => [t.length, 0]);
        },
        async encodeQueries(q) {
          return q.map((t) => [0, t.length]);
        },
      },
    });
    expect(await e.getTextEmbedding('abc')).toEqual([3, 0]);
    expect(await e.getTextEmbeddings(['a', 'bb'])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(await e.getQueryEmbedding('abcd')).toEqual([0, 4]);
    expect(await e.getQueryEmbedding({ type: 'text', text: 'ab' })).toEqual([0, 2]);
    expect(await e.getQueryEmbedding({ type: 'image_url', image_url: { url: 'x' } } as never)).toBeNull();
  });
});

describe.skipIf(!ready)('ElanusEmbedding over the real all-MiniLM-L6-v2', () => {
  beforeAll(() => {
    Object.assign(env, {
      allowRemoteModels: false,
      allowLocalModels: true,
      localModelPath: README_MODELS,
      useIndexedDBCache: false,
    });
  });

  it('matches sentence-transformers (cosine >= 0.999) and finds by meaning through the store', async () => {
    const embedModel = new ElanusEmbedding({ modelOptions: { dtype: 'fp32' } });
    const v = await embedModel.getTextEmbeddings(reference.sentences.slice(0, 3));
    v.forEach((x, i) => {
      expect(x).toHaveLength(384);
      expect(cosine(x, reference.embeddings[i]!)).toBeGreaterThanOrEqual(0.999);
    });
    const texts = [
      'The cat is sleeping on the warm windowsill.',
      'Interest rates were raised by the central bank.',
      'The striker scored twice in the final match.',
    ];
    const nodes = await Promise.all(
      texts.map(
        async (text, i) =>
          new TextNode({ id_: `n${i}`, text, embedding: await embedModel.getTextEmbedding(text) }),
      ),
    );
    const store = new ElanusVectorStore({
      client: new MilvusClient({ uri: 'memory://' }),
      collectionName: 'li',
      embedModel,
    });
    await store.add(nodes);
    const ask = async (q: string) =>
      (
        await store.query({
          queryEmbedding: (await embedModel.getQueryEmbedding(q))!,
          similarityTopK: 1,
          mode: 'default' as never,
        })
      ).ids[0];
    expect(await ask('a kitten napping in the sun')).toBe('n0');
    expect(await ask('monetary policy and borrowing costs')).toBe('n1');
    expect(await ask('football goals')).toBe('n2');
  });

  it('the README LlamaIndex example runs as written and finds the football sentence', async () => {
    const blocks = readmeBlocks().filter((b) => importsOf(b).some((f) => f.startsWith('@elanus/llamaindex')));
    expect(blocks).toHaveLength(1);
    const mod = await runBlock<{ found: { nodes?: { getContent(m?: unknown): string }[]; ids: string[] } }>(
      blocks[0]!,
      fileURLToPath(new URL('.', import.meta.url)),
      ['store', 'found'],
    );
    expect(mod.found.ids).toHaveLength(1);
    expect(mod.found.nodes?.[0]?.getContent()).toMatch(/striker/);
  });
});
