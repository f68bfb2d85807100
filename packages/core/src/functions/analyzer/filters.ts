import { stem as porter2 } from 'porter2';
import { elanusError, invalidParam } from '../../errors/index.js';
import { asciiFold } from './ascii-folding.js';
import { stemmerFor } from './stemmers.js';
import { expandStopWords } from './stop-words.js';
import { checkKeys } from './tokenizers.js';

/** Maps one token to its replacement, or `null` to drop it. Filters run fused, one pass per token. */
export type TokenFilter = (token: string) => string | null;

const HAS_SIGMA = /Σ/;

/**
 * tantivy's LowerCaser lowercases character by character (Rust `char::to_lowercase`), so a
 * word-final capital sigma becomes `σ`, not the contextual `ς` that `String#toLowerCase` gives.
 */
export const lowercase: TokenFilter = (t) => {
  const lower = t.toLowerCase();
  if (!HAS_SIGMA.test(t)) return lower;
  let out = '';
  for (const ch of t) out += ch === 'Σ' ? 'σ' : ch.toLowerCase();
  return out;
};

export const asciifolding: TokenFilter = asciiFold;

// tantivy AlphaNumOnlyFilter: keep tokens made only of ASCII letters and digits.
const ASCII_ALNUM = /^[A-Za-z0-9]*$/;
export const alphanumonly: TokenFilter = (t) => (ASCII_ALNUM.test(t) ? t : null);

// Milvus's removepunct/cncharonly/cnalphanumonly use an unanchored `is_match`; mirrored here.
const PUNCT_OR_SPACE = /[\p{P}\s]/u;
export const removepunct: TokenFilter = (t) => (PUNCT_OR_SPACE.test(t) ? null : t);
const HAN = /\p{Script=Han}/u;
export const cncharonly: TokenFilter = (t) => (HAN.test(t) ? t : null);
const HAN_OR_ASCII_ALNUM = /[\p{Script=Han}A-Za-z0-9]/u;
export const cnalphanumonly: TokenFilter = (t) => (HAN_OR_ASCII_ALNUM.test(t) ? t : null);

const NAMED_FILTERS: Readonly<Record<string, TokenFilter>> = {
  lowercase,
  asciifolding,
  alphanumonly,
  removepunct,
  cncharonly,
  cnalphanumonly,
};

/** Snowball English (Porter2) stemmer, the algorithm behind tantivy's `Stemmer(English)`. */
export const englishStem: TokenFilter = (t) => porter2(t);

export function stopFilter(words: readonly string[]): TokenFilter {
  const set = new Set(words);
  return (t) => (set.has(t) ? null : t);
}

const utf8 = new TextEncoder();
const NON_ASCII = /[\u0080-\uffff]/;

/** tantivy's RemoveLongFilter counts UTF-8 bytes; Milvus's `length.max` keeps tokens with byte length <= max. */
export function lengthFilter(max: number): TokenFilter {
  return (t) => {
    // Byte length >= UTF-16 length for non-ASCII text, so the cheap check settles most tokens.
    if (t.length > max) return null;
    if (!NON_ASCII.test(t)) return t;
    return utf8.encode(t).length > max ? null : t;
  };
}

/** Parses a `stop_words` value (an array of strings, `_english_` allowed) at `path`. */
export function parseStopWords(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.some((w) => typeof w !== 'string')) {
    invalidParam(path, 'an array of strings', value);
  }
  const { words, missing } = expandStopWords(value as string[]);
  if (missing !== undefined) {
    throw elanusError('stopWordsNotBundled', { list: missing }, { param: path });
  }
  return words;
}

/** Builds one entry of `analyzer_params.filter`. */
export function buildFilter(spec: unknown, path: string): TokenFilter {
  if (typeof spec === 'string') {
    const f = NAMED_FILTERS[spec];
    if (f) return f;
    return invalidParam(
      path,
      `a filter name (${Object.keys(NAMED_FILTERS).join(', ')}) or {type: ...}`,
      spec,
    );
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return invalidParam(path, 'a filter name string or {type: ...} object', spec);
  }
  const o = spec as Record<string, unknown>;
  switch (o.type) {
    case 'stop': {
      checkKeys(o, ['type', 'stop_words', 'stop_words_file'], path);
      if (o.stop_words_file !== undefined) {
        throw elanusError('stopWordsFileUnsupported', {}, { param: `${path}.stop_words_file` });
      }
      return stopFilter(o.stop_words === undefined ? [] : parseStopWords(o.stop_words, `${path}.stop_words`));
    }
    case 'stemmer': {
      checkKeys(o, ['type', 'language'], path);
      if (typeof o.language !== 'string')
        invalidParam(`${path}.language`, 'a language name string', o.language);
      if (o.language.toLowerCase() === 'english') return englishStem;
      return stemmerFor(o.language, `${path}.language`);
    }
    case 'length': {
      checkKeys(o, ['type', 'max'], path);
      const max = o.max;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) {
        invalidParam(`${path}.max`, 'a non-negative integer', max);
      }
      return lengthFilter(max);
    }
    case 'decompounder':
    case 'regex':
    case 'synonym':
      throw elanusError('analyzerFilterUnsupported', { type: o.type }, { param: `${path}.type` });
    default:
      return invalidParam(`${path}.type`, '"stop", "stemmer" or "length"', o.type);
  }
}
