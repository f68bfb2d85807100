// The README's LangChain example, extracted and run as written in Node with the real all-MiniLM-L6-v2
// (tests/e2e/readme.spec.ts runs the core examples in Chromium). It must find the cat sentence.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { env } from '@elanus/model';
import { describe, expect, it } from 'vitest';
import { importsOf, README_MODELS, readmeBlocks, runBlock } from '../../../tests/support/readme-blocks';

const blocks = readmeBlocks().filter((b) => importsOf(b).some((f) => f.startsWith('@elanus/langchain')));

describe.skipIf(!existsSync(`${README_MODELS}sentence-transformers/all-MiniLM-L6-v2/onnx/model.onnx`))(
  'README LangChain example',
  () => {
    it('runs as written and retrieves by meaning', async () => {
      expect(blocks).toHaveLength(1);
      Object.assign(env, {
        allowRemoteModels: false,
        allowLocalModels: true,
        localModelPath: README_MODELS,
        useIndexedDBCache: false,
      });
      const mod = await runBlock<{ best: { pageContent: string; metadata: { topic: string } } }>(
        blocks[0]!,
        fileURLToPath(new URL('.', import.meta.url)),
        ['store', 'best'],
      );
      expect(mod.best.metadata.topic).toBe('pets');
      expect(mod.best.pageContent).toMatch(/cat/);
    });
  },
);
