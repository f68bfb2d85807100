// How each bundler builds the consumer app (tests/consumer/app) as its users would: default settings,
// nothing Elanus-specific. The app lives in a temporary folder outside the workspace, so nothing can
// resolve to the workspace's sources; the bundlers themselves are the workspace's devDependencies.
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(join(repo, 'package.json'));
const viteBin = join(repo, 'node_modules/vite/bin/vite.js');

/** Runs a command to completion; rejects with its output when it fails. */
export function run(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

export async function viteBuild(app: string): Promise<string> {
  const out = join(app, 'dist-vite');
  await run(
    process.execPath,
    [viteBin, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    app,
  );
  return out;
}

export async function esbuildBuild(app: string): Promise<string> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = join(app, 'dist-esbuild');
  await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['src/main.js'],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    outdir: out,
    logLevel: 'warning',
  });
  writeFileSync(
    join(out, 'index.html'),
    readFileSync(join(app, 'index.html'), 'utf8').replace('./src/main.js', './main.js'),
  );
  return out;
}

export async function webpackBuild(app: string): Promise<string> {
  const webpack = require('webpack') as typeof import('webpack');
  const out = join(app, 'dist-webpack');
  const compiler = webpack({
    mode: 'production',
    context: app,
    entry: './src/main.js',
    output: { path: out, filename: 'main.js', clean: true },
    // The app's own node_modules only: the bundler is the workspace's, the packages are not.
    resolve: { modules: [join(app, 'node_modules')] },
    performance: { hints: false },
  });
  await new Promise<void>((resolve, reject) => {
    compiler.run((err, stats) => {
      compiler.close(() => undefined);
      if (err) return reject(err);
      if (stats?.hasErrors()) return reject(new Error(stats.toString('errors-only')));
      resolve();
    });
  });
  // webpack emits a classic script.
  writeFileSync(
    join(out, 'index.html'),
    readFileSync(join(app, 'index.html'), 'utf8').replace(
      '<script type="module" src="./src/main.js"></script>',
      '<script src="./main.js"></script>',
    ),
  );
  return out;
}

/** `vite` (dev server) on `port`: resolves once it answers. */
export function viteDev(app: string, port: number): { ready: Promise<void>; stop(): void } {
  const child = spawn(
    process.execPath,
    [viteBin, '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: app,
      stdio: 'pipe',
    },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`vite dev exited ${child.exitCode}:\n${out}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`);
        if (r.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`vite dev did not answer on ${port}:\n${out}`);
  })();
  return { ready, stop: () => child.kill('SIGTERM') };
}

export function copyTemplate(from: string, to: string, files: string[]): void {
  for (const f of files) copyFileSync(join(from, f), join(to, f));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * A plain static server (no cross-origin isolation headers: most apps have none) over `roots`, each a
 * URL prefix and the folder it serves; pushed onto `servers` to be closed.
 */
export function serveStatic(
  roots: Array<[string, string]>,
  servers: Array<{ close(): void }>,
): Promise<string> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const root = roots.find(([prefix]) => path.startsWith(prefix));
    try {
      if (!root) throw new Error('not found');
      const [prefix, dir] = root;
      const rest = path.slice(prefix.length - 1);
      const file = normalize(join(dir, rest.endsWith('/') ? `${rest}index.html` : rest));
      if (!file.startsWith(dir + sep) || !statSync(file).isFile()) throw new Error('not found');
      res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(readFileSync(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

/**
 * min+gzip bytes of what loads before the first call (initial: the scripts index.html names and what they
 * import statically, transitively; esbuild splits shared code into chunks the entry imports) and of
 * every emitted script (total).
 */
export function measure(dir: string): { initial: number; total: number; files: number } {
  const gz = (f: string) => gzipSync(readFileSync(f), { level: 9 }).length;
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const initial = new Set<string>();
  const stack = [...html.matchAll(/src="\.?\/?([^"]+\.js)"/g)].map((m) => join(dir, m[1] ?? ''));
  while (stack.length) {
    const f = stack.pop()!;
    if (initial.has(f)) continue;
    initial.add(f);
    // Static imports only (`from"./x.js"`, `import"./x.js"`); `import("./x.js")` loads later.
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+\.js)["']/g))
      stack.push(join(dirname(f), m[1] ?? ''));
  }
  const all = jsFiles(dir);
  return {
    initial: [...initial].reduce((s, f) => s + gz(f), 0),
    total: all.reduce((s, f) => s + gz(f), 0),
    files: all.length,
  };
}
