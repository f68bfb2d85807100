#!/usr/bin/env node
// Bundle-size check: for each public entry of packages/*, bundle its built dist file the way an app would
// (esbuild: bundle, minify, ESM, browser, dependencies included), gzip, and compare with size-budgets.json.
//   node scripts/size.mjs [--report FILE]   (FILE gets {"passed":n,"failed":n} for scripts/test.sh)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8'));
const reportArg = process.argv.indexOf('--report');
const reportFile = reportArg >= 0 ? process.argv[reportArg + 1] : undefined;

const packages = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
const siblings = packages.map((p) => p.pkg.name);

/** The file an app's bundler picks for an export: its `default` (or `import`) condition. */
function target(value) {
  if (typeof value === 'string') return value;
  return value?.import ?? value?.default;
}

/**
 * Output files loaded on import: the entry chunk and what it imports statically, transitively.
 * `entry` is the entry file relative to the build's working directory: esbuild marks the targets of
 * dynamic imports as entry points too, so "the first output with an entryPoint" can be a lazy chunk.
 */
function initialChunks(outputs, entry) {
  const seen = new Set();
  const stack = [Object.keys(outputs).find((o) => outputs[o].entryPoint === entry)];
  while (stack.length) {
    const o = stack.pop();
    if (!o || seen.has(o)) continue;
    seen.add(o);
    for (const imp of outputs[o].imports)
      if (imp.kind === 'import-statement' && !imp.external) stack.push(imp.path);
  }
  return seen;
}

/**
 * What fills an entry: its TypeScript source (the `source` export condition) bundled the same way, with
 * minified bytes grouped by dependency or by source folder, largest first. The dist chunks would only
 * name themselves.
 */
async function contributors(sourceFile, outdir) {
  const result = await build({
    entryPoints: [sourceFile],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    outdir,
    write: false,
    metafile: true,
    conditions: ['source'],
    external: siblings.flatMap((s) => [s, `${s}/*`]),
    loader: { '.wasm': 'file', '.onnx': 'file' },
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const by = {};
  const inputs = [...initialChunks(outputs, relative(root, sourceFile))].flatMap((o) =>
    Object.entries(outputs[o].inputs),
  );
  for (const [input, { bytesInOutput }] of inputs) {
    const dep = input.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const key = dep
      ? dep[1]
      : input.replace(/^packages\/([^/]+)\/src\/((?:[^/]+\/)?).*/, '@elanus/$1 src/$2');
    by[key] = (by[key] ?? 0) + bytesInOutput;
  }
  return Object.entries(by)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => `${kb(v).padStart(9)}  ${k}`);
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n === undefined ? '' : `${(n / 1000).toFixed(1)} kB`);

const rows = [];
let passed = 0;
let failed = 0;
const seen = new Set();
const outRoot = mkdtempSync(join(tmpdir(), 'elanus-size-'));
try {
  for (const { dir, pkg } of packages) {
    for (const [sub, value] of Object.entries(pkg.exports ?? {})) {
      if (sub === './package.json') continue;
      const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      seen.add(spec);
      const rule = config.entries[spec];
      const row = { spec, initial: undefined, lazy: undefined, budget: rule?.budget, status: '' };
      rows.push(row);
      if (!rule) {
        row.status = 'FAIL: no budget in size-budgets.json';
        failed++;
        continue;
      }
      if (rule.skip) {
        row.status = `skipped: ${rule.skip}`;
        continue;
      }
      const file = join(dir, target(value) ?? '');
      if (!target(value) || !existsSync(file)) {
        row.status = `FAIL: ${relative(root, file)} missing (run the build tier first)`;
        failed++;
        continue;
      }
      const outdir = join(outRoot, spec.replaceAll('/', '_'));
      try {
        const result = await build({
          entryPoints: [file],
          bundle: true,
          minify: true,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          splitting: true, // separates what loads on import from what loads later via import()
          outdir,
          absWorkingDir: root, // metafile paths are relative to this
          metafile: true,
          // Peer dependencies (a framework the app already has) are the app's bytes, not ours.
          external: [...siblings, ...Object.keys(pkg.peerDependencies ?? {})].flatMap((s) => [s, `${s}/*`]),
          loader: { '.wasm': 'file', '.onnx': 'file' },
          logLevel: 'error',
        });
        const outputs = result.metafile.outputs;
        const sizes = Object.fromEntries(
          Object.keys(outputs).map((o) => [o, o.endsWith('.js') ? gz(readFileSync(join(root, o))) : 0]),
        );
        const initial = initialChunks(outputs, relative(root, file));
        row.initial = [...initial].reduce((s, o) => s + sizes[o], 0);
        row.lazy = Object.keys(outputs)
          .filter((o) => !initial.has(o))
          .reduce((s, o) => s + (sizes[o] || outputs[o].bytes), 0);
        if (row.initial <= rule.budget) {
          row.status = 'ok';
          passed++;
        } else {
          row.status = `FAIL: over budget by ${kb(row.initial - rule.budget)}`;
          const source = typeof value === 'object' && value?.source;
          if (source) row.why = await contributors(join(dir, source), `${outdir}-why`).catch(() => undefined);
          failed++;
        }
      } catch (e) {
        row.status = `FAIL: esbuild: ${e instanceof Error ? e.message.split('\n')[0] : e}`;
        failed++;
      }
    }
  }
} finally {
  rmSync(outRoot, { recursive: true, force: true });
}
for (const spec of Object.keys(config.entries)) {
  if (!seen.has(spec)) {
    rows.push({
      spec,
      budget: config.entries[spec].budget,
      status: 'FAIL: budget for an entry no package exports',
    });
    failed++;
  }
}

const table = [['entry', 'initial (min+gz)', 'budget', 'lazy', 'status']].concat(
  rows.map((r) => [r.spec, kb(r.initial), kb(r.budget), r.lazy ? kb(r.lazy) : '', r.status]),
);
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const [i, r] of table.entries()) {
  console.log(
    r
      .map((c, j) => (j >= 1 && j <= 3 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
for (const r of rows.filter((r) => r.why)) {
  console.log(`\n${r.spec}: largest parts when importing its source (minified, before gzip):`);
  for (const line of r.why) console.log(line);
}
console.log(`size: ${passed} within budget, ${failed} failed`);
if (reportFile) writeFileSync(reportFile, JSON.stringify({ passed, failed }));
process.exit(failed ? 1 : 0);
