/**
 * Python character semantics that NLTK's behaviour depends on, as JS regex fragments (`u` flag).
 * NLTK >= 3.10 compiles its patterns with the `regex` module: `\s` is the White_Space property and
 * `\w` is Alphabetic | Mark | Decimal_Number | Connector_Punctuation | Join_Control.
 */

/** `\s` of Python's `regex` module (usable inside and outside a class). */
export const PY_WS = '\\p{White_Space}';
/** Same, for use inside `[...]`. */
export const PY_WS_CHARS = '\\p{White_Space}';
/** `\w` of Python's `regex` module, as a class. */
export const WORD_CLASS = '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d]';
/** `\w` of Python's `re` module (isalnum() or `_`), as a class; NLTK's contraction rules still use `re`. */
export const RE_WORD_CLASS = '[\\p{L}\\p{N}_]';

// str.isspace(): White_Space plus the ASCII information separators U+001C..U+001F.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C..U+001F are whitespace to Python.
const LEADING_SPACE = /^[\p{White_Space}\x1c-\x1f]+/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C..U+001F are whitespace to Python.
const TRAILING_SPACE = /[\p{White_Space}\x1c-\x1f]+$/u;
/** Runs of characters for which str.isspace() holds: what str.split() splits on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C..U+001F are whitespace to Python.
export const PY_SPLIT = /[\p{White_Space}\x1c-\x1f]+/u;

export const lstripPy = (s: string): string => s.replace(LEADING_SPACE, '');
export const rstripPy = (s: string): string => s.replace(TRAILING_SPACE, '');

/** `str.split()` with no argument: split on whitespace runs, dropping empty strings. */
export function splitPy(s: string): string[] {
  const parts = s.split(PY_SPLIT);
  let w = 0;
  for (const p of parts) if (p.length > 0) parts[w++] = p;
  parts.length = w;
  return parts;
}

const UPPER = /^\p{Uppercase}$/u;
const LOWER = /^\p{Lowercase}$/u;
/** `ch.isupper()` for a single character. */
export const isPyUpper = (ch: string): boolean => UPPER.test(ch);
/** `ch.islower()` for a single character. */
export const isPyLower = (ch: string): boolean => LOWER.test(ch);

/** `len(s)` in code points. */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
