import { elanusError, invalidParam } from '../../errors/index.js';

/** Splits text into raw tokens (before filters). */
export type Tokenizer = (text: string) => string[];

// Milvus's default `standard` tokenizer is tantivy's SimpleTokenizer: maximal runs of characters
// for which Rust's `char::is_alphanumeric` holds (Alphabetic or General_Category N*).
// One global unicode regex does the scan; no per-character work in JS.
const ALNUM_RUN = /[\p{Alphabetic}\p{N}]+/gu;

export const standardTokenizer: Tokenizer = (text) => text.match(ALNUM_RUN) ?? [];

// tantivy's WhitespaceTokenizer splits on ASCII whitespace only (`char::is_ascii_whitespace`),
// so e.g. U+00A0 stays inside a token, as on the server.
const NON_ASCII_WS_RUN = /[^\t\n\f\r ]+/g;

export const whitespaceTokenizer: Tokenizer = (text) => text.match(NON_ASCII_WS_RUN) ?? [];

// `uax29: true` (newer Milvus) keeps UAX #29 word segments that contain a letter, digit or emoji.
// (U+20E3, the keycap mark, sits outside the class so the lint does not read it as combining.)
const WORDISH =
  /[\p{Alphabetic}\p{N}\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Regional_Indicator}]|\u20e3/u;
// ICU (behind Intl.Segmenter) uses dictionaries for Han/Hiragana; plain UAX #29, as Milvus uses,
// breaks around every such character, so those segments are split per code point.
const PER_CHAR_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}]/u;

export function uax29Tokenizer(maxTokenLength: number): Tokenizer {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter === undefined) {
    throw elanusError('segmenterMissingUax29', {});
  }
  const seg = new Segmenter('und', { granularity: 'word' });
  return (text) => {
    const out: string[] = [];
    for (const { segment } of seg.segment(text)) {
      if (!WORDISH.test(segment)) continue;
      if (PER_CHAR_SCRIPT.test(segment)) {
        // Split only the Han/Hiragana characters apart; keep other runs (e.g. Katakana) whole.
        let run = '';
        for (const ch of segment) {
          if (PER_CHAR_SCRIPT.test(ch)) {
            if (run) pushChunks(out, run, maxTokenLength);
            run = '';
            out.push(ch);
          } else run += ch;
        }
        if (run) pushChunks(out, run, maxTokenLength);
      } else pushChunks(out, segment, maxTokenLength);
    }
    return out;
  };
}

// Milvus streams an over-long segment as consecutive chunks of at most max_token_length characters.
function pushChunks(out: string[], s: string, max: number): void {
  if (s.length <= max) {
    out.push(s);
    return;
  }
  const chars = Array.from(s);
  if (chars.length <= max) {
    out.push(s);
    return;
  }
  for (let i = 0; i < chars.length; i += max) out.push(chars.slice(i, i + max).join(''));
}

/**
 * Milvus's `icu` tokenizer: ICU word-break segments, dictionary-based for Chinese, Japanese, Thai and the
 * like, with punctuation and spaces kept as tokens of their own ("Привет! Как дела?" gives
 * ["Привет", "!", " ", "Как", " ", "дела", "?"]; the `removepunct` filter drops them). Intl.Segmenter
 * is ICU in browsers and Node, so no dictionary ships with Elanus.
 */
export function icuTokenizer(): Tokenizer {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter === undefined) {
    throw elanusError('segmenterMissingIcu', {}, { param: 'analyzer_params.tokenizer' });
  }
  const seg = new Segmenter('und', { granularity: 'word' });
  return (text) => {
    const out: string[] = [];
    for (const s of seg.segment(text)) out.push(s.segment);
    return out;
  };
}

const DEFAULT_MAX_TOKEN_LENGTH = 255;
const MAX_TOKEN_LENGTH_LIMIT = 1024 * 1024;

/** Builds the tokenizer named by `analyzer_params.tokenizer` (a name or `{type, ...}`). */
export function buildTokenizer(spec: unknown, path = 'analyzer_params.tokenizer'): Tokenizer {
  let name: unknown = spec;
  let opts: Record<string, unknown> | undefined;
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
    opts = spec as Record<string, unknown>;
    name = opts.type;
    if (name === undefined) invalidParam(`${path}.type`, 'a tokenizer name string', name);
  }
  if (typeof name !== 'string') {
    invalidParam(opts ? `${path}.type` : path, 'a tokenizer name string or {type: ...} object', name);
  }
  switch (name) {
    case 'standard': {
      if (!opts) return standardTokenizer;
      checkKeys(opts, ['type', 'uax29', 'max_token_length'], path);
      const uax29 = opts.uax29;
      if (uax29 !== undefined && typeof uax29 !== 'boolean')
        invalidParam(`${path}.uax29`, 'a boolean', uax29);
      if (opts.max_token_length !== undefined && uax29 !== true) {
        invalidParam(
          `${path}.max_token_length`,
          'to be set only together with uax29=true',
          opts.max_token_length,
        );
      }
      if (uax29 !== true) return standardTokenizer;
      const max = opts.max_token_length ?? DEFAULT_MAX_TOKEN_LENGTH;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_TOKEN_LENGTH_LIMIT) {
        invalidParam(`${path}.max_token_length`, `an integer in [1, ${MAX_TOKEN_LENGTH_LIMIT}]`, max);
      }
      return uax29Tokenizer(max);
    }
    case 'whitespace':
      if (opts) checkKeys(opts, ['type'], path);
      return whitespaceTokenizer;
    case 'icu':
      if (opts) checkKeys(opts, ['type'], path);
      return icuTokenizer();
    case 'jieba':
    case 'lindera':
    case 'language_identifier':
    case 'char_group':
      throw elanusError('tokenizerUnsupported', { tokenizer: name }, { param: path });
    default:
      return invalidParam(path, '"standard", "whitespace" or "icu"', name);
  }
}

export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) invalidParam(`${path}.${k}`, `one of the keys ${allowed.join(', ')}`, k);
  }
}
