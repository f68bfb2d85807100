/**
 * The offline demo page: opens the database, loads the default corpus once (precomputed vectors), starts
 * the model worker, and wires search, filters, document upload, stats, the embedding map and sync.
 */
import { parseFilter } from '@elanus/core';
import { type CorpusMeta, fetchCorpusMeta, loadCorpus, storedCorpusCount } from './data/corpus';
import { type Db, openDb } from './data/db';
import { COLLECTION, collectionSchema, FILTER_FIELDS } from './data/schema';
import { Embedder } from './embed/embedder';
import { RERANK_LABEL } from './embed/model-api';
import type { ModelRuntime } from './embed/protocol';
import { ingest } from './ingest/ingest';
import { pastedTitle, readFiles, type SourceDoc } from './ingest/sources';
import {
  FilterError,
  type Mode,
  type Ranker,
  runSearch,
  type SearchOutcome,
  type SearchRequest,
} from './search';
import { $, errorText, fmtInt, fmtSeconds } from './ui/dom';
import { createMap, type MapView, type SamplePoint } from './ui/projection';
import { renderResults, wireResultKeys } from './ui/results';
import { renderStats } from './ui/stats';
import { registerServiceWorker } from './ui/sw-register';
import { wireSync } from './ui/sync';

/** What the tests (and a curious reader in devtools) can see of the page's state. */
interface DemoState {
  state: 'starting' | 'ready' | 'error';
  model: 'loading' | 'ready' | 'error';
  backend: string | undefined;
  /** Milliseconds since navigation start. */
  timings: { readyMs?: number; modelReadyMs?: number; firstResultsMs?: number; corpusLoadMs?: number };
  /** corpusRowsInserted: rows written from the corpus files by this page load (0 when they were already stored). */
  counters: { documentsEmbedded: number; corpusRowsInserted: number; searches: number };
  /** The last search answered (ok) or rejected, with what was asked. */
  lastSearch: { query: string; mode: Mode; filter: string; ok: boolean; seq: number } | undefined;
  error: string | undefined;
}

declare global {
  interface Window {
    elanusDemo: DemoState;
  }
}

const params = new URLSearchParams(location.search);
const demo: DemoState = {
  state: 'starting',
  model: 'loading',
  backend: undefined,
  timings: {},
  counters: { documentsEmbedded: 0, corpusRowsInserted: 0, searches: 0 },
  lastSearch: undefined,
  error: undefined,
};
window.elanusDemo = demo;

const ui = {
  body: document.body,
  bootText: $('#boot-text'),
  bootDetail: $('#boot-detail'),
  bootProgress: $<HTMLProgressElement>('#boot-progress'),
  badgeBackend: $('#badge-backend'),
  badgeOffline: $('#badge-offline'),
  form: $<HTMLFormElement>('#search-form'),
  q: $<HTMLInputElement>('#q'),
  searchBtn: $<HTMLButtonElement>('#search-btn'),
  hybridOpts: $<HTMLFieldSetElement>('#hybrid-opts'),
  ranker: $<HTMLSelectElement>('#ranker'),
  rrfK: $<HTMLInputElement>('#rrf-k'),
  rrfKWrap: $('#rrf-k-wrap'),
  weight: $<HTMLInputElement>('#weight'),
  weightWrap: $('#weight-wrap'),
  wDense: $<HTMLOutputElement>('#w-dense'),
  wBm25: $<HTMLOutputElement>('#w-bm25'),
  limit: $<HTMLSelectElement>('#limit'),
  rerank: $<HTMLInputElement>('#rerank'),
  rerankNote: $('#rerank-note'),
  filter: $<HTMLInputElement>('#filter'),
  filterError: $('#filter-error'),
  filterFields: $('#filter-fields'),
  summary: $('#summary'),
  results: $<HTMLOListElement>('#results'),
  stats: $('#stats'),
  map: $('#map'),
  paste: $<HTMLTextAreaElement>('#paste'),
  drop: $('#drop'),
  files: $<HTMLInputElement>('#files'),
  addBtn: $<HTMLButtonElement>('#add-btn'),
  cancelBtn: $<HTMLButtonElement>('#cancel-btn'),
  ingest: $('#ingest'),
  ingestProgress: $<HTMLProgressElement>('#ingest-progress'),
  ingestText: $('#ingest-text'),
};

