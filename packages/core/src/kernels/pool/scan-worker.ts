// The scan pool's worker. Its source is sent as text (a Blob URL in browsers, `eval` in Node), so the
// library ships no extra file for bundlers to copy: `scanWorkerMain` must reference nothing outside
// itself. The top-k heap is the library's own `TopKHeap` class, passed in as source too, so a pool
// worker breaks ties (smaller row id wins) exactly as the in-thread scan does.

import { TopKHeap } from '../../indexes/heap.js';

/** The slice of a worker global (or a Node port adapter) the pool worker uses. */
export interface ScanWorkerScope {
  onmessage: ((ev: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Attaches a column: the worker instantiates the shared kernels over its memory. */
export interface AttachMessage {
  t: 'attach';
  col: number;
  memory: WebAssembly.Memory;
}

/** Exact top-k of several queries over rows [from, to) of an attached column. */
export interface ScanMessage {
  t: 'scan';
  id: number;
  col: number;
  /** Metric code (kernels/types.ts METRIC_CODE). */
  metric: number;
  /** Similarity metric (IP, COSINE): distances are negated scores. */
  sim: boolean;
  dim: number;
  vecOff: number;
  normsOff: number;
  /** This worker's scratch: queries, their inverse norms, ids, scores (byte offsets). */
  queryOff: number;
  qinvOff: number;
  /** Queries the scratch holds at once: a batch is scored `slotQueries` at a time per pass over the rows. */
  slotQueries: number;
  idsOff: number;
  outOff: number;
  batch: number;
  from: number;
  to: number;
  k: number;
  /** nq query vectors, row-major. */
  queries: Float32Array;
  /** Each query's inverse norm, computed by the caller as the in-thread scanner does. */
  qinv: Float32Array;
  /** Allowed-row words for rows [from, to), bit 0 of word 0 = row `from` (from is a multiple of 32). */
  allow: Uint32Array | null;
  /**
   * Instead of a range: query q scores rows[rowOffsets[q] .. rowOffsets[q + 1]) only (IVF_FLAT's
   * probed lists, already filtered).
   */
  rows?: Int32Array;
  rowOffsets?: Int32Array;
}

/** The worker's answer to a scan: per query, `counts[q]` hits at [q * k, q * k + counts[q]), best first. */
export interface ScanReply {
  t: 'done';
  id: number;
  counts: Int32Array;
  rows: Int32Array;
  dist: Float32Array;
}

export type PoolMessage =
  | { t: 'init'; module: WebAssembly.Module }
  | AttachMessage
  | { t: 'detach'; col: number }
  | ScanMessage
  // Test hook: the worker throws outside any handler, as a crash would.
  | { t: 'crash' };

interface HeapLike {
  reset(k: number): void;
  bound(): number;
  push(d: number, id: number): boolean;
  drainInto(ids: Int32Array, dist: Float32Array): number;
}

interface ScanExports {
  scan_range(...args: number[]): void;
  scan_range_multi(...args: number[]): void;
  scan_rows(...args: number[]): void;
}

/** The worker's body. Self-contained: it is turned into source text with `Function.prototype.toString`. */
export function scanWorkerMain(scope: ScanWorkerScope, Heap: new () => HeapLike): void {
  let module: WebAssembly.Module | null = null;
  const columns = new Map<number, { memory: WebAssembly.Memory; x: ScanExports }>();
  const heap = new Heap();
  const heaps: HeapLike[] = [];
  // Below this share of allowed rows the worker scores only the allowed ones (as FLAT's in-thread scan).
  const gatherBelow = 0.3;

  function popcount(v: number): number {
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }

  function scan(m: ScanMessage): void {
    const c = columns.get(m.col);
    if (!c) throw new Error(`scan pool: column ${m.col} is not attached`);
    const nq = m.qinv.length;
    const f32 = new Float32Array(c.memory.buffer);
    const i32 = new Int32Array(c.memory.buffer);
    const counts = new Int32Array(nq);
    const rows = new Int32Array(nq * m.k);
    const dist = new Float32Array(nq * m.k);
    const sign = m.sim ? -1 : 1;
    const allow = m.allow;
    const span = m.to - m.from;
    let allowed = span;
    if (allow !== null) {
      allowed = 0;
      for (let w = 0; w < allow.length; w++) allowed += popcount(allow[w]!);
    }
    const gather = allow !== null && allowed < span * gatherBelow;
    const out = m.outOff >>> 2;
    if (!gather && !m.rows && nq > 1 && allowed > 0) {
      // A batch over a range: each pass over the rows scores up to slotQueries queries (one read of each
      // row for all of them), each query offering its scores to its own heap.
      while (heaps.length < m.slotQueries) heaps.push(new Heap());
      const worst = new Float64Array(m.slotQueries);
      for (let g0 = 0; g0 < nq; g0 += m.slotQueries) {
        const g = Math.min(m.slotQueries, nq - g0);
        f32.set(m.queries.subarray(g0 * m.dim, (g0 + g) * m.dim), m.queryOff >>> 2);
        f32.set(m.qinv.subarray(g0, g0 + g), m.qinvOff >>> 2);
        for (let j = 0; j < g; j++) {
          heaps[j]!.reset(m.k);
          worst[j] = heaps[j]!.bound();
        }
        const block = Math.max(1, Math.floor(m.batch / g));
        for (let a = m.from; a < m.to; a += block) {
          const b = Math.min(m.to, a + block);
          const len = b - a;
          c.x.scan_range_multi(
            m.metric,
            m.queryOff,
            g,
            m.qinvOff,
            m.vecOff,
            m.normsOff,
            m.dim,
            a,
            b,
            m.outOff,
          );
          for (let j = 0; j < g; j++) {
            const h = heaps[j]!;
            const base = out + j * len;
            let w = worst[j]!;
            for (let i = 0; i < len; i++) {
              const d = sign * f32[base + i]!;
              if (d > w) continue;
              const r = a + i;
              if (allow !== null) {
                const off = r - m.from;
                if ((allow[off >>> 5]! & (1 << (off & 31))) === 0) continue;
              }
              h.push(d, r);
              w = h.bound();
            }
            worst[j] = w;
          }
        }
        for (let j = 0; j < g; j++) {
          const q = g0 + j;
          counts[q] = heaps[j]!.drainInto(rows.subarray(q * m.k), dist.subarray(q * m.k));
        }
      }
      const reply: ScanReply = { t: 'done', id: m.id, counts, rows, dist };
      scope.postMessage(reply, [counts.buffer, rows.buffer, dist.buffer]);
      return;
    }
    for (let q = 0; q < nq; q++) {
      f32.set(m.queries.subarray(q * m.dim, (q + 1) * m.dim), m.queryOff >>> 2);
      const qi = m.qinv[q]!;
      heap.reset(m.k);
      let worst = heap.bound();
      if (allowed === 0) {
        counts[q] = 0;
        continue;
      }
      const ids = m.idsOff >>> 2;
      // Scores the n row ids written at the slot's id scratch and offers them to the heap.
      const scoreListed = (n: number) => {
        c.x.scan_rows(m.metric, m.queryOff, m.vecOff, m.normsOff, qi, m.dim, m.idsOff, n, m.outOff);
        for (let i = 0; i < n; i++) {
          const d = sign * f32[out + i]!;
          if (d <= worst) {
            heap.push(d, i32[ids + i]!);
            worst = heap.bound();
          }
        }
      };
      if (m.rows && m.rowOffsets) {
        const end = m.rowOffsets[q + 1]!;
        for (let a = m.rowOffsets[q]!; a < end; a += m.batch) {
          const n = Math.min(m.batch, end - a);
          i32.set(m.rows.subarray(a, a + n), ids);
          scoreListed(n);
        }
      } else if (gather) {
        let n = 0;
        const flush = () => {
          scoreListed(n);
          n = 0;
        };
        for (let w = 0; w < allow!.length; w++) {
          let v = allow![w]!;
          while (v !== 0) {
            const t = v & -v;
            const r = m.from + (w << 5) + 31 - Math.clz32(t);
            v ^= t;
            if (r >= m.to) break;
            i32[ids + n++] = r;
            if (n === m.batch) flush();
          }
        }
        if (n > 0) flush();
      } else {
        for (let a = m.from; a < m.to; a += m.batch) {
          const b = Math.min(m.to, a + m.batch);
          c.x.scan_range(m.metric, m.queryOff, m.vecOff, m.normsOff, qi, m.dim, a, b, m.outOff);
          for (let i = 0; i < b - a; i++) {
            const d = sign * f32[out + i]!;
            if (d > worst) continue;
            const r = a + i;
            if (allow !== null) {
              const off = r - m.from;
              if ((allow[off >>> 5]! & (1 << (off & 31))) === 0) continue;
            }
            heap.push(d, r);
            worst = heap.bound();
          }
        }
      }
      counts[q] = heap.drainInto(rows.subarray(q * m.k), dist.subarray(q * m.k));
    }
    const reply: ScanReply = { t: 'done', id: m.id, counts, rows, dist };
    scope.postMessage(reply, [counts.buffer, rows.buffer, dist.buffer]);
  }

  scope.onmessage = (ev) => {
    const m = ev.data as PoolMessage;
    if (m.t === 'init') module = m.module;
    else if (m.t === 'attach') {
      const inst = new WebAssembly.Instance(module!, { env: { memory: m.memory } });
      columns.set(m.col, { memory: m.memory, x: inst.exports as unknown as ScanExports });
    } else if (m.t === 'detach') columns.delete(m.col);
    else if (m.t === 'scan') {
      try {
        scan(m);
      } catch (e) {
        scope.postMessage({ t: 'error', id: m.id, message: String((e as Error)?.message ?? e) });
      }
    } else if (m.t === 'crash') {
      setTimeout(() => {
        throw new Error('scan pool worker crashed (test hook)');
      });
    }
  };
}

// Toolchains that keep function names (esbuild's keepNames: tsx, some dev servers) wrap functions in a
// `__name(fn, "name")` helper defined at the top of the module, which the source text does not carry.
const PRELUDE = 'var __name = (fn) => fn;';

/** Source of a pool worker for a browser (a classic worker: `self` is its scope). */
export function browserWorkerSource(): string {
  return `${PRELUDE}\n(${scanWorkerMain.toString()})(self, (${TopKHeap.toString()}));`;
}

/** Source of a pool worker for Node's worker_threads (`eval: true`, CommonJS). */
export function nodeWorkerSource(): string {
  return `${PRELUDE}
const { parentPort } = require('node:worker_threads');
const scope = { onmessage: null, postMessage: (m, t) => parentPort.postMessage(m, t) };
parentPort.on('message', (data) => scope.onmessage && scope.onmessage({ data }));
(${scanWorkerMain.toString()})(scope, (${TopKHeap.toString()}));`;
}
