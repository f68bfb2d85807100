// The README's TypeScript examples, extracted and run in Chromium through the public API, so they cannot
// rot: each ```ts block runs as written, its `@elanus/core` imports bound to the harness page's module.
// Names a snippet uses without defining (`vector`, `queryVector`: an app's embeddings) get 384-d values.
import { transformSync } from 'esbuild';
import { importsOf, readmeBlocks } from '../support/readme-blocks';
import { expect, test } from './fixtures';

const all = readmeBlocks();
// Blocks that use a framework adapter run in Node with the real model: packages/langchain/test/readme-example.test.ts
// and packages/llamaindex/test/embedding.test.ts.
const inNode = (block: string) =>
  importsOf(block).some((f) => f.startsWith('@elanus/langchain') || f.startsWith('@elanus/llamaindex'));
const blocks = all.filter((b) => !inNode(b));

/** The block as the body of an async function of `elanus`, returning the variables it declared. */
function runnable(block: string): string {
  const imports = [...block.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)';?$/gm)];
  for (const [, , from] of imports) {
    if (from !== '@elanus/core') throw new Error(`README block imports ${from}: bind it in readme.spec.ts`);
  }
  let body = block.replace(/^import[^;]*;?$/gm, '');
  body = transformSync(body, { loader: 'ts', format: 'esm' }).code;
  const names = [...body.matchAll(/^(?:const|let)\s+(?:\{\s*([^}]+)\}|(\w+))\s*=/gm)].flatMap(([, a, b]) =>
    (a ?? b ?? '').split(',').map((n) => n.trim().split(':').pop()!.trim()),
  );
  const bindings = imports.map(([, list]) => `const {${list}} = elanus;`).join('\n');
  return `async (elanus) => {
    ${bindings}
    const vector = Array.from({ length: 384 }, (_, i) => Math.sin(i));
    const queryVector = vector;
    ${body}
    return { ${names.filter(Boolean).join(', ')} };
  }`;
}

test('the README has TypeScript examples to run, each one run here or in the Node suite', () => {
  expect(blocks.length).toBeGreaterThan(0);
  for (const b of blocks)
    for (const f of importsOf(b)) expect(f, 'a README import with no binding').toBe('@elanus/core');
  expect(all.filter(inNode).length).toBeGreaterThan(0);
});

blocks.forEach((block, i) => {
  test(`README example ${i + 1} runs as written`, async ({ harness }) => {
    const src = runnable(block);
    const out = (await harness.page.evaluate((s) => window.harness.runInPage(s), src)) as Record<
      string,
      unknown
    >;
    expect(harness.problems.pageErrors).toEqual([]);
    if (i === 0) {
      // The "Use it" example: the row it inserted comes back from the filtered search and the hybrid one.
      const results = out.results as { text: string }[];
      expect(results.map((h) => h.text)).toEqual(['Alan Turing was born in London']);
      expect((out.hybrid as { results: unknown[] }).results).toHaveLength(1);
    }
  });
});
