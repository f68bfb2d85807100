import { Collection, type IndexFactory, type TextEncoderFn } from '../collection/collection.js';
import type { ConvertLimits } from '../collection/convert.js';
import { ElanusError } from '../errors/index.js';
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
  | { kind: 'delete'; collection: string; keys: (bigint | string)[] };

export interface EngineOptions {
  indexFactory: IndexFactory;
  textEncoderFor: (field: FieldSchema) => TextEncoderFn | undefined;
  /** The compute device the engine settled on (`createEngine` resolves `auto`). */
  device?: 'webgpu' | 'wasm' | 'js';
  /** Batched FLAT searches on another device (WebGPU); search methods use it when present. */
  batchSearcher?: BatchSearcher;
  /** Input limits every collection applies (JSON size). */
  limits?: ConvertLimits;
}

/** Collections by name, one writer, and a log of the writes it applied. */
export class Engine {
  private readonly collections = new Map<string, Collection>();
  private nextId = 1;
  private seq = 0;
  private readonly listeners = new Set<(op: WriteOp, seq: number) => void>();

  constructor(readonly options: EngineOptions) {}

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

  get(name: unknown, param = 'collection_name'): Collection {
    if (typeof name !== 'string' || name === '') {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter ${param}: expected a collection name, got ${String(name)}`,
        {
          param,
        },
      );
    }
    const c = this.collections.get(name);
    if (!c)
      throw new ElanusError('CollectionNotExists', `collection not found[collection=${name}]`, { param });
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
    if (this.collections.has(schema.name)) {
      throw new ElanusError(
        'CollectionAlreadyExists',
        `collection already exists[collection=${schema.name}]`,
        {
          param: 'collection_name',
        },
      );
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
    this.get(name);
    this.collections.delete(name);
  }

  rename(name: string, newName: string): void {
    const c = this.get(name);
    if (this.collections.has(newName)) {
      throw new ElanusError('CollectionAlreadyExists', `collection already exists[collection=${newName}]`, {
        param: 'new_collection_name',
      });
    }
    this.collections.delete(name);
    c.schema = { ...c.schema, name: newName };
    this.collections.set(newName, c);
  }
}
