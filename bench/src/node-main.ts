/**
 * Runs one scenario in this Node process and writes its result as JSON:
 *   node --import tsx bench/src/node-main.ts <scenario> <out.json> [--quick]
 * bench/run.mjs starts one process per scenario (a fresh heap and JIT for each).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now } from './lib/stats.js';
import type { Ctx } from './lib/types.js';
import { SCENARIOS } from './registry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [name, out] = process.argv.slice(2);
const def = SCENARIOS.find((s) => s.name === name);
if (!def || !out) {
  console.error(`usage: node-main.ts <${SCENARIOS.map((s) => s.name).join('|')}> <out.json> [--quick]`);
  process.exit(2);
}
const ctx: Ctx = {
  runtime: 'node',
  quick: process.argv.includes('--quick'),
  log: (m) => console.error(`  [node] ${m}`),
  readFile: async (p) => {
    try {
      const b = await readFile(resolve(root, p));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    } catch {
      return null;
    }
  },
};
const t = now();
const mod = await def.load();
const result = await mod.run(ctx);
result.seconds = Math.round((now() - t) / 100) / 10;
await writeFile(out, JSON.stringify(result));
process.exit(0);
