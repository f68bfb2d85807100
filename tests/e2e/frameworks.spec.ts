// @elanus/langchain and @elanus/llamaindex in Chromium: each framework's vector store (with the real
// @langchain/core / @llamaindex/core) over memory:// and idb://, in the page and through the engine worker.
// The scenarios are packages/{langchain,llamaindex}/test/browser-scenario.ts.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = (pkg: string) => `/@fs${join(root, `packages/${pkg}/test/browser-scenario.ts`)}`;

for (const persistent of [false, true]) {
  for (const worker of [false, true]) {
    const where = `${persistent ? 'idb://' : 'memory://'}${worker ? ', worker' : ', page'}`;
    test(`ElanusVectorStore: add, filtered search, MMR, delete, reopen (${where})`, async ({ harness }) => {
      const uri = persistent ? `idb://lc-${worker ? 'w' : 'p'}-${Date.now()}` : 'memory://';
      const out = await harness.inPage(
        async (_elanus, arg: { scenario: string; uri: string; worker: boolean }) => {
          const m = await import(/* @vite-ignore */ arg.scenario);
          return m.runScenario(arg.uri, arg.worker);
        },
        { scenario: scenario('langchain'), uri, worker },
      );
      expect(out).toEqual({
        top: ['cats purr'],
        wild: ['zebra zigzag'],
        mmr: 2,
        left: ['cats purr', 'dogs bark'],
        kept: persistent ? expect.arrayContaining(['cats purr', 'dogs bark']) : null,
      });
      expect(harness.problems.pageErrors).toEqual([]);
      expect(harness.problems.consoleErrors).toEqual([]);
    });
  }
}

for (const persistent of [false, true]) {
  for (const worker of [false, true]) {
    const where = `${persistent ? 'idb://' : 'memory://'}${worker ? ', worker' : ', page'}`;
    test(`LlamaIndex ElanusVectorStore: add, filtered query, MMR, delete, reopen (${where})`, async ({
      harness,
    }) => {
      const uri = persistent ? `idb://li-${worker ? 'w' : 'p'}-${Date.now()}` : 'memory://';
      const out = await harness.inPage(
        async (_elanus, arg: { scenario: string; uri: string; worker: boolean }) => {
          const m = await import(/* @vite-ignore */ arg.scenario);
          return m.runScenario(arg.uri, arg.worker);
        },
        { scenario: scenario('llamaindex'), uri, worker },
      );
      expect(out).toEqual({
        top: ['cats purr'],
        wild: ['b'],
        mmr: 2,
        left: ['a', 'c'],
        kept: persistent ? ['a', 'c'] : null,
      });
      expect(harness.problems.pageErrors).toEqual([]);
      expect(harness.problems.consoleErrors).toEqual([]);
    });
  }
}
