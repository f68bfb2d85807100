/** HNSW implementations behind one small interface, so the scenarios treat them alike. */
import { Bitset, createIndex, createKernels, type HnswIndex } from './elanus.js';
import { loadHnswlibWasm, loadNative } from './peers.js';
import type { Runtime } from './types.js';

export interface Allow {
  bits: Bitset;
  /** 1 = allowed, by row. */
  bytes: Uint8Array;
}

export interface AnnLib {
  name: string;
  /** Index rows [from, to) of the dataset (vectors included: every library copies them). */
  add(from: number, to: number): void;
  /** A search function at this ef (k = 10 results, ids = row numbers). */
  searcher(ef: number): (q: Float32Array) => ArrayLike<number>;
  /** The same restricted to allowed rows; undefined when the library cannot filter. */
  filtered?(ef: number, allow: Allow): (q: Float32Array) => ArrayLike<number>;
  /** Bytes held by the index (vectors included) where the library tells, else null. */
  memoryBytes(): number | null;
  /** How `memoryBytes` was obtained. */
  memoryNote: string;
  /** Filtered searches that fell back to an exact scan (Elanus), as a fraction of the last filtered calls. */
  exactFraction?(): number | null;
  dispose?(): void;
}

export interface AnnConfig {
  data: Float32Array;
  n: number;
  dim: number;
  M: number;
  efConstruction: number;
  k: number;
}

export async function elanusHnsw(cfg: AnnConfig, device: 'wasm' | 'js' = 'wasm'): Promise<AnnLib> {
  const kernels = await createKernels(device);
  const col = kernels.createColumn(cfg.dim);
  const idx = createIndex(
    'dense',
    'HNSW',
    'IP',
    { M: cfg.M, efConstruction: cfg.efConstruction },
    col,
    kernels,
  ) as HnswIndex;
  let exact = 0;
  let calls = 0;
  return {
    name: device === 'wasm' ? 'Elanus HNSW (WASM SIMD)' : 'Elanus HNSW (JS kernels)',
    add(from, to) {
      col.pushMany(cfg.data.subarray(from * cfg.dim, to * cfg.dim), to - from);
      idx.addRange(from, to);
    },
    searcher: (ef) => (q) => idx.search(q, cfg.k, null, { ef }).rows,
    filtered: (ef, allow) => (q) => {
      const r = idx.search(q, cfg.k, allow.bits, { ef }).rows;
      calls++;
      if (idx.lastSearchStats.exact) exact++;
      return r;
    },
    exactFraction: () => {
      const f = calls ? exact / calls : null;
      exact = 0;
      calls = 0;
      return f;
    },
    memoryBytes: () => idx.memoryBytes() + col.memoryBytes(),
    memoryNote: 'index.memoryBytes() + column.memoryBytes()',
  };
}

// biome-ignore lint/suspicious/noExplicitAny: untyped peers.
type Any = any;

function rss(): number | null {
  const p = (globalThis as Any).process;
  return p?.memoryUsage ? p.memoryUsage.rss() : null;
}

/** Tracks the resident-set growth during a library's own calls (Node only; a rough figure). */
class RssMeter {
  total = 0;
  ok = rss() !== null;
  around<T>(fn: () => T): T {
    const a = rss();
    const r = fn();
    const b = rss();
    if (a !== null && b !== null) this.total += Math.max(0, b - a);
    return r;
  }
}

export async function hnswlibNode(cfg: AnnConfig, runtime: Runtime): Promise<AnnLib | string> {
  const m = await loadNative('hnswlib-node', runtime);
  if (!m.ok) return m.reason;
  const idx = new m.mod.HierarchicalNSW('ip', cfg.dim);
  const meter = new RssMeter();
  meter.around(() => idx.initIndex(cfg.n, cfg.M, cfg.efConstruction, 100));
  return {
    name: 'hnswlib-node',
    add(from, to) {
      meter.around(() => {
        for (let i = from; i < to; i++)
          idx.addPoint(Array.from(cfg.data.subarray(i * cfg.dim, (i + 1) * cfg.dim)), i);
      });
    },
    searcher: (ef) => (q) => {
      idx.setEf(ef);
      return idx.searchKnn(Array.from(q), cfg.k).neighbors;
    },
    filtered: (ef, allow) => {
      const f = (label: number) => allow.bytes[label] === 1;
      return (q) => {
        idx.setEf(ef);
        return idx.searchKnn(Array.from(q), cfg.k, f).neighbors;
      };
    },
    memoryBytes: () => (meter.ok ? meter.total : null),
    memoryNote: 'process RSS growth during its own calls',
  };
}

