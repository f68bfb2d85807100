import { elanusError } from '../errors/index.js';
import { type CompiledFilter, compileFilter } from '../filter/index.js';
import type { ColumnView, FilterParams, FilterSource } from '../filter/types.js';
import { compactModule } from '../indexes/lazy-indexes.js';
import type { DenseVectorColumn, IndexSearchParams, TopK, VectorIndex } from '../indexes/types.js';
import {
  type CollectionSchema,
  DataType,
  type FieldSchema,
  isCompactVectorType,
  type MetricType,
  type SparseVector,
} from '../schema/types.js';
import { Bitset } from '../util/bitset.js';
import { createScalarColumn, createSparseColumn, type ScalarColumn, type SparseColumn } from './columns.js';
import type { CompactVectorColumn } from './compact-vector-column.js';
import { type ConvertedRow, type ConvertLimits, convertRow, toInt64 } from './convert.js';

export type PrimaryKey = bigint | string;

export interface IndexDef {
  field_name: string;
  index_name: string;
  index_type: string;
  metric_type: MetricType;
  params: Record<string, unknown>;
  /** Index properties (`mmap.enabled`), set by `alterIndexProperties`. */
  properties?: Record<string, string>;
}

export interface PartitionInfo {
  name: string;
  id: number;
  created: number;
}

/** What the collection needs from the index layer (the engine passes it in once). */
export interface IndexFactory {
  denseColumn(dim: number): DenseVectorColumn;
  create(def: IndexDef, field: FieldSchema, column: DenseVectorColumn | SparseColumn): VectorIndex<never>;
  /** Reloads an index from `VectorIndex.serialize()` parts (persistence), without rebuilding it. */
  restore?(
    def: IndexDef,
    field: FieldSchema,
    column: DenseVectorColumn | SparseColumn,
    parts: ArrayBuffer[],
  ): VectorIndex<never>;
}

/** Turns BM25 input text into a sparse vector of term counts (and query text into term ids). */
export interface TextEncoderFn {
  encodeDocument(text: string): SparseVector;
  encodeQuery(text: string): SparseVector;
  /**
   * `text_match`: does the row's text share at least `minimumShouldMatch` (default 1) of the query's
   * tokens? `generation` as for `phraseMatcher` (the index behind it is rebuilt when rows are renumbered).
   */
  matcher(
    texts: ArrayLike<string | null>,
    query: string,
    minimumShouldMatch?: number,
    generation?: number,
  ): (row: number) => boolean;
  /**
   * `phrase_match`: bit words over rows `0..texts.length-1` whose text holds the query's tokens in
   * order within `slop`. `generation` changes when rows are renumbered (positions are rebuilt then).
   */
  phraseMatcher?(
    texts: ArrayLike<string | null>,
    query: string,
    slop: number,
    generation: number,
  ): Uint32Array;
}

type Column = ScalarColumn | DenseVectorColumn | SparseColumn | CompactVectorColumn;

/**
 * Rows as persistence stores them: one entry per schema field (row-major vectors for FloatVector, and
 * row-major codes, a Uint16Array or Int8Array, for Float16Vector / BFloat16Vector / Int8Vector).
 */
export interface StoredRows {
  count: number;
  columns: (Float32Array | Uint16Array | Int8Array | ArrayLike<unknown>)[];
  dynamic: ArrayLike<Record<string, unknown> | undefined>;
  partitions: ArrayLike<number>;
}

const DEFAULT_PARTITION = '_default';
/** Compact once this share of rows is deleted (and there are enough of them to matter). */
const COMPACT_RATIO = 0.3;
const COMPACT_MIN_ROWS = 1024;

/**
 * One collection: schema, columnar typed storage over internal rows, a primary-key map,
 * partitions, tombstones and one index per vector field.
 */
