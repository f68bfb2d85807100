/**
 * The benchmark orchestrator behind `pnpm bench` (bench/run.mjs starts it through tsx):
 *   pnpm bench                      every scenario, Node then Chromium (page and worker)
 *   pnpm bench flat hnsw            only these scenarios
 *   --node-only / --browser-only    one side only
 *   --quick                         small sizes (checks the harness, numbers are not meaningful)
 *   --profile                       Node scenarios under --cpu-prof (bench/profiles/)
 * Results: bench/results/<date>-<machine>.json (merged per scenario and runtime), then BENCHMARKS.md and
 * bench/plots/*.svg are regenerated from that file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime, ScenarioResult } from './lib/types.js';
import { SCENARIOS } from './registry.js';
import { writeReport } from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BENCH = join(ROOT, 'bench');
const BUILD = join(BENCH, '.build');

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  commit: string | null;
  dirty: boolean | null;
}

export interface ResultsFile {
  date: string;
  machine: string;
  info: MachineInfo;
  /** Wall seconds of the last full `pnpm bench` (all scenarios), if one ran today. */
  totalSeconds?: number;
  lastRun: { scenarios: string[]; seconds: number; quick: boolean; at: string };
  results: ScenarioResult[];
}

function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model?.trim() || 'unknown CPU';
  const lscpu = sh('lscpu', []);
  const m = lscpu && /Model name:\s*(.+)/.exec(lscpu);
  if (m) cpu = m[1]!.trim();
  let os = `Linux ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) os = `${pretty[1]} (kernel ${release()})`;
  } catch {}
  const status = sh('git', ['status', '--porcelain']);
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    node: process.version,
    chromium: null,
    loadAverageStart: loadavg().map((x) => Math.round(x * 100) / 100),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    dirty: status === null ? null : status.length > 0,
  };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|\d+-core/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function parseArgs(argv: string[]) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const names = argv.filter((a) => !a.startsWith('--'));
  for (const n of names) {
    if (!SCENARIOS.some((s) => s.name === n)) {
      console.error(`unknown scenario ${n}; one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      process.exit(2);
    }
  }
  return {
    names,
    quick: flags.has('--quick'),
    node: !flags.has('--browser-only'),
    browser: !flags.has('--node-only'),
    profile: flags.has('--profile'),
  };
}

/** hnswlib-node ships sources only; pnpm skips its build (root package.json). Build it once, offline. */
function ensureHnswlibNode(): void {
  let dir: string;
  try {
    dir = realpathSync(join(ROOT, 'node_modules/hnswlib-node'));
  } catch {
    return;
  }
  if (existsSync(join(dir, 'build/Release/addon.node'))) return;
  const gyp = [
    '/usr/lib/node_modules/pnpm/dist/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ].find(existsSync);
  // Headers of the running Node: Debian's nodejs package installs them under /usr/include/node.
  const nodedir = ['/usr', resolve(dirname(process.execPath), '..')].find((d) =>
    existsSync(join(d, 'include/node/node.h')),
  );
  if (!gyp || !nodedir) {
    console.log('  hnswlib-node: not built and no node-gyp/headers found; its sides will be skipped');
    return;
  }
  console.log(`  hnswlib-node: building from source (node-gyp --nodedir=${nodedir}, once, ~30 s)`);
  try {
    execFileSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], { cwd: dir, stdio: 'ignore' });
  } catch {
    console.log('  hnswlib-node: build failed; its sides will be skipped');
  }
}

