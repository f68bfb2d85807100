import { filterError } from './errors.js';

/** Keywords, normalised: `&&`→and, `||`→or, `!`→not, `is null`→isnull, `is not null`→isnotnull. */
export type Keyword =
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | 'like'
  | 'exists'
  | 'true'
  | 'false'
  | 'isnull'
  | 'isnotnull';

export type Token =
  | { kind: 'int'; pos: number; end: number; value: bigint }
  | { kind: 'float'; pos: number; end: number; value: number }
  | { kind: 'string'; pos: number; end: number; value: string }
  | { kind: 'ident'; pos: number; end: number; value: string }
  | { kind: 'kw'; pos: number; end: number; value: Keyword }
  | { kind: 'op'; pos: number; end: number; value: string }
  | { kind: 'eof'; pos: number; end: number; value: '' };

// Plan.g4 accepts exactly these spellings (all-lower or all-upper, booleans also Capitalised).
const KEYWORDS: Record<string, Keyword> = {
  and: 'and',
  AND: 'and',
  or: 'or',
  OR: 'or',
  not: 'not',
  NOT: 'not',
  in: 'in',
  IN: 'in',
  like: 'like',
  LIKE: 'like',
  exists: 'exists',
  EXISTS: 'exists',
  true: 'true',
  True: 'true',
  TRUE: 'true',
  false: 'false',
  False: 'false',
  FALSE: 'false',
};

// Longest first, so `**` wins over `*` and `<=` over `<`.
const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '**',
  '&&',
  '||',
  '=~',
  '!~',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '!',
  '=',
];

const INT64_MAX = (1n << 63n) - 1n;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAsciiIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const UNICODE_IDENT = /[\p{L}\p{N}]/u;

function isIdentStart(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (isAsciiIdentStart(c)) return true;
  // Non-ASCII letters are accepted in names: Milvus field names may carry them.
  return c > 127 && UNICODE_IDENT.test(String.fromCodePoint(src.codePointAt(i)!)) && !/\p{N}/u.test(src[i]!);
}

function isIdentPart(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (isAsciiIdentStart(c) || isDigit(c)) return true;
  return c > 127 && UNICODE_IDENT.test(String.fromCodePoint(src.codePointAt(i)!));
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Splits a filter expression into tokens; throws `InvalidFilter` on malformed literals or stray characters. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    // Raw strings: r"..." keep backslashes verbatim.
    if ((c === 114 || c === 82) && (src[i + 1] === '"' || src[i + 1] === "'")) {
      const [value, end] = readRawString(src, i + 1);
      out.push({ kind: 'string', pos: start, end, value });
      i = end;
      continue;
    }
    if (isIdentStart(src, i)) {
      i += src.codePointAt(i)! > 0xffff ? 2 : 1;
      while (i < n && isIdentPart(src, i)) i += src.codePointAt(i)! > 0xffff ? 2 : 1;
      const word = src.slice(start, i);
      if (word === 'is' || word === 'IS') {
        const m = /^[ \t\r\n]+(?:(not|NOT)[ \t\r\n]+)?(null|NULL)(?![A-Za-z0-9_])/.exec(src.slice(i, i + 64));
        if (m) {
          i += m[0].length;
          out.push({ kind: 'kw', pos: start, end: i, value: m[1] ? 'isnotnull' : 'isnull' });
          continue;
        }
      }
      const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
      if (kw) out.push({ kind: 'kw', pos: start, end: i, value: kw });
      else out.push({ kind: 'ident', pos: start, end: i, value: word });
      continue;
    }
    if (c === 36 /* $ */) {
      if (src.startsWith('$meta', i) && !(i + 5 < n && isIdentPart(src, i + 5))) {
        i += 5;
        out.push({ kind: 'ident', pos: start, end: i, value: '$meta' });
        continue;
      }
      throw filterError(src, 'unexpected character `$` (only `$meta` may start with it)', i);
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      const tok = readNumber(src, i);
      out.push(tok);
      i = tok.end;
      continue;
    }
    if (c === 34 || c === 39) {
      const [value, end] = readString(src, i);
      out.push({ kind: 'string', pos: start, end, value });
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) {
      const ch = String.fromCodePoint(src.codePointAt(i)!);
      throw filterError(src, `unexpected character ${JSON.stringify(ch)}`, i);
    }
    i += op.length;
    if (op === '&&') out.push({ kind: 'kw', pos: start, end: i, value: 'and' });
    else if (op === '||') out.push({ kind: 'kw', pos: start, end: i, value: 'or' });
    else if (op === '!') out.push({ kind: 'kw', pos: start, end: i, value: 'not' });
    else out.push({ kind: 'op', pos: start, end: i, value: op });
  }
  out.push({ kind: 'eof', pos: n, end: n, value: '' });
  return out;
}

