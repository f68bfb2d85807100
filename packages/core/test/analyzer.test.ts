/**
 * The engine's Milvus full-text analyzers.
 *
 * Expected outputs follow the Milvus server (tantivy binding): the default `standard` tokenizer is
 * tantivy's SimpleTokenizer (runs of Unicode alphanumerics), LowerCaser lowercases per character
 * (no final-sigma rule), `english` = lowercase → Porter2 → `_english_` stop words.
 *
 * Cross-check against PyPI milvus-lite 3.2.2 (done by hand, not at test time): its gRPC server
 * answers `run_analyzer` with UNIMPLEMENTED, so its analyzer module
 * (`milvus_lite.analyzer.create_analyzer({"type": "standard"})`, a Python `\w+` on the
 * lower-cased text) was called directly on 200 sentences (170 fixture documents + 30 Unicode
 * probes): 156/200 token lists identical. All differences are milvus-lite departures from the
 * server, so Elanus keeps the server behaviour:
 *  - 39 texts: `_` is a word character for Python `\w` but not for tantivy (`__init__` → `init`);
 *  - `ΟΔΟΣ`/`ΣΊΣΥΦΟΣ`: milvus-lite gives final `ς` (Python str.lower), tantivy `σ`;
 *  - `İstanbul`: milvus-lite lowercases first and splits at U+0307; tantivy keeps `i̇stanbul`;
 *  - Devanagari `हिन्दी`: milvus-lite splits at every combining mark, tantivy only at the virama
 *    (not Alphabetic), giving `हिन`, `दी`;
 *  - `Ⓐ` (Other_Alphabetic): a token for tantivy, dropped by milvus-lite.
 * milvus-lite has no `english` analyzer, stemmer, whitespace tokenizer or length/asciifolding
 * filters, so those are checked against the Milvus docs' examples and tantivy's semantics only.
 */
import { describe, expect, test } from 'vitest';
import { ElanusError } from '../src/errors/index.js';
import { bm25Vector, createAnalyzer, TermDictionary } from '../src/functions/analyzer/index.js';

const tok = (params: Record<string, unknown> | undefined, text: string) =>
  createAnalyzer(params).tokenize(text);

function errorOf(fn: () => unknown): ElanusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    return e as ElanusError;
  }
  throw new Error('expected an ElanusError');
}

describe('standard analyzer (default)', () => {
  test('splits on non-alphanumerics and lowercases; {} and undefined mean standard', () => {
    const text = 'The Milvus vector database is built for scale!';
    const want = ['the', 'milvus', 'vector', 'database', 'is', 'built', 'for', 'scale'];
    expect(tok(undefined, text)).toEqual(want);
    expect(tok({}, text)).toEqual(want);
    expect(tok({ type: 'standard' }, text)).toEqual(want);
    expect(tok({ tokenizer: 'standard', filter: ['lowercase'] }, text)).toEqual(want);
  });

  test("matches tantivy's SimpleTokenizer on the Milvus test strings", () => {
    expect(tok({ tokenizer: 'standard' }, "The 2 QUICK Brown-Foxes dog's 32.3 中文 👩‍🔬")).toEqual([
      'The',
      '2',
      'QUICK',
      'Brown',
      'Foxes',
      'dog',
      's',
      '32',
      '3',
      '中文',
    ]);
    expect(tok({ tokenizer: 'standard' }, '---abc123---DEF_456---')).toEqual(['abc123', 'DEF', '456']);
    expect(tok({ tokenizer: 'standard' }, 'éclair Straße Ελληνικά русский 日本語')).toEqual([
      'éclair',
      'Straße',
      'Ελληνικά',
      'русский',
      '日本語',
    ]);
  });

  test('lowercase is per character like tantivy (no final sigma), stop_words option', () => {
    expect(tok(undefined, 'ΟΔΟΣ İstanbul')).toEqual(['οδοσ', 'i̇stanbul']);
    expect(tok({ type: 'standard', stop_words: ['of', 'the'] }, 'The art of war')).toEqual(['art', 'war']);
    expect(tok({ type: 'standard', stop_words: ['_english_'] }, 'The art of war')).toEqual(['art', 'war']);
  });

  test('empty and punctuation-only text give no tokens', () => {
    expect(tok(undefined, '')).toEqual([]);
    expect(tok(undefined, ' ,.;!? ')).toEqual([]);
  });
});

describe('english analyzer', () => {
  test('Milvus docs example', () => {
    expect(tok({ type: 'english' }, 'Milvus is a vector database built for scale!')).toEqual([
      'milvus',
      'vector',
      'databas',
      'built',
      'scale',
    ]);
  });

  test('stems, then drops _english_ stop words, then extra stop_words', () => {
    expect(tok({ type: 'english' }, 'The runners were running into these generously sized rooms')).toEqual([
      'runner',
      'were',
      'run',
      'generous',
      'size',
      'room',
    ]);
    expect(tok({ type: 'english', stop_words: ['room'] }, 'rooms and runners')).toEqual(['runner']);
  });
});