export class Collection implements FilterSource {
  schema: CollectionSchema;
  readonly id: number;
  /** Creation time (ms); persistence restores it. */
  created: number;
  readonly fields: FieldSchema[];
  readonly pkIndex: number;
  private columns: Column[];
  private dynamicValues: (Record<string, unknown> | undefined)[] = [];
  private liveWords = new Uint32Array(4);
  private lastFilter: { expr: string; schema: CollectionSchema; compiled: CompiledFilter } | undefined;
  private partitionOf = new Uint16Array(16);
  private pkMap = new Map<PrimaryKey, number>();
  rowCount = 0;
  liveCount = 0;
  partitions: PartitionInfo[];
  indexes = new Map<string, { def: IndexDef; index: VectorIndex<never> }>();
  /** Scalar index definitions: recorded for Milvus compatibility; filters scan typed columns. */
  scalarIndexes = new Map<string, IndexDef>();
  loaded = false;
  private nextAutoId: bigint;
  private nextPartitionId = 1;
  readonly textEncoders = new Map<string, TextEncoderFn>();
  /** Input limits (JSON size), set by the engine from its options. */
  limits: ConvertLimits = {};
  /** Bumped by every compaction (rows renumbered): persistence then rewrites every stored segment. */
  epoch = 0;

  constructor(
    schema: CollectionSchema,
    id: number,
    private readonly factory: IndexFactory,
    textEncoderFor: (field: FieldSchema) => TextEncoderFn | undefined,
  ) {
    this.schema = schema;
    this.id = id;
    this.created = Date.now();
    this.fields = schema.fields;
    this.pkIndex = schema.fields.findIndex((f) => f.is_primary_key);
    this.columns = schema.fields.map((f) => {
      if (f.data_type === DataType.FloatVector) return factory.denseColumn(f.dim!);
      if (isCompactVectorType(f.data_type))
        return new (compactModule().CompactVectorColumn)(f, factory.denseColumn(f.dim!));
      if (f.data_type === DataType.SparseFloatVector) return createSparseColumn();
      return createScalarColumn(f);
    });
    this.partitions = [{ name: DEFAULT_PARTITION, id: 0, created: this.created }];
    // Auto ids look like Milvus's (timestamp-based, increasing) so they sort by insertion.
    this.nextAutoId = BigInt(Date.now()) << 18n;
    for (const f of schema.fields) {
      if (f.enable_analyzer || f.enable_match) {
        const enc = textEncoderFor(f);
        if (enc) this.textEncoders.set(f.name, enc);
      }
    }
  }

  get name(): string {
    return this.schema.name;
  }

  get pkField(): FieldSchema {
    return this.fields[this.pkIndex]!;
  }

  fieldIndex(name: string): number {
    return this.fields.findIndex((f) => f.name === name);
  }

  field(name: string): FieldSchema | undefined {
    return this.fields.find((f) => f.name === name);
  }

  // ---- FilterSource -------------------------------------------------------------------------

  column(field: string): ColumnView | undefined {
    const i = this.fieldIndex(field);
    if (i < 0) return undefined;
    const c = this.columns[i]!;
    return 'view' in c ? c.view() : undefined;
  }

  dynamic(row: number): Record<string, unknown> | undefined {
    return this.dynamicValues[row];
  }

  textMatch(field: string, query: string, minimumShouldMatch = 1): ((row: number) => boolean) | undefined {
    const enc = this.textEncoders.get(field);
    const view = this.column(field);
    if (!enc || !view || view.kind !== 'string') return undefined;
    return enc.matcher(view.values, query, minimumShouldMatch, this.epoch);
  }

  phraseMatch(field: string, query: string, slop: number): Uint32Array | undefined {
    const enc = this.textEncoders.get(field);
    const view = this.column(field);
    if (!enc?.phraseMatcher || !view || view.kind !== 'string') return undefined;
    // The epoch changes exactly when compaction renumbers rows.
    return enc.phraseMatcher(view.values, query, slop, this.epoch);
  }

  // ---- rows ---------------------------------------------------------------------------------

  isLive(row: number): boolean {
    return ((this.liveWords[row >>> 5]! >>> (row & 31)) & 1) === 1;
  }

  /** A copy of the live-row bitset. */
  liveBitset(): Bitset {
    return new Bitset(this.rowCount, this.liveWords.slice(0, (this.rowCount + 31) >>> 5));
  }

  rowOf(pk: PrimaryKey): number | undefined {
    return this.pkMap.get(pk);
  }

