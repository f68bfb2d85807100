// How each bundler builds the consumer app (tests/consumer/app) as its users would: default settings,
// nothing Elanus-specific. The app lives in a temporary folder outside the workspace, so nothing can
// resolve to the workspace's sources; the bundlers themselves are the workspace's devDependencies.
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
