import { ElanusError, type Engine, type WriteOp } from '@elanus/core';
import { defaultOpLogStorage } from './default-oplog-storage.js';
import type { OpLogStorage } from './oplog-storage.js';
import { type Key, keyOf } from './rows.js';

/**
 * What push needs from the local operation log: which keys of a collection were written (upserted or
 * deleted) after a point, in order. Entries carry keys only: push reads each key's current value from
 * the local collection, so replaying an entry twice writes the same thing (idempotent resume).
 */
export type OpLogEntry =
  | { seq: number; collection: string; kind: 'upsert'; keys: Key[]; partition?: string }
  | { seq: number; collection: string; kind: 'delete'; keys: Key[] }
  | {
      seq: number;
      collection: string;
      kind: 'createPartition' | 'dropPartition';
      keys: [];
      partition: string;
    }
  /** The collection was created, dropped or renamed: the log cannot describe it incrementally. */
  | { seq: number; collection: string; kind: 'reset'; keys: [] };

export interface OpLog {
  /** Identity of this log; a checkpoint taken against another log (e.g. before a reload) does not apply. */
  readonly id: string;
  /** The last sequence number handed out (0 before the first write). */
  readonly lastSeq: number;
  /** True when every entry of `collection` with seq > `after` is still held. */
  covers(collection: string, after: number): boolean;
  /** Entries of `collection` with seq > `after`, in order. */
  read(collection: string, after: number): Promise<OpLogEntry[]>;
  /** Forgets entries of `collection` with seq <= `upTo` (they are on the remote). */
  truncate(collection: string, upTo: number): Promise<void>;
  /** Runs `fn` with recording paused (for calls the engine applies synchronously, like a LocalClient's). */
  mute<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, a write of `keys` that sync itself makes (rows pulled from the remote): those keys are
   * not logged as local changes, even when the client applies the write later (an idb:// client).
   */
  suppress<T>(collection: string, keys: Key[], fn: () => Promise<T>): Promise<T>;
  /** Stops listening to the engine. */
  close(): Promise<void>;
}

/** A local client whose engine reports writes (LocalClient, or an idb:// client, whose engine can be replaced on reload). */
export interface RecordableClient {
  readonly engine: Engine;
}

function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Turns an engine write into log entries (keys only). */
function toEntries(engine: Engine, op: WriteOp, seq: number): OpLogEntry[] {
  switch (op.kind) {
    case 'insert':
    case 'upsert': {
      if (!engine.has(op.collection)) return [];
      const pk = engine.get(op.collection).pkField;
      const intKey = pk.data_type === 5;
      const keys = op.rows.map((r) => keyOf(r[pk.name], intKey));
      const e: OpLogEntry = { seq, collection: op.collection, kind: 'upsert', keys };
      if (op.partition !== undefined && op.partition !== '') e.partition = op.partition;
      return [e];
    }
    case 'delete':
      return [{ seq, collection: op.collection, kind: 'delete', keys: op.keys.map((k) => String(k)) }];
    case 'createPartition':
    case 'dropPartition':
      return [{ seq, collection: op.collection, kind: op.kind, keys: [], partition: op.partition }];
    case 'createCollection':
    case 'dropCollection':
      return [{ seq, collection: op.collection, kind: 'reset', keys: [] }];
    case 'renameCollection':
      return [
        { seq, collection: op.collection, kind: 'reset', keys: [] },
        { seq, collection: op.newName, kind: 'reset', keys: [] },
      ];
    default:
      return [];
  }
}

/** The client's write counter: an idb:// client's committed sequence survives reloads; else the engine's. */
function watermarkOf(client: RecordableClient): number {
  const s = (client as { sequence?: unknown }).sequence;
  return typeof s === 'number' ? s : client.engine.lastSeq;
}

/** Shared bookkeeping of both recorders: entries in memory, per-collection truncation floors. */
abstract class BaseOpLog implements OpLog {
  protected entries: OpLogEntry[] = [];
  protected floors: Record<string, number> = {};
  protected seq = 0;
  /** Entries before this seq were never seen (the recorder started later, or a gap was detected). */
  protected startSeq = 0;
  private muted = 0;
  private readonly suppressed = new Map<string, Map<Key, number>>();
  private attached: Engine | undefined;
  private unsubscribe: (() => void) | undefined;
  abstract readonly id: string;

  constructor(protected readonly client: RecordableClient) {}

  /** Marks that writes may have happened unseen: no checkpoint from before now is covered. */
  protected gap(): void {
    this.seq++;
    this.startSeq = this.seq;
  }

