/**
 * Registers the service worker (production builds only: the dev server's modules change on every edit)
 * and shows in a badge whether everything needed offline is cached.
 */

interface PrecacheStatus {
  version: string;
  cached: number;
  total: number;
}

function ask(worker: ServiceWorker): Promise<PrecacheStatus> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('no answer')), 5000);
    channel.port1.onmessage = (e: MessageEvent<PrecacheStatus>) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.postMessage({ type: 'status' }, [channel.port2]);
  });
}

export function registerServiceWorker(badge: HTMLElement): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) {
    badge.textContent = import.meta.env.PROD ? 'offline: unsupported' : 'offline: dev server';
    return;
  }
  const base = import.meta.env.BASE_URL;
  badge.textContent = 'offline: caching…';
  navigator.serviceWorker
    .register(`${base}sw.js`, { scope: base })
    .then(() => navigator.serviceWorker.ready)
    .then(async (reg) => {
      const worker = reg.active;
      if (!worker) throw new Error('no active service worker');
      const s = await ask(worker);
      const ready = s.cached === s.total;
      badge.textContent = ready ? 'works offline ✓' : `offline: ${s.cached}/${s.total} cached`;
      badge.classList.toggle('ok', ready);
      badge.title = `Service worker cache ${s.version}: ${s.cached} of ${s.total} files`;
      document.body.dataset.offline = ready ? 'ready' : 'partial';
    })
    .catch((e: unknown) => {
      badge.textContent = 'offline: unavailable';
      badge.title = e instanceof Error ? e.message : String(e);
      console.warn('[demo] service worker', e);
    });
}
