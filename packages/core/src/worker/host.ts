/**
 * The engine side of the worker boundary: opens the backend the page asked for (through the `open`
 * it is given: `exposeEngine` passes the same `openBackend` the page would call in-thread) and serves
 * the client's calls over comlink.
 */
import { type Endpoint, transfer } from 'comlink';
import type { ClientConfig } from '../client/config.js';
import { isMethodName, METHODS, type PlainMethod } from '../client/method-table.js';
import type {
  Id,
  InsertReq,
  MutationResult,
  Progress,
  QueryResults,
  RowData,
  SearchHit,
  VectorClient,
} from '../client/types.js';
import type { BatchSearchStats } from '../engine/batch-search.js';
import { type Capabilities, capabilities } from '../engine/capabilities.js';
import type { Engine } from '../engine/engine.js';
import { ElanusError, elanusError } from '../errors/index.js';
import { DataType, isDenseVectorType } from '../schema/types.js';
import {
  CONTROL,
  type ControlMessage,
  encodeRows,
  encodeSearchResults,
  isControl,
  mergeMutationResults,
  type PackableFields,
  shiftRowIndexes,
  transferHandlersRegistered,
  unpackQueries,
  unpackRows,
  type WireInsert,
  type WireRows,
  type WireSearch,
  type WireSearchResults,
} from './protocol.js';

/** Flat-vector work per chunk of a chunked insert (about 1 MiB of float32): keeps abort latency low. */
const CHUNK_FLOATS = 256 * 1024;
const MIN_CHUNK_ROWS = 64;
const MAX_CHUNK_ROWS = 8192;

export interface WorkerInfo {
  /** The device the worker's engine settled on ('webgpu', 'wasm', 'js'), when the backend is an engine. */
  device: string | null;
  /** The worker realm's capabilities (WebGPU in a worker can differ from the page). */
  capabilities: Capabilities;
  /** Threads the engine scans with and why (`threads` config, shared memory, cores). */
  threads: { count: number; reason: string } | null;
}

interface SchemaInfo {
  /** Dense vector fields (FloatVector and the compact types): packed rows hand them over as typed arrays. */
  floatVectors: Set<string>;
  /** Float16Vector and Int8Vector fields: the page packs them only when no value changes (PackableFields). */
  exactVectors: Set<string>;
  pk: string;
  pkInt: boolean;
  autoID: boolean;
}

/** Yields to the event loop so queued messages (abort) are handled between chunks. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Serves one backend to one page through comlink. */
export class EngineHost {
  private backend: Promise<VectorClient> | undefined;
  /** Calls run one at a time, in arrival order: a chunked insert is never observed half done. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly aborted = new Set<number>();
  private readonly iterators = new Map<number, AsyncIterator<RowData[]>>();
  private nextIterator = 1;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly openBackend: (config: ClientConfig) => Promise<VectorClient>,
  ) {
    endpoint.addEventListener('message', (ev) => {
      const data = (ev as MessageEvent).data as unknown;
      if (isControl(data) && data[CONTROL] === 'abort') this.aborted.add(data.op);
    });
  }

  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.catch(() => undefined);
    return p;
  }

  private ready(): Promise<VectorClient> {
    if (!this.backend) throw elanusError('workerNotOpen', {});
    return this.backend;
  }

  private progress(op: number, progress: Progress): void {
    const msg: ControlMessage = { [CONTROL]: 'progress', op, progress };
    this.endpoint.postMessage(msg);
  }

  /** Opens the backend the page's `config` names (called once, first). */
  async open(config: ClientConfig): Promise<WorkerInfo> {
    const { worker: _w, ...inWorker } = config;
    this.backend ??= this.openBackend(inWorker);
    const b = await this.backend;
    const engine = (b as { engine?: Engine }).engine;
    return {
      device: engine?.options.device ?? null,
      capabilities: await capabilities(),
      threads: engine?.options.threads ?? null,
    };
  }

  /**
   * Holds a Web Lock named by the page for as long as this worker lives. The page then asks for the same
   * lock and gets it only once this worker is gone: terminated through its Worker object (which fires no
   * event), crashed, or its page closed. Resolves when held; false where Web Locks do not exist.
   */
  hold(name: string): Promise<boolean> {
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    if (!locks || typeof name !== 'string') return Promise.resolve(false);
    return new Promise<boolean>((acquired) => {
      locks
        .request(name, () => {
          acquired(true);
          return new Promise<void>(() => {}); // released only with the worker
        })
        .catch(() => acquired(false));
    });
  }

  transferHandlersRegistered(): boolean {
    return transferHandlersRegistered();
  }

  /** Counters of the engine's WebGPU searcher, when it has one. */
  async gpuStats(): Promise<BatchSearchStats | null> {
    const b = await this.ready();
    const s = (b as { engine?: Engine }).engine?.options.batchSearcher?.stats;
    return s ? { ...s } : null;
  }

