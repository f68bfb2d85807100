import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { localAssets } from './plugins/local-assets';

// SharedArrayBuffer (threaded WASM, shared arenas) needs a cross-origin isolated page.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
// Fixed port: IndexedDB and the service worker belong to the origin, port included (tests reopen it).
const port = Number(process.env.DEMO_PORT ?? 4173);

export default defineConfig({
  resolve: {
    // `source`: workspace packages resolve to their TypeScript, so the demo needs no package build.
    // `onnxruntime-web-use-extern-wasm`: onnxruntime-web's build that loads its .mjs/.wasm from
    // `wasmPaths` (served at /ort/ by localAssets) instead of bundling a second 21 MB copy of the wasm.
    conditions: ['source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  plugins: [localAssets(repoRoot)],
  worker: { format: 'es' },
  // Pre-bundling these breaks their own wasm/worker file loading.
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  server: { host: '127.0.0.1', headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', port, strictPort: true, headers: crossOriginIsolation },
  build: {
    target: 'es2022',
    sourcemap: true,
    // transformers.js is one large module; it loads in the model worker, never on the main thread.
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      // The service worker is its own entry, at a fixed URL (its scope is the folder it is served from).
      input: { index: here('./index.html'), sw: here('./src/sw.ts') },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