function runNode(name: string, quick: boolean, profile: boolean): Promise<ScenarioResult | null> {
  const out = join(tmpdir(), `elanus-bench-${process.pid}-${name}.json`);
  const args = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', '--conditions=source'];
  if (profile) {
    mkdirSync(join(BENCH, 'profiles'), { recursive: true });
    args.push(
      '--cpu-prof',
      `--cpu-prof-dir=${join(BENCH, 'profiles')}`,
      `--cpu-prof-name=${name}.cpuprofile`,
    );
  }
  args.push(join(BENCH, 'src/node-main.ts'), name, out);
  if (quick) args.push('--quick');
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        // hnswlib-wasm's IDBFS notices in Node are harmless.
        if (line.trim() && !/IDBFS|syncing FS|^\s+at |wasm-function|Aborted\(/.test(line)) console.log(line);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('exit', (code) => {
      if (code !== 0 || !existsSync(out)) {
        console.log(`  [node] ${name} failed (exit ${code})`);
        resolveP(null);
        return;
      }
      const r = JSON.parse(readFileSync(out, 'utf8')) as ScenarioResult;
      rmSync(out, { force: true });
      resolveP(r);
    });
  });
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Static server for the Chromium runs, cross-origin isolated (COOP/COEP) for precise timers and threads. */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file: string | null = null;
    if (path === '/' || path === '/index.html') file = join(BENCH, 'browser/index.html');
    else if (path.startsWith('/files/.cache/corpus/')) file = join(ROOT, path.slice('/files/'.length));
    else if (/^\/[\w.-]+$/.test(path)) file = join(BUILD, path.slice(1));
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (!file || !existsSync(file) || file.includes('..')) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((r) => {
    server.listen(Number(process.env.BENCH_PORT ?? 5297), '127.0.0.1', () => {
      const a = server.address() as { port: number };
      r({ server, url: `http://127.0.0.1:${a.port}` });
    });
  });
}

async function bundle(): Promise<void> {
  const { build } = await import('esbuild');
  rmSync(BUILD, { recursive: true, force: true });
  const common = {
    bundle: true,
    format: 'esm' as const,
    platform: 'browser' as const,
    target: 'es2022',
    sourcemap: true,
    logLevel: 'error' as const,
    conditions: ['source'],
    // Native peers are loaded only in Node (never reached in the browser).
    external: ['node:*', 'hnswlib-node', 'usearch', 'onnxruntime-node'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      {
        // core's default worker is a Vite `?worker&inline` import (the library build inlines it); here the
        // engine worker is its own entry next to bench.js, so the import becomes a Worker over that file.
        name: 'vite-inline-worker',
        setup(b: import('esbuild').PluginBuild) {
          b.onResolve({ filter: /\?worker&inline$/ }, (a) => ({ path: a.path, namespace: 'inline-worker' }));
          b.onLoad({ filter: /.*/, namespace: 'inline-worker' }, () => ({
            contents: `export default function EngineWorker(options) {
  return new Worker(new URL('./engine.worker.js', import.meta.url), { ...options, type: 'module' });
}`,
            loader: 'js',
          }));
        },
      },
    ],
  };
  await build({
    ...common,
    entryPoints: {
      bench: join(BENCH, 'src/browser-main.ts'),
      'bench-worker': join(BENCH, 'src/bench-worker.ts'),
      // `worker: true` starts new URL('./engine.worker.js', import.meta.url): next to bench.js.
      'engine.worker': join(ROOT, 'packages/core/src/worker/engine.worker.ts'),
    },
    outdir: BUILD,
  });
}

/** What bench/src/browser-main.ts installs on the page. */
interface BenchWindow {
  bench: {
    run(name: string, opts: { quick?: boolean; phase?: string }): Promise<ScenarioResult>;
    runInWorker(name: string, opts: { quick?: boolean }): Promise<ScenarioResult>;
  };
}

interface BrowserPlan {
  name: string;
  runtime: 'page' | 'worker';
}

