import { elanusError } from '../errors/index.js';
import type { SparseVector } from '../schema/types.js';
import { ByteReader, ByteWriter, readValue, writeValue } from './value-codec.js';

// One sealed column chunk = one ArrayBuffer: a 16-byte header (magic, version, codec, flags, count),
// then the payload at offset 16 so that 8-byte element types are aligned for zero-copy views.

const MAGIC = 0x47534c45; // "ELSG"
const VERSION = 1;
const HEADER = 16;
const HAS_NULLS = 1;

export enum Codec {
  /** Row-major float32 vectors. */
  Float32Vectors = 1,
  Int8 = 2,
  Int16 = 3,
  Int32 = 4,
  Float32 = 5,
  Float64 = 6,
  Int64 = 7,
  /** 0/1 bytes. */
  Bool = 8,
  Uint16 = 9,
  /** CSR: uint32 offsets[count+1], uint32 indices, float32 values. */
  Sparse = 10,
  /** Any values (strings, JSON, arrays, bytes) through the tagged value codec. */
  Values = 11,
}

type NumericArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array;

const CTOR: Partial<
  Record<Codec, { new (b: ArrayBuffer, o: number, n: number): NumericArray; BYTES_PER_ELEMENT: number }>
> = {
  [Codec.Float32Vectors]: Float32Array,
  [Codec.Int8]: Int8Array,
  [Codec.Int16]: Int16Array,
  [Codec.Int32]: Int32Array,
  [Codec.Float32]: Float32Array,
  [Codec.Float64]: Float64Array,
  [Codec.Int64]: BigInt64Array,
  [Codec.Bool]: Uint8Array,
  [Codec.Uint16]: Uint16Array,
};

const CODEC_OF: [abstract new (...args: never) => unknown, Codec][] = [
  [Int8Array, Codec.Int8],
  [Int16Array, Codec.Int16],
  [Int32Array, Codec.Int32],
  [Float32Array, Codec.Float32],
  [Float64Array, Codec.Float64],
  [BigInt64Array, Codec.Int64],
  [Uint8Array, Codec.Bool],
  [Uint16Array, Codec.Uint16],
];

function header(buf: ArrayBuffer, codec: Codec, count: number, flags: number, elements = 0): void {
  const dv = new DataView(buf);
  dv.setUint32(0, MAGIC, true);
  dv.setUint8(4, VERSION);
  dv.setUint8(5, codec);
  dv.setUint8(6, flags);
  dv.setUint32(8, count, true);
  dv.setUint32(12, elements, true);
}

/** Typed values (a slice of `values`) and optional null flags for rows [from, to). */
export function encodeTyped(
  values: NumericArray,
  from: number,
  to: number,
  nulls?: Uint8Array,
  codec?: Codec,
  rows?: number,
): ArrayBuffer {
  const c = codec ?? CODEC_OF.find(([ctor]) => values instanceof (ctor as typeof Uint8Array))?.[1];
  if (c === undefined) throw elanusError('noSegmentCodec', { type: values.constructor.name });
  const src = values.subarray(from, to);
  const count = c === Codec.Float32Vectors ? (rows ?? 0) : to - from;
  const bytes = src.byteLength;
  const padded = (bytes + 7) & ~7;
  let hasNulls = false;
  if (nulls) for (let r = from; r < to && !hasNulls; r++) hasNulls = nulls[r] === 1;
  const buf = new ArrayBuffer(HEADER + padded + (hasNulls ? count : 0));
  header(buf, c, count, hasNulls ? HAS_NULLS : 0, to - from);
  new Uint8Array(buf, HEADER, bytes).set(new Uint8Array(src.buffer, src.byteOffset, bytes));
  if (hasNulls) {
    const out = new Uint8Array(buf, HEADER + padded, count);
    for (let r = from; r < to; r++) out[r - from] = nulls?.[r] ?? 0;
  }
  return buf;
}

/** `count` row-major vectors. */
export function encodeVectors(data: Float32Array, dim: number, from: number, to: number): ArrayBuffer {
  return encodeTyped(data, from * dim, to * dim, undefined, Codec.Float32Vectors, to - from);
}

