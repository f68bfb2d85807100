/**
 * NLTK's Punkt sentence splitter (Kiss & Strunk 2006) in inference mode with NLTK's
 * pre-trained English parameters, reproducing `nltk.sent_tokenize(text)` (NLTK 3.9/3.10):
 * candidate end characters, the per-candidate context check, first/second annotation passes
 * (abbreviations, ellipses, initials, numbers, collocations, sentence starters, orthographic
 * heuristic) and the realignment of closing quotes/brackets.
 *
 * Character classes follow Python's `regex` module, which NLTK compiles its patterns with:
 * `\s` = White_Space, `\w` = Alphabetic | Mark | Nd | Pc | Join_Control.
 */
import {
  ABBREV_TYPES,
  COLLOCATIONS,
  ORTHO_BEG_LC_NO_UC,
  ORTHO_LC_MID_UC,
  ORTHO_LC_NO_MID_UC,
  SENT_STARTERS,
} from './data/punkt-english.js';
import { isPyLower, isPyUpper, lstripPy, PY_WS, PY_WS_CHARS, rstripPy, WORD_CLASS } from './pychars.js';

interface PunktParams {
  abbrevs: Set<string>;
  collocations: Set<string>; // "first\tsecond"
  sentStarters: Set<string>;
  lcNoMidUc: Set<string>;
  lcMidUc: Set<string>;
  begLcNoUc: Set<string>;
}

let params: PunktParams | undefined;

// Built on first use: the sets are large and most pages never split sentences.
function getParams(): PunktParams {
  if (params) return params;
  const set = (s: string) => new Set(s.split('\n'));
  params = {
    abbrevs: set(ABBREV_TYPES),
    collocations: new Set(COLLOCATIONS.split('\n').map((l) => l.replace(' ', '\t'))),
    sentStarters: set(SENT_STARTERS),
    lcNoMidUc: set(ORTHO_LC_NO_MID_UC),
    lcMidUc: set(ORTHO_LC_MID_UC),
    begLcNoUc: set(ORTHO_BEG_LC_NO_UC),
  };
  return params;
}

// ---------------------------------------------------------------------------------------------
// Regular expressions (PunktLanguageVars)

const NON_WORD = `[)";}\\]*:@'({\\[\\u2018\\u2019\\u201c\\u201d\\xab\\xbb?!]`;
const MULTI_CHAR = `(?:-{2,}|\\.{2,}|(?:\\.${PY_WS}){2,}\\.)`;
const WORD_START = `[^("\`{\\[:;&#*@)}\\]\\-,]`;
const NWS = `[^${PY_WS_CHARS}]`;

/** Punkt's word tokenizer: multi-char punctuation, a word up to a non-word char, or one char. */
const WORD_TOKENIZER = new RegExp(
  `${MULTI_CHAR}|(?=${WORD_START})${NWS}+?(?=${PY_WS}|$|${NON_WORD}|${MULTI_CHAR}|,(?=$|${PY_WS}|${NON_WORD}|${MULTI_CHAR}))|${NWS}`,
  'gu',
);

/** A potential sentence end and what follows it (group 1: after_tok, group 2: next_tok). */
const PERIOD_CONTEXT = new RegExp(`[.?!](?=(${NON_WORD}|${PY_WS}+(${NWS}+)))`, 'gu');

/** Closing punctuation that belongs to the previous sentence (anchored; Python MULTILINE `$`). */
const BOUNDARY_REALIGNMENT = new RegExp(
  `["')\\]}\\u2018\\u2019\\u201c\\u201d\\xab\\xbb]+?(?:${PY_WS}+|(?=--)|(?=\\n)|$)`,
  'uy',
);

const RE_NUMERIC = /^-?[.,]?\p{Nd}[\p{Nd},.-]*\.?$/u;
const RE_ELLIPSIS = /^\.\.+$/;
const RE_INITIAL = new RegExp(`^(?:(?!\\p{Nd})${WORD_CLASS})\\.$`, 'u');
const SENT_END_CHARS = new Set(['.', '?', '!']);
const ORTHO_PUNCT = new Set([';', ':', ',', '.', '!', '?']);
// string.whitespace: what _get_last_whitespace_index looks for (ASCII only).
const ASCII_WS = new Set([' ', '\t', '\n', '\r', '\x0b', '\x0c']);

// ---------------------------------------------------------------------------------------------
// Tokens

class Tok {
  readonly tok: string;
  readonly type: string;
  readonly periodFinal: boolean;
  sentbreak = false;
  abbr = false;
  ellipsis = false;

  constructor(tok: string) {
    this.tok = tok;
    const lower = tok.toLowerCase();
    this.type = RE_NUMERIC.test(lower) ? '##number##' : lower;
    this.periodFinal = tok.endsWith('.');
  }

  get typeNoPeriod(): string {
    const t = this.type;
    return t.length > 1 && t.endsWith('.') ? t.slice(0, -1) : t;
  }

  get typeNoSentperiod(): string {
    return this.sentbreak ? this.typeNoPeriod : this.type;
  }

  get firstUpper(): boolean {
    return isPyUpper(firstCodePoint(this.tok));
  }

  get firstLower(): boolean {
    return isPyLower(firstCodePoint(this.tok));
  }

  get isInitial(): boolean {
    return RE_INITIAL.test(this.tok);
  }
}

