import { LocalClient } from '../client/local-client.js';
import { isMethodName, METHOD_NAMES, METHODS } from '../client/method-table.js';
import type { ResStatus, VectorClient } from '../client/types.js';
import { ALIAS_OPS, type Engine, type WriteOp } from '../engine/engine.js';
import { ElanusError, elanusError, type SerializedElanusError } from '../errors/index.js';
import { prepareTextSupport } from '../functions/text-support.js';
import { prepareLazyIndexes } from '../indexes/lazy-indexes.js';
import { ok } from '../methods/common.js';
import { storageError } from './errors.js';
import { applyOp, encodeOp, type LogEntry, type LogOp, logKey, opRows, seqOfLogKey } from './log.js';
import {
  loadEngine,
  logNeedsLazyIndexes,
  logNeedsText,
  logSchemas,
  type Manifest,
  planSeal,
  type SealedState,
  storedNeedLazyIndexes,
  storedNeedText,
  storedSchemas,
} from './persistence.js';
import { requestPersistence, type StorageEstimate, storageEstimate } from './quota.js';
import {
  acquireWriterLock,
  type ChannelLike,
  type Coordination,
  channelName,
  defaultCoordination,
  lockName,
  type TabMessage,
} from './tabs.js';
import type { Storage, StoredValue } from './types.js';

export interface PersistentClientOptions {
  storage: Storage;
  /** Database name: scopes the writer lock and the cross-tab channel. */
  name: string;
  /** Makes an empty engine (called on open and whenever the state is reloaded from storage). */
  createEngine: () => Promise<Engine>;
  coordination?: Coordination;
  /** Seal once the log holds this many rows (default: the larger of 4096 and 5% of all rows). */
  sealRows?: number;
  /** Seal after this many milliseconds without writes (default 1000; 0 = only by size or flush()). */
  idleSealMs?: number;
}

interface Job {
  method: string;
  req: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Set for background seals: their failure is kept, not thrown at anyone. */
  internal?: boolean;
  value?: unknown;
  error?: unknown;
  ops?: LogOp[];
  /** Set when the engine applied the job but its log entry could not be made. */
  diverged?: unknown;
  /** A forwarded write's id: a retry of an applied one gets its stored result (exactly once). */
  writeId?: string;
}

/** Forwarded writes remembered by id (in log entries, then in the manifest): far more than ever wait on a handover. */
const RECENT_WRITES = 4096;

/** Log entries up to this size travel to the other tabs in the commit notice itself. */
const MAX_POSTED_BYTES = 4 << 20;

function entryBytes(entry: LogEntry): number {
  let n = 0;
  for (const op of entry.ops) {
    if (op.kind !== 'insert' && op.kind !== 'upsert') continue;
    n += op.count * 64;
    for (const col of Object.values(op.columns)) if (col instanceof Float32Array) n += col.byteLength;
  }
  return n;
}

function serializeError(e: unknown): SerializedElanusError {
  if (e instanceof ElanusError) return e.toJSON();
  return {
    name: 'ElanusError',
    code: 'UnexpectedError',
    message: e instanceof Error ? e.message : String(e),
    details: undefined,
    stack: undefined,
  };
}

