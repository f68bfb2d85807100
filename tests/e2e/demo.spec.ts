// apps/demo in Chromium, against its production build served by `vite preview` (playwright.config.ts
// starts it on DEMO_PORT). One browser context for the whole file, as one visitor: the first visit
// indexes the corpus, later tests search, add documents, reload (persistence) and go offline (service
// worker). Every request to a host other than 127.0.0.1/localhost is blocked and recorded.
//
// Screenshots land in test-results/; UPDATE_DEMO_SCREENSHOT=1 also writes docs/demo.png for the README.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, expect, type Page, test } from '@playwright/test';

const DEMO = `http://127.0.0.1:${process.env.DEMO_PORT}/`;
const root = fileURLToPath(new URL('../../', import.meta.url));
// Opening, indexing 6,000 documents and loading the model take well under a minute on an idle machine;
// these limits leave room for a shared, busy one.
const BOOT_TIMEOUT = 240_000;

test.describe.configure({ mode: 'serial' });
// playwright.config.ts starts the demo's preview server only when demo specs are selected; a run of other
// specs (e.g. `playwright test tests/e2e/smoke`) loads this file without it. `scripts/test.sh` always starts it.
test.skip(
  !process.env.DEMO_SERVER,
  'the demo server was not started (the command line selected other specs only)',
);
test.setTimeout(360_000);

let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const offHost: string[] = [];

interface DemoWindow {
  elanusDemo: {
    state: string;
    model: string;
    backend?: string;
    error?: string;
    timings: { readyMs?: number; modelReadyMs?: number; firstResultsMs?: number; corpusLoadMs?: number };
    counters: { documentsEmbedded: number; corpusRowsInserted: number; searches: number };
    lastSearch?: { query: string; mode: string; filter: string; ok: boolean; seq: number };
  };
}

const demoState = (p: Page) => p.evaluate(() => (window as unknown as DemoWindow).elanusDemo);

async function waitReady(p: Page): Promise<void> {
  await p.waitForFunction(
    () => {
      const d = (window as unknown as Partial<DemoWindow>).elanusDemo;
      return d !== undefined && (d.state === 'error' || (d.state === 'ready' && d.model !== 'loading'));
    },
    undefined,
    { timeout: BOOT_TIMEOUT, polling: 250 },
  );
  const s = await demoState(p);
  expect(s.error, 'the page reported a start failure').toBeUndefined();
  expect(s.state).toBe('ready');
  expect(s.model).toBe('ready');
}

interface Query {
  query: string;
  mode?: 'dense' | 'bm25' | 'hybrid';
  filter?: string;
}

/**
 * Sets the form, submits it with Enter and waits until that very search has been answered or rejected
 * (changing the mode re-runs the previous query first; that answer must not be mistaken for this one).
 */
async function search(p: Page, q: Query): Promise<boolean> {
  if (q.mode) await p.locator(`input[name="mode"][value="${q.mode}"]`).check({ force: true });
  await p.locator('#filter').fill(q.filter ?? '');
  await p.locator('#q').fill(q.query);
  const seq = (await demoState(p)).lastSearch?.seq ?? 0;
  await p.locator('#q').press('Enter');
  const want = { query: q.query, filter: q.filter ?? '', mode: q.mode ?? null, seq };
  const handle = await p.waitForFunction(
    (w) => {
      const last = (window as unknown as DemoWindow).elanusDemo.lastSearch;
      const match =
        last !== undefined &&
        last.seq > w.seq &&
        last.query === w.query &&
        last.filter === w.filter &&
        (w.mode === null || last.mode === w.mode);
      return match ? { ok: last.ok } : false;
    },
    want,
    { timeout: 120_000, polling: 100 },
  );
  return ((await handle.jsonValue()) as { ok: boolean }).ok;
}

const hitTitles = (p: Page) => p.locator('#results li.hit h3 > span:first-child').allTextContents();

