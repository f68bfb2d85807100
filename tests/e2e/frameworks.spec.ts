// @elanus/langchain in Chromium: the LangChain.js VectorStore (real @langchain/core) over memory:// and
// idb://, in the page and through the engine worker. The scenario is packages/langchain/test/browser-scenario.ts.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = `/@fs${join(root, 'packages/langchain/test/browser-scenario.ts')}`;

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
        { scenario, uri, worker },
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