async function runBrowser(plan: BrowserPlan[], quick: boolean, info: MachineInfo): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  if (plan.length === 0) return out;
  const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(exe)) {
    console.log(`  Chromium not found at ${exe}: browser scenarios skipped`);
    return out;
  }
  const { chromium } = await import('@playwright/test');
  await bundle();
  const { server, url } = await serve();
  const profileDir = join(tmpdir(), `elanus-bench-profile-${process.pid}`);
  const launch = () =>
    chromium.launchPersistentContext(profileDir, {
      executablePath: exe,
      args: ['--enable-unsafe-webgpu'],
      chromiumSandbox: false,
      headless: true,
    });
  let ctx = await launch();
  info.chromium = ctx.browser()?.version() ?? null;
  const open = async () => {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('  [')) console.log(t);
    });
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    return page;
  };
  try {
    if (!info.chromium) {
      const v = sh(exe, ['--version']);
      info.chromium = v ? v.replace(/^.*?(\d[\d.]+).*$/s, '$1') : null;
    }
    for (const p of plan) {
      const t = Date.now();
      console.log(`▶ ${p.name} (${p.runtime})`);
      try {
        let r: ScenarioResult;
        if (p.name === 'coldopen') {
          // Write, restart the browser on the same profile, then open: a cold IndexedDB read.
          const w = await open();
          await w.evaluate(
            ({ q }) => (window as unknown as BenchWindow).bench.run('coldopen', { quick: q, phase: 'write' }),
            { q: quick },
          );
          await ctx.close();
          ctx = await launch();
          const o = await open();
          r = await o.evaluate(
            ({ q }) => (window as unknown as BenchWindow).bench.run('coldopen', { quick: q, phase: 'open' }),
            { q: quick },
          );
          await o.close();
        } else {
          const page = await open();
          r = await page.evaluate(
            ({ n, rt, q }) => {
              const b = (window as unknown as BenchWindow).bench;
              return rt === 'worker' ? b.runInWorker(n, { quick: q }) : b.run(n, { quick: q });
            },
            { n: p.name, rt: p.runtime, q: quick },
          );
          await page.close();
        }
        out.push(r);
        console.log(`  done in ${Math.round((Date.now() - t) / 1000)} s`);
      } catch (e) {
        console.log(`  [${p.runtime}] ${p.name} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await ctx.close();
    server.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const info = machineInfo();
  const selected = SCENARIOS.filter((s) => args.names.length === 0 || args.names.includes(s.name));
  console.log(
    `Elanus bench: ${selected.map((s) => s.name).join(', ')}${args.quick ? ' (quick)' : ''} — ${info.cpu}, ${info.cores} cores, load ${info.loadAverageStart.join(' ')}`,
  );
  const results: ScenarioResult[] = [];
  if (args.node) {
    if (selected.some((s) => s.runtimes.includes('node') && ['flat', 'hnsw', 'hnsw-real'].includes(s.name))) {
      ensureHnswlibNode();
    }
    for (const s of selected.filter((x) => x.runtimes.includes('node'))) {
      const t = Date.now();
      console.log(`▶ ${s.name} (node)`);
      const r = await runNode(s.name, args.quick, args.profile);
      if (r) {
        results.push(r);
        console.log(`  done in ${Math.round((Date.now() - t) / 1000)} s`);
      }
    }
  }
  if (args.browser) {
    const plan: BrowserPlan[] = [];
    for (const rt of ['page', 'worker'] as const) {
      for (const s of selected)
        if (s.runtimes.includes(rt as Runtime)) plan.push({ name: s.name, runtime: rt });
    }
    results.push(...(await runBrowser(plan, args.quick, info)));
  }
  info.loadAverageEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const seconds = Math.round((Date.now() - t0) / 1000);

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${slug(info.cpu)}-${info.cores}c-${Math.round(info.memoryGiB)}g`;
  const file = join(BENCH, 'results', `${date}-${machine}${args.quick ? '-quick' : ''}.json`);
  mkdirSync(dirname(file), { recursive: true });
  let prev: ResultsFile | null = null;
  if (existsSync(file)) prev = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  const key = (r: ScenarioResult) => `${r.scenario}/${r.runtime}`;
  const fresh = new Set(results.map(key));
  const merged = [...(prev?.results ?? []).filter((r) => !fresh.has(key(r))), ...results];
  const order = (r: ScenarioResult) =>
    SCENARIOS.findIndex((s) => s.name === r.scenario) * 3 + ['node', 'page', 'worker'].indexOf(r.runtime);
  merged.sort((a, b) => order(a) - order(b));
  const full = args.names.length === 0 && args.node && args.browser;
  const data: ResultsFile = {
    date,
    machine,
    info: { ...info, chromium: info.chromium ?? prev?.info.chromium ?? null },
    ...(full ? { totalSeconds: seconds } : prev?.totalSeconds ? { totalSeconds: prev.totalSeconds } : {}),
    lastRun: {
      scenarios: selected.map((s) => s.name),
      seconds,
      quick: args.quick,
      at: new Date().toISOString(),
    },
    results: merged,
  };
  writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
  if (!args.quick) writeReport(data, ROOT);
  console.log(
    `\nbench: ${results.length} results in ${seconds} s → ${file.slice(ROOT.length + 1)}${args.quick ? '' : ', BENCHMARKS.md'}`,
  );
}

await main();
