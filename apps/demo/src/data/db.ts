/**
 * Opens the demo's database through the one public facade, `MilvusClient`, trying the best backend first:
 * the engine in a Worker over IndexedDB, then IndexedDB in-thread, then memory. Whatever opens is what the
 * rest of the page uses; the stats panel says which one it is and why the better ones were skipped.
 */
import {
  type ClientConfig,
  capabilities,
  MilvusClient,
  resolveDevice,
  type VectorClient,
} from '@elanus/core';

export interface Backend {
  /** What the stats panel shows, e.g. "Worker · IndexedDB". */
  label: string;
  worker: boolean;
  persistent: boolean;
}

export interface Db {
  client: MilvusClient;
  /** The backend behind the facade (its `info` tells the worker's device). */
  backend: VectorClient;
  kind: Backend;
  /** Device of the distance kernels: webgpu, wasm or js. */
  device: string;
  /** Why better backends were not used (empty when the first one opened). */
  skipped: string[];
}

// A backend that cannot open (no worker support, IndexedDB blocked, unfinished code) may fail late or
// hang; a bounded probe keeps the page from waiting forever on it.
const OPEN_TIMEOUT_MS = 20_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** `?backend=memory|idb|worker-idb|worker-memory` forces one backend (debugging, tests). */
function candidates(name: string, forced: string | null): Array<[Backend, ClientConfig]> {
  const all: Array<[string, Backend, ClientConfig]> = [
    [
      'worker-idb',
      { label: 'Worker · IndexedDB', worker: true, persistent: true },
      { uri: `idb://${name}`, worker: true },
    ],
    ['idb', { label: 'In-page · IndexedDB', worker: false, persistent: true }, { uri: `idb://${name}` }],
    [
      'worker-memory',
      { label: 'Worker · memory', worker: true, persistent: false },
      { uri: 'memory://', worker: true },
    ],
    ['memory', { label: 'In-page · memory', worker: false, persistent: false }, { uri: 'memory://' }],
  ];
  const picked = forced ? all.filter(([k]) => k === forced) : all;
  return (picked.length > 0 ? picked : all).map(([, b, c]) => [b, c]);
}

export async function openDb(name: string, forced: string | null): Promise<Db> {
  const skipped: string[] = [];
  for (const [kind, config] of candidates(name, forced)) {
    const client = new MilvusClient(config);
    try {
      const backend = await withTimeout(client.connectPromise, OPEN_TIMEOUT_MS, kind.label);
      // Opening may succeed lazily; a real call proves the backend answers.
      await withTimeout(client.listCollections(), OPEN_TIMEOUT_MS, kind.label);
      const info = (backend as { info?: { device?: string | null } | null }).info;
      const device = info?.device ?? resolveDevice('auto', await capabilities());
      return { client, backend, kind, device, skipped };
    } catch (e) {
      skipped.push(`${kind.label}: ${e instanceof Error ? e.message : String(e)}`);
      void client.closeConnection().catch(() => {});
    }
  }
  throw new Error(`no database backend could open:\n${skipped.join('\n')}`);
}