function firstCodePoint(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function tokenizeWords(text: string): Tok[] {
  const out: Tok[] = [];
  for (const line of text.split('\n')) {
    if (lstripPy(line).length === 0) continue;
    WORD_TOKENIZER.lastIndex = 0;
    for (const m of line.matchAll(WORD_TOKENIZER)) out.push(new Tok(m[0]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Annotation

function firstPass(t: Tok, p: PunktParams): void {
  const tok = t.tok;
  if (SENT_END_CHARS.has(tok)) t.sentbreak = true;
  else if (RE_ELLIPSIS.test(tok)) t.ellipsis = true;
  else if (t.periodFinal && !tok.endsWith('..')) {
    const stem = tok.slice(0, -1).toLowerCase();
    const parts = stem.split('-');
    if (p.abbrevs.has(stem) || p.abbrevs.has(parts[parts.length - 1]!)) t.abbr = true;
    else t.sentbreak = true;
  }
}

type Ortho = true | false | 'unknown';

function orthoHeuristic(t: Tok, p: PunktParams): Ortho {
  if (ORTHO_PUNCT.has(t.tok)) return false;
  const typ = t.typeNoSentperiod;
  if (t.firstUpper && p.lcNoMidUc.has(typ)) return true;
  if (t.firstLower && !p.begLcNoUc.has(typ)) return false;
  return 'unknown';
}

function secondPass(t1: Tok, t2: Tok | undefined, p: PunktParams): void {
  if (!t2 || !t1.periodFinal) return;
  const typ = t1.typeNoPeriod;
  const nextTyp = t2.typeNoSentperiod;
  const isInitial = t1.isInitial;
  if (p.collocations.has(`${typ}\t${nextTyp}`)) {
    t1.sentbreak = false;
    t1.abbr = true;
    return;
  }
  if ((t1.abbr || t1.ellipsis) && !isInitial) {
    if (orthoHeuristic(t2, p) === true) {
      t1.sentbreak = true;
      return;
    }
    if (t2.firstUpper && p.sentStarters.has(nextTyp)) {
      t1.sentbreak = true;
      return;
    }
  }
  if (isInitial || typ === '##number##') {
    const ortho = orthoHeuristic(t2, p);
    if (ortho === false) {
      t1.sentbreak = false;
      t1.abbr = true;
      return;
    }
    const hasLc = p.lcNoMidUc.has(nextTyp) || p.lcMidUc.has(nextTyp);
    if (ortho === 'unknown' && isInitial && t2.firstUpper && !hasLc) {
      t1.sentbreak = false;
      t1.abbr = true;
    }
  }
}

/** True if some token other than the last ends a sentence. */
function textContainsSentbreak(text: string, p: PunktParams): boolean {
  const toks = tokenizeWords(text);
  for (const t of toks) firstPass(t, p);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    secondPass(t, toks[i + 1], p);
    if (t.sentbreak && i + 1 < toks.length) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Sentence spans

function lastAsciiWhitespace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (ASCII_WS.has(text[i]!)) return i - from;
  return 0;
}

interface Candidate {
  end: number; // index after the end character
  nextTokStart: number; // -1 if no next token
  context: string;
}

function potentialEndContexts(text: string): Candidate[] {
  const out: Candidate[] = [];
  let prevStart = 0;
  let prevStop = 0;
  let prev: RegExpExecArray | undefined;
  const emit = (m: RegExpExecArray, start: number, stop: number) => {
    const after = m[1] ?? '';
    out.push({
      end: m.index + 1,
      nextTokStart: m[2] === undefined ? -1 : m.index + 1 + after.length - m[2].length,
      context: text.slice(start, stop) + m[0] + after,
    });
  };
  PERIOD_CONTEXT.lastIndex = 0;
  for (let m = PERIOD_CONTEXT.exec(text); m !== null; m = PERIOD_CONTEXT.exec(text)) {
    // NLTK's quirk kept on purpose: whitespace at offset 0 of the gap counts as "none found".
    let idx = lastAsciiWhitespace(text, prevStop, m.index);
    idx = idx ? idx + prevStop + 1 : prevStart;
    if (prev && prevStop <= idx) emit(prev, prevStart, prevStop);
    prev = m;
    prevStart = idx;
    prevStop = m.index;
  }
  if (prev) emit(prev, prevStart, prevStop);
  return out;
}

/** Sentence spans `[start, end)` of `text`, as `PunktSentenceTokenizer.span_tokenize`. */
export function sentenceSpans(text: string): Array<[number, number]> {
  const p = getParams();
  const slices: Array<[number, number]> = [];
  let lastBreak = 0;
  for (const c of potentialEndContexts(text)) {
    if (textContainsSentbreak(c.context, p)) {
      slices.push([lastBreak, c.end]);
      lastBreak = c.nextTokStart >= 0 ? c.nextTokStart : c.end;
    }
  }
  slices.push([lastBreak, rstripPy(text).length]);

  // Realign closing quotes/brackets that follow an end character onto the sentence before.
  const out: Array<[number, number]> = [];
  let realign = 0;
  for (let i = 0; i < slices.length; i++) {
    const [s1, e1] = slices[i]!;
    const start = s1 + realign;
    const next = slices[i + 1];
    if (!next) {
      if (e1 > start) out.push([start, e1]);
      continue;
    }
    const s2text = text.slice(next[0], next[1]);
    BOUNDARY_REALIGNMENT.lastIndex = 0;
    const m = BOUNDARY_REALIGNMENT.exec(s2text);
    if (m) {
      out.push([start, next[0] + rstripPy(m[0]).length]);
      realign = m[0].length;
    } else {
      realign = 0;
      if (e1 > start) out.push([start, e1]);
    }
  }
  return out;
}

/** `nltk.sent_tokenize(text)` with the English model. */
export function sentTokenize(text: string): string[] {
  return sentenceSpans(text).map(([s, e]) => text.slice(s, e));
}