export async function hnswlibWasm(cfg: AnnConfig): Promise<AnnLib | string> {
  const m = await loadHnswlibWasm();
  if (!m.ok) return m.reason;
  const lib = m.mod;
  const heap = () => (lib.HEAPU8 ?? lib.HEAP8)?.buffer?.byteLength ?? null;
  const h0 = heap();
  const idx = new lib.HierarchicalNSW('ip', cfg.dim, '');
  idx.initIndex(cfg.n, cfg.M, cfg.efConstruction, 100);
  return {
    name: 'hnswlib-wasm',
    add(from, to) {
      for (let i = from; i < to; i++)
        idx.addPoint(cfg.data.subarray(i * cfg.dim, (i + 1) * cfg.dim), i, false);
    },
    searcher: (ef) => (q) => {
      idx.setEfSearch(ef);
      return idx.searchKnn(q, cfg.k, undefined).neighbors;
    },
    filtered: (ef, allow) => {
      const f = (label: number) => allow.bytes[label] === 1;
      return (q) => {
        idx.setEfSearch(ef);
        return idx.searchKnn(q, cfg.k, f).neighbors;
      };
    },
    memoryBytes: () => {
      const h = heap();
      return h !== null && h0 !== null ? h - h0 : null;
    },
    memoryNote: 'growth of its WebAssembly heap',
  };
}

export async function usearchHnsw(cfg: AnnConfig, runtime: Runtime): Promise<AnnLib | string> {
  const m = await loadNative('usearch', runtime);
  if (!m.ok) return m.reason;
  const { Index } = m.mod;
  const opts = {
    dimensions: cfg.dim,
    metric: 'ip',
    quantization: 'f32',
    connectivity: cfg.M,
    expansion_add: cfg.efConstruction,
  };
  const idx = new Index({ ...opts, expansion_search: 64 });
  const meter = new RssMeter();
  let file: string | undefined;
  const views = new Map<number, Any>();
  const fs = await import(/* @vite-ignore */ 'node:fs');
  const os = await import(/* @vite-ignore */ 'node:os');
  const path = await import(/* @vite-ignore */ 'node:path');
  return {
    name: 'usearch HNSW (1 thread)',
    add(from, to) {
      const keys = new BigUint64Array(to - from);
      for (let i = 0; i < keys.length; i++) keys[i] = BigInt(from + i);
      meter.around(() => idx.add(keys, cfg.data.slice(from * cfg.dim, to * cfg.dim), 1));
    },
    searcher: (ef) => {
      // expansion_search is fixed at construction: save once, then view the file with each ef.
      if (!file) {
        file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'elanus-bench-')), 'usearch.idx');
        idx.save(file);
      }
      let v = views.get(ef);
      if (!v) {
        v = new Index({ ...opts, expansion_search: ef });
        v.view(file);
        views.set(ef, v);
      }
      const view = v;
      return (q) => Array.from(view.search(q.slice(), cfg.k, 1).keys as BigUint64Array, Number);
    },
    memoryBytes: () => (meter.ok ? meter.total : null),
    memoryNote: 'process RSS growth during its own calls',
    dispose: () => {
      if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

/** A random allow-list passing `fraction` of n rows (seeded), at least k rows. */
export function randomAllow(n: number, fraction: number, seed: number, min = 10): Allow {
  const bits = new Bitset(n);
  const bytes = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  const target = Math.max(min, Math.round(n * fraction));
  let count = 0;
  while (count < target) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const r = (s >>> 0) % n;
    if (bytes[r] === 0) {
      bytes[r] = 1;
      bits.set(r);
      count++;
    }
  }
  return { bits, bytes };
}
