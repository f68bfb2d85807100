/**
 * Parity with pymilvus's BM25EmbeddingFunction on a committed fixture
 * (regenerate with tests/support/python/bm25_reference.py; no Python needed here).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BM25EmbeddingFunction, buildDefaultAnalyzer } from '../src/sparse/index.js';

interface Row {
  indices: number[];
  values: number[];
}
interface Fixture {
  versions: Record<string, string>;
  corpus: string[];
  doc_tokens: string[][];
  queries: string[];
  query_tokens: string[][];
  doc_vectors: Row[];
  query_vectors: Row[];
  dim: number;
}

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PARAMS_PATH = join(FIXTURES, 'bm25_params_pymilvus.json');
const fixture = JSON.parse(
  gunzipSync(readFileSync(join(FIXTURES, 'bm25_pymilvus_fixture.json.gz'))).toString('utf8'),
) as Fixture;

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/** Largest |difference| between TS vectors and pymilvus rows; -1 if the index sets differ. */
function maxDiff(
  got: { indices: Uint32Array; values: Float32Array }[],
  want: Row[],
  only?: Set<number>,
): number {
  let worst = 0;
  for (let r = 0; r < want.length; r++) {
    if (only && !only.has(r)) continue;
    const g = got[r]!;
    const w = want[r]!;
    if (g.indices.length !== w.indices.length || w.indices.some((x, k) => g.indices[k] !== x)) return -1;
    for (let k = 0; k < w.values.length; k++) worst = Math.max(worst, Math.abs(g.values[k]! - w.values[k]!));
  }
  return worst;
}

function maxAbs(a: number[], b: number[]): number {
  let worst = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Index of the first differing character, or -1 (keeps failure output short for 60 kB files). */
function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('pymilvus parity (fixture)', () => {
  const analyzer = buildDefaultAnalyzer('en');
  let agreeing: Set<number>;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elanus-bm25-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('default English analyzer reproduces NLTK tokens on >= 99.5% of documents', () => {
    agreeing = new Set();
    const residual: string[] = [];
    fixture.corpus.forEach((text, i) => {
      const got = analyzer.tokenize(text);
      const want = fixture.doc_tokens[i]!;
      if (same(got, want)) agreeing.add(i);
      else {
        let k = 0;
        while (got[k] === want[k]) k++;
        residual.push(
          `doc ${i}: got ${JSON.stringify(got.slice(k, k + 4))} want ${JSON.stringify(want.slice(k, k + 4))}`,
        );
      }
    });
    const queryMismatches = fixture.queries.filter(
      (q, i) => !same(analyzer.tokenize(q), fixture.query_tokens[i]!),
    );
    const pct = (100 * agreeing.size) / fixture.corpus.length;
    console.log(
      `[bm25 parity] token lists identical for ${agreeing.size}/${fixture.corpus.length} documents (${pct.toFixed(2)}%), ` +
        `${fixture.queries.length - queryMismatches.length}/${fixture.queries.length} queries; reference ${JSON.stringify(fixture.versions)}`,
    );
    if (residual.length) console.log(`[bm25 parity] residual cases:\n${residual.join('\n')}`);
    expect(pct).toBeGreaterThanOrEqual(99.5);
    expect(queryMismatches).toEqual([]);
  });

  test('fit gives pymilvus statistics: same vocabulary order, avgdl and IDFs', () => {
    const bm25 = new BM25EmbeddingFunction(analyzer);
    bm25.fit(fixture.corpus);
    const mine = bm25.toJSON();
    const ref = JSON.parse(readFileSync(PARAMS_PATH, 'utf8'));
    expect(Object.keys(mine)).toEqual(Object.keys(ref));
    expect(mine.corpus_size).toBe(ref.corpus_size);
    expect(mine.avgdl).toBeCloseTo(ref.avgdl, 12);
    expect(mine.idf_word).toEqual(ref.idf_word);
    expect(bm25.dim).toBe(fixture.dim);
    const worst = maxAbs(mine.idf_value, ref.idf_value);
    console.log(`[bm25 parity] dim=${bm25.dim}, max |IDF diff| vs pymilvus = ${worst}`);
    expect(worst).toBeLessThan(1e-12);
  });

  test('encoded documents and queries equal pymilvus within 1e-6', () => {
    const bm25 = new BM25EmbeddingFunction(analyzer, { corpus: fixture.corpus });
    const docs = maxDiff(bm25.encodeDocuments(fixture.corpus), fixture.doc_vectors, agreeing);
    const queries = maxDiff(bm25.encodeQueries(fixture.queries), fixture.query_vectors);
    console.log(`[bm25 parity] max |diff|: documents ${docs}, queries ${queries}`);
    expect(docs).toBeGreaterThanOrEqual(0);
    expect(queries).toBeGreaterThanOrEqual(0);
    expect(docs).toBeLessThanOrEqual(1e-6);
    expect(queries).toBeLessThanOrEqual(1e-6);
  });

  test('a params file saved by pymilvus loads and gives the same vectors', async () => {
    const bm25 = new BM25EmbeddingFunction();
    await bm25.load(PARAMS_PATH);
    expect(bm25.dim).toBe(fixture.dim);
    expect(bm25.k1).toBe(1.5);
    expect(maxDiff(bm25.encodeDocuments(fixture.corpus), fixture.doc_vectors, agreeing)).toBeLessThanOrEqual(
      1e-6,
    );
    const q = maxDiff(bm25.encodeQueries(fixture.queries), fixture.query_vectors);
    expect(q).toBeGreaterThanOrEqual(0);
    expect(q).toBeLessThanOrEqual(1e-6);
  });

  test('a file saved by Elanus has the pymilvus layout and byte format', async () => {
    const bm25 = new BM25EmbeddingFunction(analyzer, { corpus: fixture.corpus });
    const path = join(dir, 'bm25_params_elanus.json');
    await bm25.save(path);
    const mine = readFileSync(path, 'utf8');
    const ref = readFileSync(PARAMS_PATH, 'utf8');
    const a = JSON.parse(mine);
    const b = JSON.parse(ref);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a.idf_word).toEqual(b.idf_word);
    expect(maxAbs(a.idf_value, b.idf_value)).toBeLessThan(1e-12);
    // Same separators, escapes and float formatting as Python's json.dump; IDFs may differ in
    // the last bit (Math.log vs libm), so compare the text with the numbers masked.
    const mask = (s: string) => s.replace(/-?\d+(\.\d+)?(e[-+]\d+)?/g, '#');
    expect(firstDifference(mask(mine), mask(ref))).toBe(-1);
    const identical = firstDifference(mine, ref) === -1;
    console.log(`[bm25 parity] Elanus-fitted params file byte-identical to pymilvus's: ${identical}`);

    // A pymilvus file survives a load/save round trip through Elanus byte for byte.
    const again = new BM25EmbeddingFunction();
    await again.load(PARAMS_PATH);
    await again.save(path);
    expect(firstDifference(readFileSync(path, 'utf8'), ref)).toBe(-1);
  });
});
