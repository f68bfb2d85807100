import { invalidParam } from '../../errors/index.js';
import {
  buildFilter,
  englishStem,
  lowercase,
  parseStopWords,
  stopFilter,
  type TokenFilter,
} from './filters.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';
import { buildTokenizer, checkKeys, standardTokenizer, type Tokenizer } from './tokenizers.js';

/** A Milvus full-text analyzer: text in, index terms out. */
export interface Analyzer {
  /**
   * `positions`, when given, receives each kept token's position: its index in the tokenizer's
   * output, so a dropped token (stop word) leaves a gap, as Tantivy numbers them (phrase_match).
   */
  tokenize(text: string, positions?: number[]): string[];
}

class Pipeline implements Analyzer {
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly filters: readonly TokenFilter[],
  ) {}

  tokenize(text: string, positions?: number[]): string[] {
    if (typeof text !== 'string') invalidParam('text', 'a string', text);
    const raw = this.tokenizer(text);
    const filters = this.filters;
    const nf = filters.length;
    if (positions) {
      positions.length = 0;
      if (nf === 0) for (let i = 0; i < raw.length; i++) positions.push(i);
    }
    if (nf === 0) return raw;
    // Filters are fused: each token runs through the whole chain once, compacting in place.
    let w = 0;
    outer: for (let i = 0; i < raw.length; i++) {
      let t: string | null = raw[i]!;
      for (let f = 0; f < nf; f++) {
        t = filters[f]!(t);
        if (t === null) continue outer;
      }
      positions?.push(i);
      raw[w++] = t;
    }
    raw.length = w;
    return raw;
  }
}

function templateStopWords(params: Record<string, unknown>): TokenFilter[] {
  const sw = params.stop_words;
  if (sw === undefined) return [];
  const words = parseStopWords(sw, 'analyzer_params.stop_words');
  return words.length > 0 ? [stopFilter(words)] : [];
}

/**
 * Builds an analyzer from Milvus `analyzer_params`, with the server's semantics:
 *  - absent/empty → `standard` (alphanumeric-run tokenizer + lowercase);
 *  - `{type: 'standard', stop_words?}`;
 *  - `{type: 'english', stop_words?}` → standard tokenizer, lowercase, Porter2 stemmer, then
 *    the `_english_` stop list (the server stops *after* stemming), then the extra `stop_words`;
 *  - custom `{tokenizer, filter?}` with tokenizers `standard` (`{type:'standard', uax29, max_token_length}`)
 *    and `whitespace`, and filters `lowercase`, `asciifolding`, `alphanumonly`, `removepunct`,
 *    `cncharonly`, `cnalphanumonly`, `{type:'stop'}`, `{type:'stemmer', language}` (the server's 18
 *    Snowball languages; non-English ones must be loaded first, see stemmers.ts), `{type:'length', max}`.
 * Bad parameters throw `ElanusError('IllegalArgument')` naming the parameter; Milvus features
 * Elanus lacks (jieba, ...) throw `ElanusError('NotImplemented')`.
 */
export function createAnalyzer(params?: Record<string, unknown>): Analyzer {
  if (params === undefined || params === null) return new Pipeline(standardTokenizer, [lowercase]);
  if (typeof params !== 'object' || Array.isArray(params)) {
    invalidParam('analyzer_params', 'an object', params);
  }
  if (Object.keys(params).length === 0) return new Pipeline(standardTokenizer, [lowercase]);

  if (params.type !== undefined) {
    const type = params.type;
    if (typeof type !== 'string') invalidParam('analyzer_params.type', 'a string', type);
    switch (type) {
      case 'standard':
        return new Pipeline(standardTokenizer, [lowercase, ...templateStopWords(params)]);
      case 'english':
        return new Pipeline(standardTokenizer, [
          lowercase,
          englishStem,
          stopFilter(ENGLISH_STOP_WORDS),
          ...templateStopWords(params),
        ]);
      default:
        return invalidParam('analyzer_params.type', '"standard" or "english"', type);
    }
  }

  if (params.tokenizer === undefined) {
    invalidParam('analyzer_params.tokenizer', 'a tokenizer (or analyzer_params.type)', undefined);
  }
  checkKeys(params, ['tokenizer', 'filter'], 'analyzer_params');
  const tokenizer = buildTokenizer(params.tokenizer);
  const filterSpec = params.filter;
  if (filterSpec === undefined) return new Pipeline(tokenizer, []);
  if (!Array.isArray(filterSpec)) invalidParam('analyzer_params.filter', 'an array of filters', filterSpec);
  const filters = filterSpec.map((f, i) => buildFilter(f, `analyzer_params.filter[${i}]`));
  return new Pipeline(tokenizer, filters);
}
