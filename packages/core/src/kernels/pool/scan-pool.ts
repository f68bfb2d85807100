import type { BatchSearcher, BatchSearchRequest, BatchSearchStats } from '../../engine/batch-search.js';
import { TopKHeap } from '../../indexes/heap.js';
import type { TopK } from '../../indexes/types.js';
import { inverseNorm, METRIC_CODE } from '../types.js';
import { SLOT_QUERIES, WASM_BATCH, WasmVectorColumn } from '../wasm-column.js';
import type { PoolMessage, ScanMessage, ScanReply } from './scan-worker.js';
import { browserWorkerSource, nodeWorkerSource } from './scan-worker.js';

/** The slice of Node's `worker_threads.Worker` the pool uses. */
interface NodeWorker {
  unref(): void;
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', fn: (data: unknown) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (source: string, options: { eval: boolean }) => NodeWorker;

/** One worker of the pool, whatever runs it (a browser Worker or a Node worker thread). */
export interface PoolWorker {
  post(message: PoolMessage, transfer?: Transferable[]): void;
  /** Every message the worker sends. */
  onMessage(fn: (data: unknown) => void): void;
  /** Called once if the worker dies (an uncaught error, exit, termination). */
  onDeath(fn: (why: string) => void): void;
  terminate(): void;
}

export type SpawnPoolWorker = () => PoolWorker;

/**
 * How this realm starts pool workers, or null where it cannot: a Blob-URL classic Worker in browsers
 * (nested workers work inside the engine worker), `worker_threads` in Node.
 */
export async function poolSpawner(): Promise<SpawnPoolWorker | null> {
  const g = globalThis as {
    Worker?: new (url: string, opts?: { name?: string }) => Worker;
    process?: { versions?: { node?: string } };
  };
  if (
    typeof g.Worker === 'function' &&
    typeof Blob === 'function' &&
    typeof URL.createObjectURL === 'function'
  ) {
    const url = URL.createObjectURL(new Blob([browserWorkerSource()], { type: 'text/javascript' }));
    const W = g.Worker;
    return () => {
      const w = new W(url, { name: 'elanus-scan' });
      let dead = false;
      const deaths: ((why: string) => void)[] = [];
      const die = (why: string) => {
        if (dead) return;
        dead = true;
        for (const fn of deaths) fn(why);
      };
      w.addEventListener('error', (e) => die(`scan worker error: ${(e as ErrorEvent).message ?? 'unknown'}`));
      w.addEventListener('messageerror', () => die('scan worker message could not be read'));
      return {
        post: (m, t) => w.postMessage(m, t ?? []),
        onMessage: (fn) => w.addEventListener('message', (e) => fn(e.data)),
        onDeath: (fn) => deaths.push(fn),
        terminate: () => {
          w.terminate();
          die('scan worker terminated');
        },
      };
    };
  }
  if (g.process?.versions?.node) {
    // A computed specifier keeps browser bundlers from resolving a Node built-in.
    const spec = 'node:worker_threads';
    // Typed here: the library's types do not depend on @types/node.
    const { Worker } = (await import(/* @vite-ignore */ spec)) as { Worker: NodeWorkerCtor };
    const source = nodeWorkerSource();
    return () => {
      const w = new Worker(source, { eval: true });
      // Pool threads must not keep a Node process alive once the program is done.
      w.unref();
      let dead = false;
      const deaths: ((why: string) => void)[] = [];
      const die = (why: string) => {
        if (dead) return;
        dead = true;
        for (const fn of deaths) fn(why);
      };
      w.on('error', (e: Error) => die(`scan worker error: ${e.message}`));
      w.on('exit', (code: number) => die(`scan worker exited (code ${code})`));
      return {
        post: (m, t) => w.postMessage(m, t),
        onMessage: (fn) => w.on('message', fn),
        onDeath: (fn) => deaths.push(fn),
        terminate: () => {
          void w.terminate();
          die('scan worker terminated');
        },
      };
    };
  }
  return null;
}

/** A live pool worker and the columns it has attached. */
interface Member {
  worker: PoolWorker;
  /** Column id → the memory epoch the worker instantiated it over. */
  attached: Map<number, number>;
  pending: Map<number, { resolve: (r: ScanReply) => void; reject: (e: Error) => void }>;
  dead: boolean;
}

export interface ScanPoolOptions {
  /** Workers (each scans one row range). */
  size: number;
  /** The kernels assembled against a shared memory. */
  module: WebAssembly.Module;
  spawn: SpawnPoolWorker;
  /** Least query vectors x rows x dim worth splitting across the pool (a round trip costs ~0.1 ms). */
  minWork?: number;
}

/** Searches under this many multiply-adds stay on the engine's thread. */
export const POOL_MIN_WORK = 1 << 21;

/**
 * Exact (FLAT) top-k over a shared column, split by row range across a pool of workers that scan the
 * column's memory in place, merged with the same tie-breaking heap: results equal the in-thread scan's.
 * Workers start on the first search; one that dies is replaced, and the search it was part of declines
 * (`null`), so the engine answers it on its own thread.
 */
export class ScanPool implements BatchSearcher {
  readonly device = 'threads' as const;
  readonly minBatch = 1;
  readonly minWork: number;
  readonly size: number;
  readonly stats: BatchSearchStats = { searches: 0, queries: 0, fallbacks: 0, uploads: 0, lastError: null };
  private readonly module: WebAssembly.Module;
  private readonly spawn: SpawnPoolWorker;
  private readonly members: (Member | null)[];
  private readonly columnIds = new WeakMap<WasmVectorColumn, number>();
  private nextColumn = 1;
  private nextScan = 1;
  /** Searches run one at a time: each worker scans in its own slot of the column's memory. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly heap = new TopKHeap();
  private disposed = false;
  /** Frees a collected column's instance in every worker. */
  private readonly finalizer = new FinalizationRegistry<number>((col) => {
    for (const m of this.members) {
      if (m && !m.dead && m.attached.delete(col)) m.worker.post({ t: 'detach', col });
    }
  });