const embedder = new Embedder();
let db: Db | undefined;
let model: ModelRuntime | undefined;
let modelError: string | undefined;
let map: MapView | undefined;
let lastOutcome: SearchOutcome | undefined;
const latencies: number[] = [];

// ---- boot ----------------------------------------------------------------------------------------

function bootStatus(text: string, detail = '', progress?: number): void {
  ui.bootText.textContent = text;
  ui.bootDetail.textContent = detail;
  if (progress === undefined) ui.bootProgress.removeAttribute('value');
  else ui.bootProgress.value = progress;
}

function fail(e: unknown): void {
  demo.state = 'error';
  demo.error = errorText(e);
  ui.body.dataset.state = 'error';
  bootStatus('Could not start:', demo.error, 0);
  console.warn('[demo] start failed', e);
}

function refreshStats(): void {
  renderStats(ui.stats, { db, model, modelError, latencies, readyMs: demo.timings.readyMs }).catch((e) =>
    console.warn('[demo] stats', e),
  );
}

async function ensureCorpus(current: Db, meta: CorpusMeta): Promise<void> {
  const client = current.client;
  const has = (await client.hasCollection({ collection_name: COLLECTION })).value;
  if (!has) await client.createCollection(collectionSchema());
  const stored = has ? await storedCorpusCount(client) : 0;
  if (stored < meta.count) {
    const t0 = performance.now();
    const n = await loadCorpus(client, meta, stored > 0, (p) => {
      if (p.phase === 'download')
        bootStatus(
          'Downloading the WordNet corpus…',
          p.total > 0
            ? `${(p.done / 1e6).toFixed(1)} of ${(p.total / 1e6).toFixed(1)} MB (${fmtInt(meta.count)} documents)`
            : `${(p.done / 1e6).toFixed(1)} MB (${fmtInt(meta.count)} documents)`,
          p.total > 0 ? p.done / p.total : undefined,
        );
      else
        bootStatus(
          'Indexing WordNet glosses (HNSW + BM25)…',
          `${fmtInt(p.done)} / ${fmtInt(p.total)} (vectors precomputed, nothing to embed)`,
          p.done / p.total,
        );
    });
    demo.counters.corpusRowsInserted = n;
    // Seal what was inserted: the next visit reads segments instead of replaying a log.
    await client.flush({ collection_names: [COLLECTION] });
    demo.timings.corpusLoadMs = performance.now() - t0;
  }
  await client.loadCollection({ collection_name: COLLECTION });
}

async function boot(): Promise<void> {
  registerServiceWorker(ui.badgeOffline);
  embedder.onStatus = (text, fraction) => {
    if (demo.state === 'ready' && demo.model === 'loading')
      bootStatus('Loading the embedding model…', text, fraction);
    // A search waiting on the model (its first load, a rerank's passages) says what it waits for.
    if (searchWaiting) ui.summary.textContent = `${searchWaiting} ${text}`;
  };
  // The model loads in its worker while the database opens and the corpus is indexed.
  const modelLoad = embedder.load().then(
    (rt) => {
      model = rt;
      demo.model = 'ready';
      demo.timings.modelReadyMs = performance.now();
      ui.rerank.disabled = false;
      ui.body.dataset.model = 'ready';
      refreshStats();
      maybeHideBoot();
    },
    (e: unknown) => {
      modelError = errorText(e);
      demo.model = 'error';
      ui.body.dataset.model = 'error';
      console.warn('[demo] model', e);
      refreshStats();
    },
  );
  const metaP = fetchCorpusMeta();
  bootStatus('Opening the database…');
  db = await openDb(params.get('db') ?? 'elanus-demo', params.get('backend'));
  demo.backend = db.kind.label;
  ui.badgeBackend.textContent = db.kind.label;
  ui.badgeBackend.classList.add(db.kind.persistent ? 'ok' : 'warn');
  ui.badgeBackend.title = db.skipped.length
    ? `Fell back after:\n${db.skipped.join('\n')}`
    : db.kind.persistent
      ? 'Stored in IndexedDB: survives reloads'
      : 'Not persistent';
  if (db.skipped.length) console.info('[demo] backends skipped:', db.skipped);
  await ensureCorpus(db, await metaP);

  demo.state = 'ready';
  demo.timings.readyMs = performance.now();
  ui.body.dataset.state = 'ready';
  ui.q.disabled = false;
  ui.searchBtn.disabled = false;
  updateAddButton();
  if (document.activeElement === document.body || !document.activeElement) ui.q.focus();
  maybeHideBoot();
  refreshStats();
  // The map reads ~1,000 vectors through the engine: after the first search, or once the page is idle,
  // so it never queues in front of the visitor's first query.
  setTimeout(() => void ensureMap(), 4000);
  void modelLoad;
}

