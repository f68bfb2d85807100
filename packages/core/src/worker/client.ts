/**
 * The page side of the worker boundary: a VectorClient whose engine runs in a dedicated module Worker.
 */
import { type Remote, releaseProxy, transfer, wrap } from 'comlink';
import type { ClientConfig } from '../client/config.js';
import { METHODS, type MethodSpec, PLAIN_METHODS, type PlainMethod } from '../client/method-table.js';
import type * as T from '../client/types.js';
import type { BatchSearchStats } from '../engine/batch-search.js';
import { type ElanusError, elanusError } from '../errors/index.js';
import type { EngineHost, WorkerInfo } from './host.js';
import {
  CONTROL,
  type ControlMessage,
  decodeRows,
  decodeSearchResults,
  isControl,
  type PackableFields,
  packQueries,
  packRows,
  registerTransferHandlers,
  transferHandlersRegistered,
  type WireRows,
  type WorkerLike,
} from './protocol.js';

export type { WorkerLike } from './protocol.js';

/** Starts the engine worker bundled with @elanus/core (loaded on first use: Node never needs it). */
async function defaultWorker(): Promise<WorkerLike> {
  if (typeof Worker !== 'function') {
    throw elanusError('webWorkersUnavailable', {});
  }
  const { defaultWorker: start } = await import('./default-worker.js');
  return start();
}

interface Connection {
  worker: WorkerLike;
  api: Remote<EngineHost>;
  owned: boolean;
  dead: ElanusError | null;
  /** Rejecters of calls in flight: a dying worker rejects them all. */
  pending: Set<(e: unknown) => void>;
  progress: Map<number, (p: T.Progress) => void>;
  info: WorkerInfo | null;
  detach(): void;
  /** Stops waiting for the worker's liveness lock (see `watch`). */
  unwatch?: () => void;
}

type Request = { onProgress?: unknown; signal?: unknown } & Record<string, unknown>;

/** A request without the options that cannot be cloned (they are handled on this side). */
function plain<R>(req: R): R {
  if (!req || typeof req !== 'object' || Array.isArray(req)) return req;
  const { onProgress: _p, signal: _s, ...rest } = req as Request;
  return rest as R;
}

/** The config as the worker gets it: without the worker itself and without what cannot be cloned. */
/** A request the structured clone refuses (a function in a JSON field...) becomes a named library error. */
function uncloneable(e: unknown): unknown {
  if (!(e instanceof Error) || e.name !== 'DataCloneError') return e;
  return elanusError('uncloneableRequest', { error: e.message }, { param: 'data' });
}

function configForWorker(config: ClientConfig): ClientConfig {
  const out: ClientConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'worker' || typeof v === 'function') continue;
    try {
      structuredClone(v);
      out[k] = v;
    } catch {
      // not cloneable: the worker cannot use it anyway
    }
  }
  return out;
}