/** Request fields that cannot travel to another tab (callbacks, abort signals) are dropped. */
function cloneableRequest(req: unknown): unknown {
  if (req === null || typeof req !== 'object' || Array.isArray(req)) return req;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) {
    if (typeof v === 'function' || (typeof AbortSignal !== 'undefined' && v instanceof AbortSignal)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The Milvus-shaped API over an engine whose every write is stored before it is acknowledged.
 *
 * - A write is applied by the engine, then its log entry is committed in one storage transaction; the
 *   promise resolves after that commit. If the commit fails, the in-memory state is rebuilt from
 *   storage (the last committed state) and the write rejects (`StorageQuotaExceeded` / `StorageError`).
 *   Writes issued together (not awaited one by one) are committed together, in one transaction.
 * - Sealing (`flush()`, or in the background by log size and after an idle second) stores changed
 *   segments, indexes and dictionaries with a new manifest and deletes the log entries they cover, in
 *   one transaction.
 * - Several tabs: the holder of the database's Web Lock is the writer. Other tabs keep a replica that
 *   follows the writer's committed entries (BroadcastChannel) and forward their writes to it; a
 *   forwarded write resolves once this tab's replica includes it. When the writer tab closes, the next
 *   tab in the lock queue reloads from storage and becomes the writer. Forwarded writes carry an id: the
 *   new writer answers one the old writer committed from its log (or manifest) instead of applying it
 *   again, and runs the others, so a handover neither loses nor doubles a write.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the Milvus methods are defined on the prototype below.
export class PersistentClient {
  readonly name: string;
  private readonly storage: Storage;
  private readonly options: PersistentClientOptions;
  private role: 'starting' | 'leader' | 'follower' | 'closed' = 'starting';
  private local!: LocalClient;
  private state!: SealedState;
  /** Ops the engine records while a write job runs (undefined otherwise: replays are not logged). */
  private captured: LogOp[] | undefined;
  /** An op of the running job that could not be turned into a log entry. */
  private captureError: unknown;
  private readonly jobs: Job[] = [];
  private draining: Promise<void> | undefined;
  /** Loads, reloads and replica catch-ups run one after another on this chain. */
  private control: Promise<void> = Promise.resolve();
  private channel: ChannelLike | null = null;
  private lock: ReturnType<typeof acquireWriterLock> | undefined;
  private readonly tabId = Math.random().toString(36).slice(2) + Date.now().toString(36);
  private readonly forwarded = new Map<
    number,
    {
      resolve: (v: unknown) => void;
      reject: (e: unknown) => void;
      method: string;
      req: unknown;
      writeId: string;
    }
  >();
  /** Results of forwarded writes by id, committed ones only (a writer answers a retry from here). */
  private readonly applied = new Map<string, unknown>();
  private nextRequestId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last background seal failure (a later seal retries). */
  lastSealError: unknown;

  private constructor(options: PersistentClientOptions) {
    this.options = options;
    this.storage = options.storage;
    this.name = options.name;
  }

  /** Opens the database: takes the writer lock if free, loads the stored state, joins the tab channel. */
  static async open(options: PersistentClientOptions): Promise<PersistentClient> {
    const client = new PersistentClient(options);
    const co = { ...defaultCoordination(), ...options.coordination };
    if (co.locks) client.lock = acquireWriterLock(co.locks, lockName(options.name), () => client.promote());
    const started = client.runControl(async () => {
      const leader = client.lock ? await client.lock.held : true;
      client.role = leader ? 'leader' : 'follower';
      await client.reloadNow();
    });
    // Joined right after queueing the load: messages that arrive meanwhile queue behind it.
    if (co.channel) {
      client.channel = co.channel(channelName(options.name));
      client.channel.onmessage = (ev) => client.onMessage(ev.data as TabMessage);
    }
    try {
      await started;
    } catch (e) {
      await client.shutdown();
      throw e;
    }
    return client;
  }

  /** `leader`: this tab writes to storage; `follower`: it forwards writes to the tab that does. */
  get mode(): 'leader' | 'follower' | 'closed' {
    return this.role === 'starting' ? 'follower' : this.role;
  }

  /** The engine behind this client (its state includes every committed write). */
  get engine(): Engine {
    return this.local.engine;
  }

  /** The last committed log sequence number this client has applied. */
  get sequence(): number {
    return this.state.seq;
  }

  // ---- public extras --------------------------------------------------------------------------

  /** Seals now: stores segments and indexes, drops the log entries they cover. */
  async flush(req?: { collection_names?: string[] }): Promise<ResStatus> {
    await this.call('flush', req);
    return ok();
  }

  /** Usage and quota of this origin's storage (`navigator.storage.estimate()`). */
  storageEstimate(): Promise<StorageEstimate> {
    return storageEstimate();
  }

  /** Asks the browser to keep this origin's data under storage pressure (`navigator.storage.persist()`). */
  requestPersistence(): Promise<boolean> {
    return requestPersistence();
  }

  /** Finishes queued writes, gives up the writer lock (the next tab takes over) and closes the database. */
  async closeConnection(): Promise<void> {
    if (this.role === 'closed') return;
    while (this.draining) await this.draining;
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    this.role = 'closed';
    clearTimeout(this.idleTimer);
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
    this.lock?.cancel();
    this.lock?.release();
    const closed = elanusError('databaseClosedBeforeWriter', { name: this.name });
    for (const f of this.forwarded.values()) f.reject(closed);
    this.forwarded.clear();
    for (const j of this.jobs.splice(0)) j.reject(closed);
    await this.storage.close();
  }

  // ---- calls --------------------------------------------------------------------------------

  /** Runs one API method: reads on the local engine, writes through the writer. */
  call(method: string, req: unknown): Promise<unknown> {
    if (this.role === 'closed') {
      return Promise.reject(elanusError('databaseNotOpen', { name: this.name }));
    }
    if (method !== 'flush' && !(isMethodName(method) && METHODS[method].write)) {
      const fn = (this.local as unknown as Record<string, (r: unknown) => Promise<unknown>>)[method];
      if (!fn) return Promise.reject(elanusError('methodNotSupported', { method }));
      return fn.call(this.local, req);
    }
    if (this.role === 'follower') return this.forward(method, req);
    return this.enqueue(method, req);
  }

  private enqueue(method: string, req: unknown, internal = false, writeId?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.jobs.push({
        method,
        req,
        resolve,
        reject,
        internal,
        ...(writeId !== undefined ? { writeId } : {}),
      });
      this.kick();
    });
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // A job queued while the loop was finishing would otherwise wait for the next write.
      if (this.jobs.length > 0 && this.role !== 'closed') this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.jobs.length > 0) {
      await this.control;
      if (this.role === 'closed') return;
      if (this.role === 'follower') {
        // Lost the lock cannot happen; a job queued before a load finished as follower is forwarded.
        for (const j of this.jobs.splice(0)) this.forward(j.method, j.req).then(j.resolve, j.reject);
        return;
      }
      const batch = this.jobs.splice(0);
      let group: Job[] = [];
      for (const job of batch) {
        if (job.method === 'flush') {
          await this.commitGroup(group);
          group = [];
          await this.sealJob(job);
          continue;
        }
        if (job.writeId !== undefined && this.applied.has(job.writeId)) {
          // Applied and committed before (by this or an earlier writer): answer, do not apply again.
          job.resolve(this.applied.get(job.writeId));
          continue;
        }
        await this.apply(job);
        if (job.diverged) {
          // Its change is in memory but not loggable: commit what came before, then drop it by reloading.
          await this.commitGroup(group);
          group = [];
          await this.runControl(() => this.reloadNow()).catch(() => {});
          job.reject(storageError(job.diverged, 'logging a write'));
          continue;
        }
        group.push(job);
      }
      await this.commitGroup(group);
      if (this.state.logRows >= this.sealThreshold() || this.state.logSeqs.length >= 1024) {
        await this.sealJob(undefined);
      }
    }
  }

  private async apply(job: Job): Promise<void> {
    const captured: LogOp[] = [];
    this.captured = captured;
    this.captureError = undefined;
    try {
      const fn = (this.local as unknown as Record<string, (r: unknown) => Promise<unknown>>)[job.method]!;
      job.value = await fn.call(this.local, job.req);
    } catch (e) {
      job.error = e;
    } finally {
      this.captured = undefined;
    }
    job.ops = captured;
    if (this.captureError !== undefined) job.diverged = this.captureError;
  }

  /** Commits the log entries of applied jobs in one transaction, then settles them. */
  private async commitGroup(group: Job[]): Promise<void> {
    if (group.length === 0) return;
    const entries: [number, LogEntry][] = [];
    let seq = this.state.seq;
    for (const j of group) {
      if (!j.ops || j.ops.length === 0) continue;
      const entry: LogEntry = { ops: j.ops };
      if (j.writeId !== undefined && j.error === undefined) entry.write = { id: j.writeId, result: j.value };
      entries.push([++seq, entry]);
    }
    if (entries.length > 0) {
      try {
        await this.storage.commit({ put: entries.map(([s, e]) => [logKey(s), e as unknown as StoredValue]) });
      } catch (e) {
        const err = storageError(e, 'committing a write');
        // Back to the last committed state: the engine had already applied these writes.
        try {
          await this.runControl(() => this.reloadNow());
        } catch (reloadError) {
          await this.shutdown();
          for (const j of group) j.reject(storageError(reloadError, 'reloading after a failed commit'));
          return;
        }
        for (const j of group) j.reject(j.error ?? err);
        return;
      }
      for (const [s, entry] of entries) {
        if (entry.write) this.remember(entry.write.id, entry.write.result);
        this.state.seq = s;
        this.state.logSeqs.push(s);
        for (const op of entry.ops) this.state.logRows += opRows(op);
        // Big entries are left for the other tabs to read from storage rather than cloned to each.
        this.post({ t: 'commit', seq: s, entry: entryBytes(entry) <= MAX_POSTED_BYTES ? entry : undefined });
      }
      this.armIdleSeal();
    }
    for (const j of group) {
      if (j.error !== undefined) j.reject(j.error);
      else j.resolve(j.value);
    }
  }

  private sealThreshold(): number {
    if (this.options.sealRows !== undefined) return this.options.sealRows;
    let rows = 0;
    for (const n of this.local.engine.names()) rows += this.local.engine.get(n).rowCount;
    return Math.max(4096, Math.ceil(rows * 0.05));
  }

  private armIdleSeal(): void {
    const ms = this.options.idleSealMs ?? 1000;
    if (ms <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.role === 'leader' && this.state.logSeqs.length > 0)
        void this.enqueue('flush', undefined, true).catch(() => {});
    }, ms);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  private async sealJob(job: Job | undefined): Promise<void> {
    try {
      await this.seal();
      job?.resolve(ok());
    } catch (e) {
      const err = storageError(e, 'sealing');
      this.lastSealError = err;
      // A failed seal changes nothing: memory and storage still agree (the log still covers everything).
      if (job && !job.internal) job.reject(err);
      else job?.resolve(ok());
    }
  }

  private remember(id: string, result: unknown): void {
    this.applied.delete(id);
    this.applied.set(id, result);
    if (this.applied.size > RECENT_WRITES) this.applied.delete(this.applied.keys().next().value as string);
  }

  private async seal(): Promise<void> {
    const s = this.state;
    if (s.logSeqs.length === 0 && s.dirty.size === 0) return;
    const { batch, manifest, epochs } = planSeal(this.local.engine, s);
    // The log entries that carried forwarded-write ids go away: the manifest keeps the ids.
    manifest.recentWrites = [...this.applied];
    await this.storage.commit(batch);
    s.manifest = manifest;
    s.epochs = epochs;
    s.dirty.clear();
    s.logSeqs = [];
    s.logRows = 0;
    this.lastSealError = undefined;
  }

  // ---- loading ------------------------------------------------------------------------------

  private runControl<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.control.then(fn);
    this.control = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Replaces the engine with one rebuilt from a consistent snapshot of storage. Call on the control chain. */
  private async reloadNow(): Promise<void> {
    const snapshot = await this.storage.readAll(['']);
    await prepareTextSupport(storedNeedText(snapshot), storedSchemas(snapshot));
    await prepareLazyIndexes(storedNeedLazyIndexes(snapshot));
    const engine = await this.options.createEngine();
    const state = loadEngine(engine, snapshot);
    this.applied.clear();
    for (const [id, result] of state.manifest.recentWrites ?? []) this.remember(id, result);
    for (const [key, value] of snapshot) {
      const w = key.startsWith('log/') ? (value as unknown as LogEntry).write : undefined;
      if (w && seqOfLogKey(key) > state.manifest.seq) this.remember(w.id, w.result);
    }
    engine.onWrite((op) => this.onEngineWrite(engine, op));
    this.local = new LocalClient(engine);
    this.state = state;
  }

  private onEngineWrite(engine: Engine, op: WriteOp): void {
    if (!this.captured || engine !== this.local.engine) return;
    try {
      this.captured.push(encodeOp(engine, op));
    } catch (e) {
      // Thrown here it would surface from the engine call after the change was applied.
      this.captureError ??= e;
      return;
    }
    if (ALIAS_OPS.has(op.kind)) return;
    const name = op.kind === 'renameCollection' ? op.newName : op.collection;
    if (engine.has(name)) this.state.dirty.add(engine.get(name).id);
  }

  /** This tab got the writer lock: reload (the previous writer may have sealed) and take writes. */
  private async promote(): Promise<void> {
    if (this.role === 'closed') return;
    // Leader at once, so requests from other tabs queue behind the reload instead of being ignored.
    this.role = 'leader';
    await this.runControl(() => this.reloadNow());
    this.post({ t: 'leader' });
    // Writes this tab forwarded to the old writer run here now, by id: one the old writer committed is
    // answered from the log instead of applied twice.
    for (const [id, f] of [...this.forwarded]) {
      this.forwarded.delete(id);
      this.enqueue(f.method, f.req, false, f.writeId).then(f.resolve, f.reject);
    }
  }

  /**
   * A new writer: requests forwarded to the previous one may never be answered, so they go again, with
   * the same ids. The new writer applies each at most once (see `applied`); a late answer from the old
   * writer settles first and the repeat is ignored.
   */
  private resendForwarded(): void {
    for (const [id, f] of this.forwarded) {
      this.post({
        t: 'req',
        from: this.tabId,
        id,
        method: f.method,
        req: cloneableRequest(f.req),
        writeId: f.writeId,
      });
    }
  }

  // ---- tabs ---------------------------------------------------------------------------------

  private post(msg: TabMessage): void {
    try {
      this.channel?.postMessage(msg);
    } catch {
      // Another tab will catch up from storage at its next message or reload.
    }
  }

  private forward(method: string, req: unknown): Promise<unknown> {
    if (!this.channel) {
      return Promise.reject(elanusError('databaseReadOnly', { name: this.name }));
    }
    const id = this.nextRequestId++;
    const writeId = `${this.tabId}:${id}`;
    return new Promise((resolve, reject) => {
      this.forwarded.set(id, { resolve, reject, method, req, writeId });
      this.post({ t: 'req', from: this.tabId, id, method, req: cloneableRequest(req), writeId });
    });
  }

  private onMessage(msg: TabMessage): void {
    if (this.role === 'closed' || !msg || typeof msg !== 'object') return;
    switch (msg.t) {
      case 'req':
        if (this.role === 'starting') {
          // Not known yet whether this tab is the writer: decide once the start has.
          void this.control.then(() => this.onMessage(msg));
          return;
        }
        if (this.role !== 'leader') return;
        this.enqueue(
          msg.method,
          msg.req,
          false,
          typeof msg.writeId === 'string' ? msg.writeId : undefined,
        ).then(
          (value) => this.post({ t: 'res', to: msg.from, id: msg.id, ok: true, value, seq: this.state.seq }),
          (e) =>
            this.post({
              t: 'res',
              to: msg.from,
              id: msg.id,
              ok: false,
              error: serializeError(e),
              seq: this.state.seq,
            }),
        );
        return;
      case 'res': {
        if (msg.to !== this.tabId) return;
        const f = this.forwarded.get(msg.id);
        if (!f) return;
        this.forwarded.delete(msg.id);
        // Read-your-writes: settle once this tab's replica includes the write.
        void this.runControl(() => this.catchUp(msg.seq)).then(
          () =>
            msg.ok
              ? f.resolve(msg.value)
              : f.reject(ElanusError.fromJSON(msg.error as SerializedElanusError)),
          (e) => f.reject(storageError(e, 'catching up with the writer tab')),
        );
        return;
      }
      case 'commit':
        if (this.role !== 'follower' && this.role !== 'starting') return;
        void this.runControl(() => this.applyCommit(msg.seq, msg.entry as LogEntry | undefined)).catch(
          () => {},
        );
        return;
      case 'leader':
        if (this.role === 'follower') this.resendForwarded();
        return;
      case 'reset':
        if (this.role === 'leader') return;
        void this.runControl(() => this.reloadNow()).catch(() => {});
        return;
    }
  }

  private async applyCommit(seq: number, entry: LogEntry | undefined): Promise<void> {
    if (this.role === 'leader' || seq <= this.state.seq) return;
    if (seq !== this.state.seq + 1 || !entry) return this.catchUp(seq);
    try {
      await prepareTextSupport(logNeedsText(entry.ops), logSchemas(entry.ops));
      await prepareLazyIndexes(logNeedsLazyIndexes(entry.ops));
      for (const op of entry.ops) applyOp(this.local.engine, op);
      this.state.seq = seq;
    } catch {
      await this.reloadNow();
    }
  }

  /** Brings the replica up to `seq` from storage: the log tail if it is still there, else a full reload. */
  private async catchUp(seq: number): Promise<void> {
    if (this.role === 'leader' || this.state.seq >= seq) return;
    const rows = await this.storage.readAll(['manifest', 'log/']);
    const manifest = rows.find(([k]) => k === 'manifest')?.[1] as unknown as Manifest | undefined;
    if (manifest && manifest.seq > this.state.seq) return this.reloadNow();
    try {
      await prepareTextSupport(storedNeedText(rows), storedSchemas(rows));
      await prepareLazyIndexes(storedNeedLazyIndexes(rows));
      for (const [k, v] of rows) {
        if (!k.startsWith('log/')) continue;
        const s = seqOfLogKey(k);
        if (s <= this.state.seq) continue;
        if (s !== this.state.seq + 1) return this.reloadNow();
        for (const op of (v as unknown as LogEntry).ops) applyOp(this.local.engine, op);
        this.state.seq = s;
      }
    } catch {
      await this.reloadNow();
    }
  }
}

export interface PersistentClient extends Omit<VectorClient, 'flush' | 'closeConnection'> {}

for (const m of METHOD_NAMES) {
  if (m === 'flush') continue;
  Object.defineProperty(PersistentClient.prototype, m, {
    value(this: PersistentClient, req: unknown) {
      return this.call(m, req);
    },
    writable: true,
    configurable: true,
  });
}