describe('custom analyzers', () => {
  test('whitespace tokenizer splits on ASCII whitespace only', () => {
    expect(tok({ tokenizer: 'whitespace' }, "Hello,  world!\tIt's\u00a0fine\n")).toEqual([
      'Hello,',
      'world!',
      "It's\u00a0fine",
    ]);
  });

  test('asciifolding, stop, stemmer and length filters in the given order', () => {
    const params = {
      tokenizer: 'standard',
      filter: [
        'lowercase',
        'asciifolding',
        { type: 'stop', stop_words: ['the', 'cafe'] },
        { type: 'stemmer', language: 'english' },
        { type: 'length', max: 6 },
      ],
    };
    expect(tok(params, 'The Café served Crème Brûlée to NAÏVE Æsir; straße ﬁne')).toEqual([
      'serv',
      'creme',
      'brule',
      'to',
      'naiv',
      'aesir',
      'strass',
      'fine',
    ]);
  });

  test('length counts UTF-8 bytes, as tantivy does', () => {
    expect(tok({ tokenizer: 'standard', filter: [{ type: 'length', max: 4 }] }, 'abcd ééé éé')).toEqual([
      'abcd',
      'éé',
    ]);
  });

  test('alphanumonly, removepunct, cncharonly filters', () => {
    expect(tok({ tokenizer: 'whitespace', filter: ['alphanumonly'] }, 'abc a.b 中文 x1')).toEqual([
      'abc',
      'x1',
    ]);
    expect(tok({ tokenizer: 'whitespace', filter: ['removepunct'] }, 'abc a.b , x1')).toEqual(['abc', 'x1']);
    expect(tok({ tokenizer: 'whitespace', filter: ['cncharonly'] }, 'abc 中文 x中')).toEqual(['中文', 'x中']);
  });

  test('icu tokenizer: ICU word segments with punctuation and spaces kept, removepunct drops them', () => {
    // The Milvus docs' own example, for both.
    expect(tok({ tokenizer: 'icu' }, 'Привет! Как дела?')).toEqual([
      'Привет',
      '!',
      ' ',
      'Как',
      ' ',
      'дела',
      '?',
    ]);
    expect(tok({ tokenizer: 'icu', filter: ['removepunct'] }, 'Привет! Как дела?')).toEqual([
      'Привет',
      'Как',
      'дела',
    ]);
    expect(tok({ tokenizer: { type: 'icu' } }, 'Hello!')).toEqual(['Hello', '!']);
    // Dictionary-based words where the script has no spaces: never one token per sentence, never per character.
    for (const text of ['東京は日本の首都です', '向量数据库很快', 'สวัสดีครับ']) {
      const words = tok({ tokenizer: 'icu', filter: ['removepunct'] }, text);
      expect(words.join('')).toBe(text);
      expect(words.length).toBeGreaterThan(1);
      expect(words.length).toBeLessThan(Array.from(text).length);
    }
    expect(tok({ tokenizer: 'icu', filter: ['lowercase', 'removepunct'] }, 'Größe, ÉTÉ.')).toEqual([
      'größe',
      'été',
    ]);
    expect(errorOf(() => createAnalyzer({ tokenizer: { type: 'icu', locale: 'ja' } })).code).toBe(
      'IllegalArgument',
    );
    expect(errorOf(() => createAnalyzer({ tokenizer: { type: 'icu', locale: 'ja' } })).message).toMatch(
      /analyzer_params\.tokenizer\.locale: expected one of the keys type/,
    );
  });

  test('standard tokenizer with uax29: true follows UAX #29 word boundaries', () => {
    const a = { tokenizer: { type: 'standard', uax29: true } };
    expect(tok(a, "O'Reilly can't jump 32.3 feet from 216.239.63.104")).toEqual([
      "O'Reilly",
      "can't",
      'jump',
      '32.3',
      'feet',
      'from',
      '216.239.63.104',
    ]);
    expect(tok(a, '中文 カタカナ 한국어')).toEqual(['中', '文', 'カタカナ', '한국어']);
    expect(tok({ tokenizer: { type: 'standard', uax29: true, max_token_length: 5 } }, 'jumped')).toEqual([
      'jumpe',
      'd',
    ]);
  });
});

