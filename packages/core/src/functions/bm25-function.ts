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
  // Positions are kept only once a phrase_match asks for them (see PhraseIndex).
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
    matcher(texts, query, minimumShouldMatch = 1) {
      const wanted = new Set(analyzer.tokenize(query));
      // More required than the query has distinct tokens: nothing can match, as on the server.
      if (wanted.size === 0 || minimumShouldMatch > wanted.size) return () => false;
      if (minimumShouldMatch <= 1) {
        return (row) => {
          const t = texts[row];
          if (typeof t !== 'string') return false;
          for (const tok of analyzer.tokenize(t)) if (wanted.has(tok)) return true;
          return false;
        };
      }
      return (row) => {
        const t = texts[row];
        if (typeof t !== 'string') return false;
        const seen = new Set<string>();
        for (const tok of analyzer.tokenize(t)) {
          if (wanted.has(tok)) seen.add(tok);
          if (seen.size >= minimumShouldMatch) return true;
        }
        return false;
      };
    },
  };
}
