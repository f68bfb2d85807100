import { defaultClientConditions, defineConfig } from 'vite';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Fixed port: IndexedDB data belongs to the origin (port included), so tests that reopen a profile need
// the same one. HARNESS_PORT moves it when another checkout's harness already holds the default.
const port = Number(process.env.HARNESS_PORT ?? 5180);

export default defineConfig({
  // Tests run against the TypeScript sources: no package build needed before the browser tier.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  optimizeDeps: {
    // Crawl the worker too, so that no dependency is discovered late (that reloads the page mid-test).
    entries: ['index.html', 'src/**/*.ts'],
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
  },
  server: { host: '127.0.0.1', port, strictPort: true, headers: crossOriginIsolation },
  clearScreen: false,
});