describe('parameter errors', () => {
  test('IllegalArgument naming the parameter, the expectation and the value', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: 'klingon' }, /analyzer_params\.type: expected "standard" or "english", got "klingon"/],
      [{ type: 3 }, /analyzer_params\.type: expected a string, got 3/],
      [
        { tokenizer: 'spaces' },
        /analyzer_params\.tokenizer: expected "standard", "whitespace" or "icu", got "spaces"/,
      ],
      [{ filter: ['lowercase'] }, /analyzer_params\.tokenizer/],
      [{ tokenizer: 'standard', filter: 'lowercase' }, /analyzer_params\.filter: expected an array/],
      [{ tokenizer: 'standard', filter: ['upper'] }, /analyzer_params\.filter\[0\]: expected a filter name/],
      [
        { tokenizer: 'standard', filter: [{ type: 'length', max: -1 }] },
        /filter\[0\]\.max: expected a non-negative/,
      ],
      [{ tokenizer: 'standard', filter: [{ type: 'length' }] }, /filter\[0\]\.max/],
      [
        { tokenizer: 'standard', filter: [{ type: 'stop', stop_words: 'the' }] },
        /filter\[0\]\.stop_words: expected an array of strings/,
      ],
      [{ tokenizer: 'standard', filter: [{ type: 'stemmer' }] }, /filter\[0\]\.language/],
      [{ tokenizer: 'standard', filter: [{ type: 'nope' }] }, /filter\[0\]\.type/],
      [{ tokenizer: 'standard', extra: 1 }, /analyzer_params\.extra/],
      [{ tokenizer: { type: 'standard', uax29: 'yes' } }, /tokenizer\.uax29: expected a boolean/],
      [{ tokenizer: { type: 'standard', max_token_length: 5 } }, /max_token_length/],
      [{ type: 'english', stop_words: [1] }, /analyzer_params\.stop_words/],
    ];
    for (const [params, re] of cases) {
      const e = errorOf(() => createAnalyzer(params));
      expect(e.code).toBe('IllegalArgument');
      expect(e.message).toMatch(re);
    }
    expect(errorOf(() => createAnalyzer([] as never)).code).toBe('IllegalArgument');
  });

  test('Milvus features Elanus lacks are NotImplemented, not silently different', () => {
    for (const params of [
      { tokenizer: 'jieba' },
      { tokenizer: 'lindera' },
      { tokenizer: 'standard', filter: [{ type: 'stop', stop_words: ['_french_'] }] },
      { tokenizer: 'standard', filter: [{ type: 'synonym' }] },
    ]) {
      expect(errorOf(() => createAnalyzer(params)).code).toBe('NotImplemented');
    }
  });
});

describe('TermDictionary and bm25Vector', () => {
  test('dense ids in insertion order; term counts sorted by index', () => {
    const dict = new TermDictionary();
    dict.getOrAdd('zeta');
    const v = bm25Vector(['b', 'a', 'b', 'zeta', 'a', 'b'], dict, { grow: true });
    expect([...v.indices]).toEqual([0, 1, 2]);
    expect([...v.values]).toEqual([1, 3, 2]);
    expect(dict.size).toBe(3);
    expect(dict.term(1)).toBe('b');
    const q = bm25Vector(['a', 'new', 'a'], dict, { grow: false });
    expect([...q.indices]).toEqual([2]);
    expect([...q.values]).toEqual([2]);
    expect(dict.get('new')).toBeUndefined();
    expect(bm25Vector([], dict, { grow: true }).indices).toHaveLength(0);
  });

  test('serialises to an ArrayBuffer and back (Unicode, empty dictionary)', () => {
    const dict = new TermDictionary();
    for (const t of ['hello', 'straße', '中文', '👩‍🔬', '', 'x'.repeat(300)]) dict.getOrAdd(t);
    const back = TermDictionary.deserialize(dict.serialize());
    expect(back.size).toBe(6);
    for (let i = 0; i < 6; i++) expect(back.term(i)).toBe(dict.term(i));
    expect(back.get('中文')).toBe(2);
    expect(TermDictionary.deserialize(new Uint8Array(new TermDictionary().serialize())).size).toBe(0);
    expect(errorOf(() => TermDictionary.deserialize(new ArrayBuffer(4))).code).toBe('IllegalArgument');
    const bad = new Uint8Array(dict.serialize());
    bad[0] = 0;
    expect(errorOf(() => TermDictionary.deserialize(bad)).code).toBe('IllegalArgument');
    expect(errorOf(() => TermDictionary.deserialize(dict.serialize().slice(0, 30))).code).toBe(
      'IllegalArgument',
    );
  });
});

describe('speed (printed, not asserted)', () => {
  test('tokens per second', () => {
    const words =
      'The quick brown fox jumps over the lazy dog while Milvus indexes 1,000 vectors; naïve café!'.split(
        ' ',
      );
    const parts: string[] = [];
    for (let i = 0; i < 200_000; i++) parts.push(words[(i * 7) % words.length]!);
    const text = parts.join(' ');
    for (const params of [
      undefined,
      { type: 'english' },
      { tokenizer: 'whitespace', filter: ['lowercase'] },
    ]) {
      const a = createAnalyzer(params);
      a.tokenize(text.slice(0, 10_000)); // warm up
      const t0 = performance.now();
      const n = a.tokenize(text).length;
      const s = (performance.now() - t0) / 1000;
      console.log(
        `[analyzer speed] ${JSON.stringify(params ?? 'default')}: ${Math.round(n / s).toLocaleString('en')} tokens/s`,
      );
      expect(n).toBeGreaterThan(0);
    }
  });
});
