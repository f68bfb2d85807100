/**
 * Summarises a V8 .cpuprofile (from `pnpm bench <name> --profile`): self time by function, optionally only
 * functions whose file matches a pattern.
 *   node --import tsx bench/src/profile-summary.ts bench/profiles/bm25.cpuprofile [packages/core] [30]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, filter = '', topArg = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [url substring] [top N]');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const agg = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(packages|bench|node_modules)\//, '$1/');
  if (filter && !url.includes(filter)) continue;
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
  agg.set(key, (agg.get(key) ?? 0) + us);
}
const rows = [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg));
console.log(
  `total sampled ${(total / 1000).toFixed(0)} ms${filter ? `; showing functions in files matching "${filter}"` : ''}`,
);
for (const [k, us] of rows)
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
  );
