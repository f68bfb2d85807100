import type { TextEncoderFn } from '../collection/collection.js';
import type { FieldSchema } from '../schema/types.js';
import { createAnalyzer } from './analyzer/index.js';
import { bm25Vector, TermDictionary } from './analyzer/term-dictionary.js';
import { PhraseIndex } from './phrase-index.js';

/** A text encoder that also exposes its term dictionary (persisted with the collection). */
export interface FieldTextEncoder extends TextEncoderFn {
  readonly dictionary: TermDictionary;
}

/**
 * Milvus full-text search on one VarChar field: the field's analyzer turns text into tokens, a term
 * dictionary turns tokens into ids, and documents become sparse vectors of term counts that the
 * BM25-mode sparse index scores. Distinct from @elanus/model's BM25EmbeddingFunction (pymilvus's algorithm).
 */
export function createTextEncoder(field: FieldSchema, dictionary = new TermDictionary()): FieldTextEncoder {
  const analyzer = createAnalyzer(field.analyzer_params);
  // The term index (with positions) is built only once a text_match or phrase_match asks for it.
  let phrases: PhraseIndex | undefined;
  return {
    dictionary,
    phraseMatcher(texts, query, slop, generation) {
      phrases ??= new PhraseIndex(analyzer);
      phrases.sync(texts, generation);
      return phrases.match(query, slop);
    },
    encodeDocument: (text) => bm25Vector(analyzer.tokenize(text), dictionary, { grow: true }),
    encodeQuery: (text) => bm25Vector(analyzer.tokenize(text), dictionary, { grow: false }),
    matcher(texts, query, minimumShouldMatch = 1, generation = 0) {
      // The same term → rows index as phrase_match (built on first use, kept up with appends): a query
      // reads posting lists instead of tokenizing every row's text again.
      phrases ??= new PhraseIndex(analyzer);
      phrases.sync(texts, generation);
      const bits = phrases.matchAny(query, minimumShouldMatch);
      return (row) => ((bits[row >>> 5]! >>> (row & 31)) & 1) === 1;
    },
  };
}
