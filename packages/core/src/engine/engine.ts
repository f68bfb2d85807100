import { Collection, type IndexFactory, type TextEncoderFn } from '../collection/collection.js';
import type { ConvertLimits } from '../collection/convert.js';
import { elanusError } from '../errors/index.js';
import type { CollectionSchema, FieldSchema } from '../schema/types.js';
import type { BatchSearcher } from './batch-search.js';

/** A write the engine applied; persistence and sync read these in order. */
export type WriteOp =
  | { kind: 'createCollection'; collection: string; schema: CollectionSchema }
  | { kind: 'dropCollection'; collection: string }
  | { kind: 'renameCollection'; collection: string; newName: string }
  | { kind: 'createPartition' | 'dropPartition'; collection: string; partition: string }
  | { kind: 'createIndex'; collection: string; def: import('../collection/collection.js').IndexDef }
  | { kind: 'dropIndex'; collection: string; field: string }
  | { kind: 'load' | 'release'; collection: string }
  | {
      kind: 'insert' | 'upsert';
      collection: string;
      partition: string | undefined;
      rows: Record<string, unknown>[];
    }
  | { kind: 'delete'; collection: string; keys: (bigint | string)[] }
  /** `collection` is the collection the alias points to (for dropAlias: pointed to). */
  | { kind: 'createAlias' | 'alterAlias' | 'dropAlias'; collection: string; alias: string }
  /** Properties after `alter…Properties` / `drop…Properties`: the new state of one target, replayed as is. */
  | { kind: 'setProperties'; collection: string; target: PropertyTarget };

/** What a `setProperties` op sets: the collection's properties, one field's, or one index's. */
export type PropertyTarget =
  | { collection: Record<string, string> }
  | { field: string; properties: Record<string, string>; max_length?: number }
  | { index: string; properties: Record<string, string> };

/** Write ops that change no collection's data (seals need not rewrite anything for them). */
export const ALIAS_OPS: ReadonlySet<string> = new Set(['createAlias', 'alterAlias', 'dropAlias']);

export interface EngineOptions {
  indexFactory: IndexFactory;
  textEncoderFor: (field: FieldSchema) => TextEncoderFn | undefined;
  /** The compute device the engine settled on (`createEngine` resolves `auto`). */
  device?: 'webgpu' | 'wasm' | 'js';
  /** Batched FLAT searches on another device (WebGPU); search methods use it when present. */
  batchSearcher?: BatchSearcher;
  /** FLAT scans split across worker threads over shared memory; used for what the GPU does not take. */
  scanPool?: BatchSearcher;
  /** Threads the engine scans with (1 = its own only) and why, as `createEngine` settled it. */
  threads?: { count: number; reason: string };
  /** Input limits every collection applies (JSON size). */
  limits?: ConvertLimits;
}

/** Collections by name, one writer, and a log of the writes it applied. */
export class Engine {
  private readonly collections = new Map<string, Collection>();
  /** Alias → collection name (Milvus resolves an alias wherever a collection name is read). */
  private readonly aliasMap = new Map<string, string>();
  private nextId = 1;
  private seq = 0;
  private readonly listeners = new Set<(op: WriteOp, seq: number) => void>();

  /** Searches running on other threads over the engine's memory: writes wait for them (see `settled`). */
  private readonly offThread = new Set<Promise<unknown>>();

  constructor(readonly options: EngineOptions) {}