let mapBuilt: Promise<void> | undefined;
function ensureMap(): Promise<void> {
  mapBuilt ??= buildMap();
  return mapBuilt;
}

function maybeHideBoot(): void {
  if (demo.state !== 'ready') return;
  if (demo.model === 'loading') bootStatus('Loading the embedding model…', 'BM25 search works already');
}

/**
 * A sample of stored vectors for the map: for each part of speech a share of about 1,000 points, read
 * as pages at evenly spread offsets (rows are stored in id order, which clusters by WordNet file), plus
 * the user's own documents.
 */
async function buildMap(): Promise<void> {
  if (!db) return;
  try {
    const client = db.client;
    const groups = ['noun', 'verb', 'adj', 'adv'];
    const counts = await Promise.all(
      groups.map(
        async (pos) => (await client.count({ collection_name: COLLECTION, filter: `pos == "${pos}"` })).data,
      ),
    );
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    const pages = 4;
    const output_fields = ['dense', 'pos', 'title'];
    const reqs = groups.flatMap((pos, g) => {
      const n = counts[g] ?? 0;
      const per = Math.ceil(((n / total) * 1000) / pages);
      return Array.from({ length: n > 0 ? pages : 0 }, (_, i) =>
        client.query({
          collection_name: COLLECTION,
          filter: `pos == "${pos}"`,
          output_fields,
          offset: Math.floor((i * Math.max(0, n - per)) / (pages - 1)),
          limit: per,
        }),
      );
    });
    reqs.push(
      client.query({ collection_name: COLLECTION, filter: 'source == "user"', output_fields, limit: 200 }),
    );
    const rows = (await Promise.all(reqs)).flatMap((r) => r.data);
    const sample: SamplePoint[] = rows.flatMap((r) => {
      const v = r.dense;
      const vector =
        v instanceof Float32Array ? v : Array.isArray(v) ? Float32Array.from(v as number[]) : undefined;
      return vector ? [{ vector, pos: String(r.pos), title: String(r.title) }] : [];
    });
    map = createMap(ui.map, sample);
    if (lastOutcome) drawOnMap(lastOutcome);
  } catch (e) {
    ui.map.textContent = `Map unavailable: ${errorText(e)}`;
  }
}

function drawOnMap(o: SearchOutcome): void {
  map?.render(
    o.queryVector,
    o.hits.flatMap((h, i) =>
      h.vector
        ? [{ rank: i + 1, vector: h.vector, pos: String(h.fields.pos), title: String(h.fields.title) }]
        : [],
    ),
  );
}

// ---- search --------------------------------------------------------------------------------------

function currentRequest(): SearchRequest {
  const mode = (new FormData(ui.form).get('mode') ?? 'dense') as Mode;
  const k = Number(ui.rrfK.value);
  return {
    query: ui.q.value,
    mode,
    filter: ui.filter.value,
    limit: Number(ui.limit.value) || 10,
    ranker: ui.ranker.value as Ranker,
    rrfK: Number.isFinite(k) && k > 0 && k < 16384 ? k : 60,
    denseWeight: Number(ui.weight.value),
    rerank: ui.rerank.checked && !ui.rerank.disabled,
  };
}

/** The expression the engine last rejected: the live syntax check must not clear that error (it parses fine). */
let engineRejected: string | undefined;

function showFilterError(message: string | undefined, column?: number, fromEngine = false): void {
  engineRejected = message && fromEngine ? ui.filter.value : undefined;
  const caret = ui.filterError.querySelector('.caret');
  const msg = ui.filterError.querySelector('.msg');
  if (!message) {
    ui.filterError.hidden = true;
    ui.filter.removeAttribute('aria-invalid');
    return;
  }
  ui.filterError.hidden = false;
  ui.filter.setAttribute('aria-invalid', 'true');
  if (caret) caret.textContent = column !== undefined ? `${' '.repeat(Math.max(0, column - 1))}^` : '';
  if (msg) msg.textContent = column !== undefined ? `Column ${column}: ${message}` : message;
}

