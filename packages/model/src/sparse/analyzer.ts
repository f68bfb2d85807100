/**
 * The text analyzers of pymilvus's `milvus_model.sparse.bm25` (distinct from the engine's
 * Milvus full-text analyzers in `@elanus/core`): a tokenizer, optional preprocessors and a
 * list of token filters, with `buildDefaultAnalyzer(language)` mirroring
 * `build_default_analyzer(language)`.
 *
 * English reproduces pymilvus exactly: NLTK `word_tokenize` (Punkt + Treebank), lowercase,
 * drop single-character `string.punctuation` tokens, drop NLTK English stop words, NLTK
 * `SnowballStemmer('english')` (via the `porter2` package plus NLTK's own pre-checks).
 * German, French, Russian, Spanish (`sp`), Italian and Portuguese use the same tokenizer (pymilvus
 * runs English Punkt for all of them), NLTK's stop words and NLTK's Snowball stemmers
 * (`nltk/snowball.ts`). Chinese, Japanese and Korean need jieba, MeCab and KoNLPy: not bundled.
 */

import { ElanusError } from '@elanus/core';
import { stem as porter2 } from 'porter2';
import { NLTK_STOPWORDS } from './nltk/data/stopwords.js';
import { pyLen } from './nltk/pychars.js';
import { NLTK_SNOWBALL_LANGUAGES, nltkSnowballStemmer } from './nltk/snowball.js';
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

/** pymilvus `StemmingFilter(language)`: NLTK's `SnowballStemmer(language)`. */
export function stemmingFilter(language = 'english'): TextFilter {
  if (language === 'english') return (tokens) => tokens.map(nltkEnglishStem);
  const stem = nltkSnowballStemmer(language);
  if (!stem) {
    throw new ElanusError(
      'NotImplemented',
      `Snowball stemmer for ${JSON.stringify(language)} is not bundled with @elanus/model (have: english, ${NLTK_SNOWBALL_LANGUAGES.join(', ')})`,
    );
  }
  return (tokens) => tokens.map(stem);
}

/** pymilvus lang.yaml: default analyzer name → NLTK language, filter order and punctuation extras. */
const DEFAULT_ANALYZERS: Readonly<Record<string, { nltk: string; stopFirst?: boolean; extras?: string }>> = {
  en: { nltk: 'english' },
  de: { nltk: 'german', stopFirst: true }, // lang.yaml lists the stop words before punctuation here
  fr: { nltk: 'french' },
  ru: { nltk: 'russian' },
  sp: { nltk: 'spanish', extras: '¡¿' },
  it: { nltk: 'italian' },
  pt: { nltk: 'portuguese' },
};

/**
 * pymilvus `build_default_analyzer(language)` for `en`, `de`, `fr`, `ru`, `sp` (Spanish), `it` and
 * `pt`. `zh`, `jp` and `kr` need jieba, MeCab and KoNLPy, which have no browser ports bundled here.
 */
export function buildDefaultAnalyzer(language = 'en'): PipelineAnalyzer {
  const spec = DEFAULT_ANALYZERS[language];
  if (spec) {
    const stop = stopwordFilter(spec.nltk);
    const punct = punctuationFilter(spec.extras);
    return new PipelineAnalyzer(
      language,
      nltkWordTokenizer,
      [],
      [lowercaseFilter, ...(spec.stopFirst ? [stop, punct] : [punct, stop]), stemmingFilter(spec.nltk)],
    );
  }
  if (['zh', 'jp', 'kr'].includes(language)) {
    throw new ElanusError(
      'NotImplemented',
      `the default BM25 analyzer for language ${JSON.stringify(language)} is not available in Elanus yet (it needs jieba, MeCab or KoNLPy)`,
    );
  }
  return invalidParam(
    'language',
    `a pymilvus default analyzer language (${Object.keys(DEFAULT_ANALYZERS).join(', ')})`,
    language,
  );
}
