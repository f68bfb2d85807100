/**
 * The text analyzers of pymilvus's `milvus_model.sparse.bm25` (distinct from the engine's
 * Milvus full-text analyzers in `@elanus/core`): a tokenizer, optional preprocessors and a
 * list of token filters, with `buildDefaultAnalyzer(language)` mirroring
 * `build_default_analyzer(language)`.
 *
 * English reproduces pymilvus exactly: NLTK `word_tokenize` (Punkt + Treebank), lowercase,
 * drop single-character `string.punctuation` tokens, drop NLTK English stop words, NLTK
 * `SnowballStemmer('english')` (via the `porter2` package plus NLTK's own pre-checks).
 */

import { ElanusError } from '@elanus/core';
import { stem as porter2 } from 'porter2';
import { NLTK_STOPWORDS } from './nltk/data/stopwords.js';
import { pyLen } from './nltk/pychars.js';
import { wordTokenize } from './nltk/treebank.js';
import { invalidParam } from './params.js';

/** Something that turns text into BM25 terms: a pymilvus-style analyzer or any `{ tokenize }`. */
export interface BM25Analyzer {
  tokenize(text: string): string[];
}

export type TextPreprocessor = (text: string) => string;
export type TextFilter = (tokens: string[]) => string[];

/** pymilvus `Analyzer`: preprocessors, then the tokenizer, then the filters in order. */
export class PipelineAnalyzer implements BM25Analyzer {
  constructor(
    readonly name: string,
    private readonly tokenizer: (text: string) => string[],
    private readonly preprocessors: readonly TextPreprocessor[] = [],
    private readonly filters: readonly TextFilter[] = [],
  ) {}

  tokenize(text: string): string[] {
    if (typeof text !== 'string') invalidParam('text', 'a string', text);
    for (const p of this.preprocessors) text = p(text);
    let tokens = this.tokenizer(text);
    for (const f of this.filters) tokens = f(tokens);
    return tokens;
  }
}

/** NLTK `word_tokenize` (English Punkt model + Treebank rules), as pymilvus's `StandardTokenizer`. */
export const nltkWordTokenizer = (text: string): string[] => wordTokenize(text);

/** pymilvus `LowercaseFilter` (Python `str.lower()`). */
export const lowercaseFilter: TextFilter = (tokens) => tokens.map((t) => t.toLowerCase());

// Python's string.punctuation.
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** pymilvus `PunctuationFilter`: drops tokens that are exactly one punctuation character (or an extra). */
export function punctuationFilter(extras = ''): TextFilter {
  const set = new Set([...PUNCTUATION, ...extras]);
  return (tokens) => tokens.filter((t) => !set.has(t));
}

/** NLTK stop-word list for an NLTK language name (`english`, `german`, ...). */
export function nltkStopwords(language: string): string[] {
  const list = NLTK_STOPWORDS[language];
  if (list === undefined) {
    throw new ElanusError(
      'NotImplemented',
      `NLTK stop words for ${JSON.stringify(language)} are not bundled (have: ${Object.keys(NLTK_STOPWORDS).join(', ')})`,
    );
  }
  return list.split('\n');
}

/** pymilvus `StopwordFilter(language, stopword_list)`. */
export function stopwordFilter(language = 'english', extra: readonly string[] = []): TextFilter {
  const set = new Set([...nltkStopwords(language), ...extra]);
  return (tokens) => tokens.filter((t) => !set.has(t));
}

const CURLY_APOSTROPHES = /[\u2018\u2019\u201b]/g;

/**
 * NLTK `SnowballStemmer('english').stem(word)`: NLTK lowercases, returns words of at most two
 * characters unchanged and maps curly apostrophes to `'` before running Porter2.
 */
export function nltkEnglishStem(word: string): string {
  const w = word.toLowerCase();
  if (pyLen(w) <= 2) return w;
  return porter2(w.replace(CURLY_APOSTROPHES, "'"));
}

/** pymilvus `StemmingFilter(language)`; only English ships with Elanus. */
export function stemmingFilter(language = 'english'): TextFilter {
  if (language !== 'english') {
    throw new ElanusError(
      'NotImplemented',
      `Snowball stemmer for ${JSON.stringify(language)} is not bundled with @elanus/model (only "english")`,
    );
  }
  return (tokens) => tokens.map(nltkEnglishStem);
}

/**
 * pymilvus `build_default_analyzer(language)`. Only `"en"` is available: pymilvus's other
 * languages need NLTK Snowball stemmers (de, fr, ru, sp, it, pt) or jieba/MeCab/KoNLPy
 * (zh, jp, kr), none of which Elanus bundles yet.
 */
export function buildDefaultAnalyzer(language = 'en'): PipelineAnalyzer {
  if (language === 'en') {
    return new PipelineAnalyzer(
      'en',
      nltkWordTokenizer,
      [],
      [lowercaseFilter, punctuationFilter(), stopwordFilter('english'), stemmingFilter('english')],
    );
  }
  if (['de', 'fr', 'ru', 'sp', 'it', 'pt', 'zh', 'jp', 'kr'].includes(language)) {
    throw new ElanusError(
      'NotImplemented',
      `the default BM25 analyzer for language ${JSON.stringify(language)} is not available in Elanus yet (only "en")`,
    );
  }
  return invalidParam('language', 'a pymilvus default analyzer language ("en")', language);
}