  /** Listens to the client's current engine; a replaced engine (an idb:// reload) means a gap. */
  protected follow(): void {
    const engine = this.client.engine;
    if (engine === this.attached) return;
    if (this.attached) this.gap();
    this.unsubscribe?.();
    this.attached = engine;
    this.unsubscribe = engine.onWrite((op) => this.onWrite(engine, op));
  }

  private onWrite(engine: Engine, op: WriteOp): void {
    if (this.muted > 0) return;
    const seq = this.seq + 1;
    const es = toEntries(engine, op, seq).filter((e) => {
      const sup = this.suppressed.get(e.collection);
      if (!sup || e.keys.length === 0) return true;
      (e as { keys: Key[] }).keys = e.keys.filter((k) => {
        const n = sup.get(k);
        if (n === undefined) return true;
        if (n <= 1) sup.delete(k);
        else sup.set(k, n - 1);
        return false;
      });
      return e.keys.length > 0;
    });
    if (es.length === 0) return;
    this.seq = seq;
    this.entries.push(...es);
    this.persist(es);
  }

  protected persist(_entries: OpLogEntry[]): void {}

  get lastSeq(): number {
    this.follow();
    return this.seq;
  }

  covers(collection: string, after: number): boolean {
    this.follow();
    return after >= this.startSeq && after >= (this.floors[collection] ?? 0) && after <= this.seq;
  }

  async read(collection: string, after: number): Promise<OpLogEntry[]> {
    this.follow();
    return this.entries.filter((e) => e.collection === collection && e.seq > after);
  }

  async truncate(collection: string, upTo: number): Promise<void> {
    const gone = this.entries.filter((e) => e.collection === collection && e.seq <= upTo);
    if (gone.length === 0 && (this.floors[collection] ?? 0) >= upTo) return;
    this.entries = this.entries.filter((e) => !(e.collection === collection && e.seq <= upTo));
    this.floors[collection] = Math.max(this.floors[collection] ?? 0, upTo);
    await this.dropPersisted(gone);
  }

  protected async dropPersisted(_gone: OpLogEntry[]): Promise<void> {}

  async mute<T>(fn: () => Promise<T>): Promise<T> {
    this.muted++;
    let p: Promise<T>;
    try {
      // A LocalClient applies a call synchronously, so its writes are reported inside fn().
      p = fn();
    } finally {
      this.muted--;
    }
    return p;
  }

  async suppress<T>(collection: string, keys: Key[], fn: () => Promise<T>): Promise<T> {
    this.follow();
    const sup = this.suppressed.get(collection) ?? new Map<Key, number>();
    this.suppressed.set(collection, sup);
    for (const k of keys) sup.set(k, (sup.get(k) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      // Whatever the engine did not report (a failed or partial write) must not hide a later user write.
      for (const k of keys) {
        const n = sup.get(k);
        if (n === undefined) continue;
        if (n <= 1) sup.delete(k);
        else sup.set(k, n - 1);
      }
    }
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.attached && recorders.get(this.attached) === this) recorders.delete(this.attached);
    if (clientRecorders.get(this.client) === this) clientRecorders.delete(this.client);
  }
}

/** An in-memory log: lives as long as the page (fine for `memory://`, whose data does too). */
export class MemoryOpLog extends BaseOpLog {
  readonly id = randomId();

  constructor(client: RecordableClient) {
    super(client);
    // Writes the engine applied before now were never seen: mark a gap so no checkpoint predates it.
    if (client.engine.lastSeq > 0) this.gap();
    this.follow();
  }
}

const PREFIX = 'sync/oplog/';
const META = `${PREFIX}meta`;
const entryKey = (seq: number, i: number) => `${PREFIX}e/${String(seq).padStart(12, '0')}.${i}`;

interface StoredMeta {
  id: string;
  seq: number;
  startSeq: number;
  /** The client's write counter when the log last knew it had seen every write. */
  watermark: number;
  floors: Record<string, number>;
}

/**
 * A log persisted through an OpLogStorage (keys `sync/oplog/...`), so a push after a reload still knows
 * what changed. When the client wrote while no recorder listened (its write counter moved past the one
 * last recorded), the log marks a gap and the next push compares both sides instead of trusting it.
 */
export class StorageOpLog extends BaseOpLog {
  id = randomId();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    client: RecordableClient,
    private readonly storage: OpLogStorage,
  ) {
    super(client);
  }