export function encodeSparse(rows: SparseVector[]): ArrayBuffer {
  let nnz = 0;
  for (const v of rows) nnz += v.indices.length;
  const count = rows.length;
  const buf = new ArrayBuffer(HEADER + 4 * (count + 1) + 8 * nnz);
  header(buf, Codec.Sparse, count, 0);
  const offsets = new Uint32Array(buf, HEADER, count + 1);
  const indices = new Uint32Array(buf, HEADER + 4 * (count + 1), nnz);
  const values = new Float32Array(buf, HEADER + 4 * (count + 1) + 4 * nnz, nnz);
  let at = 0;
  rows.forEach((v, r) => {
    offsets[r] = at;
    indices.set(v.indices, at);
    values.set(v.values, at);
    at += v.indices.length;
  });
  offsets[count] = at;
  return buf;
}

export function encodeValues(values: ArrayLike<unknown>, from: number, to: number): ArrayBuffer {
  const w = new ByteWriter();
  for (let i = 0; i < HEADER; i++) w.u8(0);
  for (let r = from; r < to; r++) writeValue(w, values[r]);
  const buf = w.result().buffer;
  header(buf, Codec.Values, to - from, 0);
  return buf;
}

export interface DecodedChunk {
  codec: Codec;
  count: number;
  /** Typed values for numeric codecs (Float32Array for vectors), otherwise the values with nulls. */
  values: ArrayLike<unknown>;
}

function corrupt(why: string): never {
  throw elanusError('corruptSegment', { why });
}

export function decodeChunk(input: ArrayBuffer | ArrayBufferView): DecodedChunk {
  const buf =
    input instanceof ArrayBuffer
      ? input
      : (input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength) as ArrayBuffer);
  if (buf.byteLength < HEADER) corrupt('too short');
  const dv = new DataView(buf);
  if (dv.getUint32(0, true) !== MAGIC || dv.getUint8(4) !== VERSION) corrupt('bad header');
  const codec = dv.getUint8(5) as Codec;
  const flags = dv.getUint8(6);
  const count = dv.getUint32(8, true);
  const ctor = CTOR[codec];
  if (ctor) {
    const n = dv.getUint32(12, true);
    const avail = buf.byteLength - HEADER - (flags & HAS_NULLS ? count : 0);
    if (n * ctor.BYTES_PER_ELEMENT > avail) corrupt('truncated values');
    const typed = new ctor(buf, HEADER, n);
    if (codec === Codec.Float32Vectors || codec === Codec.Uint16) return { codec, count, values: typed };
    const nulls =
      flags & HAS_NULLS
        ? new Uint8Array(buf, HEADER + ((n * ctor.BYTES_PER_ELEMENT + 7) & ~7), count)
        : undefined;
    if (codec === Codec.Bool) {
      return {
        codec,
        count,
        values: Array.from(typed as Uint8Array, (b, r) => (nulls?.[r] ? null : b === 1)),
      };
    }
    if (!nulls) return { codec, count, values: typed };
    return { codec, count, values: Array.from(typed as ArrayLike<unknown>, (v, r) => (nulls[r] ? null : v)) };
  }
  if (codec === Codec.Sparse) {
    const offsets = new Uint32Array(buf, HEADER, count + 1);
    const nnz = offsets[count]!;
    if (buf.byteLength < HEADER + 4 * (count + 1) + 8 * nnz) corrupt('truncated sparse rows');
    const indices = new Uint32Array(buf, HEADER + 4 * (count + 1), nnz);
    const values = new Float32Array(buf, HEADER + 4 * (count + 1) + 4 * nnz, nnz);
    const rows: SparseVector[] = new Array(count);
    for (let r = 0; r < count; r++) {
      const a = offsets[r]!;
      const b = offsets[r + 1]!;
      rows[r] = { indices: indices.slice(a, b), values: values.slice(a, b) };
    }
    return { codec, count, values: rows };
  }
  if (codec === Codec.Values) {
    const reader = new ByteReader(new Uint8Array(buf, HEADER));
    const out: unknown[] = new Array(count);
    for (let r = 0; r < count; r++) out[r] = readValue(reader);
    return { codec, count, values: out };
  }
  return corrupt(`unknown codec ${codec}`);
}
