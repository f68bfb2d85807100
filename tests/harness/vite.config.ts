import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Fixed port: IndexedDB data belongs to the origin (port included), so tests that reopen a profile need
// the same one. HARNESS_PORT moves it when another checkout's harness already holds the default.
const port = Number(process.env.HARNESS_PORT ?? 5180);

const repo = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Model files for @elanus/model's browser tests, served raw (no Vite transform) and 404 when missing
 * (Vite's SPA fallback would answer index.html): `/models/` is .cache/models (scripts/prepare-models.py),
 * `/ort/` the onnxruntime-web files that transformers.js ships, matching its pinned version.
 */
function modelFiles(): Plugin {
  const transformersDist = dirname(
    createRequire(join(repo, 'packages/model/package.json')).resolve('@huggingface/transformers'),
  );
  const roots: Array<[string, string]> = [
    ['/models/', join(repo, '.cache/models')],
    ['/ort/', transformersDist],
  ];
  const types: Record<string, string> = {
    '.json': 'application/json',
    '.onnx': 'application/octet-stream',
    '.wasm': 'application/wasm',
    '.mjs': 'text/javascript',
  };
  return {
    name: 'elanus-model-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0] ?? '';
        const root = roots.find(([prefix]) => url.startsWith(prefix));
        if (!root) return next();
        const file = normalize(join(root[1], decodeURIComponent(url.slice(root[0].length))));
        let size = -1;
        try {
          const st = file.startsWith(root[1] + sep) ? statSync(file) : undefined;
          if (st?.isFile()) size = st.size;
        } catch {
          size = -1;
        }
        if (size < 0) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(size));
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        // This middleware answers before Vite applies `server.headers`, so isolation is set here too:
        // onnxruntime-web starts its pthreads as module Workers from /ort/*.mjs, and an isolated page
        // refuses a worker script without COEP (the session would then wait forever for its threads).
        for (const [name, value] of Object.entries(crossOriginIsolation)) res.setHeader(name, value);
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  plugins: [modelFiles()],
  // Tests run against the TypeScript sources: no package build needed before the browser tier.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  optimizeDeps: {
    // Crawl the worker too, so that no dependency is discovered late (that reloads the page mid-test).
    // @elanus/model's dense entry points are imported by tests/e2e/model.spec.ts at run time (by /@fs/ URL).
    // @elanus/core's engine worker is its own module graph (idb-keyval is reached only there when a worker
    // opens idb://), so it is an entry too.
    entries: [
      'index.html',
      'src/**/*.ts',
      '../../packages/model/src/dense/index.ts',
      '../../packages/model/src/cache/index.ts',
      '../../packages/core/src/worker/engine.worker.ts',
    ],
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
  },
  // No HMR: an edit anywhere in the workspace while a test runs would otherwise reload the harness page
  // mid-test ("Execution context was destroyed"); a test run serves the files as they were when first loaded.
  server: { host: '127.0.0.1', port, strictPort: true, headers: crossOriginIsolation, hmr: false },
  clearScreen: false,
});
