/**
 * NLTK's `NLTKWordTokenizer` (the improved Treebank tokenizer behind `nltk.word_tokenize`),
 * rule for rule: starting quotes, punctuation, brackets, double dashes, ending quotes and
 * clitics, then the MacIntyre contractions. `wordTokenize` adds Punkt sentence splitting first,
 * as `word_tokenize(text)` does, so only a sentence-final period is split off a word.
 */
import { sentenceSpans } from './punkt.js';
import { PY_WS, RE_WORD_CLASS, splitPy, WORD_CLASS } from './pychars.js';

type Rule = readonly [RegExp, string];

const W = WORD_CLASS;
const RW = RE_WORD_CLASS;

const STARTING_QUOTES: readonly Rule[] = [
  [/([«“‘„]|`+)/gu, ' $1 '],
  [/^"/u, '``'],
  [/(``)/gu, ' $1 '],
  [/([ ([{<])("|'{2})/gu, '$1 `` '],
  // An opening single quote, unless it starts a clitic ('re, 've, 'll, 'm, 't, 's, 'd, 'n).
  [new RegExp(`(?<!${W})(')(?!(?:re|ve|ll|m|t|s|d|n)(?!${W}))(?=${W})`, 'giu'), '$1 '],
];

const PUNCTUATION: readonly Rule[] = [
  [new RegExp(`([^.])(\\.)([\\])}>"'»”’ ]*)${PY_WS}*$`, 'u'), '$1 $2 $3 '],
  [/([:,])([^\p{Nd}])/gu, ' $1 $2'],
  [/([:,])$/u, ' $1 '],
  [/\.{2,}/gu, ' $& '],
  [/[;@#$%&]/gu, ' $& '],
  [/[\u2012-\u2015]/gu, ' $& '],
  [new RegExp(`([^.])(\\.)([\\])}>"']*)${PY_WS}*$`, 'u'), '$1 $2$3 '],
  [/[?!]/gu, ' $& '],
  [/([^'])' /gu, "$1 ' "],
  [/[*]/gu, ' $& '],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/gu, ' $& '];
const DOUBLE_DASHES: Rule = [/--/gu, ' -- '];

const ENDING_QUOTES: readonly Rule[] = [
  [/([»”’])/gu, ' $1 '],
  [/''/gu, " '' "],
  [/"/gu, " '' "],
  [new RegExp(`${PY_WS}+`, 'gu'), ' '],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /gu, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /gu, '$1 $2 '],
];

// NLTK compiles these with the stdlib `re` (not `regex`), hence RE_WORD_CLASS for `\b`,
// and `re`'s `\s` (str.isspace) in the lookahead of "wanna".
const b = (s: string) => `(?<!${RW})${s}`;
const e = `(?!${RW})`;
const CONTRACTIONS: readonly Rule[] = [
  [new RegExp(`${b('(can)')}(not)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(d)')}('ye)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(gim)')}(me)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(gon)')}(na)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(got)')}(ta)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(lem)')}(me)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(more)')}('n)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(`${b('(wan)')}(na)(?=[\\p{White_Space}\\x1c-\\x1f])`, 'giu'), ' $1 $2 '],
  [new RegExp(` ('t)(is)${e}`, 'giu'), ' $1 $2 '],
  [new RegExp(` ('t)(was)${e}`, 'giu'), ' $1 $2 '],
];

function apply(text: string, rules: readonly Rule[]): string {
  for (const [re, sub] of rules) text = text.replace(re, sub);
  return text;
}

/** `NLTKWordTokenizer().tokenize(sentence)`. */
export function treebankTokenize(sentence: string): string[] {
  let text = apply(sentence, STARTING_QUOTES);
  text = apply(text, PUNCTUATION);
  text = text.replace(PARENS_BRACKETS[0], PARENS_BRACKETS[1]);
  text = text.replace(DOUBLE_DASHES[0], DOUBLE_DASHES[1]);
  text = apply(` ${text} `, ENDING_QUOTES);
  text = apply(text, CONTRACTIONS);
  return splitPy(text);
}

/** `nltk.word_tokenize(text)` (English): Punkt sentences, then the Treebank rules per sentence. */
export function wordTokenize(text: string): string[] {
  const out: string[] = [];
  for (const [s, e] of sentenceSpans(text)) {
    for (const t of treebankTokenize(text.slice(s, e))) out.push(t);
  }
  return out;
}
