import { round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';
import { buildAndSweep } from './hnsw.js';

/** HNSW on real all-MiniLM-L6-v2 embeddings (the demo corpus prepared by pnpm setup), if present. */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('hnsw-real', 'HNSW on real sentence embeddings', ctx.runtime);
  const metaBuf = await ctx.readFile('.cache/corpus/wordnet.meta.json');
  const f32 = await ctx.readFile('.cache/corpus/wordnet.f32');
  if (!metaBuf || !f32) {
    res.skipped.push('real embeddings: .cache/corpus/wordnet.{f32,meta.json} missing (run pnpm setup)');
    return res;
  }
  const meta = JSON.parse(new TextDecoder().decode(metaBuf)) as {
    count: number;
    dim: number;
    model: string;
    dtype: string;
  };
  const all = new Float32Array(f32);
  const dim = meta.dim;
  const total = Math.min(meta.count, all.length / dim);
  const nq = ctx.quick ? 50 : 200;
  const n = ctx.quick ? 2000 : total - nq;
  // Normalise (they are, but make IP = COSINE exact); queries are the last nq rows, not indexed.
  for (let i = 0; i < total; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += all[i * dim + j]! ** 2;
    const inv = 1 / Math.sqrt(s || 1);
    for (let j = 0; j < dim; j++) all[i * dim + j]! *= inv;
  }
  const base = all.slice(0, n * dim);
  const queries = all.slice((total - nq) * dim, total * dim);
  res.dataset = `${n.toLocaleString('en-US')} WordNet glosses embedded with ${meta.model} (${meta.dtype}), ${dim}-d, by pnpm setup; ${nq} other glosses as queries`;
  res.params = { n, nq, dim, M: 16, efConstruction: 200, k: 10 };
  const { libs, recall } = await buildAndSweep(ctx, res, {
    base,
    queries,
    n,
    nq,
    dim,
    label: `${n.toLocaleString('en-US')} × ${dim} MiniLM`,
    chunks: 4,
    block: 25,
    rounds: ctx.quick ? 2 : 3,
  });
  const e = libs[0]!;
  res.notes.push(
    `Elanus recall@10 at ef=16/64/256: ${[16, 64, 256].map((ef) => round(recall.get(`${e.name}@${ef}`)!, 4)).join(' / ')}`,
  );
  return res;
}