async function shot(p: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const path = test.info().outputPath(`${name}.png`);
  // Written under the test's output folder (test-results/), not attached: an attachment is a second copy.
  await p.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

function expectNoConsoleErrors(): void {
  expect(consoleErrors, 'console errors').toEqual([]);
  expect(offHost, 'requests to hosts other than localhost').toEqual([]);
}

test.beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    // No name resolves except the loopback ones: nothing the page or its workers try can leave the machine.
    args: [
      '--enable-unsafe-webgpu',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'allow' });
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    async (route) => {
      offHost.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
});

test.afterAll(async () => {
  await browser?.close();
});

/** Records every state of the boot line and the search summary (text, detail, progress value). */
function recordProgress(): void {
  const w = window as unknown as { __progress: { at: string; text: string; value: string | null }[] };
  w.__progress = [];
  document.addEventListener('DOMContentLoaded', () => {
    const watch = (sel: string, read: () => { text: string; value: string | null }) => {
      const el = document.querySelector(sel);
      if (!el) return;
      new MutationObserver(() => w.__progress.push({ at: sel, ...read() })).observe(el, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    };
    const q = (id: string) => document.getElementById(id);
    watch('#boot', () => ({
      text: `${q('boot-text')?.textContent} | ${q('boot-detail')?.textContent}`,
      value: q('boot-progress')?.getAttribute('value') ?? null,
    }));
    watch('#summary', () => ({ text: q('summary')?.textContent ?? '', value: null }));
  });
}

async function progressLog(p: Page) {
  return p.evaluate(
    () =>
      (window as unknown as { __progress: { at: string; text: string; value: string | null }[] }).__progress,
  );
}

test('first visit: indexes the precomputed corpus and answers a first search', async () => {
  await page.addInitScript(recordProgress);
  const opened = Date.now();
  await page.goto(DEMO);
  // The search box opens once the collection is indexed; a dense query then waits for the model if needed.
  await expect(page.locator('#q')).toBeEnabled({ timeout: BOOT_TIMEOUT });
  await page.locator('#q').fill('a place where books are kept');
  await page.locator('#q').press('Enter');
  await expect(page.locator('#results li.hit').first()).toBeVisible({ timeout: BOOT_TIMEOUT });
  const openToAnswerMs = Date.now() - opened;
  await waitReady(page);

  const s = await demoState(page);
  expect(s.counters.corpusRowsInserted).toBe(6000);
  expect(s.counters.documentsEmbedded).toBe(0); // corpus vectors are precomputed: nothing embedded
  const titles = await hitTitles(page);
  expect(titles.slice(0, 5)).toEqual(expect.arrayContaining(['library']));
  await expect(page.locator('[data-stat="size"]')).toContainText('6,000');
  await expect(page.locator('[data-stat="dense-index"]')).toContainText('HNSW');
  await expect(page.locator('[data-stat="sparse-index"]')).toContainText('BM25');

  const timing = { openToAnswerMs, backend: s.backend, ...s.timings };
  writeFileSync(test.info().outputPath('timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
  await test
    .info()
    .attach('timing', { body: JSON.stringify(timing, null, 2), contentType: 'application/json' });
  console.log(`[demo] page open -> first search answered: ${(openToAnswerMs / 1000).toFixed(1)} s`, timing);
  // Every wait says what it waits for and how far along it is: the corpus download in MB, then indexing
  // with a fraction that moves.
  const log = await progressLog(page);
  const download = log.filter((e) => e.text.startsWith('Downloading the WordNet corpus'));
  expect(download.length, JSON.stringify(log.slice(0, 20))).toBeGreaterThan(0);
  expect(download.at(-1)!.text).toMatch(/\d+\.\d MB/);
  const indexing = log.filter((e) => e.text.startsWith('Indexing WordNet') && e.value !== null);
  expect(new Set(indexing.map((e) => e.value)).size).toBeGreaterThan(1);
  expect(Math.max(...indexing.map((e) => Number(e.value)))).toBe(1);
  await shot(page, 'first-search');
  expectNoConsoleErrors();
});

test('dense, BM25 and hybrid search, with highlights, scores and fused ranks', async () => {
  await search(page, { query: 'a large body of salt water', mode: 'dense' });
  await expect(page.locator('#summary')).toContainText('dense');
  expect((await hitTitles(page)).slice(0, 3)).toEqual(expect.arrayContaining(['sea', 'ocean']));
  await shot(page, 'mode-dense');

  await search(page, { query: 'barking dogs', mode: 'bm25' });
  await expect(page.locator('#summary')).toContainText('BM25');
  const first = page.locator('#results li.hit').first();
  // The english analyzer stems: "barking dogs" matches "bark" and "dog".
  await expect(first.locator('mark').first()).toBeVisible();
  await expect(first.locator('.score .ranks')).toHaveText('BM25');
  await shot(page, 'mode-bm25');

  await search(page, { query: 'frozen rain falling from the sky', mode: 'hybrid' });
  await expect(page.locator('#hybrid-opts')).toBeVisible();
  await expect(page.locator('#summary')).toContainText('RRF k=60');
  const ranks = await page.locator('#results li.hit .ranks').allTextContents();
  expect(ranks.join(' ')).toMatch(/dense #\d+/);
  expect(ranks.join(' ')).toMatch(/BM25 #\d+/);
  const hybridShot = await shot(page, 'mode-hybrid-rrf', { fullPage: false });
  if (process.env.UPDATE_DEMO_SCREENSHOT) {
    mkdirSync(join(root, 'docs'), { recursive: true });
    copyFileSync(hybridShot, join(root, 'docs/demo.png'));
  }

  // Weighted fusion with the slider; changing an option re-runs the query.
  const searches = (await demoState(page)).counters.searches;
  await page.locator('#ranker').selectOption('weighted');
  await expect(page.locator('#weight')).toBeVisible();
  await page.waitForFunction(
    (n) => (window as unknown as DemoWindow).elanusDemo.counters.searches > n,
    searches,
  );
  await page.locator('#weight').fill('0.8');
  await page.locator('#weight').dispatchEvent('change');
  await expect(page.locator('#summary')).toContainText('weighted 0.80 / 0.20');
  await expect(page.locator('#w-bm25')).toHaveText('0.20');

  // Rerank: through @elanus/model's rerankSearchResults; no cross-encoder offline, and the label says so.
  await expect(page.locator('#rerank-note')).toContainText('no cross-encoder offline');
  await expect(page.locator('#rerank')).toBeEnabled();
  await page.locator('#rerank').check();
  await expect(page.locator('#summary')).toContainText('reranked', { timeout: 60_000 });
  // While it ran, the summary said what the rerank was doing, not only "Searching…".
  const during = (await progressLog(page)).filter((e) => e.at === '#summary').map((e) => e.text);
  expect(
    during.some((t) => /reranking: \d+ of \d+ passages embedded/.test(t)),
    JSON.stringify(during),
  ).toBe(true);
  await expect(page.locator('#results li.hit')).toHaveCount(10);
  await expect(page.locator('#results li.hit .score .ranks').first()).toHaveText('rerank');
  expect((await page.locator('#results li.hit .ranks').allTextContents()).join(' ')).toMatch(/was #\d+/);
  await shot(page, 'rerank', { fullPage: false });
  await page.locator('#rerank').uncheck();
  await expect(page.locator('#summary')).not.toContainText('reranked', { timeout: 60_000 });
  expectNoConsoleErrors();
});

test('filters narrow the results; a bad expression shows the parser message at its column', async () => {
  await search(page, { query: 'a fast animal', mode: 'dense', filter: 'category == "noun.animal"' });
  const cats = await page.locator('#results li.hit .tag.cat').allTextContents();
  expect(cats.length).toBeGreaterThan(0);
  expect(new Set(cats)).toEqual(new Set(['noun.animal']));

  await search(page, { query: 'run', mode: 'bm25', filter: 'pos in ["verb", "adv"] and freq > 10' });
  const pos = await page.locator('#results li.hit .tag:not(.cat)').allTextContents();
  expect(pos.length).toBeGreaterThan(0);
  for (const p of pos) expect(['verb', 'adverb']).toContain(p);

  // Syntax error: shown while typing (the parser in the page) and on search (the engine's InvalidFilter).
  await page.locator('#filter').fill('pos == ');
  await expect(page.locator('#filter-error')).toBeVisible();
  await expect(page.locator('#filter-error .msg')).toContainText('Column 8');
  await expect(page.locator('#filter')).toHaveAttribute('aria-invalid', 'true');
  await search(page, { query: 'run', mode: 'bm25', filter: 'pos == ' });
  await expect(page.locator('#filter-error .msg')).toContainText('Column 8');
  await expect(page.locator('#summary')).toContainText('filter expression has an error');
  await shot(page, 'filter-error', { fullPage: false });

  // A well-formed expression the schema rejects: the engine's message, still inline.
  await search(page, { query: 'run', mode: 'bm25', filter: 'colour == "red"' });
  await expect(page.locator('#filter-error .msg')).toContainText('colour');

  // A type error (well-formed, wrong type for the column): the engine's message names column and cause,
  // inline and in the summary, not only "has an error".
  await search(page, { query: 'run', mode: 'bm25', filter: 'freq > "ten"' });
  await expect(page.locator('#filter-error')).toBeVisible();
  // The live syntax check (debounced 250 ms after typing) parses this fine; it must not hide the engine's error.
  await page.waitForTimeout(400);
  await expect(page.locator('#filter-error')).toBeVisible();
  await expect(page.locator('#filter-error .msg')).toContainText('freq');
  await expect(page.locator('#summary')).toContainText('freq');

  // Fixing it clears the error.
  await search(page, { query: 'run', mode: 'bm25', filter: 'pos == "verb"' });
  await expect(page.locator('#filter-error')).toBeHidden();
  await expect(page.locator('#filter')).not.toHaveAttribute('aria-invalid', 'true');
  expectNoConsoleErrors();
});

test('keyboard: / focuses search, Enter searches, arrows move through results', async () => {
  await page.locator('#filter').fill('');
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await expect(page.locator('#q')).toBeFocused();
  await page.keyboard.type('musical instrument');
  const before = (await demoState(page)).counters.searches;
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => (window as unknown as DemoWindow).elanusDemo.counters.searches > n,
    before,
  );
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#results li.hit').nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#results li.hit').nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.locator('#results li.hit').last()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('#q')).toBeFocused();
  expectNoConsoleErrors();
});

const PASTED = [
  'The zorblatt is a fictional marsupial invented for this test. It lives in the high plateaus and eats lichen.',
  'Zorblatt herds migrate every spring; their calls can be heard for miles across the tundra.',
].join('\n\n');

test('adding documents: paste and files are chunked, embedded in a worker with progress, and cancellable', async () => {
  const embeddedBefore = (await demoState(page)).counters.documentsEmbedded;
  await page.locator('#paste').fill(PASTED);
  await page.locator('#add-btn').click();
  await expect(page.locator('#ingest-text')).toContainText(/Added 1 chunk from 1 document/, {
    timeout: 60_000,
  });
  expect((await demoState(page)).counters.documentsEmbedded).toBe(embeddedBefore + 1);

  // A Markdown file: headings and paragraphs become several chunks.
  const para = (n: number) =>
    `Paragraph ${n} about the quiet harbour town of Elsinmere, its fishing boats, lighthouses and tides. `.repeat(
      3,
    );
  const md = `# Elsinmere\n\n${para(1)}\n\n## Harbour\n\n${para(2)}\n\n${para(3)}\n\n## Lights\n\n${para(4)}\n`;
  await page
    .locator('#files')
    .setInputFiles({ name: 'elsinmere.md', mimeType: 'text/markdown', buffer: Buffer.from(md) });
  await expect(page.locator('#ingest-text')).toContainText(/Added \d+ chunks from 1 document/, {
    timeout: 120_000,
  });

  // A long paste, cancelled once embedding is under way: what was embedded stays, the rest is dropped.
  const long = Array.from({ length: 40 }, (_, i) => `Section ${i}. ${para(i)}`).join('\n\n');
  await page.locator('#paste').fill(long);
  await page.locator('#add-btn').click();
  await expect(page.locator('#ingest-text')).toContainText(
    /Embedded \d+ \/ \d+ chunks · [\d.]+ chunks\/s · .* left/,
    {
      timeout: 60_000,
    },
  );
  await shot(page, 'ingest-progress', { fullPage: false });
  await page.locator('#cancel-btn').click();
  await expect(page.locator('#ingest-text')).toContainText('Cancelled: kept', { timeout: 60_000 });
  await expect(page.locator('#cancel-btn')).toBeHidden();

  await search(page, { query: 'zorblatt', mode: 'bm25', filter: 'source == "user"' });
  const titles = await hitTitles(page);
  expect(titles[0]).toContain('The zorblatt is a fictional');
  await expect(page.locator('[data-stat="size"]')).toContainText('yours');
  expectNoConsoleErrors();
});

test('persistence: a reload shows the same collection without re-indexing or re-embedding', async () => {
  const sizeBefore = await page.locator('[data-stat="size"]').textContent();
  await page.reload();
  await waitReady(page);
  const s = await demoState(page);
  expect(s.backend).toContain('IndexedDB');
  expect(s.counters.corpusRowsInserted).toBe(0);
  expect(s.counters.documentsEmbedded).toBe(0);
  await expect(page.locator('[data-stat="size"]')).toHaveText(sizeBefore ?? '');
  await search(page, { query: 'zorblatt herds', mode: 'hybrid' });
  expect((await hitTitles(page))[0]).toContain('The zorblatt is a fictional');
  expect((await demoState(page)).counters.documentsEmbedded).toBe(0);
  expectNoConsoleErrors();
});

test('offline: with the network off, the service worker serves the page, the model and the corpus', async () => {
  await expect(page.locator('#badge-offline')).toHaveText('works offline ✓', { timeout: 120_000 });
  await context.setOffline(true);
  try {
    await page.reload();
    await waitReady(page);
    await search(page, { query: 'a place where books are kept', mode: 'dense' });
    expect((await hitTitles(page)).slice(0, 5)).toEqual(expect.arrayContaining(['library']));
    await search(page, { query: 'library', mode: 'bm25' });
    expect(await hitTitles(page)).toContain('library');
    await shot(page, 'offline', { fullPage: false });
  } finally {
    await context.setOffline(false);
  }
  expectNoConsoleErrors();
});

test('phone width (390 px): one column, no horizontal scrolling', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await search(page, { query: 'feeling very happy', mode: 'hybrid' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const [main, side] = await Promise.all([
    page.locator('.search-col').boundingBox(),
    page.locator('.side-col').boundingBox(),
  ]);
  expect(side!.y).toBeGreaterThan(main!.y); // stacked, not side by side
  await shot(page, 'phone');
  await shot(page, 'phone-top', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  expectNoConsoleErrors();
});

test('sync panel: a Milvus that cannot be reached is reported, not thrown', async () => {
  // A loopback port nobody listens on (a just-closed one): the connection is refused, and Chromium logs
  // that refusal as a console error, which is expected here.
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  await page.locator('#sync-uri').fill(`http://127.0.0.1:${port}`);
  await page.locator('#sync-btn').click();
  await expect(page.locator('#sync-note')).toContainText('Sync failed', { timeout: 60_000 });
  await expect(page.locator('#sync-btn')).toHaveText('Push collection');
  const unexpected = consoleErrors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'));
  expect(unexpected).toEqual([]);
  expect(offHost).toEqual([]);
});

test('fallback backend: the in-page memory engine serves the same page (?backend=memory)', async () => {
  const other = await context.newPage();
  const errors: string[] = [];
  other.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    await other.goto(`${DEMO}?backend=memory`);
    await waitReady(other);
    const s = await demoState(other);
    expect(s.backend).toBe('In-page · memory');
    expect(s.counters.corpusRowsInserted).toBe(6000); // memory starts empty every time
    await search(other, { query: 'frozen rain falling from the sky', mode: 'hybrid' });
    expect((await hitTitles(other)).slice(0, 3)).toEqual(expect.arrayContaining(['rain']));
  } finally {
    await other.close();
  }
  expect(errors).toEqual([]);
});
