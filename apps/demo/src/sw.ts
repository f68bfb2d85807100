/**
 * The demo's service worker: precaches the app shell, the model files, the ONNX runtime and the corpus
 * so that a second visit works with the network off. The list and the version are injected at build
 * time (plugins/local-assets.ts); a new build gets a new cache and the old one is deleted.
 *
 * Navigations go to the network first (a new build shows up on reload) and fall back to the cached
 * page; everything else is served from the cache first. Only same-origin GETs are touched.
 */

// The WebWorker lib's event types clash with the DOM lib this project compiles against; these are the
// few members used here.
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface SwMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface SwScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', cb: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', cb: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', cb: (e: SwMessageEvent) => void): void;
}

interface Manifest {
  version: string;
  urls: string[];
}

// Replaced at build time by {"version": ..., "urls": [...]}; a dev build never registers this worker.
const MANIFEST = '__ELANUS_PRECACHE_MANIFEST__' as unknown as Manifest;
const PREFIX = 'elanus-demo-';
const CACHE = `${PREFIX}${MANIFEST.version}`;

const sw = self as unknown as SwScope;
const scopeUrl = (u: string): string => new URL(u, sw.location.origin).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `no-store`: straight from the server, so the precache holds what this build serves, and no HTTP
      // cache entry is shared with the page's own first-visit download of the same large file (Chromium
      // fails one of two concurrent writers with ERR_CACHE_WRITE_FAILURE).
      await cache.addAll(MANIFEST.urls.map((u) => new Request(scopeUrl(u), { cache: 'no-store' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

async function fromCache(request: Request): Promise<Response | undefined> {
  const cache = await caches.open(CACHE);
  return cache.match(request, { ignoreVary: true });
}

async function navigate(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (e) {
    const cache = await caches.open(CACHE);
    const page = (await cache.match(request)) ?? (await cache.match(scopeUrl(MANIFEST.urls[0] ?? '/')));
    if (page) return page;
    throw e;
  }
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(fromCache(request).then((hit) => hit ?? fetch(request)));
});

// The page asks whether everything is cached (its "works offline" badge).
sw.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (!port || (event.data as { type?: unknown } | null)?.type !== 'status') return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const keys = new Set((await cache.keys()).map((r) => r.url));
      const cached = MANIFEST.urls.filter((u) => keys.has(scopeUrl(u))).length;
      port.postMessage({ version: MANIFEST.version, cached, total: MANIFEST.urls.length });
    })(),
  );
});
