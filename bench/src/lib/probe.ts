/**
 * Single-core memory-bandwidth probes: a WebAssembly SIMD read loop (assembled here, byte by byte), a plain
 * JS read loop with 4 accumulators, and a typed-array copy. Buffers are far larger than the last-level cache.
 */

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const V128_LOAD = (offset: number) => [0xfd, 0x00, 4, ...leb(offset)];
const I32X4_ADD = [0xfd, ...leb(174)];
const I32X4_EXTRACT = (lane: number) => [0xfd, ...leb(27), lane];

/**
 * (module (import "e" "m" (memory 1))
 *   (func (export "read") (param $p i32) (param $end i32) (result i32) — 4 × v128 loads per 64 bytes into
 *   4 i32x4 accumulators, then a horizontal sum (so the loads cannot be dropped).
 */
export function readProbeWasm(): Uint8Array<ArrayBuffer> {
  const body: number[] = [];
  body.push(1, 4, 0x7b); // 4 locals of v128 (indices 2..5)
  body.push(0x03, 0x40); // loop
  for (let k = 0; k < 4; k++) {
    body.push(0x20, 2 + k, 0x20, 0, ...V128_LOAD(16 * k), ...I32X4_ADD, 0x21, 2 + k);
  }
  body.push(0x20, 0, 0x41, 0xc0, 0x00, 0x6a, 0x22, 0); // p += 64 (tee; signed LEB128 of 64)
  body.push(0x20, 1, 0x49, 0x0d, 0); // br_if loop (p < end)
  body.push(0x0b); // end loop
  body.push(0x20, 2, 0x20, 3, ...I32X4_ADD, 0x20, 4, ...I32X4_ADD, 0x20, 5, ...I32X4_ADD, 0x21, 2);
  body.push(0x20, 2, ...I32X4_EXTRACT(0), 0x20, 2, ...I32X4_EXTRACT(1), 0x6a);
  body.push(0x20, 2, ...I32X4_EXTRACT(2), 0x6a, 0x20, 2, ...I32X4_EXTRACT(3), 0x6a);
  body.push(0x0b);
  const fn = [...leb(body.length), ...body];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
    ...section(2, [1, 1, 0x65, 1, 0x6d, 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...Array.from('read', (c) => c.charCodeAt(0)), 0x00, 0]),
    ...section(10, [1, ...fn]),
  ];
  return new Uint8Array(bytes);
}

export interface ReadProbe {
  readonly bytes: number;
  /** One pass over the buffer. */
  run(): number;
}

/** WASM SIMD read of `bytes` (rounded to 64) of its own memory; `fill` may copy data in (e.g. the vectors). */
export function wasmReadProbe(bytes: number, fill?: Float32Array): ReadProbe | null {
  const code = readProbeWasm();
  if (!WebAssembly.validate(code)) return null;
  const n = Math.ceil(bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: n, maximum: n });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(code), { e: { m: memory } });
  const read = inst.exports.read as (p: number, end: number) => number;
  const len = Math.floor(bytes / 64) * 64;
  const f = new Float32Array(memory.buffer, 0, len / 4);
  if (fill) f.set(fill.subarray(0, len / 4));
  else for (let i = 0; i < f.length; i += 1024) f[i] = i;
  return { bytes: len, run: () => read(0, len) };
}

/** Plain JS read of a Float64Array with 4 independent accumulators. */
export function jsReadProbe(bytes: number): ReadProbe {
  const a = new Float64Array(Math.floor(bytes / 32) * 4);
  for (let i = 0; i < a.length; i += 512) a[i] = i;
  return {
    bytes: a.length * 8,
    run: () => {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < a.length; i += 4) {
        s0 += a[i]!;
        s1 += a[i + 1]!;
        s2 += a[i + 2]!;
        s3 += a[i + 3]!;
      }
      return s0 + s1 + s2 + s3;
    },
  };
}

/** TypedArray.prototype.set copy (memcpy): `bytes` counts read + written bytes. */
export function copyProbe(bytes: number): ReadProbe {
  const src = new Float64Array(Math.floor(bytes / 16));
  const dst = new Float64Array(src.length);
  for (let i = 0; i < src.length; i += 512) src[i] = i;
  return {
    bytes: src.length * 16,
    run: () => {
      dst.set(src);
      return dst[dst.length - 1]!;
    },
  };
}
