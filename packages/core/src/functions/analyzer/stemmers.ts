/**
 * Snowball stemmers for Milvus's `{type: 'stemmer', language}` filter, other than English (Porter2,
 * `porter2`, in filters.ts). The server runs tantivy's Stemmer, i.e. the `rust-stemmers` 1.2.0 crate;
 * `@orama/stemmers` is the same Snowball generator's output, one small module per language, so each
 * loads only when an analyzer names it. Measured against rust-stemmers 1.2.0 (tantivy-py 0.24) on
 * words from gettext catalogues: identical for 16 of the 17 languages after the fixes below; Finnish
 * differs on 12 of 21,468 words (loanwords with `š`/`ž`, consonants to rust-stemmers only).
 *
 * Analyzers are built synchronously, so every async path that can build one (createCollection,
 * reopen, replay, run_analyzer) awaits `loadStemmers` first (functions/text-support.ts).
 */
import { elanusError } from '../../errors/index.js';

type StemFn = (word: string) => string;
interface StemmerModule {
  stemmer: StemFn;
}

const LOADERS: Readonly<Record<string, () => Promise<StemmerModule>>> = {
  arabic: () => import('@orama/stemmers/arabic'),
  danish: () => import('@orama/stemmers/danish'),
  dutch: () => import('@orama/stemmers/dutch'),
  finnish: () => import('@orama/stemmers/finnish'),
  french: () => import('@orama/stemmers/french'),
  german: () => import('@orama/stemmers/german'),
  greek: () => import('@orama/stemmers/greek'),
  hungarian: () => import('@orama/stemmers/hungarian'),
  italian: () => import('@orama/stemmers/italian'),
  norwegian: () => import('@orama/stemmers/norwegian'),
  portuguese: () => import('@orama/stemmers/portuguese'),
  romanian: () => import('@orama/stemmers/romanian'),
  russian: () => import('@orama/stemmers/russian'),
  spanish: () => import('@orama/stemmers/spanish'),
  swedish: () => import('@orama/stemmers/swedish'),
  tamil: () => import('@orama/stemmers/tamil'),
  turkish: () => import('@orama/stemmers/turkish'),
};

/** The server's own alias (a typo it keeps accepting). */
const ALIASES: Readonly<Record<string, string>> = { arabig: 'arabic' };

/** The languages the server's stemmer accepts (lower-case; it lowercases the name first). */
export const STEMMER_LANGUAGES: readonly string[] = [
  'english',
  ...Object.keys(LOADERS),
  ...Object.keys(ALIASES),
];

const loaded = new Map<string, StemFn>();
const loading = new Map<string, Promise<void>>();

/**
 * Runs `stem` with `from` swapped for `to` (and back), so a letter the newer Snowball source rewrites
 * is handled as rust-stemmers' older source does; skipped when the word already holds `to`.
 */
function swapped(stem: StemFn, from: string, to: string): StemFn {
  return (w) =>
    w.includes(from) && !w.includes(to) ? stem(w.replaceAll(from, to)).replaceAll(to, from) : stem(w);
}

// rust-stemmers' Russian predates Snowball's `ё` → `е` prelude: `ё` is a plain non-vowel letter there,
// which a private-use character reproduces. Its French predates the `ë`/`ï` marks; `ê`/`î` behave
// as the old vowels did, except that the old step 4 deletes `ë` after `gu` (`ambiguë` → `ambigu`).
const GUE = /guës?$/;
const FIXES: Readonly<Record<string, (stem: StemFn) => StemFn>> = {
  russian: (s) => swapped(s, 'ё', '\uE000'),
  french: (s) => {
    const marks = swapped(swapped(s, 'ï', 'î'), 'ë', 'ê');
    return (w) => {
      const out = marks(w);
      return out.endsWith('guë') && GUE.test(w) ? out.slice(0, -1) : out;
    };
  },
};

function canonical(language: string): string {
  const l = language.toLowerCase();
  return ALIASES[l] ?? l;
}

/** Loads the named languages' stemmers (unknown names are left for `stemmerFor` to reject). */
export async function loadStemmers(languages: Iterable<string>): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const name of languages) {
    const lang = canonical(name);
    const load = LOADERS[lang];
    if (!load || loaded.has(lang)) continue;
    let p = loading.get(lang);
    if (!p) {
      p = load().then(
        (m) => {
          const fix = FIXES[lang];
          loaded.set(lang, fix ? fix(m.stemmer) : m.stemmer);
        },
        (e: unknown) => {
          loading.delete(lang); // a failed chunk load (offline) may succeed on the next call
          throw e;
        },
      );
      loading.set(lang, p);
    }
    waits.push(p);
  }
  await Promise.all(waits);
}

/** Every `{type: 'stemmer', language}` language named in a request or stored schema, a few levels down. */
export function stemmerLanguagesIn(value: unknown, out = new Set<string>(), depth = 8): Set<string> {
  if (depth < 0 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return out;
  if (Array.isArray(value)) {
    for (const v of value) stemmerLanguagesIn(v, out, depth - 1);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (o.type === 'stemmer' && typeof o.language === 'string') out.add(o.language);
  for (const k in o) {
    // Rows never configure analyzers; skip them so a big insert is not walked.
    if (k === 'data' || k === 'rows') continue;
    const v = o[k];
    // analyzer_params may come as a JSON string (`analyzer_params: '{...}'`, `type_params` entries).
    if (typeof v === 'string' && v.startsWith('{') && v.includes('stemmer')) {
      try {
        stemmerLanguagesIn(JSON.parse(v), out, depth - 1);
      } catch {
        // not JSON: the analyzer builder reports it
      }
    } else stemmerLanguagesIn(v, out, depth - 1);
  }
  return out;
}

/**
 * The stemmer for a non-English language. Unknown names get the server's error (tantivy binding:
 * `create stemmer failed : InternalError: unsupport language: <name>`); a known one not yet loaded is an
 * engine bug (a path that skipped `loadStemmers`).
 */
export function stemmerFor(language: string, param: string): StemFn {
  const lang = canonical(language);
  const stem = loaded.get(lang);
  if (stem) return stem;
  if (LOADERS[lang]) throw elanusError('stemmerNotLoaded', { language: lang });
  throw elanusError('stemmerLanguage', { language: language.toLowerCase() }, { param });
}
