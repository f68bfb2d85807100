import { ElanusError, type Engine, type LocalClient, type WriteOp } from '@elanus/core';
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
  /** Runs `fn` with recording paused: sync applies remote rows locally without logging them as local changes. */
  mute<T>(fn: () => Promise<T>): Promise<T>;
  /** Stops listening to the engine. */
  close(): Promise<void>;
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

/** Shared bookkeeping of both recorders: entries in memory, per-collection truncation floors. */
abstract class BaseOpLog implements OpLog {
  protected entries: OpLogEntry[] = [];
  protected floors: Record<string, number> = {};
  protected seq = 0;
  /** Entries before this seq were never seen (the recorder started later, or a gap was detected). */
  protected startSeq = 0;
  private muted = 0;
  private unsubscribe: (() => void) | undefined;
  abstract readonly id: string;

  constructor(protected readonly engine: Engine) {}

  protected listen(): void {
    this.unsubscribe = this.engine.onWrite((op) => {
      if (this.muted > 0) return;
      const seq = ++this.seq;
      const es = toEntries(this.engine, op, seq);
      this.entries.push(...es);
      this.persist(es, seq);
    });
  }

  protected persist(_entries: OpLogEntry[], _seq: number): void {}

  get lastSeq(): number {
    return this.seq;
  }

  covers(collection: string, after: number): boolean {
    return after >= this.startSeq && after >= (this.floors[collection] ?? 0) && after <= this.seq;
  }

  async read(collection: string, after: number): Promise<OpLogEntry[]> {
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
      // The local engine applies a call synchronously, so its writes are reported inside fn().
      p = fn();
    } finally {
      this.muted--;
    }
    return p;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    recorders.delete(this.engine);
  }
}

/** An in-memory log: lives as long as the page (fine for `memory://`, whose data does too). */
export class MemoryOpLog extends BaseOpLog {
  readonly id = randomId();

  constructor(engine: Engine) {
    super(engine);
    // Writes the engine applied before now were never seen: mark a gap so no checkpoint predates it.
    if (engine.lastSeq > 0) this.seq = this.startSeq = 1;
    this.listen();
  }
}

/** The few Storage calls the persisted log needs (core's `Storage` interface has them). */
export interface OpLogStorage {
  read(key: string): Promise<unknown>;
  readMany(keys: string[]): Promise<unknown[]>;
  list(prefix: string): Promise<string[]>;
  commit(batch: { put?: [string, unknown][]; remove?: string[] }): Promise<void>;
}

const PREFIX = 'sync/oplog/';
const META = `${PREFIX}meta`;
const entryKey = (seq: number, i: number) => `${PREFIX}e/${String(seq).padStart(12, '0')}.${i}`;

interface StoredMeta {
  id: string;
  seq: number;
  startSeq: number;
  engineSeq: number;
  floors: Record<string, number>;
}

/**
 * A log persisted through the same Storage as an `idb://` database (keys `sync/oplog/...`), so a push
 * after a reload still knows what changed. When the engine wrote while no recorder listened (its
 * sequence number moved past the one last recorded), the log marks a gap and the next push compares
 * both sides instead of trusting the log.
 */
export class StorageOpLog extends BaseOpLog {
  id = randomId();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    engine: Engine,
    private readonly storage: OpLogStorage,
  ) {
    super(engine);
  }

  static async open(engine: Engine, storage: OpLogStorage): Promise<StorageOpLog> {
    const log = new StorageOpLog(engine, storage);
    const meta = (await storage.read(META)) as StoredMeta | undefined;
    if (meta) {
      log.id = meta.id;
      log.seq = meta.seq;
      log.startSeq = meta.startSeq;
      log.floors = { ...meta.floors };
      const keys = await storage.list(`${PREFIX}e/`);
      const values = await storage.readMany(keys);
      log.entries = (values.filter(Boolean) as OpLogEntry[]).sort((a, b) => a.seq - b.seq);
      if (meta.engineSeq !== engine.lastSeq) {
        // Writes happened that this log never saw: nothing before now can be trusted for this log.
        log.seq++;
        log.startSeq = log.seq;
      }
    } else if (engine.lastSeq > 0) {
      log.seq = log.startSeq = 1;
    }
    log.listen();
    log.enqueue({ put: [[META, log.meta()]] });
    await log.flushed();
    return log;
  }

  private meta(): StoredMeta {
    return {
      id: this.id,
      seq: this.seq,
      startSeq: this.startSeq,
      engineSeq: this.engine.lastSeq,
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

  protected override persist(entries: OpLogEntry[], _seq: number): void {
    this.enqueue({
      put: [...entries.map((e, i): [string, unknown] => [entryKey(e.seq, i), e]), [META, this.meta()]],
    });
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
    await this.flushed();
    return super.read(collection, after);
  }
}

const recorders = new WeakMap<Engine, OpLog>();

function engineOf(local: LocalClient | { engine?: Engine }): Engine {
  const engine = (local as { engine?: Engine }).engine;
  if (!engine || typeof engine.onWrite !== 'function') {
    throw new ElanusError(
      'IllegalArgument',
      'invalid parameter local: expected an in-thread LocalClient (its engine reports writes), got a client without one',
      { param: 'local' },
    );
  }
  return engine;
}

/**
 * Starts recording the local engine's writes for push (once per engine; later calls return the same
 * log). Call it before writing so the first push can send just the log. With `storage` (the Storage of
 * an `idb://` database) the log survives reloads.
 */
export async function recordOps(
  local: LocalClient,
  options: { storage?: OpLogStorage } = {},
): Promise<OpLog> {
  const engine = engineOf(local);
  const have = recorders.get(engine);
  if (have) return have;
  const log = options.storage ? await StorageOpLog.open(engine, options.storage) : new MemoryOpLog(engine);
  recorders.set(engine, log);
  return log;
}

/** The recorder attached to this client's engine, if any. */
export function recorderOf(local: unknown): OpLog | undefined {
  const engine = (local as { engine?: Engine } | null)?.engine;
  return engine && typeof engine.onWrite === 'function' ? recorders.get(engine) : undefined;
}

/** Attaches an in-memory recorder when the client is a LocalClient without one (sync does this). */
export function ensureRecorder(local: unknown): OpLog | undefined {
  const engine = (local as { engine?: Engine } | null)?.engine;
  if (!engine || typeof engine.onWrite !== 'function') return undefined;
  let log = recorders.get(engine);
  if (!log) {
    log = new MemoryOpLog(engine);
    recorders.set(engine, log);
  }
  return log;
}
