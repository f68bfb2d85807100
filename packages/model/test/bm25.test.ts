import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BM25EmbeddingFunction,
  buildDefaultAnalyzer,
  nltkEnglishStem,
  PipelineAnalyzer,
  sentTokenize,
  treebankTokenize,
  wordTokenize,
} from '../src/sparse/index.js';

const dir = mkdtempSync(join(tmpdir(), 'elanus-bm25-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Whitespace analyzer: makes the arithmetic below easy to follow.
const ws = (t: string) => t.split(/\s+/).filter(Boolean);
const toPlain = (v: { indices: Uint32Array; values: Float32Array }) => ({
  indices: [...v.indices],
  values: [...v.values],
});

describe('NLTK tokenization pieces', () => {
  test('sent_tokenize: abbreviations, initials and closing quotes (NLTK doc examples)', () => {
    const text =
      'Punkt knows that the periods in Mr. Smith and Johann S. Bach\ndo not mark sentence boundaries.  ' +
      'And sometimes sentences\ncan start with non-capitalized words.  i is a good variable\nname.';
    expect(sentTokenize(text)).toEqual([
      'Punkt knows that the periods in Mr. Smith and Johann S. Bach\ndo not mark sentence boundaries.',
      'And sometimes sentences\ncan start with non-capitalized words.',
      'i is a good variable\nname.',
    ]);
    expect(
      sentTokenize(
        '(How does it deal with this parenthesis?)  "It should be part of the\nprevious sentence."',
      ),
    ).toEqual([
      '(How does it deal with this parenthesis?)',
      '"It should be part of the\nprevious sentence."',
    ]);
    expect(sentTokenize('')).toEqual([]);
  });

  test('Treebank rules: contractions, quotes, money, final period only', () => {
    expect(treebankTokenize("They'll save and invest more. I cannot gonna wanna go.")).toEqual([
      'They',
      "'ll",
      'save',
      'and',
      'invest',
      'more.',
      'I',
      'can',
      'not',
      'gon',
      'na',
      'wan',
      'na',
      'go',
      '.',
    ]);
    expect(treebankTokenize('Good muffins cost $3.88 (roughly 3,36 euros)\nin New York.')).toEqual([
      'Good',
      'muffins',
      'cost',
      '$',
      '3.88',
      '(',
      'roughly',
      '3,36',
      'euros',
      ')',
      'in',
      'New',
      'York',
      '.',
    ]);
    expect(wordTokenize('He said "hi" -- it\'s done. Acme Corp. The end.')).toEqual([
      'He',
      'said',
      '``',
      'hi',
      "''",
      '--',
      'it',
      "'s",
      'done',
      '.',
      'Acme',
      'Corp',
      '.',
      'The',
      'end',
      '.',
    ]);
  });

  test('NLTK Snowball English stemming details', () => {
    expect(nltkEnglishStem('running')).toBe('run');
    expect(nltkEnglishStem('generously')).toBe('generous');
    expect(nltkEnglishStem("'s")).toBe("'s"); // two characters: unchanged
    expect(nltkEnglishStem('yesterday’s')).toBe('yesterday'); // curly apostrophe mapped first
    expect(nltkEnglishStem('Skies')).toBe('sky'); // NLTK lowercases
  });

  // Expected outputs below were produced with pymilvus/NLTK (milvus-model 0.2.12, nltk 3.10.4).
  test('default English analyzer = pymilvus build_default_analyzer("en")', () => {
    const a = buildDefaultAnalyzer('en');
    expect(a.tokenize("The runners weren't running; they're resting... Dr. Smith's dogs!")).toEqual([
      'runner',
      "n't",
      'run',
      're',
      'rest',
      '...',
      'dr.',
      'smith',
      "'s",
      'dog',
    ]);
    expect(() => buildDefaultAnalyzer('zh')).toThrow(/not available/);
    expect(() => buildDefaultAnalyzer('xx')).toThrow(/invalid parameter language/);
  });
});

describe('BM25EmbeddingFunction', () => {
  const corpus = ['a b c', 'a b', 'a d d e', 'f'];

  test('fit: term ids by first appearance, IDF with epsilon floor, avgdl', () => {
    const bm25 = new BM25EmbeddingFunction(ws);
    bm25.fit(corpus);
    expect(bm25.dim).toBe(6);
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((t) => bm25.termId(t))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bm25.avgdl).toBe(10 / 4);
    const raw = (df: number) => Math.log(4 - df + 0.5) - Math.log(df + 0.5);
    const mean = (raw(3) + raw(2) + raw(1) * 4) / 6;
    expect(bm25.averageIdf).toBeCloseTo(mean, 15);
    expect(bm25.idf('a')).toBeCloseTo(0.25 * mean, 15); // raw(3) < 0 -> epsilon * mean
    expect(bm25.idf('b')).toBe(raw(2)); // exactly 0: not negative, kept
    expect(bm25.idf('c')).toBeCloseTo(raw(1), 15);
    expect(bm25.idf('zzz')).toBeUndefined();
  });

  test('documents: saturated TF over all tokens (unknown ones count in the length)', () => {
    const bm25 = new BM25EmbeddingFunction(ws, { k1: 1.2, b: 0.5, corpus });
    const [v] = bm25.encodeDocuments(['d x d a']);
    const norm = 1.2 * (1 - 0.5 + (0.5 * 4) / 2.5);
    expect(v!.indices).toEqual(new Uint32Array([0, 3]));
    expect(v!.values[0]).toBeCloseTo((1 * 2.2) / (1 + norm), 6);
    expect(v!.values[1]).toBeCloseTo((2 * 2.2) / (2 + norm), 6);
    expect(v!.values).toBeInstanceOf(Float32Array);
  });

  test('queries: IDF only, repeated terms add up, unknown terms and empty text give nothing', () => {
    const bm25 = new BM25EmbeddingFunction(ws, { corpus });
    const [q, empty] = bm25.encodeQueries(['e c e nope', '']);
    expect(toPlain(q!).indices).toEqual([2, 4]);
    expect(q!.values[1]).toBeCloseTo(2 * bm25.idf('e')!, 5);
    expect(toPlain(empty!)).toEqual({ indices: [], values: [] });
  });

  test('accepts any { tokenize } analyzer, e.g. a custom PipelineAnalyzer', () => {
    const upper = new PipelineAnalyzer(
      'up',
      ws,
      [(t) => t.toUpperCase()],
      [(ts) => ts.filter((t) => t !== 'B')],
    );
    const bm25 = new BM25EmbeddingFunction(upper, { corpus });
    expect(bm25.termId('A')).toBe(0);
    expect(bm25.termId('B')).toBeUndefined();
  });

  test('parameter errors are ElanusError IllegalArgument naming the parameter', () => {
    expect(() => new BM25EmbeddingFunction(ws, { k1: Number.NaN })).toThrow(
      /invalid parameter k1: expected a finite number/,
    );
    expect(() => new BM25EmbeddingFunction(ws, { num_workers: 0 })).toThrow(/num_workers/);
    expect(() => new BM25EmbeddingFunction(42 as never)).toThrow(/invalid parameter analyzer/);
    const bm25 = new BM25EmbeddingFunction(ws);
    expect(() => bm25.fit([])).toThrow(/invalid parameter corpus/);
    expect(() => bm25.fit(['ok', 3 as never])).toThrow(/corpus\[1\]/);
    expect(() => bm25.encodeQueries('text' as never)).toThrow(/invalid parameter texts/);
    try {
      bm25.loadJSON({ idf_word: ['a'], idf_value: [] });
    } catch (e) {
      expect((e as { code?: string }).code).toBe('IllegalArgument');
      expect(String(e)).toMatch(/params\.idf_value/);
    }
  });

  test('toJSON / fromJSON / serialize / toBlob round trip', async () => {
    const bm25 = new BM25EmbeddingFunction(ws, { corpus });
    const p = bm25.toJSON();
    expect(Object.keys(p)).toEqual([
      'version',
      'corpus_size',
      'avgdl',
      'idf_word',
      'idf_value',
      'k1',
      'b',
      'epsilon',
    ]);
    const copy = BM25EmbeddingFunction.fromJSON(JSON.parse(JSON.stringify(p)), ws);
    expect(copy.encodeQueries(['a e']).map(toPlain)).toEqual(bm25.encodeQueries(['a e']).map(toPlain));
    const text = bm25.serialize();
    expect(text.startsWith('{"version": "v1", "corpus_size": 4, "avgdl": 2.5, "idf_word": ["a", "b",')).toBe(
      true,
    );
    expect(text.endsWith('"k1": 1.5, "b": 0.75, "epsilon": 0.25}')).toBe(true);
    const blob = bm25.toBlob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe(text);
  });

  test('Python json formatting: non-ASCII escapes and float reprs', () => {
    const bm25 = new BM25EmbeddingFunction(ws, { corpus: ['café 中文 "q"', 'x'], k1: 2, epsilon: 1e-5 });
    const text = bm25.serialize();
    expect(text).toContain('"idf_word": ["caf\\u00e9", "\\u4e2d\\u6587", "\\"q\\"", "x"]');
    expect(text).toContain('"avgdl": 2.0');
    expect(text).toContain('"k1": 2.0');
    expect(text).toContain('"epsilon": 1e-05');
  });

  test('save/load through a Node file path', async () => {
    const bm25 = new BM25EmbeddingFunction(ws, { corpus });
    const path = join(dir, 'p.json');
    await bm25.save(path);
    expect(readFileSync(path, 'utf8')).toBe(bm25.serialize());
    const other = new BM25EmbeddingFunction(ws);
    await other.load(path);
    expect(other.toJSON()).toEqual(bm25.toJSON());
    await expect(other.load(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'StorageError' });
  });

  test('save/load through idb://database/key (IndexedDB via idb-keyval)', async () => {
    const bm25 = new BM25EmbeddingFunction(ws, { corpus });
    await bm25.save('idb://elanus-test/models/bm25.json');
    const other = new BM25EmbeddingFunction(ws);
    await other.load('idb://elanus-test/models/bm25.json');
    expect(other.toJSON()).toEqual(bm25.toJSON());
    await expect(other.load('idb://elanus-test/nothing')).rejects.toMatchObject({ code: 'StorageError' });
    await expect(other.save('idb://no-key')).rejects.toMatchObject({ code: 'IllegalArgument' });
    await expect(other.save('https://example.org/x.json')).rejects.toThrow(/read-only/);
  });
});