  pkOf(row: number): PrimaryKey {
    return (this.columns[this.pkIndex] as ScalarColumn).get(row) as PrimaryKey;
  }

  value(row: number, fieldIdx: number): unknown {
    const c = this.columns[fieldIdx]!;
    return c.get(row);
  }

  partitionName(row: number): string {
    const id = this.partitionOf[row]!;
    return this.partitions.find((p) => p.id === id)?.name ?? DEFAULT_PARTITION;
  }

  /** The float32 vectors indexes read: a FloatVector column, or the decoded scan copy of a compact one. */
  denseColumn(field: string): DenseVectorColumn | undefined {
    const i = this.fieldIndex(field);
    const f = this.fields[i];
    if (f?.data_type === DataType.FloatVector) return this.columns[i] as DenseVectorColumn;
    if (f && isCompactVectorType(f.data_type)) return (this.columns[i] as CompactVectorColumn).scan;
    return undefined;
  }

  /** The stored codes of a Float16Vector / BFloat16Vector / Int8Vector field. */
  compactColumn(field: string): CompactVectorColumn | undefined {
    const i = this.fieldIndex(field);
    const f = this.fields[i];
    return f && isCompactVectorType(f.data_type) ? (this.columns[i] as CompactVectorColumn) : undefined;
  }

  /** What an index over field `i` reads (the float32 scan copy for a compact vector field). */
  private indexColumn(i: number): DenseVectorColumn | SparseColumn {
    const c = this.columns[i];
    if (isCompactVectorType(this.fields[i]!.data_type)) return (c as CompactVectorColumn).scan;
    return c as DenseVectorColumn | SparseColumn;
  }

  sparseColumn(field: string): SparseColumn | undefined {
    const i = this.fieldIndex(field);
    const f = this.fields[i];
    return f?.data_type === DataType.SparseFloatVector ? (this.columns[i] as SparseColumn) : undefined;
  }

  /** Normalises a primary key given by a caller (ids lists, get). */
  toPk(v: unknown, at: string): PrimaryKey {
    if (this.pkField.data_type === DataType.VarChar) {
      if (typeof v !== 'string') {
        throw elanusError('varcharPkExpected', { param: at, got: typeof v }, { param: at });
      }
      return v;
    }
    return toInt64(v, at, 0);
  }

  partitionId(name: string | undefined, param = 'partition_name'): number {
    if (name === undefined || name === '') return 0;
    const p = this.partitions.find((x) => x.name === name);
    if (!p) {
      throw elanusError('partitionNotExists', { partition: name, param }, { param });
    }
    return p.id;
  }

  createPartition(name: string): void {
    if (this.fields.some((f) => f.is_partition_key)) {
      throw elanusError(
        'partitionKeyNoManual',
        { collection: this.name, got: name },
        { param: 'partition_name' },
      );
    }
    if (this.partitions.some((p) => p.name === name)) {
      throw elanusError('partitionExists', { partition: name }, { param: 'partition_name' });
    }
    if (this.partitions.length >= 1024) {
      throw elanusError('partitionLimit', { max: 1024, got: 1025 });
    }
    this.partitions.push({ name, id: this.nextPartitionId++, created: Date.now() });
  }

  dropPartition(name: string): void {
    if (name === DEFAULT_PARTITION) {
      throw elanusError('defaultPartitionReserved', {}, { param: 'partition_name' });
    }
    const id = this.partitionId(name);
    const rows: number[] = [];
    for (let r = 0; r < this.rowCount; r++) if (this.isLive(r) && this.partitionOf[r] === id) rows.push(r);
    this.removeRows(rows);
    this.partitions = this.partitions.filter((p) => p.id !== id);
  }

  /** Bitset of live rows in the given partitions (all when none given). */
  partitionMask(names: string[] | undefined): Bitset {
    const live = this.liveBitset();
    if (!names || names.length === 0) return live;
    const ids = new Set(names.map((n, i) => this.partitionId(n, `partition_names[${i}]`)));
    const mask = new Bitset(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) if (ids.has(this.partitionOf[r]!)) mask.set(r);
    return live.and(mask);
  }

