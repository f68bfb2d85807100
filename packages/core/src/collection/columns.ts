import type { ColumnView } from '../filter/types.js';
import { DataType, type FieldSchema, type SparseVector } from '../schema/types.js';

/** Storage of one scalar field over internal rows. Values are already validated and converted. */
export interface ScalarColumn {
  readonly length: number;
  push(v: unknown): void;
  get(row: number): unknown;
  view(): ColumnView;
  /** Keeps rows `keep[i]` in order (compaction). */
  compact(keep: Int32Array): void;
}

type NumArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
type NumCtor = { new (n: number): NumArray };

function grow<T extends NumArray | BigInt64Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as { new (n: number): T })(Math.max(need, a.length * 2, 16));
  next.set(a as never);
  return next;
}

/** Null flags shared by the typed columns; allocated only once a null arrives. */
class Nulls {
  flags: Uint8Array | undefined;
  mark(row: number, isNull: boolean, capacity: number): void {
    if (!isNull && this.flags === undefined) return;
    this.flags = grow(this.flags ?? new Uint8Array(capacity), row + 1);
    this.flags[row] = isNull ? 1 : 0;
  }
  is(row: number): boolean {
    return this.flags !== undefined && this.flags[row] === 1;
  }
  compact(keep: Int32Array): void {
    if (!this.flags) return;
    const f = this.flags;
    const out = new Uint8Array(Math.max(keep.length, 16));
    for (let i = 0; i < keep.length; i++) out[i] = f[keep[i]!] ?? 0;
    this.flags = out;
  }
}

class NumberColumn implements ScalarColumn {
  length = 0;
  private data: NumArray;
  private readonly nulls = new Nulls();
  constructor(ctor: NumCtor) {
    this.data = new ctor(16);
  }
  push(v: unknown): void {
    this.data = grow(this.data, this.length + 1);
    this.nulls.mark(this.length, v === null, this.data.length);
    this.data[this.length++] = v === null ? 0 : (v as number);
  }
  get(row: number): unknown {
    return this.nulls.is(row) ? null : this.data[row];
  }
  view(): ColumnView {
    return { kind: 'number', values: this.data.subarray(0, this.length), nulls: this.nulls.flags };
  }
  compact(keep: Int32Array): void {
    const d = this.data;
    const out = new (d.constructor as NumCtor)(Math.max(keep.length, 16));
    for (let i = 0; i < keep.length; i++) out[i] = d[keep[i]!]!;
    this.nulls.compact(keep);
    this.data = out;
    this.length = keep.length;
  }
}

class Int64Column implements ScalarColumn {
  length = 0;
  private data = new BigInt64Array(16);
  private readonly nulls = new Nulls();
  push(v: unknown): void {
    this.data = grow(this.data, this.length + 1);
    this.nulls.mark(this.length, v === null, this.data.length);
    this.data[this.length++] = v === null ? 0n : (v as bigint);
  }
  get(row: number): unknown {
    return this.nulls.is(row) ? null : this.data[row];
  }
  view(): ColumnView {
    return { kind: 'int64', values: this.data.subarray(0, this.length), nulls: this.nulls.flags };
  }
  compact(keep: Int32Array): void {
    const d = this.data;
    const out = new BigInt64Array(Math.max(keep.length, 16));
    for (let i = 0; i < keep.length; i++) out[i] = d[keep[i]!]!;
    this.nulls.compact(keep);
    this.data = out;
    this.length = keep.length;
  }
}

class BoolColumn implements ScalarColumn {
  length = 0;
  private data = new Uint8Array(16);
  private readonly nulls = new Nulls();
  push(v: unknown): void {
    this.data = grow(this.data, this.length + 1);
    this.nulls.mark(this.length, v === null, this.data.length);
    this.data[this.length++] = v === true ? 1 : 0;
  }
  get(row: number): unknown {
    return this.nulls.is(row) ? null : this.data[row] === 1;
  }
  view(): ColumnView {
    return { kind: 'bool', values: this.data.subarray(0, this.length), nulls: this.nulls.flags };
  }
  compact(keep: Int32Array): void {
    const d = this.data;
    const out = new Uint8Array(Math.max(keep.length, 16));
    for (let i = 0; i < keep.length; i++) out[i] = d[keep[i]!]!;
    this.nulls.compact(keep);
    this.data = out;
    this.length = keep.length;
  }
}

/** Strings, JSON values, arrays and sparse vectors: plain JS arrays of values (null = null). */
class ValueColumn<T> implements ScalarColumn {
  private data: (T | null)[] = [];
  constructor(private readonly kind: 'string' | 'json' | 'array' | 'other') {}
  get length(): number {
    return this.data.length;
  }
  push(v: unknown): void {
    this.data.push(v as T | null);
  }
  get(row: number): unknown {
    return this.data[row] ?? null;
  }
  view(): ColumnView {
    if (this.kind === 'string') return { kind: 'string', values: this.data as (string | null)[] };
    if (this.kind === 'array') return { kind: 'array', values: this.data as (unknown[] | null)[] };
    return { kind: 'json', values: this.data };
  }
  compact(keep: Int32Array): void {
    const d = this.data;
    this.data = Array.from(keep, (r) => d[r] ?? null);
  }
  values(): readonly (T | null)[] {
    return this.data;
  }
}

export type SparseColumn = ValueColumn<SparseVector>;

export function createScalarColumn(field: FieldSchema): ScalarColumn {
  switch (field.data_type) {
    case DataType.Bool:
      return new BoolColumn();
    case DataType.Int8:
      return new NumberColumn(Int8Array);
    case DataType.Int16:
      return new NumberColumn(Int16Array);
    case DataType.Int32:
      return new NumberColumn(Int32Array);
    case DataType.Int64:
      return new Int64Column();
    case DataType.Float:
      return new NumberColumn(Float32Array);
    case DataType.Double:
      return new NumberColumn(Float64Array);
    case DataType.VarChar:
      return new ValueColumn<string>('string');
    case DataType.JSON:
      return new ValueColumn<unknown>('json');
    case DataType.Array:
      return new ValueColumn<unknown[]>('array');
    default:
      return new ValueColumn<unknown>('other');
  }
}

export function createSparseColumn(): SparseColumn {
  return new ValueColumn<SparseVector>('other');
}
