// The README's ```ts examples, for the tests that run them as written (tests/e2e/readme.spec.ts in
// Chromium; the framework packages' readme-example tests in Node with the real model).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Every ```ts block of README.md, in order. */
export function readmeBlocks(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** The packages a block imports from. */
export function importsOf(block: string): string[] {
  return [...block.matchAll(/from\s*'([^']+)'/g)].map((m) => m[1]!);
}

/**
 * Runs a block as a module in `dir` (inside the package whose name it imports, so the import resolves
 * there) and returns the names it declared in `exported`.
 */
export async function runBlock<T>(block: string, dir: string, exported: string[]): Promise<T> {
  const file = join(dir, `.readme-example-${process.pid}-${Date.now()}.generated.ts`);
  writeFileSync(file, `${block}\nexport { ${exported.join(', ')} };\n`);
  try {
    return (await import(/* @vite-ignore */ file)) as T;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Where scripts/setup.d/20-models.sh puts the model files the examples load offline. */
export const README_MODELS = join(REPO, '.cache/models/');
