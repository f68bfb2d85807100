/**
 * `BM25EmbeddingFunction`, a port of pymilvus's `milvus_model.sparse.BM25EmbeddingFunction`
 * (milvus-model 0.2.x) with the same statistics, encodings and params file:
 *  - fit: term document frequencies over the analysed corpus, avgdl = tokens / documents,
 *    IDF = ln(N − df + 0.5) − ln(df + 0.5); negative IDFs become epsilon × mean IDF;
 *    term ids in order of first appearance (document order, then token order);
 *  - documents: saturated TF only, tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl)), where len counts
 *    every token, known or not;
 *  - queries: IDF only, summed for repeated terms;
 *  - values are computed in float64 and stored as float32, as pymilvus's `.astype(np.float32)`.
 */
import type { SparseVector } from '@elanus/core';
import { type BM25Analyzer, buildDefaultAnalyzer } from './analyzer.js';
import { invalidParam } from './params.js';
import { PyFloat, type PyJson, pyJsonDumps } from './pyjson.js';
import { readParamsText, writeParamsText } from './storage.js';

export interface BM25Options {
  /** Term-frequency saturation. Default 1.5. */
  k1?: number;
  /** Length normalisation. Default 0.75. */
  b?: number;
  /** Floor for negative IDFs, as a fraction of the mean IDF. Default 0.25. */
  epsilon?: number;
  /**
   * Accepted for API parity with pymilvus (which tokenizes with a process pool);
   * Elanus tokenizes on the calling thread, so any positive integer behaves like 1.
   */
  num_workers?: number;
  /** Fit on this corpus right away, as pymilvus's `corpus=` argument. */
  corpus?: readonly string[];
}

/** The params file layout pymilvus's `save()` writes (keys in this order). */
export interface BM25Params {
  version: 'v1' | string;
  corpus_size: number;
  avgdl: number;
  idf_word: string[];
  idf_value: number[];
  k1: number;
  b: number;
  epsilon: number;
}

type AnalyzerInput = BM25Analyzer | ((text: string) => string[]);

function toAnalyzer(a: AnalyzerInput | undefined | null): BM25Analyzer {
  if (a === undefined || a === null) return buildDefaultAnalyzer('en');
  if (typeof a === 'function') return { tokenize: a };
  if (typeof a === 'object' && typeof a.tokenize === 'function') return a;
  return invalidParam('analyzer', 'an object with tokenize(text) or a function (text) => string[]', a);
}

function finiteNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) invalidParam(name, 'a finite number', v);
  return v;
}

function checkTexts(name: string, texts: unknown): readonly string[] {
  if (!Array.isArray(texts)) invalidParam(name, 'an array of strings', texts);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') invalidParam(`${name}[${i}]`, 'a string', texts[i]);
  }
  return texts as readonly string[];
}

function sparse(entries: Map<number, number>): SparseVector {
  const indices = new Uint32Array(entries.size);
  let k = 0;
  for (const id of entries.keys()) indices[k++] = id;
  indices.sort();
  const values = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = entries.get(indices[i]!)!;
  return { indices, values };
}

export class BM25EmbeddingFunction {
  readonly analyzer: BM25Analyzer;
  k1: number;
  b: number;
  epsilon: number;
  readonly num_workers: number;
  corpusSize = 0;
  avgdl = 0;
  /** Mean IDF of the last fit (pymilvus `average_idf`); not stored in params files. */
  averageIdf = 0;
  // term -> index (dense, in insertion order) and index -> IDF.
  private termIds = new Map<string, number>();
  private idfValues: number[] = [];

  constructor(analyzer?: AnalyzerInput | null, options: BM25Options = {}) {
    if (typeof options !== 'object' || options === null) invalidParam('options', 'an object', options);
    this.analyzer = toAnalyzer(analyzer);
    this.k1 = finiteNumber('k1', options.k1 ?? 1.5);
    this.b = finiteNumber('b', options.b ?? 0.75);
    this.epsilon = finiteNumber('epsilon', options.epsilon ?? 0.25);
    const nw = options.num_workers ?? 1;
    if (typeof nw !== 'number' || !Number.isInteger(nw) || nw < 1) {
      invalidParam('num_workers', 'a positive integer', nw);
    }
    this.num_workers = nw;
    if (options.corpus !== undefined) this.fit(options.corpus);
  }

  /** Vocabulary size: the dimension of the sparse vectors. */
  get dim(): number {
    return this.idfValues.length;
  }