  constructor(options: ScanPoolOptions) {
    this.size = options.size;
    this.module = options.module;
    this.spawn = options.spawn;
    this.minWork = options.minWork ?? POOL_MIN_WORK;
    this.members = new Array<Member | null>(options.size).fill(null);
  }

  /** Workers running now (tests). */
  get running(): number {
    return this.members.filter((m) => m !== null && !m.dead).length;
  }

  /** Test hook: makes pool worker `i` throw outside any handler, as a crash would. */
  crashWorker(i: number): void {
    this.members[i]?.worker.post({ t: 'crash' });
  }

  /** Test hook: terminates pool worker `i` from outside. */
  terminateWorker(i: number): void {
    this.members[i]?.worker.terminate();
  }

  search(req: BatchSearchRequest): Promise<TopK[] | null> {
    const run = this.tail.then(() => this.run(req));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private member(i: number): Member {
    const have = this.members[i];
    if (have && !have.dead) return have;
    const worker = this.spawn();
    const m: Member = { worker, attached: new Map(), pending: new Map(), dead: false };
    worker.onMessage((data) => {
      const d = data as ScanReply | { t: 'error'; id: number; message: string };
      const p = m.pending.get(d.id);
      if (!p) return;
      m.pending.delete(d.id);
      if (d.t === 'done') p.resolve(d);
      else p.reject(new Error(d.message));
    });
    worker.onDeath((why) => {
      m.dead = true;
      for (const p of m.pending.values()) p.reject(new Error(why));
      m.pending.clear();
    });
    worker.post({ t: 'init', module: this.module });
    this.members[i] = m;
    return m;
  }

  private columnId(col: WasmVectorColumn): number {
    let id = this.columnIds.get(col);
    if (id === undefined) {
      id = this.nextColumn++;
      this.columnIds.set(col, id);
      this.finalizer.register(col, id);
    }
    return id;
  }

  private async run(req: BatchSearchRequest): Promise<TopK[] | null> {
    const col = req.column;
    if (this.disposed || !(col instanceof WasmVectorColumn) || !col.shared || col.slots.length < this.size) {
      return null;
    }
    const n = col.length;
    const dim = col.dim;
    const nq = req.queries.length;
    const k = req.k;
    const sim = req.metric !== 'L2';
    const queries = new Float32Array(nq * dim);
    const qinv = new Float32Array(nq);
    req.queries.forEach((q, i) => {
      queries.set(q, i * dim);
      qinv[i] = inverseNorm(queries, i * dim, dim);
    });
    const colId = this.columnId(col);
    if (req.rows) return this.finish(await this.scatter(colId, col, req, queries, qinv, sim), nq, k, sim);
    // Row ranges start on a word boundary so each worker gets whole words of the allow bitset.
    const chunk = Math.max(32, Math.ceil(n / this.size / 32) * 32);
    const scans: Promise<ScanReply>[] = [];
    for (let i = 0, from = 0; i < this.size && from < n; i++, from += chunk) {
      const to = Math.min(n, from + chunk);
      scans.push(
        this.send(i, colId, col, {
          metric: METRIC_CODE[req.metric],
          sim,
          dim,
          vecOff: col.vecOff,
          normsOff: col.normsOff,
          batch: WASM_BATCH,
          from,
          to,
          k,
          queries,
          qinv,
          allow: req.allow.words.slice(from >>> 5, (to + 31) >>> 5),
        }),
      );
    }
    return this.finish(await this.settle(scans), nq, k, sim);
  }

  /** The replies, or null (counted as a fallback) when a worker died or failed. */
  private async settle(scans: Promise<ScanReply>[]): Promise<ScanReply[] | null> {
    try {
      return await Promise.all(scans);
    } catch (e) {
      // A worker died or failed: it is replaced on the next search; this one runs on the engine thread.
      await Promise.allSettled(scans);
      this.stats.fallbacks++;
      this.stats.lastError = String((e as Error).message ?? e);
      return null;
    }
  }

  /** Sends one scan to member `i` (attaching the column first if needed). */
  private send(
    i: number,
    colId: number,
    col: WasmVectorColumn,
    msg: Omit<ScanMessage, 'id' | 'col' | 'queryOff' | 'qinvOff' | 'idsOff' | 'outOff' | 'slotQueries' | 't'>,
  ): Promise<ScanReply> {
    const m = this.member(i);
    if (m.attached.get(colId) !== col.memoryEpoch) {
      m.worker.post({ t: 'attach', col: colId, memory: col.memory });
      m.attached.set(colId, col.memoryEpoch);
    }
    const slot = col.slots[i]!;
    const full: ScanMessage = {
      ...msg,
      t: 'scan',
      id: this.nextScan++,
      col: colId,
      ...slot,
      slotQueries: SLOT_QUERIES,
    };
    return new Promise<ScanReply>((resolve, reject) => {
      m.pending.set(full.id, { resolve, reject });
      m.worker.post(full);
    });
  }

  /** Each query's candidate rows split into one contiguous part per worker. */
  private scatter(
    colId: number,
    col: WasmVectorColumn,
    req: BatchSearchRequest,
    queries: Float32Array,
    qinv: Float32Array,
    sim: boolean,
  ): Promise<ScanReply[] | null> {
    const lists = req.rows!;
    const nq = lists.length;
    const scans: Promise<ScanReply>[] = [];
    for (let i = 0; i < this.size; i++) {
      const rowOffsets = new Int32Array(nq + 1);
      const parts: Int32Array[] = [];
      let total = 0;
      for (let q = 0; q < nq; q++) {
        const l = lists[q]!;
        const part = l.subarray(
          Math.floor((l.length * i) / this.size),
          Math.floor((l.length * (i + 1)) / this.size),
        );
        parts.push(part);
        total += part.length;
        rowOffsets[q + 1] = total;
      }
      const rows = new Int32Array(total);
      parts.forEach((p, q) => {
        rows.set(p, rowOffsets[q]!);
      });
      scans.push(
        this.send(i, colId, col, {
          metric: METRIC_CODE[req.metric],
          sim,
          dim: col.dim,
          vecOff: col.vecOff,
          normsOff: col.normsOff,
          batch: WASM_BATCH,
          from: 0,
          to: col.length,
          k: req.k,
          queries,
          qinv,
          allow: null,
          rows,
          rowOffsets,
        }),
      );
    }
    return this.settle(scans);
  }

  /** Merges the workers' per-query top-k (null: a worker failed, the engine answers). */
  private finish(replies: ScanReply[] | null, nq: number, k: number, sim: boolean): TopK[] | null {
    if (replies === null) return null;
    const heap = this.heap;
    const tops: TopK[] = [];
    for (let q = 0; q < nq; q++) {
      heap.reset(k);
      for (const r of replies) {
        const c = r.counts[q]!;
        for (let i = q * k; i < q * k + c; i++) heap.push(r.dist[i]!, r.rows[i]!);
      }
      tops.push(heap.toTopK(sim));
    }
    this.stats.searches++;
    this.stats.queries += nq;
    return tops;
  }

  dispose(): void {
    this.disposed = true;
    for (const m of this.members) m?.worker.terminate();
  }
}
