import { elanusError } from '../errors/index.js';
import type { MetricType } from '../schema/types.js';

// Binary headers of serialized indexes: a Float64Array of [magic, version, ...fields].

// Append only: codes are stored in serialized indexes.
const METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE', 'BM25', 'HAMMING', 'JACCARD'];

export function metricCode(m: MetricType): number {
  return METRICS.indexOf(m);
}

export function metricFromCode(c: number): MetricType {
  const m = METRICS[c];
  if (m === undefined) throw elanusError('corruptIndexMetric', { metric: c });
  return m;
}

const magicOf = (tag: string): number =>
  tag.charCodeAt(0) | (tag.charCodeAt(1) << 8) | (tag.charCodeAt(2) << 16) | (tag.charCodeAt(3) << 24);

export function writeHeader(tag: string, version: number, fields: number[]): ArrayBuffer {
  return Float64Array.from([magicOf(tag), version, ...fields]).buffer;
}

/** The 4-character tag of a serialized index (its first part), or null. */
export function readTag(buf: ArrayBuffer | undefined): string | null {
  if (buf === undefined || buf.byteLength < 16) return null;
  const m = new Float64Array(buf, 0, 1)[0]!;
  return String.fromCharCode(m & 255, (m >>> 8) & 255, (m >>> 16) & 255, (m >>> 24) & 255);
}

/** Fields after [magic, version]; throws on a wrong tag or version. */
export function readHeader(buf: ArrayBuffer | undefined, tag: string, version: number): Float64Array {
  if (buf === undefined || buf.byteLength < 16 || buf.byteLength % 8 !== 0) {
    throw elanusError('corruptIndexHeader', { tag });
  }
  const h = new Float64Array(buf);
  if (h[0] !== magicOf(tag) || h[1] !== version) {
    throw elanusError('corruptIndexTag', { tag, version });
  }
  return h.subarray(2);
}

/** A compact copy of a typed array's used part, as its own ArrayBuffer. */
export function part(a: Int32Array | Uint32Array | Float32Array | Uint8Array, length: number): ArrayBuffer {
  return a.slice(0, length).buffer as ArrayBuffer;
}

export function partAt(parts: ArrayBuffer[], i: number, what: string): ArrayBuffer {
  const p = parts[i];
  if (p === undefined) throw elanusError('corruptIndexPart', { part: i, what });
  return p;
}