  static async open(client: RecordableClient, storage: OpLogStorage): Promise<StorageOpLog> {
    const log = new StorageOpLog(client, storage);
    const meta = (await storage.read(META)) as StoredMeta | undefined;
    if (meta) {
      log.id = meta.id;
      log.seq = meta.seq;
      log.startSeq = meta.startSeq;
      log.floors = { ...meta.floors };
      const keys = await storage.list(`${PREFIX}e/`);
      const values = await storage.readMany(keys);
      log.entries = (values.filter(Boolean) as OpLogEntry[]).sort((a, b) => a.seq - b.seq);
      if (meta.watermark !== watermarkOf(client)) log.gap();
    } else if (client.engine.lastSeq > 0) {
      log.gap();
    }
    log.follow();
    log.enqueue({ put: [[META, log.meta()]] });
    await log.flushed();
    return log;
  }

  private meta(): StoredMeta {
    return {
      id: this.id,
      seq: this.seq,
      startSeq: this.startSeq,
      watermark: watermarkOf(this.client),
      floors: { ...this.floors },
    };
  }

  private enqueue(batch: { put?: [string, unknown][]; remove?: string[] }): void {
    this.chain = this.chain
      .then(() => this.storage.commit(batch))
      .catch((e) => {
        this.failure = e;
      });
  }

  protected override persist(entries: OpLogEntry[]): void {
    this.enqueue({
      put: [...entries.map((e, i): [string, unknown] => [entryKey(e.seq, i), e]), [META, this.meta()]],
    });
  }

  protected override gap(): void {
    super.gap();
    this.enqueue({ put: [[META, this.meta()]] });
  }

  protected override async dropPersisted(gone: OpLogEntry[]): Promise<void> {
    const keys = await this.storage.list(`${PREFIX}e/`);
    const seqs = new Set(gone.map((e) => e.seq));
    const remove = keys.filter((k) => seqs.has(Number(k.slice(PREFIX.length + 2).split('.')[0])));
    this.enqueue({ remove, put: [[META, this.meta()]] });
    await this.flushed();
  }

  /** Resolves when every recorded entry is in storage; rejects if a write failed. */
  async flushed(): Promise<void> {
    await this.chain;
    if (this.failure) {
      const e = this.failure;
      this.failure = undefined;
      throw e instanceof ElanusError
        ? e
        : new ElanusError('StorageError', `the sync log could not be written: ${String(e)}`);
    }
  }

  override async read(collection: string, after: number): Promise<OpLogEntry[]> {
    const out = await super.read(collection, after);
    // The counter moves with commits after the engine reported the write: record it once caught up.
    this.enqueue({ put: [[META, this.meta()]] });
    await this.flushed();
    return out;
  }

  override async close(): Promise<void> {
    this.enqueue({ put: [[META, this.meta()]] });
    await this.flushed();
    await super.close();
  }
}

/** Recorders by engine (a LocalClient's engine never changes) and by client (an idb:// client's can). */
const recorders = new WeakMap<Engine, OpLog>();
const clientRecorders = new WeakMap<object, OpLog>();

function recordable(local: unknown): RecordableClient | undefined {
  const engine = (local as { engine?: Engine } | null)?.engine;
  return engine && typeof engine.onWrite === 'function' ? (local as RecordableClient) : undefined;
}

/**
 * Starts recording the local client's writes for push (once per client; later calls return the same
 * log). Call it before writing so the first push can send just the log. For an `idb://` client in a
 * browser the log is kept in IndexedDB (database `elanus-sync-log:<name>`) and survives reloads; other
 * `storage` can be given explicitly.
 */
export async function recordOps(
  local: RecordableClient | object,
  options: { storage?: OpLogStorage } = {},
): Promise<OpLog> {
  const client = recordable(local);
  if (!client) {
    throw new ElanusError(
      'IllegalArgument',
      'invalid parameter local: expected an in-thread client whose engine reports writes (LocalClient or an idb:// client), got one without an engine',
      { param: 'local' },
    );
  }
  const have = recorderOf(client);
  if (have) return have;
  const storage = options.storage ?? (await defaultOpLogStorage(client));
  const log = storage ? await StorageOpLog.open(client, storage) : new MemoryOpLog(client);
  register(client, log);
  return log;
}

function register(client: RecordableClient, log: OpLog): void {
  recorders.set(client.engine, log);
  clientRecorders.set(client, log);
}

/** The recorder attached to this client, if any. */
export function recorderOf(local: unknown): OpLog | undefined {
  const client = recordable(local);
  if (!client) return undefined;
  return clientRecorders.get(client) ?? recorders.get(client.engine);
}

/** The client's recorder, attaching one (as recordOps would) when it has none. */
export async function ensureRecorder(local: unknown): Promise<OpLog | undefined> {
  const client = recordable(local);
  if (!client) return undefined;
  return recorderOf(client) ?? recordOps(client);
}
