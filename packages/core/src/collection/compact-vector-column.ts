import type { DenseVectorColumn } from '../indexes/types.js';
import { DataType, type FieldSchema } from '../schema/types.js';
import { decodeBf16, decodeF16 } from './half-float.js';

/** The stored form of a compact vector: float16 / bfloat16 bits, or int8 values. */
export type CompactVector = Uint16Array | Int8Array;
type Codes = CompactVector;

/**
 * A Float16Vector / BFloat16Vector / Int8Vector field: the compact codes (2 or 1 bytes a dimension) are
 * the column of record — stored, persisted, logged and returned — and `scan`, a float32 column of the
 * same rows decoded, is what the indexes and the float32 kernels read. The decoded copy is still held
 * (4 bytes a dimension more) until there are kernels that read half floats and int8 directly.
 */
export class CompactVectorColumn {
  readonly dim: number;
  length = 0;
  private codes: Codes;
  private readonly decode: (src: Codes, from: number, n: number, out: Float32Array, at?: number) => void;
  private readonly scratch: Float32Array;

  constructor(
    field: FieldSchema,
    readonly scan: DenseVectorColumn,
  ) {
    this.dim = field.dim!;
    const int8 = field.data_type === DataType.Int8Vector;
    this.codes = int8 ? new Int8Array(16 * this.dim) : new Uint16Array(16 * this.dim);
    this.decode =
      field.data_type === DataType.Float16Vector
        ? (decodeF16 as typeof this.decode)
        : field.data_type === DataType.BFloat16Vector
          ? (decodeBf16 as typeof this.decode)
          : decodeInt8;
    this.scratch = new Float32Array(this.dim);
  }

  private reserve(rows: number): void {
    const need = rows * this.dim;
    if (need <= this.codes.length) return;
    const next = new (this.codes.constructor as { new (n: number): Codes })(
      Math.max(need, this.codes.length * 2),
    );
    next.set(this.codes as never);
    this.codes = next;
  }

  /** Appends one row's codes (already validated by `toCompactVector`). */
  push(v: CompactVector): void {
    this.reserve(this.length + 1);
    this.codes.set(v as never, this.length * this.dim);
    this.decode(v, 0, this.dim, this.scratch);
    this.scan.push(this.scratch);
    this.length++;
  }

  /** Appends `count` stored rows, row-major (persistence). */
  pushMany(rows: CompactVector, count: number): void {
    this.reserve(this.length + count);
    this.codes.set(rows.subarray(0, count * this.dim) as never, this.length * this.dim);
    const dense = this.scan as DenseVectorColumn & { pushMany?: (rows: Float32Array, count: number) => void };
    // Decoded in blocks, so a large restore never holds a second full float32 copy.
    const block = Math.max(1, Math.floor(65536 / this.dim));
    const buf = new Float32Array(block * this.dim);
    for (let r = 0; r < count; r += block) {
      const n = Math.min(block, count - r);
      this.decode(rows, r * this.dim, n * this.dim, buf);
      if (dense.pushMany) dense.pushMany(buf.subarray(0, n * this.dim), n);
      else for (let k = 0; k < n; k++) dense.push(buf.subarray(k * this.dim, (k + 1) * this.dim));
    }
    this.length += count;
  }

  /** A copy of one row's codes (the stored form). */
  get(row: number): CompactVector {
    return this.codes.slice(row * this.dim, (row + 1) * this.dim);
  }

  /** The codes of every row, row-major (a view: invalidated by `push`). */
  data(): CompactVector {
    return this.codes.subarray(0, this.length * this.dim);
  }

  /** Bytes held per row: the codes and the float32 scan copy. */
  bytesPerRow(): { codes: number; scan: number } {
    return { codes: this.dim * this.codes.BYTES_PER_ELEMENT, scan: this.dim * 4 };
  }

  compact(keep: Int32Array): void {
    const d = this.dim;
    const out = new (this.codes.constructor as { new (n: number): Codes })(Math.max(keep.length, 16) * d);
    for (let i = 0; i < keep.length; i++) {
      const r = keep[i]!;
      out.set(this.codes.subarray(r * d, (r + 1) * d) as never, i * d);
    }
    this.codes = out;
    this.length = keep.length;
    this.scan.compact(keep);
  }
}

function decodeInt8(src: Codes, from: number, n: number, out: Float32Array, at = 0): void {
  for (let i = 0; i < n; i++) out[at + i] = src[from + i]!;
}