  /** Learns corpus statistics; replaces any earlier fit or loaded params. */
  fit(corpus: readonly string[]): void {
    checkTexts('corpus', corpus);
    if (corpus.length === 0) invalidParam('corpus', 'at least one document', corpus);
    const df = new Map<string, number>();
    let totalWords = 0;
    for (const text of corpus) {
      const tokens = this.analyzer.tokenize(text);
      totalWords += tokens.length;
      // A Set keeps first-occurrence order, like pymilvus's per-document defaultdict.
      for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const n = corpus.length;
    this.corpusSize = n;
    this.avgdl = totalWords / n;
    const ids = new Map<string, number>();
    const idf: number[] = new Array(df.size);
    const negative: number[] = [];
    let idfSum = 0;
    let i = 0;
    for (const [term, freq] of df) {
      const v = Math.log(n - freq + 0.5) - Math.log(freq + 0.5);
      ids.set(term, i);
      idf[i] = v;
      idfSum += v;
      if (v < 0) negative.push(i);
      i++;
    }
    this.averageIdf = df.size > 0 ? idfSum / df.size : 0;
    const eps = this.epsilon * this.averageIdf;
    for (const k of negative) idf[k] = eps;
    this.termIds = ids;
    this.idfValues = idf;
  }

  /** BM25 document-side vectors (saturated term frequency, no IDF). */
  encodeDocuments(texts: readonly string[]): SparseVector[] {
    checkTexts('texts', texts);
    const { k1, b, avgdl } = this;
    return texts.map((text) => {
      const terms = this.analyzer.tokenize(text);
      const docLen = terms.length;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      const entries = new Map<number, number>();
      for (const [term, f] of tf) {
        const id = this.termIds.get(term);
        if (id === undefined) continue;
        // Same operation order as pymilvus, so float64 results match bit for bit.
        entries.set(id, (f * (k1 + 1)) / (f + k1 * (1 - b + (b * docLen) / avgdl)));
      }
      return sparse(entries);
    });
  }

  /** BM25 query-side vectors (IDF of each known term, repeated terms summed). */
  encodeQueries(texts: readonly string[]): SparseVector[] {
    checkTexts('texts', texts);
    return texts.map((text) => {
      const entries = new Map<number, number>();
      for (const term of this.analyzer.tokenize(text)) {
        const id = this.termIds.get(term);
        if (id === undefined) continue;
        entries.set(id, (entries.get(id) ?? 0) + this.idfValues[id]!);
      }
      return sparse(entries);
    });
  }

  /** The IDF of `term`, or `undefined` if it is not in the vocabulary. */
  idf(term: string): number | undefined {
    const id = this.termIds.get(term);
    return id === undefined ? undefined : this.idfValues[id];
  }

  /** The vector index of `term`, or `undefined`. */
  termId(term: string): number | undefined {
    return this.termIds.get(term);
  }

  /** The params in pymilvus's file layout. */
  toJSON(): BM25Params {
    const words: string[] = new Array(this.termIds.size);
    for (const [w, i] of this.termIds) words[i] = w;
    return {
      version: 'v1',
      corpus_size: this.corpusSize,
      avgdl: this.avgdl,
      idf_word: words,
      idf_value: this.idfValues.slice(),
      k1: this.k1,
      b: this.b,
      epsilon: this.epsilon,
    };
  }

  /** The params file text, byte-identical to what pymilvus's `save()` writes for the same state. */
  serialize(): string {
    const p = this.toJSON();
    const doc: Record<string, PyJson> = {
      version: p.version,
      corpus_size: p.corpus_size,
      avgdl: new PyFloat(p.avgdl),
      idf_word: p.idf_word,
      idf_value: p.idf_value.map((v) => new PyFloat(v)),
      k1: new PyFloat(p.k1),
      b: new PyFloat(p.b),
      epsilon: new PyFloat(p.epsilon),
    };
    return pyJsonDumps(doc);
  }

  /** A `application/json` Blob of the params file, e.g. for a browser download. */
  toBlob(): Blob {
    return new Blob([this.serialize()], { type: 'application/json' });
  }

  /** Replaces this instance's statistics with `params` (a parsed pymilvus params file). */
  loadJSON(params: unknown): void {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      invalidParam('params', 'a BM25 params object', params);
    }
    const p = params as Record<string, unknown>;
    const words = p.idf_word;
    const values = p.idf_value;
    if (!Array.isArray(words)) invalidParam('params.idf_word', 'an array of strings', words);
    if (!Array.isArray(values) || values.length !== words.length) {
      invalidParam('params.idf_value', `an array of ${words.length} numbers`, values);
    }
    const corpusSize = p.corpus_size;
    if (typeof corpusSize !== 'number' || !Number.isInteger(corpusSize) || corpusSize < 0) {
      invalidParam('params.corpus_size', 'a non-negative integer', corpusSize);
    }
    const avgdl = finiteNumber('params.avgdl', p.avgdl);
    const k1 = finiteNumber('params.k1', p.k1);
    const b = finiteNumber('params.b', p.b);
    const epsilon = finiteNumber('params.epsilon', p.epsilon);
    const ids = new Map<string, number>();
    const idf: number[] = new Array(words.length);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (typeof w !== 'string') invalidParam(`params.idf_word[${i}]`, 'a string', w);
      idf[i] = finiteNumber(`params.idf_value[${i}]`, values[i]);
      // pymilvus rebuilds a dict: a repeated word keeps its first slot but takes the later index.
      ids.set(w, i);
    }
    this.termIds = ids;
    this.idfValues = idf;
    this.corpusSize = corpusSize;
    this.avgdl = avgdl;
    this.k1 = k1;
    this.b = b;
    this.epsilon = epsilon;
  }

  /** A new function with the statistics of a parsed params file. */
  static fromJSON(params: unknown, analyzer?: AnalyzerInput | null): BM25EmbeddingFunction {
    const f = new BM25EmbeddingFunction(analyzer);
    f.loadJSON(params);
    return f;
  }

  /**
   * Writes the params file: a filesystem path (Node), or `idb://<database>/<key>` (IndexedDB,
   * in browsers). The file is the one pymilvus's `save()` writes and its `load()` reads.
   */
  async save(path: string): Promise<void> {
    await writeParamsText(path, this.serialize());
  }

  /**
   * Reads a params file from a filesystem path (Node), `idb://<database>/<key>`, or an
   * `http(s)://` URL (e.g. pymilvus's published `bm25_msmarco_v1.json`).
   */
  async load(path: string): Promise<void> {
    const text = await readParamsText(path);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return invalidParam('path', 'a JSON BM25 params file', `${path} (${(e as Error).message})`);
    }
    this.loadJSON(parsed);
  }
}