/** The parser's own words, without the expression it quotes (the box above already shows it). */
function filterMessage(e: unknown): { message: string; column: number | undefined } {
  const err = e as { message?: unknown; details?: { column?: unknown }; column?: unknown };
  const raw = String(err.message ?? e);
  const column =
    typeof err.column === 'number'
      ? err.column
      : typeof err.details?.column === 'number'
        ? err.details.column
        : undefined;
  const message = raw.replace(/^cannot parse expression: `.*?`, /s, '').replace(/ \(column \d+\)$/, '');
  return { message, column };
}

let searchSeq = 0;
/** The summary of the search in flight ("Searching…"), while one waits; model progress is appended. */
let searchWaiting: string | undefined;
async function search(): Promise<void> {
  if (!db || demo.state !== 'ready') return;
  const req = currentRequest();
  if (!req.query.trim() && !req.filter.trim()) {
    ui.summary.textContent = 'Type a query, or a filter to list matching documents.';
    return;
  }
  const seq = ++searchSeq;
  if (req.mode !== 'bm25' && req.query.trim() && demo.model !== 'ready') {
    if (demo.model === 'error') {
      ui.summary.textContent = `Dense search needs the embedding model, which failed to load (${modelError}). BM25 works.`;
      return;
    }
    ui.summary.textContent = 'Loading the embedding model…';
  } else {
    ui.summary.textContent = 'Searching…';
  }
  searchWaiting = ui.summary.textContent ?? undefined;
  try {
    const o = await runSearch(db.client, embedder, req);
    if (seq !== searchSeq) return; // a newer search owns the results
    searchWaiting = undefined;
    showFilterError(undefined);
    lastOutcome = o;
    demo.counters.searches++;
    demo.lastSearch = { query: req.query, mode: req.mode, filter: req.filter, ok: true, seq };
    demo.timings.firstResultsMs ??= performance.now();
    renderResults(ui.results, ui.summary, o);
    latencies.push(o.totalMs);
    if (latencies.length > 50) latencies.shift();
    drawOnMap(o);
    refreshStats();
    void ensureMap();
  } catch (e) {
    if (seq !== searchSeq) return;
    searchWaiting = undefined;
    demo.lastSearch = { query: req.query, mode: req.mode, filter: req.filter, ok: false, seq };
    if (e instanceof FilterError) {
      const { message, column } = filterMessage(e);
      showFilterError(message, column ?? e.column, true);
      // The engine's own words (they name the column and the cause), not only that something is wrong.
      ui.summary.textContent = `The filter expression has an error: ${message}`;
    } else {
      ui.summary.textContent = `Search failed: ${errorText(e)}`;
      console.warn('[demo] search failed', e);
    }
    ui.results.replaceChildren();
  }
}

function wireSearch(): void {
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void search();
  });
  // A changed mode or option re-runs the current query: comparing modes is the point of the page.
  ui.form.addEventListener('change', (e) => {
    const t = e.target as HTMLElement;
    if (t === ui.q || t === ui.filter) return;
    const mode = new FormData(ui.form).get('mode');
    ui.hybridOpts.hidden = mode !== 'hybrid';
    ui.rrfKWrap.hidden = ui.ranker.value !== 'rrf';
    ui.weightWrap.hidden = ui.ranker.value !== 'weighted';
    if (ui.q.value.trim()) void search();
  });
  ui.weight.addEventListener('input', () => {
    const w = Number(ui.weight.value);
    ui.wDense.value = w.toFixed(2);
    ui.wBm25.value = (1 - w).toFixed(2);
  });
  // Live syntax check while typing; the engine's own message (unknown field, type) comes with the search.
  let timer: ReturnType<typeof setTimeout> | undefined;
  ui.filter.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const expr = ui.filter.value;
      if (!expr.trim()) return showFilterError(undefined);
      try {
        parseFilter(expr);
        // A search may have answered before this debounce fired: keep the engine's error for this text.
        if (expr !== engineRejected) showFilterError(undefined);
      } catch (e) {
        const { message, column } = filterMessage(e);
        showFilterError(message, column);
      }
    }, 250);
  });
  for (const chip of document.querySelectorAll<HTMLButtonElement>('.chip[data-filter]')) {
    chip.addEventListener('click', () => {
      ui.filter.value = chip.dataset.filter ?? '';
      showFilterError(undefined);
      void search();
    });
  }
  ui.filterFields.textContent = `Fields: ${FILTER_FIELDS.map(([n, t]) => `${n} (${t})`).join(', ')}`;
  ui.rerankNote.textContent = RERANK_LABEL;
  ui.rerankNote.title =
    'Reorders the first 30 hits by the cosine of their best-matching sentence (all-MiniLM-L6-v2), through ' +
    "@elanus/model's rerankSearchResults. A cross-encoder would be better; none can be had offline here.";
  wireResultKeys(ui.results, ui.q);
  // "/" focuses the search box from anywhere but a text field.
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement;
    if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
    e.preventDefault();
    ui.q.focus();
    ui.q.select();
  });
}

