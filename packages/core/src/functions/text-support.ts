import { elanusError } from '../errors/index.js';
import type { FieldSchema } from '../schema/types.js';
import type { TermDictionary } from './analyzer/term-dictionary.js';
import type { FieldTextEncoder } from './bm25-function.js';

/**
 * Analyzers (tokenizers, stemmers, stop words) load only when a schema asks for text analysis, so an
 * app without full-text search or text_match does not download them. Every path that can create a
 * collection is async up front (createCollection, reopen, replay, another tab's commit) and awaits
 * `prepareTextSupport` there; the collection's constructor then builds encoders synchronously.
 */
type TextModule = typeof import('./bm25-function.js');

let loaded: TextModule | undefined;
let loading: Promise<TextModule> | undefined;

/** True when a field runs an analyzer (BM25 input or text_match), which is what needs the module. */
export function fieldNeedsText(field: Pick<FieldSchema, 'enable_analyzer' | 'enable_match'>): boolean {
  return Boolean(field.enable_analyzer || field.enable_match);
}

/**
 * Whether a request or stored value names a text-analysed field anywhere in its first few levels.
 * Generic because create requests come in several shapes (`fields`, `schema`, `schema.fields`).
 */
export function mentionsText(value: unknown, depth = 4): boolean {
  if (depth < 0 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (Array.isArray(value)) return value.some((v) => mentionsText(v, depth - 1));
  const o = value as Record<string, unknown>;
  if (o.enable_analyzer || o.enable_match) return true;
  for (const k in o) if (mentionsText(o[k], depth - 1)) return true;
  return false;
}

/**
 * Loads the analyzers once when `needed`; resolves at once otherwise or when already loaded. `source`
 * (a request, or stored schemas) is searched for stemmer filters: each language's stemmer is its own
 * chunk, loaded here because analyzers are then built synchronously.
 */
export async function prepareTextSupport(needed = true, source?: unknown): Promise<void> {
  if (!needed) return;
  if (!loaded) {
    loading ??= import('./bm25-function.js');
    try {
      loaded = await loading;
    } catch (e) {
      loading = undefined; // a failed chunk load (offline, evicted cache) may succeed on the next call
      throw e;
    }
  }
  if (source !== undefined) {
    const stemmers = await import('./analyzer/stemmers.js');
    await stemmers.loadStemmers(stemmers.stemmerLanguagesIn(source));
  }
}

/** The field's encoder; the module must have been prepared (an engine bug otherwise, never user input). */
export function textEncoderFor(
  field: FieldSchema,
  dictionary?: TermDictionary,
): FieldTextEncoder | undefined {
  if (!fieldNeedsText(field)) return undefined;
  if (!loaded) {
    throw elanusError('textModuleNotLoaded', { field: field.name });
  }
  return loaded.createTextEncoder(field, dictionary);
}