/**
 * The Milvus-shaped API over an engine in a module Worker (comlink). Same interface as LocalClient.
 *
 * - Vectors cross as transferable Float32Arrays (insert rows, query vectors, result vectors); results are
 *   rebuilt as row objects here.
 * - `insert`/`upsert` with `onProgress` or `signal` run in chunks inside the worker. Aborting an insert
 *   (or a chunk failing) deletes what it wrote, so it leaves nothing; an aborted upsert keeps the chunks
 *   it applied (`details.applied` on the `Aborted` error). Other calls wait until it is done.
 * - If the worker dies (`terminate()`, an uncaught error, a failed start), calls in flight reject with
 *   `WorkerTerminated`; the next call starts a new worker (unless `restartWorker: false`), as does `restart()`.
 *   A `memory://` engine starts empty again; `idb://` reopens its database.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the plain methods are defined on the prototype below.
export class WorkerClient {
  private conn: Connection | undefined;
  private starting: Promise<Connection> | undefined;
  private nextOp = 1;
  private turn: Promise<void> = Promise.resolve();
  /** Dense vector field names per collection, asked of the worker once; the page packs those. */
  private readonly vectorFields = new Map<string, Promise<PackableFields>>();

  constructor(readonly config: ClientConfig) {
    registerTransferHandlers();
  }

  /** Starts the worker and opens the backend in it. */
  static async create(config: ClientConfig): Promise<WorkerClient> {
    const c = new WorkerClient(config);
    await c.connection();
    return c;
  }

  /** Device and capabilities the worker reported when it opened (null before). */
  get info(): WorkerInfo | null {
    return this.conn?.info ?? null;
  }

  /** The worker in use (undefined before the first call or after it died). */
  get worker(): WorkerLike | undefined {
    return this.conn && !this.conn.dead ? this.conn.worker : undefined;
  }

  private async makeWorker(): Promise<{ worker: WorkerLike; owned: boolean }> {
    const w = this.config.worker;
    if (typeof w === 'function') return { worker: (w as () => WorkerLike)(), owned: true };
    if (w && typeof w === 'object') {
      if (this.conn) {
        throw elanusError('workerNotRestartable', {});
      }
      return { worker: w as unknown as WorkerLike, owned: false };
    }
    return { worker: await defaultWorker(), owned: true };
  }

  private async connection(): Promise<Connection> {
    const c = this.conn;
    if (c && !c.dead) return c;
    if (c?.dead && this.config.restartWorker === false && !this.starting) throw c.dead;
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<Connection> {
    const { worker, owned } = await this.makeWorker();
    this.vectorFields.clear();
    const progress = new Map<number, (p: T.Progress) => void>();
    const onMessage = (ev: Event) => {
      const data = (ev as MessageEvent).data as unknown;
      if (isControl(data) && data[CONTROL] === 'progress') {
        try {
          progress.get(data.op)?.(data.progress);
        } catch {
          // a throwing progress callback must not break the call
        }
      }
    };
    const onError = (ev: Event) => {
      const msg = (ev as ErrorEvent).message;
      this.fail(
        conn,
        msg ? elanusError('workerCrashed', { error: msg }) : elanusError('workerCrashedUnknown', {}),
      );
    };
    const onMessageError = () => this.fail(conn, elanusError('workerMessageError', {}));
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);
    const conn: Connection = {
      worker,
      api: wrap<EngineHost>(worker as unknown as Parameters<typeof wrap>[0]),
      owned,
      dead: null,
      pending: new Set(),
      progress,
      info: null,
      detach() {
        conn.unwatch?.();
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
      },
    };
    this.conn = conn;
    void this.watch(conn);
    try {
      conn.info = await this.exec(conn, (api) => api.open(configForWorker(this.config)));
    } catch (e) {
      // The backend did not open (bad device, storage error...): stop the worker, report the cause.
      this.fail(conn, elanusError('workerOpenFailed', { error: e instanceof Error ? e.message : String(e) }));
      throw e;
    }
    return conn;
  }

  /**
   * Notices a worker that stopped without telling anyone (`terminate()` on the Worker object itself fires
   * no event, so its calls would wait forever): the worker holds a Web Lock while it lives
   * (`EngineHost.hold`), and this side waits for the same lock.
   */
  private async watch(conn: Connection): Promise<void> {
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    if (!locks) return;
    const name = `elanus-worker-${globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2)}`;
    let held = false;
    try {
      held = await this.exec(conn, (api) => api.hold(name));
    } catch {
      return; // the worker died first: fail() has run
    }
    if (!held || conn.dead) return;
    const stop = new AbortController();
    conn.unwatch = () => stop.abort();
    locks
      .request(name, { signal: stop.signal }, () => {
        this.fail(conn, elanusError('workerStoppedOutside', {}));
      })
      .catch(() => undefined); // aborted: the connection ended normally
  }

  /** Runs one call on a connection; a dying worker rejects it with WorkerTerminated. */
  private exec<R>(conn: Connection, f: (api: Remote<EngineHost>) => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (conn.dead) {
        reject(conn.dead);
        return;
      }
      conn.pending.add(reject);
      let sent: Promise<R>;
      try {
        sent = f(conn.api);
      } catch (e) {
        sent = Promise.reject(e);
      }
      sent.then(resolve, (e: unknown) => reject(uncloneable(e))).finally(() => conn.pending.delete(reject));
    });
  }

  /**
   * Posts calls in the order they were made, even when one first needs a round trip of its own (the
   * vector fields of an insert): a call made after an insert never overtakes it.
   */
  private async ordered<R>(
    prepare: (conn: Connection) => Promise<(api: Remote<EngineHost>) => Promise<R>>,
  ): Promise<R> {
    const prev = this.turn;
    let release!: () => void;
    this.turn = new Promise<void>((r) => {
      release = r;
    });
    let conn: Connection;
    let f: (api: Remote<EngineHost>) => Promise<R>;
    try {
      await prev;
      conn = await this.connection();
      f = await prepare(conn);
    } catch (e) {
      release();
      throw e;
    }
    const p = this.exec(conn, f); // posts synchronously
    release();
    return p;
  }

  private call<R>(f: (api: Remote<EngineHost>) => Promise<R>): Promise<R> {
    return this.ordered(async () => f);
  }

  /** Marks the connection dead with `err` (a `WorkerTerminated` error) and rejects its calls in flight. */
  private fail(conn: Connection, err: ElanusError): void {
    if (conn.dead) return;
    conn.dead = err;
    conn.detach();
    // A worker that reported an uncaught error may hold a half-applied write: never reuse it.
    if (conn.owned) conn.worker.terminate();
    for (const reject of conn.pending) reject(err);
    conn.pending.clear();
    conn.progress.clear();
  }

  /** Stops the worker now; calls in flight reject with WorkerTerminated. */
  terminate(): void {
    if (this.conn) {
      const c = this.conn;
      this.fail(c, elanusError('workerTerminated', {}));
      if (!c.owned) c.worker.terminate();
    }
  }

  /** Replaces the worker with a new one (after a crash, or to reset a memory:// engine). */
  async restart(): Promise<void> {
    const c = this.conn;
    if (c && !c.dead) this.terminate();
    if (this.starting) await this.starting.catch(() => undefined);
    this.starting = this.start().finally(() => {
      this.starting = undefined;
    });
    await this.starting;
  }

  /** Test hook: makes the worker throw an uncaught error. */
  async simulateCrash(): Promise<void> {
    const c = await this.connection();
    await c.api.simulateCrash();
  }

  /** Whether the worker registered Elanus's comlink transfer handlers (tests). */
  async workerHandlersRegistered(): Promise<boolean> {
    return this.call((api) => api.transferHandlersRegistered());
  }

  /** Whether both sides registered Elanus's comlink transfer handlers (tests). */
  async handlersRegistered(): Promise<{ page: boolean; worker: boolean }> {
    return { page: transferHandlersRegistered(), worker: await this.workerHandlersRegistered() };
  }

  /** Counters of the worker engine's WebGPU searcher (null without one). */
  async gpuStats(): Promise<BatchSearchStats | null> {
    return this.call((api) => api.gpuStats());
  }

  /** Counters of the engine's scan pool (worker threads), when it has one. */
  async poolStats(): Promise<BatchSearchStats | null> {
    return this.call((api) => api.poolStats());
  }

  private plainCall(method: PlainMethod, req: unknown): Promise<unknown> {
    return this.call((api) => api.call(method, plain(req)));
  }

  /**
   * A method the table marks `plain`. Its `renames` drop the cached vector-field names, and its
   * `progress` is reported once, complete (the engine runs it as one step). Internal: the plain methods
   * call it.
   */
  async plainMethod(method: PlainMethod, req: unknown): Promise<unknown> {
    const spec: MethodSpec = METHODS[method];
    if (spec.renames === 'all') this.vectorFields.clear();
    else if (spec.renames === 'named') {
      const r = req as { collection_name?: string; new_collection_name?: string } | undefined;
      this.vectorFields.delete(r?.collection_name as string);
      this.vectorFields.delete(r?.new_collection_name as string);
    }
    if (!spec.progress) return this.plainCall(method, req);
    const list = Array.isArray(req) ? req : [req];
    const opts: T.OperationOptions = list[0] ?? {};
    if (opts.signal?.aborted) throw abortedBeforeStart(method);
    const res = await this.plainCall(method, Array.isArray(req) ? req.map(plain) : plain(req));
    opts.onProgress?.({ operation: method, done: list.length, total: list.length });
    return res;
  }

  private fieldsOf(conn: Connection, collection: string): Promise<PackableFields> {
    let p = this.vectorFields.get(collection);
    if (!p) {
      p = this.exec(conn, (api) => api.packableVectorFields(collection));
      this.vectorFields.set(collection, p);
      // A collection that does not exist yet is asked again next time.
      void p.then(
        (f) => {
          if (f.float.length + f.exact.length === 0 && this.vectorFields.get(collection) === p)
            this.vectorFields.delete(collection);
        },
        () => this.vectorFields.delete(collection),
      );
    }
    return p;
  }

  private async write(mode: 'insert' | 'upsert', req: T.InsertReq): Promise<T.MutationResult> {
    const signal = req?.signal;
    if (signal?.aborted) throw abortedBeforeStart(mode);
    const op = this.nextOp++;
    let conn: Connection | undefined;
    const onAbort = () => {
      if (conn && !conn.dead) {
        const msg: ControlMessage = { [CONTROL]: 'abort', op };
        conn.worker.postMessage(msg);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.ordered(async (c) => {
        conn = c;
        const data = req?.data ?? req?.fields_data;
        const { data: _d, fields_data: _f, ...rest } = plain(req ?? ({} as T.InsertReq));
        let wire: Parameters<EngineHost['insert']>[1];
        let moved: Transferable[] = [];
        if (Array.isArray(data) && data.length > 0 && typeof req.collection_name === 'string') {
          const fields = await this.fieldsOf(c, req.collection_name);
          const packed = packRows(data, [...fields.float, ...fields.exact], new Set(fields.exact));
          wire = { req: rest, rows: packed.rows, packed: packed.packed };
          moved = packed.transfer;
        } else {
          // Not rows: let the engine produce its error for what was given.
          wire = { req: { ...rest, data } as never, rows: data as never, packed: null };
        }
        if (signal?.aborted) throw abortedBeforeStart(mode);
        if (req.onProgress) c.progress.set(op, req.onProgress);
        const chunked = Boolean(req.onProgress || signal);
        return (api) => api.insert(mode, transfer(wire, moved), op, chunked);
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      conn?.progress.delete(op);
    }
  }

  insert(req: T.InsertReq): Promise<T.MutationResult> {
    return this.write('insert', req);
  }

  upsert(req: T.InsertReq): Promise<T.MutationResult> {
    return this.write('upsert', req);
  }

  async search(req: T.SearchReq): Promise<T.SearchResults> {
    const field = req?.data !== undefined ? 'data' : req?.vectors !== undefined ? 'vectors' : 'vector';
    const { data: _d, vector: _v, vectors: _vs, ...rest } = plain(req ?? ({} as T.SearchReq));
    const { wire, transfer: moved } = packQueries(req?.[field]);
    const w = await this.call((api) => api.search(transfer({ req: rest, field, queries: wire }, moved)));
    return decodeSearchResults(w);
  }

  async hybridSearch(req: T.HybridSearchReq): Promise<T.SearchResults> {
    return decodeSearchResults(await this.call((api) => api.hybridSearch(plain(req))));
  }

  private async rows(method: 'query' | 'get', req: unknown): Promise<T.QueryResults> {
    const r = await this.call((api) => api.rows(method, plain(req)));
    return { ...r.extra, status: r.status, data: decodeRows(r.rows) } as T.QueryResults;
  }

  query(req: T.QueryReq): Promise<T.QueryResults> {
    return this.rows('query', req);
  }

  get(req: T.GetReq): Promise<T.QueryResults> {
    return this.rows('get', req);
  }

  private async iterator<R extends T.RowData>(
    kind: 'query' | 'search',
    req: unknown,
  ): Promise<AsyncIterable<R[]>> {
    let conn!: Connection;
    const id = await this.ordered(async (c) => {
      conn = c;
      return (api) => api.iteratorOpen(kind, plain(req));
    });
    // Bound to the worker that opened it: after a restart its next() rejects with WorkerTerminated.
    const exec = <X>(f: (api: Remote<EngineHost>) => Promise<X>) => this.exec(conn, f);
    return {
      [Symbol.asyncIterator]() {
        return {
          async next(): Promise<IteratorResult<R[]>> {
            const r = await exec((api) => api.iteratorNext(id));
            return r.done || !r.rows
              ? { done: true, value: undefined }
              : { done: false, value: decodeRows<R>(r.rows as WireRows) };
          },
          async return(): Promise<IteratorResult<R[]>> {
            if (!conn.dead) await exec((api) => api.iteratorClose(id)).catch(() => undefined);
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  queryIterator(req: T.QueryIteratorReq): Promise<AsyncIterable<T.RowData[]>> {
    return this.iterator<T.RowData>('query', req);
  }

  searchIterator(req: T.SearchIteratorReq): Promise<AsyncIterable<T.SearchHit[]>> {
    return this.iterator<T.SearchHit>('search', req);
  }

  /** Closes the backend in the worker (persistence flushes), then stops a worker this client started. */
  async closeConnection(): Promise<void> {
    const c = this.conn;
    if (!c || c.dead) return;
    try {
      await this.exec(c, (api) => api.close());
    } finally {
      if (c.owned) this.fail(c, elanusError('workerClosed', {}));
      else {
        c.detach();
        c.api[releaseProxy]();
        c.dead = elanusError('workerConnectionClosed', {});
      }
    }
  }
}

function abortedBeforeStart(operation: string): ElanusError {
  return elanusError('abortedBeforeStart', { operation }, { applied: 0, rolledBack: 0 });
}

// The plain methods forward through `plainMethod`; declaration merging gives the class their types.
export interface WorkerClient extends Pick<T.VectorClient, PlainMethod> {}
for (const m of PLAIN_METHODS) {
  Object.defineProperty(WorkerClient.prototype, m, {
    value(this: WorkerClient, req: unknown) {
      return (this as unknown as { plainMethod(m: PlainMethod, r: unknown): Promise<unknown> }).plainMethod(
        m,
        req,
      );
    },
    writable: true,
    configurable: true,
  });
}

/** `new MilvusClient({ worker })` lands here: starts the worker and opens the backend in it. */
export async function createWorkerClient(config: ClientConfig): Promise<T.VectorClient> {
  return (await WorkerClient.create(config)) as unknown as T.VectorClient;
}