// ---- adding documents ----------------------------------------------------------------------------

let ingesting: AbortController | undefined;

function updateAddButton(): void {
  ui.addBtn.disabled = demo.state !== 'ready' || !!ingesting || !ui.paste.value.trim();
}

async function add(docs: SourceDoc[], problems: string[] = []): Promise<void> {
  if (!db || ingesting || docs.length === 0) {
    if (problems.length) ui.ingestText.textContent = problems.join(' · ');
    ui.ingest.hidden = problems.length === 0;
    return;
  }
  const controller = new AbortController();
  ingesting = controller;
  updateAddButton();
  ui.cancelBtn.hidden = false;
  ui.ingest.hidden = false;
  ui.ingestProgress.value = 0;
  ui.ingestText.textContent = demo.model === 'ready' ? 'Chunking…' : 'Waiting for the embedding model…';
  try {
    const r = await ingest(db.client, embedder, docs, {
      signal: controller.signal,
      onProgress: (p) => {
        ui.ingestProgress.value = p.total ? p.done / p.total : 0;
        ui.ingestText.textContent =
          p.done === 0
            ? `Embedding ${fmtInt(p.total)} chunks…`
            : `Embedded ${fmtInt(p.done)} / ${fmtInt(p.total)} chunks · ${p.rate.toFixed(1)} chunks/s · ${fmtSeconds(p.eta)} left`;
      },
    });
    demo.counters.documentsEmbedded = embedder.documentsEmbedded;
    const what = `${fmtInt(r.chunks)} chunk${r.chunks === 1 ? '' : 's'} from ${fmtInt(r.documents)} document${r.documents === 1 ? '' : 's'}`;
    ui.ingestText.textContent = `${r.cancelled ? `Cancelled: kept ${what}` : `Added ${what}`} in ${r.seconds.toFixed(1)} s.${
      problems.length ? ` ${problems.join(' · ')}` : ''
    }`;
    if (!r.cancelled) ui.paste.value = '';
  } catch (e) {
    ui.ingestText.textContent = `Adding failed: ${errorText(e)}`;
    console.warn('[demo] ingest failed', e);
  } finally {
    ingesting = undefined;
    ui.cancelBtn.hidden = true;
    updateAddButton();
    refreshStats();
    // New documents belong on the map: sample again.
    mapBuilt = buildMap();
  }
}

function wireIngest(): void {
  ui.paste.addEventListener('input', updateAddButton);
  ui.addBtn.addEventListener('click', () => {
    const text = ui.paste.value.trim();
    if (text) void add([{ title: pastedTitle(text), text, kind: 'paste' }]);
  });
  ui.cancelBtn.addEventListener('click', () => ingesting?.abort());
  const takeFiles = async (files: FileList | null): Promise<void> => {
    if (!files || files.length === 0) return;
    const { docs, problems } = await readFiles(files);
    await add(docs, problems);
  };
  ui.files.addEventListener('change', () => {
    void takeFiles(ui.files.files).finally(() => {
      ui.files.value = '';
    });
  });
  ui.drop.addEventListener('click', () => ui.files.click());
  ui.drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.drop.classList.add('over');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    void takeFiles(e.dataTransfer?.files ?? null);
  });
}

// ---- start ---------------------------------------------------------------------------------------

wireSearch();
wireIngest();
wireSync(() => db);
boot().catch(fail);
