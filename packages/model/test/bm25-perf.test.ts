import { expect, test } from 'vitest';
import { BM25EmbeddingFunction } from '../src/sparse/index.js';

// Deterministic synthetic English-like documents (seeded PRNG), with sentence punctuation,
// abbreviations, contractions and numbers so the NLTK-style analyzer does its full work.
function syntheticCorpus(n: number): string[] {
  const words = (
    'the a of and to in is was for on that with as by at from search vector database index query document ' +
    'running jumped organization generalized happily studies flies engines networks libraries stemmer ' +
    "can't won't it's they're Dr. Smith U.S. Corp. 3.14 1,000 $5 e-mail state-of-the-art (see above)"
  ).split(' ');
  // mulberry32: 32-bit integer arithmetic only, so the sequence is exact and portable.
  let seed = 42;
  const rnd = (k: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const docs: string[] = [];
  for (let d = 0; d < n; d++) {
    const parts: string[] = [];
    const len = 12 + rnd(30);
    for (let i = 0; i < len; i++) {
      let w = words[rnd(words.length)]!;
      if (rnd(4) === 0) w += `${rnd(20_000)}`; // grow the vocabulary
      parts.push(w);
      if (rnd(10) === 0) parts.push(['.', ',', '!', '?', ';'][rnd(5)]!);
    }
    docs.push(`${parts.join(' ')}.`);
  }
  return docs;
}

test('measure: BM25 fit on 50,000 synthetic documents (prints timing, no assertion on speed)', () => {
  const corpus = syntheticCorpus(50_000);
  const bm25 = new BM25EmbeddingFunction();
  const t0 = performance.now();
  bm25.fit(corpus);
  const fitMs = performance.now() - t0;
  const t1 = performance.now();
  const vecs = bm25.encodeDocuments(corpus.slice(0, 10_000));
  const encMs = performance.now() - t1;
  console.log(
    `[bm25 perf] fit 50,000 docs (default NLTK-style English analyzer): ${(fitMs / 1000).toFixed(2)} s ` +
      `(${Math.round(50_000 / (fitMs / 1000))} docs/s, dim ${bm25.dim}); encodeDocuments 10,000: ${(encMs / 1000).toFixed(2)} s`,
  );
  expect(vecs).toHaveLength(10_000);
  expect(bm25.corpusSize).toBe(50_000);
});
