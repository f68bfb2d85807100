/**
 * The `stemmer` filter in every language Milvus lists, against the server's stemmer: tantivy's
 * `rust-stemmers` 1.2.0, run through tantivy-py 0.24.0 on words from gettext catalogues
 * (tests/support/python/stemmer_reference.py writes the fixture; no Python at test time).
 * milvus-lite has no stemmer filter at all, so it cannot be the reference.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test, vi } from 'vitest';
import { ElanusError } from '../src/errors/index.js';
import { createAnalyzer } from '../src/functions/analyzer/index.js';
import { loadStemmers, STEMMER_LANGUAGES, stemmerLanguagesIn } from '../src/functions/analyzer/stemmers.js';
import { DataType, FunctionType } from '../src/schema/types.js';
import { MemoryStorage } from '../src/storage/memory.js';

interface Fixture {
  versions: Record<string, string>;
  languages: Record<string, { vocabulary: number; words: string[]; stems: string[] }>;
}
const fixture = JSON.parse(
  gunzipSync(readFileSync(new URL('./fixtures/stemmer_reference.json.gz', import.meta.url))).toString('utf8'),
) as Fixture;

/**
 * The one measured difference from rust-stemmers 1.2.0 (older Snowball sources than @orama/stemmers'):
 * Finnish loanwords with š/ž, which rust-stemmers counts as consonants (12 of 21,468 catalogue words).
 */
const FINNISH_SZ = /[šž]/;

const stemWith = (language: string) =>
  createAnalyzer({ tokenizer: 'whitespace', filter: [{ type: 'stemmer', language }] });

function errorOf(fn: () => unknown): ElanusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    return e as ElanusError;
  }
  throw new Error('expected an ElanusError');
}

describe('stemmer filter languages', () => {
  test('the fixture covers every language Milvus lists, from tantivy-py 0.24 (rust-stemmers 1.2.0)', () => {
    expect(fixture.versions.tantivy).toBe('0.24.0');
    expect(Object.keys(fixture.languages).sort()).toEqual(
      STEMMER_LANGUAGES.filter((l) => l !== 'arabig').sort(),
    );
  });

  test('a known language whose stemmer was not loaded is an engine error, not a silent fallback', () => {
    const e = errorOf(() => stemWith('tamil'));
    expect(e.code).toBe('UnexpectedError');
  });

  test('unknown languages get the server text (lower-cased name) with IllegalArgument', () => {
    const e = errorOf(() => stemWith('Klingon'));
    expect(e.code).toBe('IllegalArgument');
    expect(e.message).toBe('create stemmer failed : InternalError: unsupport language: klingon');
  });

  test('token for token with the server stemmer on catalogue words', async () => {
    await loadStemmers(STEMMER_LANGUAGES);
    const report: string[] = [];
    let total = 0;
    let same = 0;
    for (const [language, { words, stems }] of Object.entries(fixture.languages)) {
      const analyzer = stemWith(language);
      const residual: string[] = [];
      words.forEach((w, i) => {
        const got = analyzer.tokenize(w)[0];
        total++;
        if (got === stems[i]) {
          same++;
          return;
        }
        if (!(language === 'finnish' && FINNISH_SZ.test(w)))
          residual.push(`${w}: got ${got}, server ${stems[i]}`);
      });
      report.push(`${language}: ${words.length - residual.length}/${words.length}`);
      expect(residual, language).toEqual([]);
    }
    // Kept visible in the log: how many tokens agree exactly, known cases included.
    console.info(`stemmers: ${same}/${total} identical; ${report.join(', ')}`);
    expect(same / total).toBeGreaterThan(0.99);
  });

  test('language names are case-insensitive and the server alias "arabig" works', () => {
    expect(stemWith('German').tokenize('häuser')).toEqual(stemWith('german').tokenize('häuser'));
    expect(stemWith('arabig').tokenize('الكتاب')).toEqual(stemWith('arabic').tokenize('الكتاب'));
  });

  test('stemmerLanguagesIn finds languages in object and JSON-string analyzer_params, not in rows', () => {
    const found = stemmerLanguagesIn({
      fields: [
        { analyzer_params: { tokenizer: 'standard', filter: [{ type: 'stemmer', language: 'french' }] } },
        {
          type_params: [
            { key: 'analyzer_params', value: '{"filter":[{"type":"stemmer","language":"dutch"}]}' },
          ],
        },
      ],
      data: [{ type: 'stemmer', language: 'tamil' }],
    });
    expect([...found].sort()).toEqual(['dutch', 'french']);
  });
});

describe('stemmers load with the collection that uses them', () => {
  const schema = (name: string) => ({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      {
        name: 'text',
        data_type: DataType.VarChar,
        max_length: 200,
        enable_analyzer: true,
        analyzer_params: {
          tokenizer: 'standard',
          filter: ['lowercase', { type: 'stemmer', language: 'italian' }],
        },
      },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [
      {
        name: 'bm25',
        type: FunctionType.BM25,
        input_field_names: ['text'],
        output_field_names: ['sparse'],
        params: {},
      },
    ],
    index_params: { field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' },
  });
  const rows = [
    { id: 1, text: 'Le biblioteche della città' },
    { id: 2, text: 'Un gatto dorme' },
  ];

  async function freshRealm() {
    vi.resetModules();
    return import('./storage-helpers.js');
  }

  test('run_analyzer with a Dutch stemmer loads it first (fresh module graph)', async () => {
    vi.resetModules();
    const { MilvusClient } = await import('../src/index.js');
    const client = new MilvusClient({ address: 'memory://stemmers' });
    const res = await client.runAnalyzer({
      text: 'De fietsen staan buiten',
      analyzer_params: {
        tokenizer: 'standard',
        filter: ['lowercase', { type: 'stemmer', language: 'dutch' }],
      },
    });
    // tantivy-py 0.24 (rust-stemmers 1.2.0), simple tokenizer + lowercase + stemmer('dutch').
    expect(res.results[0]!.tokens.map((t) => t.token)).toEqual(['de', 'fiets', 'stan', 'buit']);
    await expect(
      client.runAnalyzer({
        text: 'x',
        analyzer_params: { tokenizer: 'standard', filter: [{ type: 'stemmer', language: 'latin' }] },
      }),
    ).rejects.toMatchObject({ code: 'IllegalArgument' });
    await client.closeConnection();
  });

  test('createCollection and a reopen in a fresh module graph load the Italian stemmer first', async () => {
    const storage = new MemoryStorage();
    const first = await freshRealm();
    const a = await first.openOn(storage);
    await a.createCollection(schema('it'));
    await a.insert({ collection_name: 'it', data: rows });
    // "biblioteca" and "biblioteche" share the stem "bibliotec": the stemmer ran on both sides.
    const hits = await a.search({
      collection_name: 'it',
      anns_field: 'sparse',
      data: 'biblioteca',
      limit: 2,
    });
    expect(hits.results.map((h) => String((h as { id: unknown }).id))).toEqual(['1']);
    await a.flush();
    await a.closeConnection();

    const second = await freshRealm();
    const b = await second.openOn(storage);
    const again = await b.search({
      collection_name: 'it',
      anns_field: 'sparse',
      data: 'biblioteca',
      limit: 2,
    });
    expect(again.results.map((h) => String((h as { id: unknown }).id))).toEqual(['1']);
    await b.closeConnection();
  });
});