  /** Counters of the engine's scan pool, when it has one. */
  async poolStats(): Promise<BatchSearchStats | null> {
    const b = await this.ready();
    const s = (b as { engine?: Engine }).engine?.options.scanPool?.stats;
    return s ? { ...s } : null;
  }

  call(method: PlainMethod, req: unknown): Promise<unknown> {
    if (!isMethodName(method) || METHODS[method].wire !== 'plain') {
      throw elanusError('invalidParamJson', {
        name: 'method',
        expected: 'a VectorClient method',
        got: method,
      });
    }
    return this.run(async () => {
      const b = (await this.ready()) as unknown as Record<string, (r: unknown) => Promise<unknown>>;
      return b[method]!(req);
    });
  }

  /** FloatVector field names of a collection ([] when it does not exist): the page packs those. */
  floatVectorFields(collection: string): Promise<string[]> {
    return this.run(async () => {
      const s = await this.schemaOf(await this.ready(), collection).catch(() => undefined);
      return s ? [...s.floatVectors].filter((f) => !s.exactVectors.has(f)) : [];
    });
  }

  /** The vector fields of a collection the page packs (both empty when it does not exist). */
  packableVectorFields(collection: string): Promise<PackableFields> {
    return this.run(async () => {
      const s = await this.schemaOf(await this.ready(), collection).catch(() => undefined);
      if (!s) return { float: [], exact: [] };
      return {
        float: [...s.floatVectors].filter((f) => !s.exactVectors.has(f)),
        exact: [...s.exactVectors],
      };
    });
  }

  private async schemaOf(b: VectorClient, collection: string | undefined): Promise<SchemaInfo> {
    const d = await b.describeCollection({ collection_name: collection as string });
    const pk = d.schema.fields.find((f) => f.is_primary_key);
    return {
      floatVectors: new Set(
        d.schema.fields.filter((f) => isDenseVectorType(f.dataType as DataType)).map((f) => f.name),
      ),
      exactVectors: new Set(
        d.schema.fields
          .filter((f) => f.dataType === DataType.Float16Vector || f.dataType === DataType.Int8Vector)
          .map((f) => f.name),
      ),
      pk: pk?.name ?? '',
      pkInt: pk?.dataType === DataType.Int64,
      autoID: Boolean(pk?.autoID ?? d.schema.autoID),
    };
  }

  /**
   * insert / upsert. With `chunked` (the page asked for progress or may abort) the rows go in chunks,
   * progress is reported after each, and an abort is honoured between chunks. An aborted or failed
   * chunked insert deletes the chunks it wrote, so it leaves nothing; an upsert keeps the chunks it
   * wrote (the rows they replaced are gone) and says how many in the error's `details.applied`.
   */
  insert(mode: 'insert' | 'upsert', wire: WireInsert, op: number, chunked: boolean): Promise<MutationResult> {
    return this.run(async () => {
      try {
        const b = await this.ready();
        if (this.aborted.has(op)) throw abortError(mode, 0, 0);
        const name = wire.req.collection_name;
        const schema = wire.packed || chunked ? await this.schemaOf(b, name) : undefined;
        const rows = unpackRows(wire.rows, wire.packed, schema?.floatVectors ?? new Set());
        if (!chunked || !schema) return await b[mode]({ ...wire.req, data: rows } as InsertReq);
        return await this.chunkedInsert(b, mode, wire.req, rows, op, schema);
      } finally {
        this.aborted.delete(op);
      }
    });
  }

  private async chunkedInsert(
    b: VectorClient,
    mode: 'insert' | 'upsert',
    req: WireInsert['req'],
    rows: RowData[],
    op: number,
    schema: SchemaInfo,
  ): Promise<MutationResult> {
    const total = rows.length;
    if (total === 0) return b[mode]({ ...req, data: rows } as InsertReq); // the engine's own error
    // Upsert keeps the last row of a repeated key (a later chunk replaces an earlier one), as the server does.
    if (mode === 'insert' && !schema.autoID) checkUniqueKeys(rows, schema, mode);
    let dims = 0;
    for (const f of schema.floatVectors) dims += (rows[0]?.[f] as ArrayLike<number> | undefined)?.length ?? 0;
    const size = Math.max(
      MIN_CHUNK_ROWS,
      Math.min(MAX_CHUNK_ROWS, Math.floor(CHUNK_FLOATS / Math.max(1, dims))),
    );
    const parts: MutationResult[] = [];
    const written: Id[] = [];
    const rollback = async (): Promise<number> => {
      if (mode !== 'insert' || written.length === 0) return 0;
      await b.delete({ collection_name: req.collection_name, ids: written as string[] });
      return written.length;
    };
    for (let off = 0; off < total; off += size) {
      if (this.aborted.has(op)) {
        const applied = mode === 'upsert' ? written.length : 0;
        const undone = await rollback();
        throw abortError(mode, applied, undone);
      }
      const chunk = rows.slice(off, off + size);
      let r: MutationResult;
      try {
        r = await b[mode]({ ...req, data: chunk } as InsertReq);
      } catch (e) {
        // A failing insert leaves nothing, as in one call; upserted chunks cannot be taken back.
        await rollback().catch(() => 0);
        const err = shiftRowIndexes(e, off);
        if (err instanceof ElanusError && mode === 'upsert' && written.length) {
          // Same code, same error, told which rows stay (allowed by line in test/error-table.test.ts).
          const message = `${err.message} (rows before data[${off}] were upserted)`;
          throw new ElanusError(err.code, message, { ...err.details, applied: written.length });
        }
        throw err;
      }
      parts.push(r);
      for (const id of 'int_id' in r.IDs ? r.IDs.int_id.data : r.IDs.str_id.data) written.push(id);
      this.progress(op, { operation: mode, done: Math.min(total, off + size), total });
      await yieldToEventLoop();
    }
    return mergeMutationResults(parts);
  }

