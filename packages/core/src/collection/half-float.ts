// Float16 / BFloat16 bit conversions for the compact vector types (Float16Vector, BFloat16Vector).
// Encoding matches @zilliz/milvus2-sdk-node, so a number[] stored here has the bits the SDK would send:
// float16 rounds the double directly to nearest, ties to even (as @petamoriken/float16 and numpy do);
// bfloat16 rounds to float32 and keeps its upper 16 bits (the SDK's f32ArrayToBf16Bytes truncates).

/** Largest finite float16. */
export const F16_MAX = 65504;
const TWO_52 = 2 ** 52;

/** Rounds a non-negative double below 2^52 to an integer, ties to even (the FPU's own rounding). */
const rint = (x: number): number => x + TWO_52 - TWO_52;

/**
 * The float16 bits nearest to `x` (ties to even), or -1 when `x` is not finite or rounds beyond ±65504
 * (the caller names the value in its error).
 */
export function f16Bits(x: number): number {
  if (!Number.isFinite(x)) return -1;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  // Subnormals (and zero): multiples of 2^-24; 1024 of them rounds up to the smallest normal, 0x0400.
  if (a < 2 ** -14) return sign | rint(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one next to a power of two: fix it so that 2^e <= a < 2^(e+1).
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = rint((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return -1;
  return sign | ((e + 15) << 10) | m;
}

let f16Table: Float32Array | undefined;

/** float16 bits → value, for all 65536 patterns (256 KiB, built on first use). */
function table(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] =
      e === 0
        ? s * m * 2 ** -24
        : e === 31
          ? m
            ? Number.NaN
            : s * Infinity
          : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  f16Table = t;
  return t;
}

/** Decodes `n` float16 values of `src` from `from` into `out` at `at`. */
export function decodeF16(src: Uint16Array, from: number, n: number, out: Float32Array, at = 0): void {
  const t = table();
  for (let i = 0; i < n; i++) out[at + i] = t[src[from + i]!]!;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bfloat16 bits of `x` as the Node SDK makes them (float32, upper half), or -1 when not finite. */
export function bf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]! >>> 16;
  // Exponent all ones: Infinity or NaN (a finite double beyond float32 range lands here too).
  return (b & 0x7f80) === 0x7f80 ? -1 : b;
}

/** Decodes `n` bfloat16 values of `src` from `from` into `out` at `at`. */
export function decodeBf16(src: Uint16Array, from: number, n: number, out: Float32Array, at = 0): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset + at * 4, n);
  for (let i = 0; i < n; i++) bits[i] = src[from + i]! << 16;
}

/** Whether float16 bits are Infinity or NaN. */
export const f16NotFinite = (h: number): boolean => (h & 0x7c00) === 0x7c00;
/** Whether bfloat16 bits are Infinity or NaN. */
export const bf16NotFinite = (h: number): boolean => (h & 0x7f80) === 0x7f80;
