import { elanusError, invalidParam } from '../../errors/index.js';
import type { SparseVector } from '../../schema/types.js';

const MAGIC = 0x44544c45; // "ELTD" little-endian
const VERSION = 1;
const HEADER_BYTES = 12;

/**
 * Maps terms to dense uint32 ids (0, 1, 2... in order of first insertion). The engine's BM25
 * function uses the ids as sparse-vector dimensions, so ids never change once given.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  private readonly terms: string[] = [];

  get size(): number {
    return this.terms.length;
  }

  /** The id of `term`, or `undefined` if it was never added. */
  get(term: string): number | undefined {
    return this.ids.get(term);
  }

  /** The id of `term`, adding it with the next free id if new. */
  getOrAdd(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      if (id > 0xffffffff) throw elanusError('termDictionaryFull', {});
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  /** The term with id `id`, or `undefined`. */
  term(id: number): string | undefined {
    return this.terms[id];
  }

  /**
   * Binary form: header (magic, version, count: uint32 LE), then count+1 uint32 byte offsets,
   * then the UTF-8 bytes of all terms back to back. Offsets make loading a single decode.
   */
  serialize(): ArrayBuffer {
    const enc = new TextEncoder();
    const n = this.terms.length;
    // Encoded per term so byte offsets stay exact even for odd strings (lone surrogates).
    const parts = this.terms.map((t) => enc.encode(t));
    let total = 0;
    for (const p of parts) total += p.byteLength;
    const dataStart = HEADER_BYTES + (n + 1) * 4;
    const buf = new ArrayBuffer(dataStart + total);
    const dv = new DataView(buf);
    const out = new Uint8Array(buf);
    dv.setUint32(0, MAGIC, true);
    dv.setUint32(4, VERSION, true);
    dv.setUint32(8, n, true);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      dv.setUint32(HEADER_BYTES + i * 4, pos, true);
      const p = parts[i]!;
      out.set(p, dataStart + pos);
      pos += p.byteLength;
    }
    dv.setUint32(HEADER_BYTES + n * 4, pos, true);
    return buf;
  }

  static deserialize(buffer: ArrayBuffer | ArrayBufferView): TermDictionary {
    const u8 = ArrayBuffer.isView(buffer)
      ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      : new Uint8Array(buffer);
    if (u8.byteLength < HEADER_BYTES) invalidParam('buffer', 'a serialized TermDictionary', buffer);
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    if (dv.getUint32(0, true) !== MAGIC)
      invalidParam('buffer', 'a serialized TermDictionary (magic ELTD)', buffer);
    const version = dv.getUint32(4, true);
    if (version !== VERSION) invalidParam('buffer.version', `${VERSION}`, version);
    const n = dv.getUint32(8, true);
    const dataStart = HEADER_BYTES + (n + 1) * 4;
    if (u8.byteLength < dataStart) invalidParam('buffer', 'a complete serialized TermDictionary', buffer);
    const dataLen = dv.getUint32(HEADER_BYTES + n * 4, true);
    if (u8.byteLength < dataStart + dataLen)
      invalidParam('buffer', 'a complete serialized TermDictionary', buffer);
    const dec = new TextDecoder('utf-8', { fatal: true });
    const dict = new TermDictionary();
    let prev = dv.getUint32(HEADER_BYTES, true);
    for (let i = 0; i < n; i++) {
      const next = dv.getUint32(HEADER_BYTES + (i + 1) * 4, true);
      const term = dec.decode(u8.subarray(dataStart + prev, dataStart + next));
      if (dict.getOrAdd(term) !== i) invalidParam('buffer', 'unique terms', term);
      prev = next;
    }
    return dict;
  }
}

/** bm25Vector's scratch: per-term-id counts (all zero between calls) and touched ids. */
let scratchCounts = new Uint32Array(1024);
let scratchTouched = new Uint32Array(64);

/**
 * Term-count sparse vector for one analysed text, as Milvus's BM25 function produces for a
 * document: `values[k]` is how often term `indices[k]` occurs; indices ascending.
 * With `grow: false` (queries), tokens unknown to `dict` are skipped instead of added.
 */
export function bm25Vector(
  tokens: readonly string[],
  dict: TermDictionary,
  opts: { grow: boolean },
): SparseVector {
  // Counts in a reusable array indexed by term id (ids are dense), plus the list of ids touched.
  let touched = scratchTouched;
  if (touched.length < tokens.length) touched = scratchTouched = new Uint32Array(tokens.length * 2);
  let n = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const id = opts.grow ? dict.getOrAdd(t) : dict.get(t);
    if (id === undefined) continue;
    let counts = scratchCounts;
    if (id >= counts.length) {
      const next = new Uint32Array(Math.max(id + 1, counts.length * 2));
      next.set(counts);
      counts = scratchCounts = next;
    }
    const c = counts[id]!;
    if (c === 0) touched[n++] = id;
    counts[id] = c + 1;
  }
  const indices = touched.slice(0, n).sort();
  const values = new Float32Array(n);
  const counts = scratchCounts;
  for (let i = 0; i < n; i++) {
    const id = indices[i]!;
    values[i] = counts[id]!;
    counts[id] = 0;
  }
  return { indices, values };
}