  search(wire: WireSearch): Promise<WireSearchResults> {
    return this.run(async () => {
      const b = await this.ready();
      const res = await b.search({ ...wire.req, [wire.field]: unpackQueries(wire.queries) });
      const t: Transferable[] = [];
      return transfer(encodeSearchResults(res, t), t);
    });
  }

  hybridSearch(req: Parameters<VectorClient['hybridSearch']>[0]): Promise<WireSearchResults> {
    return this.run(async () => {
      const res = await (await this.ready()).hybridSearch(req);
      const t: Transferable[] = [];
      return transfer(encodeSearchResults(res, t), t);
    });
  }

  /** query / get: rows as columns. */
  rows(
    method: 'query' | 'get',
    req: unknown,
  ): Promise<{ status: QueryResults['status']; rows: WireRows; extra: Record<string, unknown> }> {
    return this.run(async () => {
      const b = await this.ready();
      const res = method === 'query' ? await b.query(req as never) : await b.get(req as never);
      const { status, data, ...extra } = res;
      const t: Transferable[] = [];
      return transfer({ status, rows: encodeRows(data, t), extra }, t);
    });
  }

  iteratorOpen(kind: 'query' | 'search', req: unknown): Promise<number> {
    return this.run(async () => {
      const b = await this.ready();
      const it =
        kind === 'query' ? await b.queryIterator(req as never) : await b.searchIterator(req as never);
      const id = this.nextIterator++;
      this.iterators.set(id, (it as AsyncIterable<RowData[]>)[Symbol.asyncIterator]());
      return id;
    });
  }

  iteratorNext(id: number): Promise<{ done: boolean; rows: WireRows | null }> {
    return this.run(async () => {
      const it = this.iterators.get(id);
      if (!it) return { done: true, rows: null };
      const r = await it.next();
      if (r.done) {
        this.iterators.delete(id);
        return { done: true, rows: null };
      }
      const t: Transferable[] = [];
      return transfer({ done: false, rows: encodeRows(r.value as SearchHit[] | RowData[], t) }, t);
    });
  }

  async iteratorClose(id: number): Promise<void> {
    const it = this.iterators.get(id);
    this.iterators.delete(id);
    await it?.return?.();
  }

  /** Closes the backend (flushes persistence); the page terminates the worker afterwards. */
  close(): Promise<void> {
    return this.run(async () => {
      if (!this.backend) return;
      const b = await this.backend;
      await b.closeConnection();
    });
  }

  /** Test hook: throws an uncaught error in the worker, which the client must treat as a crash. */
  simulateCrash(message = 'simulated crash'): void {
    setTimeout(() => {
      throw new Error(message);
    }, 0);
  }
}

function abortError(mode: string, applied: number, undone: number): ElanusError {
  const what =
    mode === 'upsert' && applied > 0
      ? `${applied} rows were already upserted and stay`
      : undone > 0
        ? `the ${undone} rows already written were deleted again`
        : 'nothing was written';
  return elanusError('abortedMidway', { mode, what }, { applied, rolledBack: undone });
}

/** Duplicate keys across chunks must fail as they would in one call (the engine checks within a chunk only). */
function checkUniqueKeys(rows: RowData[], schema: SchemaInfo, mode: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]?.[schema.pk];
    let key: string;
    if (schema.pkInt && (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string')) {
      try {
        key = BigInt(typeof v === 'string' ? v.trim() : v).toString();
      } catch {
        continue; // the engine rejects it with its own message
      }
    } else if (typeof v === 'string') {
      key = v;
    } else {
      continue;
    }
    if (seen.has(key)) {
      throw elanusError('duplicatePkInBatch', { row: i, mode, key }, { param: `data[${i}]` });
    }
    seen.add(key);
  }
}
