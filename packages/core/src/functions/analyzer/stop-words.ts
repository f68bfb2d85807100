/**
 * Named stop-word lists accepted as `"_name_"` entries in `stop_words`.
 *
 * `_english_` is the 33-word list Milvus's tantivy binding ships (the classic Lucene/Snowball
 * English list), so `{type: 'english'}` drops exactly the same words as the server.
 * Word data only; no code from the Milvus project.
 */
export const ENGLISH_STOP_WORDS: readonly string[] = Object.freeze([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

const NAMED: Readonly<Record<string, readonly string[]>> = { _english_: ENGLISH_STOP_WORDS };

/** Lists the Milvus server knows but Elanus does not ship (yet); asking for one is an explicit error. */
export const UNSUPPORTED_NAMED_LISTS: ReadonlySet<string> = new Set([
  '_danish_',
  '_dutch_',
  '_finnish_',
  '_french_',
  '_german_',
  '_hungarian_',
  '_italian_',
  '_norwegian_',
  '_portuguese_',
  '_russian_',
  '_spanish_',
  '_swedish_',
  '_chinese_',
]);

/**
 * Expands `_name_` entries the way Milvus does: a known list name is replaced by its words,
 * anything else (including an unknown `_x_`) is taken as a literal stop word.
 * Returns `undefined` for a name Milvus knows but Elanus lacks, so the caller can report it.
 */
export function expandStopWords(words: readonly string[]): { words: string[]; missing?: string } {
  const out: string[] = [];
  for (const w of words) {
    if (w.length > 0 && w.charCodeAt(0) === 95 /* _ */) {
      const list = NAMED[w];
      if (list) {
        out.push(...list);
        continue;
      }
      if (UNSUPPORTED_NAMED_LISTS.has(w)) return { words: out, missing: w };
    }
    out.push(w);
  }
  return { words: out };
}
