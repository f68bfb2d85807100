/**
 * NLTK `SnowballStemmer(language).stem(word)` for the languages of pymilvus's default BM25 analyzers
 * other than English (`german`, `french`, `russian`, `spanish`, `italian`, `portuguese`).
 *
 * NLTK's stemmers are hand-written Python ports of older Snowball algorithms; `@orama/stemmers` is
 * generated from the current Snowball sources. German agrees as is; the wrappers below reproduce where
 * NLTK's ports differ (each measured on gettext-catalogue vocabularies, see
 * test/bm25-multilingual.test.ts for what is left).
 */
import { stemmer as frenchStem } from '@orama/stemmers/french';
import { stemmer as germanStem } from '@orama/stemmers/german';
import { stemmer as italianStem } from '@orama/stemmers/italian';
import { stemmer as portugueseStem } from '@orama/stemmers/portuguese';
import { stemmer as russianStem } from '@orama/stemmers/russian';
import { stemmer as spanishStem } from '@orama/stemmers/spanish';

type StemFn = (word: string) => string;

/** Runs `stem` with `from` swapped for `to` and back; skipped when the word already holds `to`. */
function swapped(stem: StemFn, from: string, to: string): StemFn {
  return (w) =>
    w.includes(from) && !w.includes(to) ? stem(w.replaceAll(from, to)).replaceAll(to, from) : stem(w);
}

// NLTK's French, like the older Snowball source, has no `ë`/`ï` marks: `ê`/`î` stand in for them.
const frenchMarks = swapped(swapped(frenchStem, 'ï', 'î'), 'ë', 'ê');
const FRENCH_VOWELS = 'aeiouyâàëéêèïîôûù';
const isFrenchVowel = (c: string | undefined) => c !== undefined && FRENCH_VOWELS.includes(c);
const GUE = /guës?$/;
const NON_VOWELS_TO_END = /^[^aeiouyâàëéêèïîôûù]+$/;
const french: StemFn = (w) => {
  // NLTK's y-marking loop skips the first and last letters, so a `y` there stays a vowel even next to
  // one; `ù` (a vowel in no suffix) keeps it one for Snowball.
  let t = w;
  if (!w.includes('ù') && w.length > 1) {
    if (w[0] === 'y' && isFrenchVowel(w[1])) t = `ù${t.slice(1)}`;
    if (w.endsWith('y') && isFrenchVowel(w[w.length - 2])) t = `${t.slice(0, -1)}ù`;
  }
  let s = t === w ? frenchMarks(w) : frenchMarks(t).replaceAll('ù', 'y');
  // The old step 4 deletes `ë` after `gu` (`ambiguë` → `ambigu`), which the ë→ê stand-in hides.
  if (s.endsWith('guë') && GUE.test(w)) s = s.slice(0, -1);
  // NLTK's un-accent loop never reaches the first letter: a leading é/è stays.
  const first = w[0];
  if ((first === 'é' || first === 'è') && s[0] === 'e' && NON_VOWELS_TO_END.test(s.slice(1))) {
    s = first + s.slice(1);
  }
  return s;
};

// NLTK's Italian replaces `enza`/`enze` in R2 by "te" where Snowball writes "ente" (an NLTK slip it keeps).
const ENZA = /enz[ae]$/;
const italian: StemFn = (w) => {
  const s = italianStem(w);
  if (!ENZA.test(w)) return s;
  const base = w.slice(0, -4);
  return s === `${base}ent` ? `${base}t` : s;
};

// NLTK's Portuguese maps `qü`/`gü` to `qu`/`gu` before stemming, and still deletes `ança`/`anças` in R2
// (the current Snowball list dropped them); what NLTK does after that deletion is repeated below.
const QU_GU = /([qg])ü/g;
const PT_VOWELS = 'aeiouáéíóúâêô';
const isPtVowel = (c: string | undefined) => c !== undefined && PT_VOWELS.includes(c);
const ANCA = /anças?$/;

/** Start of R2 (Snowball's standard R1/R2 definition) in `w`. */
function r2Start(w: string): number {
  let r = w.length;
  for (let pass = 0, i = 1; pass < 2; pass++) {
    for (; i < w.length; i++) {
      if (!isPtVowel(w[i]) && isPtVowel(w[i - 1])) break;
    }
    r = Math.min(i + 1, w.length);
    i = r + 1;
  }
  return r;
}

/** Start of RV (Snowball's standard definition) in `w`. */
function rvStart(w: string): number {
  if (w.length < 2) return w.length;
  if (!isPtVowel(w[1])) {
    for (let i = 2; i < w.length; i++) if (isPtVowel(w[i])) return i + 1;
    return w.length;
  }
  if (isPtVowel(w[0])) {
    for (let i = 2; i < w.length; i++) if (!isPtVowel(w[i])) return i + 1;
    return w.length;
  }
  return Math.min(3, w.length);
}

