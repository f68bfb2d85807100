import { defaultClientConditions, defineConfig } from 'vite';

// SharedArrayBuffer (threaded WASM, shared arenas) needs a cross-origin isolated page.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // `source` makes workspace packages resolve to their TypeScript, so the demo needs no package build.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  // Pre-bundling these breaks their own wasm/worker file loading.
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  server: { host: '127.0.0.1', headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: crossOriginIsolation },
  build: { target: 'es2022', sourcemap: true },
});
