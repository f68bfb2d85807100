import { type ElanusError, elanusError } from '../errors/index.js';

// A small tagged binary form of the values Elanus stores (what IndexedDB's structured clone keeps for
// us in the browser): used where bytes must leave IndexedDB (export files) and for the columns whose
// values are not one typed array (strings, JSON, arrays, dynamic fields). Little-endian throughout.

enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Float64 = 4,
  Int32 = 5,
  BigInt = 6,
  String = 7,
  Array = 8,
  Object = 9,
  ArrayBuffer = 10,
  TypedArray = 11,
  Map = 12,
}

type TypedCtor = { new (buffer: ArrayBuffer): ArrayBufferView; readonly BYTES_PER_ELEMENT: number };
const TYPED: readonly TypedCtor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as unknown as TypedCtor[];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Growable output buffer. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.length + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    // Worst case 3 bytes per UTF-16 unit; encodeInto avoids an intermediate array.
    this.reserve(4 + s.length * 3);
    const at = this.length + 4;
    const { written } = utf8.encodeInto(s, this.buf.subarray(at));
    this.view.setUint32(this.length, written, true);
    this.length = at + written;
  }
  /** The bytes written so far (a copy that owns its buffer). */
  result(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  private readonly view: DataView;
  pos = 0;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt('unexpected end of data');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  string(): string {
    return fromUtf8.decode(this.bytes(this.u32()));
  }
}

function corrupt(why: string): ElanusError {
  return elanusError('corruptValue', { why });
}

/** Appends one value. Throws `StorageError` on what Elanus never stores (functions, symbols, class instances). */
export function writeValue(w: ByteWriter, v: unknown): void {
  switch (typeof v) {
    case 'undefined':
      w.u8(Tag.Undefined);
      return;
    case 'boolean':
      w.u8(v ? Tag.True : Tag.False);
      return;
    case 'number':
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0)) {
        w.u8(Tag.Int32);
        w.i32(v);
      } else {
        w.u8(Tag.Float64);
        w.f64(v);
      }
      return;
    case 'bigint':
      w.u8(Tag.BigInt);
      w.string(v.toString());
      return;
    case 'string':
      w.u8(Tag.String);
      w.string(v);
      return;
    case 'object': {
      if (v === null) {
        w.u8(Tag.Null);
        return;
      }
      if (Array.isArray(v)) {
        w.u8(Tag.Array);
        w.u32(v.length);
        for (let i = 0; i < v.length; i++) writeValue(w, v[i]);
        return;
      }
      if (v instanceof ArrayBuffer) {
        w.u8(Tag.ArrayBuffer);
        w.u32(v.byteLength);
        w.bytes(new Uint8Array(v));
        return;
      }
      if (ArrayBuffer.isView(v)) {
        const code = TYPED.findIndex((c) => v instanceof (c as unknown as typeof Uint8Array));
        if (code < 0) throw elanusError('cannotStore', { type: v.constructor.name });
        w.u8(Tag.TypedArray);
        w.u8(code);
        w.u32(v.byteLength);
        w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        return;
      }
      if (v instanceof Map) {
        w.u8(Tag.Map);
        w.u32(v.size);
        for (const [k, x] of v) {
          writeValue(w, k);
          writeValue(w, x);
        }
        return;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw elanusError('cannotStore', { type: proto?.constructor?.name ?? 'class instance' });
      }
      const keys = Object.keys(v);
      w.u8(Tag.Object);
      w.u32(keys.length);
      for (const k of keys) {
        w.string(k);
        writeValue(w, (v as Record<string, unknown>)[k]);
      }
      return;
    }
    default:
      throw elanusError('cannotStore', { type: typeof v });
  }
}

export function readValue(r: ByteReader): unknown {
  const tag = r.u8();
  switch (tag) {
    case Tag.Undefined:
      return undefined;
    case Tag.Null:
      return null;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.Int32:
      return r.i32();
    case Tag.Float64:
      return r.f64();
    case Tag.BigInt:
      return BigInt(r.string());
    case Tag.String:
      return r.string();
    case Tag.Array: {
      const n = r.u32();
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r);
      return out;
    }
    case Tag.Object: {
      const n = r.u32();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = r.string();
        // defineProperty: a stored "__proto__" key stays data instead of changing the prototype.
        Object.defineProperty(out, k, {
          value: readValue(r),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case Tag.ArrayBuffer:
      return r.bytes(r.u32()).slice().buffer;
    case Tag.TypedArray: {
      const ctor = TYPED[r.u8()];
      if (!ctor) throw corrupt('unknown typed array');
      const bytes = r.bytes(r.u32());
      if (bytes.length % ctor.BYTES_PER_ELEMENT !== 0) throw corrupt('typed array length');
      // A copy: aligned for the element type and independent of the file's buffer.
      return new ctor(bytes.slice().buffer);
    }
    case Tag.Map: {
      const n = r.u32();
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const k = readValue(r);
        m.set(k, readValue(r));
      }
      return m;
    }
    default:
      throw corrupt(`unknown tag ${tag}`);
  }
}

export function encodeValue(v: unknown): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter();
  writeValue(w, v);
  return w.result();
}

export function decodeValue(bytes: Uint8Array): unknown {
  const r = new ByteReader(bytes);
  const v = readValue(r);
  if (r.pos !== bytes.length) throw corrupt('trailing bytes');
  return v;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), to detect a damaged or truncated export file. */
export function crc32(data: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