function readNumber(src: string, start: number): Token {
  const n = src.length;
  let i = start;
  const c0 = src[i];
  const c1 = src[i + 1];
  const bad = (msg: string, at = start): never => {
    throw filterError(src, msg, at);
  };
  const checkEnd = (): void => {
    if (i < n && (isIdentPart(src, i) || src[i] === '.'))
      bad(`invalid number literal \`${src.slice(start, i + 1)}\``);
  };
  const intToken = (digits: string, text: string): Token => {
    const value = BigInt(digits);
    if (value > INT64_MAX) bad(`integer literal ${text} is out of the int64 range`);
    return { kind: 'int', pos: start, end: i, value };
  };

  if (c0 === '0' && (c1 === 'x' || c1 === 'X')) {
    i += 2;
    const ds = i;
    while (i < n && isHex(src.charCodeAt(i))) i++;
    let intDigits = src.slice(ds, i);
    // Hexadecimal floats (0x1.8p3) need a binary exponent.
    if (src[i] === '.' || src[i] === 'p' || src[i] === 'P') {
      let frac = '';
      if (src[i] === '.') {
        i++;
        const fs = i;
        while (i < n && isHex(src.charCodeAt(i))) i++;
        frac = src.slice(fs, i);
      }
      if (intDigits === '' && frac === '') bad('invalid hexadecimal literal');
      if (src[i] !== 'p' && src[i] !== 'P') bad('hexadecimal floating literal needs a `p` exponent');
      i++;
      const es = i;
      if (src[i] === '+' || src[i] === '-') i++;
      const ed = i;
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      if (i === ed) bad('hexadecimal floating literal has an empty exponent');
      checkEnd();
      if (intDigits === '') intDigits = '0';
      let mant = Number.parseInt(intDigits, 16);
      for (let k = 0; k < frac.length; k++) mant += Number.parseInt(frac[k]!, 16) / 16 ** (k + 1);
      const value = mant * 2 ** Number(src.slice(es, i));
      return { kind: 'float', pos: start, end: i, value };
    }
    if (intDigits === '') bad('invalid hexadecimal literal');
    checkEnd();
    return intToken(`0x${intDigits}`, src.slice(start, i));
  }
  if (c0 === '0' && (c1 === 'b' || c1 === 'B' || c1 === 'o' || c1 === 'O')) {
    const binary = c1 === 'b' || c1 === 'B';
    i += 2;
    const ds = i;
    while (i < n && (binary ? src[i] === '0' || src[i] === '1' : src[i]! >= '0' && src[i]! <= '7')) i++;
    if (i === ds) bad(`invalid ${binary ? 'binary' : 'octal'} literal`);
    checkEnd();
    return intToken(`0${binary ? 'b' : 'o'}${src.slice(ds, i)}`, src.slice(start, i));
  }

  while (i < n && isDigit(src.charCodeAt(i))) i++;
  const intEnd = i;
  let isFloat = false;
  if (src[i] === '.') {
    isFloat = true;
    i++;
    while (i < n && isDigit(src.charCodeAt(i))) i++;
  }
  if (src[i] === 'e' || src[i] === 'E') {
    const save = i;
    i++;
    if (src[i] === '+' || src[i] === '-') i++;
    const ed = i;
    while (i < n && isDigit(src.charCodeAt(i))) i++;
    if (i === ed) bad('floating literal has an empty exponent', save);
    isFloat = true;
  }
  checkEnd();
  const text = src.slice(start, i);
  if (isFloat) return { kind: 'float', pos: start, end: i, value: Number(text) };
  // A leading zero means octal, as in C (and Go's ParseInt with base 0).
  if (text.length > 1 && text[0] === '0') {
    if (!/^[0-7]+$/.test(text)) bad(`invalid octal literal ${text}`);
    return intToken(`0o${text.slice(1)}`, text);
  }
  i = intEnd;
  return intToken(text, text);
}

function readRawString(src: string, q: number): [string, number] {
  const quote = src[q]!;
  let i = q + 1;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n' || ch === '\r') break;
    if (ch === '\\' && i + 1 < src.length && src[i + 1] !== '\n' && src[i + 1] !== '\r') {
      i += 2;
      continue;
    }
    if (ch === quote) return [src.slice(q + 1, i), i + 1];
    i++;
  }
  throw filterError(src, 'unterminated string literal', q - 1);
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Reads a quoted string with C/Go escapes. `\x` and octal escapes are bytes, decoded as UTF-8 (as Go does). */
function readString(src: string, start: number): [string, number] {
  const quote = src[start]!;
  let i = start + 1;
  // Fast path: no escapes.
  let j = i;
  while (j < src.length && src[j] !== quote && src[j] !== '\\' && src[j] !== '\n' && src[j] !== '\r') j++;
  if (src[j] === quote) return [src.slice(i, j), j + 1];

  const bytes: number[] = [];
  const pushText = (s: string): void => {
    for (const b of utf8.encode(s)) bytes.push(b);
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n' || ch === '\r') break;
    if (ch === quote) return [utf8Decoder.decode(new Uint8Array(bytes)), i + 1];
    if (ch !== '\\') {
      const cp = src.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      pushText(s);
      i += s.length;
      continue;
    }
    const escPos = i;
    const e = src[i + 1];
    if (e === undefined || e === '\n' || e === '\r') break;
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      continue;
    }
    if (e >= '0' && e <= '7') {
      let k = i;
      while (k < i + 2 && src[k]! >= '0' && src[k]! <= '7') k++;
      const v = Number.parseInt(src.slice(i - 1, k), 8);
      if (v > 255) throw filterError(src, `octal escape \\${src.slice(i - 1, k)} is above \\377`, escPos);
      bytes.push(v);
      i = k;
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(i, i + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw filterError(src, `escape \\${e} needs ${len} hexadecimal digits`, escPos);
      }
      const v = Number.parseInt(hex, 16);
      i += len;
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          throw filterError(src, `escape \\${e}${hex} is not a valid code point`, escPos);
        }
        pushText(String.fromCodePoint(v));
      }
      continue;
    }
    throw filterError(
      src,
      `invalid escape sequence \`\\${e}\` in string literal (write \`\\\\${e}\` for a backslash followed by ${JSON.stringify(e)})`,
      escPos,
    );
  }
  throw filterError(src, 'unterminated string literal', start);
}