const portuguese: StemFn = (word) => {
  const w = word.replace(QU_GU, '$1u');
  const m = ANCA.exec(w);
  // NLTK computes the regions with `ã`/`õ` written `a~`/`o~`; `~` is a non-vowel like a consonant.
  const t = w.replaceAll('ã', 'a~').replaceAll('õ', 'o~');
  if (!m || t.length - m[0].length < r2Start(t)) return portugueseStem(w);
  let out = t.slice(0, -m[0].length);
  const rv = rvStart(t);
  // Step 3 (`i` after `c` in RV), then step 5 (a final e/é/ê in RV, then `gu`/`ci`, or `ç` → `c`).
  if (out.endsWith('ci') && out.length - 1 >= rv) out = out.slice(0, -1);
  const last = out[out.length - 1];
  if ((last === 'e' || last === 'é' || last === 'ê') && out.length - 1 >= rv) {
    out = out.slice(0, -1);
    if ((out.endsWith('gu') || out.endsWith('ci')) && out.length - 1 >= rv) out = out.slice(0, -1);
  } else if (out.endsWith('ç')) out = `${out.slice(0, -1)}c`;
  return out.replaceAll('a~', 'ã').replaceAll('o~', 'õ');
};

// NLTK's Spanish also removes the unaccented `acion`/`aciones` (text typed without accents) as `ación`.
const ACION = /acion$/;
const spanish: StemFn = (w) => spanishStem(ACION.test(w) ? `${w.slice(0, -5)}ación` : w);

/*
 * NLTK's Russian stems a transliteration: a word with no character above U+00FF is returned as is, any
 * other is mapped to Latin (its Latin letters included), stemmed, and mapped back, so Latin letters in a
 * Cyrillic word come back Cyrillic, `ё` as `е` and `шч` as `щ`. The same round trip, then the Cyrillic
 * stemmer, gives NLTK's output.
 */
const CYR_TO_ROMAN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i`',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 't^s',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: "''",
  ы: 'y',
  ь: "'",
  э: 'e`',
  ю: 'i^u',
  я: 'i^a',
};
// NLTK's replacement order (longer sequences first, except where NLTK itself does otherwise).
const ROMAN_TO_CYR: readonly (readonly [string, string])[] = [
  ['i^u', 'ю'],
  ['i^a', 'я'],
  ['shch', 'щ'],
  ['kh', 'х'],
  ['t^s', 'ц'],
  ['ch', 'ч'],
  ['e`', 'э'],
  ['i`', 'й'],
  ['sh', 'ш'],
  ['k', 'к'],
  ['e', 'е'],
  ['zh', 'ж'],
  ['a', 'а'],
  ['b', 'б'],
  ['v', 'в'],
  ['g', 'г'],
  ['d', 'д'],
  ['z', 'з'],
  ['i', 'и'],
  ['l', 'л'],
  ['m', 'м'],
  ['n', 'н'],
  ['o', 'о'],
  ['p', 'п'],
  ['r', 'р'],
  ['s', 'с'],
  ['t', 'т'],
  ['u', 'у'],
  ['f', 'ф'],
  ["''", 'ъ'],
  ['y', 'ы'],
  ["'", 'ь'],
];
const CYRILLIC = /[а-яёА-ЯЁ]/g;
// Astral characters are surrogate pairs, inside this range too.
const ABOVE_LATIN1 = /[\u0100-\uffff]/;

function toRoman(w: string): string {
  // Upper-case Cyrillic maps to the same (lower-case) Latin: NLTK's Russian does not lowercase first.
  return w.replace(CYRILLIC, (c) => CYR_TO_ROMAN[c.toLowerCase()] ?? c);
}
function toCyrillic(w: string): string {
  for (const [from, to] of ROMAN_TO_CYR) w = w.replaceAll(from, to);
  return w;
}
const RUSSIAN_VOWEL = /[аеиоуыэюя]/;
const russian: StemFn = (w) => {
  if (!ABOVE_LATIN1.test(w)) return w;
  const c = toCyrillic(toRoman(w));
  const s = russianStem(c);
  // NLTK's list has `ui^ushchaia` for `ующая`, so only the adjective ending goes.
  if (c.endsWith('ующая') && s === c.slice(0, -5)) return c.slice(0, -2);
  // NLTK's step 4 (undouble `нн`, else drop `ь`) looks at the whole word, Snowball's at RV only: they
  // differ when RV (after the first vowel) is shorter than those endings.
  const v = c.search(RUSSIAN_VOWEL);
  if (s === c && (v < 0 || c.length - v - 1 < 2)) {
    if (c.endsWith('нн')) return c.slice(0, -1);
    if (c.endsWith('ь')) return c.slice(0, -1);
  }
  return s;
};

const STEMMERS: Readonly<Record<string, StemFn>> = {
  german: germanStem,
  french,
  russian,
  spanish,
  italian,
  portuguese,
};

/** The languages with an NLTK-compatible stemmer here besides `english`. */
export const NLTK_SNOWBALL_LANGUAGES: readonly string[] = Object.keys(STEMMERS);

/** NLTK's stemmer for `language`, or undefined if not bundled. */
export function nltkSnowballStemmer(language: string): StemFn | undefined {
  const stem = STEMMERS[language];
  if (!stem) return undefined;
  // NLTK lowercases first in every language but Russian, whose transliteration lowercases Cyrillic only.
  return language === 'russian' ? stem : (word) => stem(word.toLowerCase());
}
