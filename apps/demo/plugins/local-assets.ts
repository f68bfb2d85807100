/**
 * Serves the large local files the demo needs at fixed URLs, without committing them or copying them
 * around: the embedding model (/models/), onnxruntime-web's WASM files matching transformers.js' pinned
 * version (/ort/) and the default corpus (/corpus/).
 *
 * - dev server: streamed from where setup put them (.cache/, node_modules).
 * - production build: hard-linked into dist/ (a copy when linking fails), so `vite preview` (or any
 *   static server) serves them and the build costs no extra disk space.
 * - the service worker (src/sw.ts) gets its precache list injected here: every emitted asset plus these
 *   files, and a version derived from all of them, so a new build replaces the old cache.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

/** One served file: its URL path (under the app's base) and where it is on disk. */
export interface LocalFile {
  url: string;
  file: string;
  /** Without it the page cannot work at all (the build warns; the page says what is missing). */
  required: boolean;
}

const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';
/** What transformers.js fetches for a feature-extraction pipeline with dtype q8 (see ENVIRONMENT.md). */
const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];
const ORT_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];
const CORPUS_FILES = ['wordnet.meta.json', 'wordnet.jsonl', 'wordnet.f32'];

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.onnx': 'application/octet-stream',
  '.f32': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
};

/** The placeholder src/sw.ts declares; replaced by the manifest in the built sw.js. */
export const PRECACHE_PLACEHOLDER = '"__ELANUS_PRECACHE_MANIFEST__"';

export function localFiles(repoRoot: string): LocalFile[] {
  // transformers.js ships the onnxruntime-web build it was tested with; resolve it from @elanus/model,
  // which depends on it (pnpm does not hoist it to the root).
  const req = createRequire(join(repoRoot, 'packages/model/package.json'));
  const transformersDist = dirname(req.resolve('@huggingface/transformers'));
  const modelDir = join(repoRoot, '.cache/models', MODEL);
  return [
    ...MODEL_FILES.map((f) => ({ url: `models/${MODEL}/${f}`, file: join(modelDir, f), required: true })),
    ...ORT_FILES.map((f) => ({ url: `ort/${f}`, file: join(transformersDist, f), required: true })),
    ...CORPUS_FILES.map((f) => ({
      url: `corpus/${f}`,
      file: join(repoRoot, '.cache/corpus', f),
      required: true,
    })),
  ];
}

function serveFrom(files: LocalFile[], base: string) {
  const byUrl = new Map(files.map((f) => [`${base}${f.url}`, f]));
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const hit = byUrl.get(path);
    if (!hit) {
      next();
      return;
    }
    if (!existsSync(hit.file)) {
      // A 404, not the SPA fallback's index.html, which JSON parsers would choke on.
      res.statusCode = 404;
      res.end(`not prepared: ${hit.url} (run bash scripts/setup.sh)`);
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(hit.file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(hit.file).size));
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // The dev server's `server.headers` do not reach this middleware's answers. onnxruntime-web starts
    // its pthreads as module Workers from /ort/*.mjs, and an isolated page refuses a worker script
    // without COEP (the model would then wait forever for its threads). `vite preview` adds both itself.
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    createReadStream(hit.file).pipe(res);
  };
}

function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

export function localAssets(repoRoot: string): Plugin {
  const files = localFiles(repoRoot);
  let config: ResolvedConfig;
  return {
    name: 'elanus-demo-local-assets',
    configResolved(c) {
      config = c;
    },
    configureServer(server) {
      server.middlewares.use(serveFrom(files, server.config.base));
    },
    generateBundle(_options, bundle) {
      const missing = files.filter((f) => f.required && !existsSync(f.file));
      for (const m of missing)
        this.warn(`missing ${m.file} (served at /${m.url}); run bash scripts/setup.sh`);
      const present = files.filter((f) => existsSync(f.file));
      const emitted = Object.keys(bundle).filter((name) => !name.endsWith('.map') && name !== 'sw.js');
      const urls = ['', ...emitted, ...present.map((f) => f.url)].map((u) => `${config.base}${u}`);
      // Version: names of the emitted (content-hashed) assets plus size and mtime of the local files.
      const h = createHash('sha256');
      for (const name of emitted.sort()) h.update(`${name}\n`);
      for (const f of present) {
        const st = statSync(f.file);
        h.update(`${f.url} ${st.size} ${st.mtimeMs}\n`);
      }
      const manifest = JSON.stringify({ version: h.digest('hex').slice(0, 16), urls });
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk' || !sw.code.includes(PRECACHE_PLACEHOLDER)) {
        this.error('sw.js was not built or lost its precache placeholder');
      }
      // Every occurrence: the minifier may inline the constant where it is used.
      sw.code = sw.code.split(PRECACHE_PLACEHOLDER).join(manifest);
    },
    closeBundle() {
      if (config.command !== 'build') return;
      const outDir = resolve(config.root, config.build.outDir);
      for (const f of files) if (existsSync(f.file)) linkOrCopy(f.file, join(outDir, f.url));
    },
  };
}
