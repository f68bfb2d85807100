// The README's LangChain example, extracted and run as written in Node with the real all-MiniLM-L6-v2
// (tests/e2e/readme.spec.ts runs the other README examples in Chromium). It must find the cat sentence.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { env } from '@elanus/model';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODELS = `${ROOT}.cache/models/`;
const ready = existsSync(`${MODELS}sentence-transformers/all-MiniLM-L6-v2/onnx/model.onnx`);
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const blocks = [...README.matchAll(/^```ts\n([\s\S]*?)^```/gm)]
  .map((m) => m[1]!)
  .filter((b) => /from\s*'@elanus\/langchain/.test(b));
const generated = fileURLToPath(new URL('./.readme-example.generated.ts', import.meta.url));

afterAll(() => rmSync(generated, { force: true }));

describe.skipIf(!ready)('README LangChain example', () => {
  it('runs as written and retrieves by meaning', async () => {
    expect(blocks).toHaveLength(1);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = MODELS;
    env.useIndexedDBCache = false;
    // The block as a module that exports what it computed; vitest resolves its imports like ours.
    writeFileSync(generated, `${blocks[0]}\nexport { store, best };\n`);
    const mod = (await import(/* @vite-ignore */ generated)) as {
      best: { pageContent: string; metadata: { topic: string } };
    };
    expect(mod.best.metadata.topic).toBe('pets');
    expect(mod.best.pageContent).toMatch(/cat/);
  });
});