  /** Registers a search that reads column memory from other threads until `p` settles. */
  trackOffThread<T>(p: Promise<T>): Promise<T> {
    this.offThread.add(p);
    const done = () => this.offThread.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * Resolves once no search reads the engine's memory from another thread, or undefined at once when
   * none does: a write (which may grow and move a shared column) must not run under a pool scan.
   */
  settled(): Promise<void> | undefined {
    if (this.offThread.size === 0) return undefined;
    return Promise.allSettled([...this.offThread]).then(() => this.settled());
  }

  /** Observe applied writes (persistence, sync). Returns an unsubscribe function. */
  onWrite(fn: (op: WriteOp, seq: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  get lastSeq(): number {
    return this.seq;
  }

  record(op: WriteOp): void {
    this.seq++;
    for (const l of this.listeners) l(op, this.seq);
  }

  has(name: string): boolean {
    return this.collections.has(name);
  }

  names(): string[] {
    return [...this.collections.keys()];
  }

  /** The collection name behind `name`: itself, or the collection an alias points to. */
  resolve(name: string): string {
    return this.aliasMap.get(name) ?? name;
  }

  isAlias(name: string): boolean {
    return this.aliasMap.has(name);
  }

  /** Aliases as [alias, collection] pairs, optionally of one collection. */
  aliases(collection?: string): [string, string][] {
    return [...this.aliasMap].filter(([, c]) => collection === undefined || c === collection);
  }

  /** Points `alias` at `collection` (create: the alias must be new; alter: it must exist). */
  setAlias(alias: string, collection: string, mode: 'create' | 'alter' | 'restore'): void {
    if (this.collections.has(alias)) {
      throw elanusError('aliasCollectionConflict', { alias }, { param: 'alias' });
    }
    // An alias names a collection, never another alias (as the server resolves them: one step).
    if (!this.collections.has(collection)) {
      throw this.aliasMap.has(collection)
        ? elanusError('aliasTargetIsAlias', { collection }, { param: 'collection_name' })
        : elanusError('collectionNotExists', { collection }, { param: 'collection_name' });
    }
    const have = this.aliasMap.get(alias);
    if (mode === 'create' && have !== undefined && have !== collection) {
      throw elanusError('aliasExists', { alias, collection: have }, { param: 'alias' });
    }
    if (mode === 'alter' && have === undefined) {
      throw elanusError('aliasNotFound', { alias }, { param: 'alias' });
    }
    this.aliasMap.set(alias, collection);
  }

  /** Removes `alias`; returns the collection it pointed to. */
  dropAlias(alias: string): string {
    const have = this.aliasMap.get(alias);
    if (have === undefined) {
      throw elanusError('aliasNotFound', { alias }, { param: 'alias' });
    }
    this.aliasMap.delete(alias);
    return have;
  }

  get(name: unknown, param = 'collection_name'): Collection {
    if (typeof name !== 'string' || name === '') {
      throw elanusError('collectionNameInvalid', { param, got: name }, { param });
    }
    const c = this.collections.get(name) ?? this.collections.get(this.aliasMap.get(name) ?? '');
    if (!c) throw elanusError('collectionNotExists', { collection: name }, { param });
    return c;
  }

  /** The id the next created collection gets (persisted, so ids stay unique across reopens). */
  get nextCollectionId(): number {
    return this.nextId;
  }

  set nextCollectionId(id: number) {
    this.nextId = Math.max(this.nextId, id);
  }

  /** `id` and `textEncoderFor` let persistence recreate a stored collection as it was. */
  create(
    schema: CollectionSchema,
    restore?: { id: number; textEncoderFor?: (field: FieldSchema) => TextEncoderFn | undefined },
  ): Collection {
    if (this.collections.has(schema.name) || this.aliasMap.has(schema.name)) {
      throw this.aliasMap.has(schema.name)
        ? elanusError(
            'collectionExistsAsAlias',
            { collection: schema.name, target: this.aliasMap.get(schema.name) },
            { param: 'collection_name' },
          )
        : elanusError('collectionExists', { collection: schema.name }, { param: 'collection_name' });
    }
    const id = restore?.id ?? this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const encoders = restore?.textEncoderFor ?? this.options.textEncoderFor;
    const c = new Collection(schema, id, this.options.indexFactory, encoders);
    if (this.options.limits) c.limits = this.options.limits;
    this.collections.set(schema.name, c);
    return c;
  }

  drop(name: string): void {
    this.checkNotAlias(name, 'drop');
    this.get(name);
    const held = this.aliases(name).map(([a]) => a);
    if (held.length) {
      throw elanusError(
        'dropCollectionHasAliases',
        { collection: name, aliases: held },
        { param: 'collection_name' },
      );
    }
    this.collections.delete(name);
  }

  /** Drop and rename take the collection's own name, as the server requires. */
  private checkNotAlias(name: string, verb: string): void {
    const target = this.aliasMap.get(name);
    if (target !== undefined) {
      throw elanusError(
        'collectionViaAlias',
        { verb, alias: name, collection: target },
        { param: 'collection_name' },
      );
    }
  }

  rename(name: string, newName: string): void {
    this.checkNotAlias(name, 'rename');
    const c = this.get(name);
    if (this.collections.has(newName) || this.aliasMap.has(newName)) {
      throw elanusError('collectionExists', { collection: newName }, { param: 'new_collection_name' });
    }
    this.collections.delete(name);
    c.schema = { ...c.schema, name: newName };
    this.collections.set(newName, c);
    // Aliases follow the collection.
    for (const [a, target] of this.aliasMap) if (target === name) this.aliasMap.set(a, newName);
  }
}