  /** Live rows matching an optional filter within partitions: the allow-bitset searches and queries use. */
  select(filter: string | undefined, params: FilterParams | undefined, partitions?: string[]): Bitset {
    const mask = this.partitionMask(partitions);
    if (filter === undefined || filter.trim() === '') return mask;
    return this.compiled(filter, params).evaluate(this, mask);
  }

  /**
   * The filter compiled against the current schema. Searches repeat the same expression, so the
   * last one without template parameters is kept (compiled filters are stateless; a renamed or
   * replaced schema is a new object and misses).
   */
  private compiled(filter: string, params: FilterParams | undefined): CompiledFilter {
    if (params !== undefined && Object.keys(params).length > 0)
      return compileFilter(filter, this.schema, params);
    const hit = this.lastFilter;
    if (hit !== undefined && hit.expr === filter && hit.schema === this.schema) return hit.compiled;
    const compiled = compileFilter(filter, this.schema);
    this.lastFilter = { expr: filter, schema: this.schema, compiled };
    return compiled;
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Validates every row first, then appends them: a failing batch writes nothing.
   * Returns the primary keys in input order.
   */
  insert(
    data: Record<string, unknown>[],
    partition: string | undefined,
    mode: 'insert' | 'upsert',
  ): PrimaryKey[] {
    const pid = this.partitionId(partition);
    const pk = this.pkField;
    const auto = pk.autoID && mode === 'insert';
    const converted: ConvertedRow[] = data.map((row, i) =>
      convertRow(this.schema, row, i, !auto, this.limits),
    );
    const keys: PrimaryKey[] = converted.map((c) => {
      if (auto) {
        const id = this.nextAutoId++;
        c.values[this.pkIndex] = id;
        return id;
      }
      return c.values[this.pkIndex] as PrimaryKey;
    });
    // Text for BM25 function outputs is encoded before anything is written so errors abort cleanly.
    for (const fn of this.schema.functions) {
      const inIdx = this.fieldIndex(fn.input_field_names[0]!);
      const outIdx = this.fieldIndex(fn.output_field_names[0]!);
      const enc = this.textEncoders.get(fn.input_field_names[0]!);
      if (!enc) throw elanusError('noAnalyzer', { field: fn.input_field_names[0] });
      for (const c of converted) {
        const text = c.values[inIdx];
        c.values[outIdx] = enc.encodeDocument(typeof text === 'string' ? text : '');
      }
    }
    // An upsert that names one key twice keeps the last row for it, as the server does.
    const lastOf = new Map<PrimaryKey, number>();
    if (mode === 'upsert') {
      keys.forEach((k, i) => {
        lastOf.set(k, i);
      });
    }
    const seen = new Set<PrimaryKey>();
    keys.forEach((k, i) => {
      if (mode === 'upsert') return;
      if (seen.has(k)) {
        throw elanusError('duplicatePkInBatch', { row: i, mode, key: k }, { param: `data[${i}]` });
      }
      seen.add(k);
      if (mode === 'insert' && this.pkMap.has(k)) {
        throw elanusError('pkExists', { row: i, key: k }, { param: `data[${i}]` });
      }
    });
    const partKey = this.fields.findIndex((f) => f.is_partition_key);
    if (partKey >= 0 && partition !== undefined && partition !== '' && partition !== DEFAULT_PARTITION) {
      throw elanusError('partitionKeyNoPartitionName', { got: partition }, { param: 'partition_name' });
    }
    let rows = converted;
    if (mode === 'upsert') {
      const old: number[] = [];
      for (const k of lastOf.keys()) {
        const r = this.pkMap.get(k);
        if (r !== undefined) old.push(r);
      }
      this.removeRows(old, false);
      if (lastOf.size < converted.length) rows = converted.filter((_, i) => lastOf.get(keys[i]!) === i);
    }
    const first = this.rowCount;
    for (const c of rows) this.appendRow(c, pid);
    for (const { index } of this.indexes.values()) index.addRange(first, this.rowCount);
    this.maybeCompact();
    return keys;
  }

  private appendRow(c: ConvertedRow, pid: number): void {
    const row = this.rowCount;
    for (let i = 0; i < this.columns.length; i++) this.columns[i]!.push(c.values[i] as never);
    this.dynamicValues.push(c.dynamic);
    if (this.liveWords.length * 32 <= row) {
      const w = new Uint32Array(this.liveWords.length * 2);
      w.set(this.liveWords);
      this.liveWords = w;
    }
    this.liveWords[row >>> 5]! |= 1 << (row & 31);
    if (this.partitionOf.length <= row) {
      const p = new Uint16Array(this.partitionOf.length * 2);
      p.set(this.partitionOf);
      this.partitionOf = p;
    }
    this.partitionOf[row] = pid;
    this.pkMap.set(c.values[this.pkIndex] as PrimaryKey, row);
    this.rowCount++;
    this.liveCount++;
  }

  /** Deletes rows by primary key; returns the keys that existed. */
  deleteByKeys(keys: PrimaryKey[], partitions?: string[]): PrimaryKey[] {
    const allowed = partitions?.length ? new Set(partitions.map((p) => this.partitionId(p))) : undefined;
    const rows: number[] = [];
    const hit: PrimaryKey[] = [];
    for (const k of keys) {
      const r = this.pkMap.get(k);
      if (r === undefined || (allowed && !allowed.has(this.partitionOf[r]!))) continue;
      rows.push(r);
      hit.push(k);
    }
    this.removeRows(rows);
    return hit;
  }

  private removeRows(rows: number[], compact = true): void {
    if (rows.length === 0) return;
    for (const r of rows) {
      if (!this.isLive(r)) continue;
      this.liveWords[r >>> 5]! &= ~(1 << (r & 31));
      this.pkMap.delete(this.pkOf(r));
      this.liveCount--;
    }
    for (const { index } of this.indexes.values()) index.remove(rows);
    if (compact) this.maybeCompact();
  }

  private maybeCompact(): void {
    const dead = this.rowCount - this.liveCount;
    if (this.rowCount < COMPACT_MIN_ROWS || dead < this.rowCount * COMPACT_RATIO) return;
    this.compact();
  }

  /** Drops deleted rows from every column and index and renumbers the rest. */
  compact(): void {
    const keep = this.liveBitset().toArray();
    const keepI = new Int32Array(keep.buffer, keep.byteOffset, keep.length);
    for (const c of this.columns) c.compact(keepI);
    this.dynamicValues = Array.from(keepI, (r) => this.dynamicValues[r]);
    const part = new Uint16Array(Math.max(16, keepI.length));
    for (let i = 0; i < keepI.length; i++) part[i] = this.partitionOf[keepI[i]!]!;
    this.partitionOf = part;
    for (const { index } of this.indexes.values()) index.compact(keepI);
    this.rowCount = keepI.length;
    this.liveCount = keepI.length;
    this.liveWords = new Uint32Array(Math.max(4, ((keepI.length + 31) >>> 5) * 2));
    for (let r = 0; r < keepI.length; r++) this.liveWords[r >>> 5]! |= 1 << (r & 31);
    this.pkMap.clear();
    const pkCol = this.columns[this.pkIndex] as ScalarColumn;
    for (let r = 0; r < this.rowCount; r++) this.pkMap.set(pkCol.get(r) as PrimaryKey, r);
    this.epoch++;
  }

  // ---- persistence (storage/persistence.ts) --------------------------------------------------

  /** Partition id of each internal row (a view; invalidated by writes). */
  partitionIds(): Uint16Array {
    return this.partitionOf.subarray(0, this.rowCount);
  }

  /** The next auto id and partition id, persisted so a reopened collection continues the sequences. */
  get counters(): { nextAutoId: bigint; nextPartitionId: number } {
    return { nextAutoId: this.nextAutoId, nextPartitionId: this.nextPartitionId };
  }

  set counters(c: { nextAutoId: bigint; nextPartitionId: number }) {
    // Never go back: a replayed log may already have used ids past a stored counter.
    if (c.nextAutoId > this.nextAutoId) this.nextAutoId = c.nextAutoId;
    if (c.nextPartitionId > this.nextPartitionId) this.nextPartitionId = c.nextPartitionId;
  }

  /**
   * Appends stored rows verbatim (already validated when first written), dead rows included, without
   * touching indexes; `restoreLive` must follow. `columns[i]` is row-major vectors for FloatVector fields.
   */
  restoreRows(rows: StoredRows): void {
    const { count } = rows;
    for (let i = 0; i < this.columns.length; i++) {
      const src = rows.columns[i]!;
      const col = this.columns[i]!;
      if (this.fields[i]!.data_type === DataType.FloatVector) {
        const dense = col as DenseVectorColumn & { pushMany?: (rows: Float32Array, count: number) => void };
        const data = src as Float32Array;
        if (dense.pushMany) dense.pushMany(data, count);
        else for (let r = 0; r < count; r++) dense.push(data.subarray(r * dense.dim, (r + 1) * dense.dim));
      } else if (isCompactVectorType(this.fields[i]!.data_type)) {
        (col as CompactVectorColumn).pushMany(src as Uint16Array | Int8Array, count);
      } else {
        for (let r = 0; r < count; r++) col.push(src[r] as never);
      }
    }
    for (let r = 0; r < count; r++) this.dynamicValues.push(rows.dynamic[r]);
    const end = this.rowCount + count;
    if (this.partitionOf.length < end) {
      const p = new Uint16Array(Math.max(16, end * 2));
      p.set(this.partitionOf);
      this.partitionOf = p;
    }
    this.partitionOf.set(rows.partitions, this.rowCount);
    this.rowCount = end;
  }

  /** Sets the live-row bitset after `restoreRows` and rebuilds the primary-key map from live rows. */
  restoreLive(words: Uint32Array): void {
    const live = new Uint32Array(Math.max(4, ((this.rowCount + 31) >>> 5) * 2));
    live.set(words.subarray(0, Math.min(words.length, (this.rowCount + 31) >>> 5)));
    this.liveWords = live;
    this.pkMap.clear();
    this.liveCount = 0;
    const pkCol = this.columns[this.pkIndex] as ScalarColumn;
    for (let r = 0; r < this.rowCount; r++) {
      if (!this.isLive(r)) continue;
      this.pkMap.set(pkCol.get(r) as PrimaryKey, r);
      this.liveCount++;
    }
  }

  /**
   * Reloads a stored index over `def.field_name` from its serialized parts instead of building it.
   * Returns false (nothing installed) when the factory cannot reload indexes.
   */
  restoreIndex(def: IndexDef, parts: ArrayBuffer[]): boolean {
    const i = this.fieldIndex(def.field_name);
    const f = this.fields[i];
    if (!f || !this.factory.restore) return false;
    const index = this.factory.restore(def, f, this.indexColumn(i), parts);
    this.indexes.set(def.field_name, { def, index });
    return true;
  }

  // ---- indexes ------------------------------------------------------------------------------

  buildIndex(def: IndexDef): void {
    const i = this.fieldIndex(def.field_name);
    const f = this.fields[i]!;
    const index = this.factory.create(def, f, this.indexColumn(i));
    if (this.rowCount > 0) {
      index.addRange(0, this.rowCount);
      const dead: number[] = [];
      for (let r = 0; r < this.rowCount; r++) if (!this.isLive(r)) dead.push(r);
      if (dead.length) index.remove(dead);
    }
    this.indexes.set(def.field_name, { def, index });
  }

  dropIndex(field: string): void {
    this.indexes.delete(field);
  }

  /** The stored BinaryVector of a row (a copy). */
  binaryValue(field: string, row: number): Uint8Array {
    const v = (this.columns[this.fieldIndex(field)] as ScalarColumn).get(row);
    return new Uint8Array(v as Uint8Array);
  }

  /** Runs one query on a field's index. */
  searchField(
    field: string,
    query: Float32Array | SparseVector | Uint8Array,
    k: number,
    allow: Bitset,
    params: IndexSearchParams,
  ): TopK {
    const entry = this.indexes.get(field);
    if (!entry) {
      throw elanusError('indexNotFoundForField', { field }, { field });
    }
    return entry.index.search(query as never, k, allow, params);
  }
}
