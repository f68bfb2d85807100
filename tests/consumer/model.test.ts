// The consumer tier for @elanus/model: the packed tarballs of core, model and milvus installed into a
// fresh app as a user would (registry for the dependencies, install scripts on, no ONNXRUNTIME_* skip
// variables), so an install that downloads or pulls Node-only runtimes fails here. Then: BM25 and the
// clear "optional peer" error in Node; BM25 and all-MiniLM-L6-v2 in Chromium through each bundler's
// build of the app, served offline (model files and onnxruntime-web's .wasm from the app's server).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  copyTemplate,
  esbuildBuild,
  measure,
  repo,
  run,
  serveStatic,
  viteBuild,
  webpackBuild,
} from './bundlers';

const template = join(repo, 'tests/consumer/model-app');
const models = join(repo, '.cache/models');
// min+gzip: what the app loads before its first call (core and model's entries, measured 140–147 kB:
// model's entry holds the NLTK stop-word lists and Punkt parameters of every BM25 language).
// transformers.js and onnxruntime-web are lazy chunks, loaded by the first dense encode (measured in the
// log line, not budgeted: third-party code).
const INITIAL_BUDGET = 155_000;

let root = '';
let app = '';
let browser: Browser;
let installLog = '';
const servers: Array<{ close(): void }> = [];
const origins = new Map<string, string>();
const sizes: Record<string, { initial: number; total: number; files: number }> = {};

/** Bytes under `dir`, following no links. */
function du(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const s = statSync(join(dir, f), { throwIfNoEntry: false });
    if (s?.isFile()) total += s.size;
  }
  return total;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'elanus-consumer-model-'));
  app = join(root, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  const tarballs: string[] = [];
  for (const pkg of ['core', 'model', 'milvus']) {
    const before = new Set(readdirSync(root));
    await run('pnpm', ['pack', '--pack-destination', root], join(repo, 'packages', pkg));
    const made = readdirSync(root).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!made) throw new Error(`pnpm pack wrote no tarball for ${pkg}`);
    tarballs.push(join(root, made));
  }
  copyTemplate(template, app, ['index.html', 'src/main.js']);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer-model-app', private: true, type: 'module', dependencies: {} }, null, 2),
  );
  // `env -u`: the workspace's own setup skips onnxruntime-node's download; a user's shell does not.
  installLog = await run(
    'env',
    [
      '-u',
      'ONNXRUNTIME_NODE_INSTALL',
      '-u',
      'ONNXRUNTIME_NODE_INSTALL_CUDA',
      'npm',
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs,
    ],
    app,
  );
  const builds = {
    vite: await viteBuild(app),
    esbuild: await esbuildBuild(app),
    webpack: await webpackBuild(app),
  };
  const ort = join(app, 'node_modules/onnxruntime-web/dist');
  for (const [name, dir] of Object.entries(builds)) {
    sizes[name] = measure(dir);
    origins.set(
      name,
      await serveStatic(
        [
          ['/models/', models],
          ['/ort/', ort],
          ['/', dir],
        ],
        servers,
      ),
    );
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
  });
  console.log(
    `model consumer: node_modules ${(du(join(app, 'node_modules')) / 1e6).toFixed(1)} MB; bundles (min+gzip):`,
    Object.entries(sizes)
      .map(
        ([k, v]) =>
          `${k}: initial ${(v.initial / 1000).toFixed(1)} kB, all ${(v.total / 1000).toFixed(1)} kB in ${v.files} files`,
      )
      .join('; '),
  );
}, 900_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('@elanus/model installed from its packed tarball', () => {
  test('the install carries no Node-only runtime and ran no download', () => {
    const nm = join(app, 'node_modules');
    for (const heavy of ['onnxruntime-node', 'sharp', '@img', '@huggingface/transformers']) {
      expect(existsSync(join(nm, heavy)), heavy).toBe(false);
    }
    expect(existsSync(join(nm, 'onnxruntime-web'))).toBe(true);
    expect(existsSync(join(nm, '@elanus/model/dist/vendor/transformers.web.js'))).toBe(true);
    expect(installLog).not.toMatch(/download|cuda/i);
    // Before (transformers.js as a dependency): 452 MB, 208 MB of it onnxruntime-node.
    expect(du(nm)).toBeLessThan(150e6);
  });

  test('Node: BM25 runs; a dense model names the optional peer dependency it needs', async () => {
    const script = `
      import { BM25EmbeddingFunction, buildDefaultAnalyzer, DefaultEmbeddingFunction } from '@elanus/model';
      const bm25 = new BM25EmbeddingFunction(buildDefaultAnalyzer('en'));
      bm25.fit(['the cat sat', 'dogs bark loudly']);
      const [v] = bm25.encodeQueries(['cat']);
      let error = null;
      try { await new DefaultEmbeddingFunction().encodeQueries(['x']); } catch (e) { error = { code: e.code, message: e.message }; }
      console.log(JSON.stringify({ terms: v.indices.length, error }));`;
    const out = await run(process.execPath, ['--input-type=module', '-e', script], app);
    const res = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    expect(res.terms).toBe(1);
    expect(res.error.code).toBe('Unavailable');
    expect(res.error.message).toMatch(/@huggingface\/transformers/);
  });

  test('the app loads little before its first call (min+gzip)', () => {
    for (const [name, s] of Object.entries(sizes)) {
      expect(s.initial, `${name} initial`).toBeGreaterThan(0);
      expect(s.initial, `${name} initial`).toBeLessThanOrEqual(INITIAL_BUDGET);
    }
  });

  test.each(['vite', 'esbuild', 'webpack'])(
    '%s build: BM25 and all-MiniLM-L6-v2 in Chromium, offline',
    async (bundler) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      // Nothing may leave the machine (transformers.js' default wasm location is a CDN).
      await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (r) => {
        problems.push(`remote request: ${r.request().url()}`);
        return r.abort();
      });
      try {
        await page.goto(`${origins.get(bundler)}/`);
        await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
        const out = (await page.evaluate(
          (cfg) =>
            (window as unknown as { elanusModelScenario(c: unknown): Promise<unknown> }).elanusModelScenario(
              cfg,
            ),
          { modelPath: '/models/', ortPath: '/ort/' },
        )) as { bm25Terms: number; dim: number; norm: number; top: string[] };
        expect(out.bm25Terms).toBe(1);
        expect(out.dim).toBe(384);
        expect(out.norm).toBeCloseTo(1, 4);
        // "a small cat resting": the two cat documents, by meaning (ids 0 and 2).
        expect([...out.top].sort()).toEqual(['0', '2']);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
