import { cpuNow, median, now, pairedRatio, round } from '../lib/stats.js';
import { type Ctx, emptyResult, type ScenarioResult } from '../lib/types.js';

const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';

// biome-ignore lint/suspicious/noExplicitAny: untyped modules.
type Any = any;

/**
 * Embedding throughput in Node: @elanus/model's DefaultEmbeddingFunction (transformers.js on
 * onnxruntime-node) vs a minimal hand pipeline straight on onnxruntime-node with the same ONNX file.
 */
export async function run(ctx: Ctx): Promise<ScenarioResult> {
  const res = emptyResult('embed', 'Embedding throughput (all-MiniLM-L6-v2, fp32)', ctx.runtime);
  if (ctx.runtime !== 'node') {
    res.skipped.push('embedding: measured in Node only (onnxruntime-node reference)');
    return res;
  }
  const path = await import(/* @vite-ignore */ 'node:path');
  const fs = await import(/* @vite-ignore */ 'node:fs');
  const { createRequire } = await import(/* @vite-ignore */ 'node:module');
  const { pathToFileURL } = await import(/* @vite-ignore */ 'node:url');
  const root = path.resolve(new URL('.', import.meta.url).pathname, '../../..');
  const models = path.join(root, '.cache/models');
  const onnxFile = path.join(models, MODEL, 'onnx/model.onnx');
  if (!fs.existsSync(onnxFile)) {
    res.skipped.push(
      `embedding: model not prepared (${path.relative(root, onnxFile)} missing; run pnpm setup)`,
    );
    return res;
  }
  const corpusFile = path.join(root, '.cache/corpus/wordnet.jsonl');
  const n = ctx.quick ? 32 : 192;
  const texts: string[] = fs.existsSync(corpusFile)
    ? fs
        .readFileSync(corpusFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(0, n)
        .map((l: string) => (JSON.parse(l) as { text: string }).text)
    : [];
  if (texts.length < n) {
    res.skipped.push('embedding: sentence corpus missing (.cache/corpus/wordnet.jsonl; run pnpm setup)');
    return res;
  }
  let dense: Any;
  let envMod: Any;
  try {
    dense = await import('../../../packages/model/src/dense/index.js');
    envMod = await import('../../../packages/model/src/env.js');
  } catch (e) {
    res.skipped.push(
      `embedding: DefaultEmbeddingFunction not importable (${(e as Error).message.split('\n')[0]})`,
    );
    return res;
  }
  envMod.env.localModelPath = `${models}/`;
  envMod.env.allowRemoteModels = false;
  envMod.env.allowLocalModels = true;
  const batch = 16;
  const ef = new dense.DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp32', batch_size: batch });
  await ef.load();

  // The reference: the same tokenizer (transformers.js' AutoTokenizer), onnxruntime-node, mean pooling, L2.
  const modelRequire = createRequire(path.join(root, 'packages/model/package.json'));
  const tf: Any = await import(pathToFileURL(modelRequire.resolve('@huggingface/transformers')).href);
  tf.env.localModelPath = `${models}/`;
  tf.env.allowRemoteModels = false;
  const tok = await tf.AutoTokenizer.from_pretrained(MODEL);
  const ort: Any = createRequire(import.meta.url)('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnxFile, { executionProviders: ['cpu'] });
  let ortOnly = 0;
  const reference = async (batchTexts: string[]) => {
    const enc = tok(batchTexts, { padding: true, truncation: true, max_length: 256 });
    const feeds: Record<string, Any> = {};
    for (const name of session.inputNames as string[]) {
      const t = enc[name];
      feeds[name] = new ort.Tensor('int64', t.data, t.dims);
    }
    const t0 = now();
    const out = await session.run(feeds);
    ortOnly += now() - t0;
    const h = out[session.outputNames[0]];
    const [b, s, d] = h.dims as [number, number, number];
    const mask = enc.attention_mask.data as BigInt64Array;
    const vecs: Float32Array[] = [];
    for (let i = 0; i < b; i++) {
      const v = new Float32Array(d);
      let cnt = 0;
      for (let j = 0; j < s; j++) {
        if (mask[i * s + j] === 0n) continue;
        cnt++;
        const off = (i * s + j) * d;
        for (let k = 0; k < d; k++) v[k]! += h.data[off + k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) {
        v[k]! /= cnt;
        norm += v[k]! * v[k]!;
      }
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) v[k]! /= norm;
      vecs.push(v);
    }
    return vecs;
  };
  // Outputs must agree.
  const a = await ef.encodeDocuments(texts.slice(0, batch));
  const b = await reference(texts.slice(0, batch));
  let minCos = 1;
  for (let i = 0; i < batch; i++) {
    let c = 0;
    for (let k = 0; k < a[i]!.length; k++) c += a[i]![k]! * b[i]![k]!;
    minCos = Math.min(minCos, c);
  }
  const sides: [string, (t: string[]) => Promise<unknown>][] = [
    ['DefaultEmbeddingFunction (transformers.js → onnxruntime-node)', (t) => ef.encodeDocuments(t)],
    ['hand pipeline on onnxruntime-node', reference],
  ];
  const wall = new Map<string, number[]>(sides.map(([s]) => [s, []]));
  const cpu = new Map<string, number[]>(sides.map(([s]) => [s, []]));
  ortOnly = 0;
  for (let from = 0; from < n; from += batch) {
    const chunk = texts.slice(from, from + batch);
    for (const [name, fn] of sides) {
      const c0 = cpuNow?.() ?? 0;
      const t0 = now();
      await fn(chunk);
      wall.get(name)!.push(now() - t0);
      if (cpuNow) cpu.get(name)!.push(cpuNow() - c0);
    }
  }
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  const [efName, refName] = [sides[0]![0], sides[1]![0]];
  res.dataset = `${n} WordNet glosses (.cache/corpus/wordnet.jsonl), batches of ${batch}`;
  res.params = {
    model: MODEL,
    dtype: 'fp32',
    sentences: n,
    batch,
    ort: ort.env?.versions?.common ?? 'onnxruntime-node',
  };
  res.tables.push({
    title: `Embedding throughput, ${n} sentences (Node, onnxruntime-node CPU)`,
    columns: ['pipeline', 'sentences/s (wall)', 'sentences/s (CPU time)', `÷ reference (paired per batch)`],
    rows: [
      ...sides.map(([name]) => [
        name,
        round((n * 1000) / sum(wall.get(name)!), 4),
        cpuNow ? round((n * 1000) / sum(cpu.get(name)!), 4) : null,
        round(pairedRatio(wall.get(refName)!, wall.get(name)!), 3),
      ]),
      ['(reference: onnxruntime session.run only)', round((n * 1000) / ortOnly, 4), null, null],
    ],
    note: `Same ONNX file (onnx/model.onnx) and the same onnxruntime-node build; both with onnxruntime's default session options (all cores). Minimum cosine between the two pipelines' embeddings: ${round(minCos, 8)}. Median batch: ${round(median(wall.get(efName)!), 4)} vs ${round(median(wall.get(refName)!), 4)} ms.`,
  });
  res.headline.push({
    label: `Embedding ${n} sentences: DefaultEmbeddingFunction ÷ hand onnxruntime-node pipeline (throughput)`,
    value: `${round(pairedRatio(wall.get(refName)!, wall.get(efName)!), 3)}×`,
  });
  await ef.dispose();
  await session.release?.();
  return res;
}
