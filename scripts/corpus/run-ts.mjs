#!/usr/bin/env node
// Runs a TypeScript script of this repository in Node: bundles it with esbuild, resolving workspace
// packages (@elanus/*) to their TypeScript sources (the `source` condition, as Vite and Vitest do), and
// leaves every other package external, imported from its resolved absolute path. Node 20 cannot run
// TypeScript by itself, and the workspace packages have no dist/ until built.
//   node scripts/corpus/run-ts.mjs scripts/corpus/prepare-corpus.ts [args...]
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/corpus/run-ts.mjs <script.ts> [args...]');
  process.exit(2);
}

/** Bare imports outside the workspace: resolved here (from the importer's folder) and kept external. */
const externalByPath = {
  name: 'external-by-path',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (a) => {
      if (a.path.startsWith('@elanus/') || a.pluginData?.inner || a.path.startsWith('node:'))
        return undefined;
      const r = await b.resolve(a.path, {
        resolveDir: a.resolveDir,
        kind: a.kind,
        pluginData: { inner: true },
      });
      if (r.errors.length > 0) return { errors: r.errors };
      // An absolute path works wherever the bundle is written (pnpm does not hoist to the root).
      return { path: r.path, external: true };
    });
  },
};

/** Vite's `?worker` imports (core's inlined engine worker): Node has no Web Worker, so a stub that says so. */
const viteWorkerStub = {
  name: 'vite-worker-stub',
  setup(b) {
    b.onResolve({ filter: /\?worker(&inline)?$/ }, (a) => ({ path: a.path, namespace: 'vite-worker' }));
    b.onLoad({ filter: /.*/, namespace: 'vite-worker' }, (a) => ({
      contents: `export default class { constructor() { throw new Error(${JSON.stringify(
        `${a.path}: a Web Worker cannot start in Node (run-ts.mjs); use the in-thread engine`,
      )}); } }`,
      loader: 'js',
    }));
  },
};

const outDir = join(root, '.cache/run-ts');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${process.pid}.mjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [viteWorkerStub, externalByPath],
});
process.argv = [process.argv[0] ?? 'node', resolve(entry), ...args];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}
