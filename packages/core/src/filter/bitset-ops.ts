/**
 * Bitset kernels. Every `fill*` writes `out[w] = mask[w] & bits(w)` for each 32-row word `w`
 * and skips words whose mask is 0; `out` may be `mask` itself (refinement in place).
 * Masks must not cover rows >= rowCount. The numeric kernels evaluate a dense word's 32 rows
 * branch-free (reading masked-out rows, never past the column) and AND the result with the mask.
 */

export type CmpOp = 0 | 1 | 2 | 3 | 4 | 5;
export const EQ = 0;
export const NE = 1;
export const LT = 2;
export const LE = 3;
export const GT = 4;
export const GE = 5;

export const FULL = 0xffffffff;

/** Applies a comparison result (-1/0/1, or NaN when unordered) to an operator. */
export function applyCmp(op: CmpOp, c: number): boolean {
  switch (op) {
    case EQ:
      return c === 0;
    case NE:
      return c !== 0;
    case LT:
      return c < 0;
    case LE:
      return c <= 0;
    case GT:
      return c > 0;
    case GE:
      return c >= 0;
  }
}

/** Generic kernel: one test call per masked row. */
export function fillFromTest(test: (row: number) => boolean, mask: Uint32Array, out: Uint32Array): void {
  const nw = mask.length;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const base = w << 5;
    let bits = 0;
    if (m === FULL) {
      for (let j = 0; j < 32; j++) if (test(base + j)) bits |= 1 << j;
    } else {
      let r = m | 0;
      while (r !== 0) {
        const t = r & -r;
        if (test(base + 31 - Math.clz32(t))) bits |= t;
        r ^= t;
      }
    }
    out[w] = bits & m;
  }
}

/** Clears rows flagged 1 in `nulls` from `out` (masked words only). */
export function clearNulls(nulls: Uint8Array, out: Uint32Array): void {
  const nw = out.length;
  const n = nulls.length;
  for (let w = 0; w < nw; w++) {
    const m = out[w]! | 0;
    if (m === 0) continue;
    const base = w << 5;
    let nb = 0;
    if (base + 32 <= n) {
      for (let j = 0; j < 32; j++) nb |= Number(nulls[base + j] === 1) << j;
    } else {
      for (let j = 0; base + j < n; j++) nb |= Number(nulls[base + j] === 1) << j;
    }
    out[w] = m & ~nb;
  }
}

/** Whether a candidate word has enough set bits to evaluate all 32 rows branch-free. */
export function denseWord(m: number): boolean {
  let x = m - ((m >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24 >= DENSE_BITS;
}

/** Candidate words with at least this many set bits are evaluated whole. */
const DENSE_BITS = 4;

/** `nulls` when it flags at least one row, else undefined (lets kernels skip null handling). */
export function activeNulls(nulls: Uint8Array | undefined): Uint8Array | undefined {
  return nulls && nulls.indexOf(1) >= 0 ? nulls : undefined;
}

/** number column `op` constant. NaN compares unequal to everything, as in C++. */
export function fillNumCmp(
  v: ArrayLike<number>,
  op: CmpOp,
  c: number,
  nulls: Uint8Array | undefined,
  mask: Uint32Array,
  out: Uint32Array,
): void {
  const nw = mask.length;
  const len = v.length;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const b = w << 5;
    let bits = 0;
    if (b + 32 <= len && (m === FULL || denseWord(m))) {
      // Number(bool) keeps the loops branch-free (a ternary compiles to a mispredicted branch).
      switch (op) {
        case EQ:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p] === c) |
                (Number(v[p + 1] === c) << 1) |
                (Number(v[p + 2] === c) << 2) |
                (Number(v[p + 3] === c) << 3)) <<
              j;
          }
          break;
        case NE:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p] !== c) |
                (Number(v[p + 1] !== c) << 1) |
                (Number(v[p + 2] !== c) << 2) |
                (Number(v[p + 3] !== c) << 3)) <<
              j;
          }
          break;
        case LT:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p]! < c) |
                (Number(v[p + 1]! < c) << 1) |
                (Number(v[p + 2]! < c) << 2) |
                (Number(v[p + 3]! < c) << 3)) <<
              j;
          }
          break;
        case LE:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p]! <= c) |
                (Number(v[p + 1]! <= c) << 1) |
                (Number(v[p + 2]! <= c) << 2) |
                (Number(v[p + 3]! <= c) << 3)) <<
              j;
          }
          break;
        case GT:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p]! > c) |
                (Number(v[p + 1]! > c) << 1) |
                (Number(v[p + 2]! > c) << 2) |
                (Number(v[p + 3]! > c) << 3)) <<
              j;
          }
          break;
        case GE:
          for (let j = 0; j < 32; j += 4) {
            const p = b + j;
            bits |=
              (Number(v[p]! >= c) |
                (Number(v[p + 1]! >= c) << 1) |
                (Number(v[p + 2]! >= c) << 2) |
                (Number(v[p + 3]! >= c) << 3)) <<
              j;
          }
          break;
      }
    } else {
      let r = m | 0;
      while (r !== 0) {
        const t = r & -r;
        const x = v[b + 31 - Math.clz32(t)]!;
        let ok: boolean;
        switch (op) {
          case EQ:
            ok = x === c;
            break;
          case NE:
            ok = x !== c;
            break;
          case LT:
            ok = x < c;
            break;
          case LE:
            ok = x <= c;
            break;
          case GT:
            ok = x > c;
            break;
          default:
            ok = x >= c;
        }
        if (ok) bits |= t;
        r ^= t;
      }
    }
    out[w] = bits & m;
  }
  if (nulls) clearNulls(nulls, out);
}

/** number column within [lo, hi] (each end inclusive or not). */
export function fillNumRange(
  v: ArrayLike<number>,
  lo: number,
  loInc: boolean,
  hi: number,
  hiInc: boolean,
  nulls: Uint8Array | undefined,
  mask: Uint32Array,
  out: Uint32Array,
): void {
  const nw = mask.length;
  const len = v.length;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const b = w << 5;
    let bits = 0;
    if (b + 32 <= len && (m === FULL || denseWord(m))) {
      // Number(bool) keeps the loops branch-free (a ternary compiles to a mispredicted branch).
      if (loInc && hiInc)
        for (let j = 0; j < 32; j++) {
          const x = v[b + j]!;
          bits |= (Number(x >= lo) & Number(x <= hi)) << j;
        }
      else if (loInc)
        for (let j = 0; j < 32; j++) {
          const x = v[b + j]!;
          bits |= (Number(x >= lo) & Number(x < hi)) << j;
        }
      else if (hiInc)
        for (let j = 0; j < 32; j++) {
          const x = v[b + j]!;
          bits |= (Number(x > lo) & Number(x <= hi)) << j;
        }
      else
        for (let j = 0; j < 32; j++) {
          const x = v[b + j]!;
          bits |= (Number(x > lo) & Number(x < hi)) << j;
        }
    } else {
      let r = m | 0;
      while (r !== 0) {
        const t = r & -r;
        const x = v[b + 31 - Math.clz32(t)]!;
        if ((loInc ? x >= lo : x > lo) && (hiInc ? x <= hi : x < hi)) bits |= t;
        r ^= t;
      }
    }
    out[w] = bits & m;
  }
  if (nulls) clearNulls(nulls, out);
}

// Little-endian platforms (all browsers in practice) let int64 columns be read as int32 pairs,
// which avoids allocating a BigInt per row.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An int64 constant split into a signed high and unsigned low 32-bit half. */
export interface Int64Parts {
  hi: number;
  lo: number;
}

export function splitInt64(c: bigint): Int64Parts {
  return { hi: Number(BigInt.asIntN(32, c >> 32n)), lo: Number(BigInt.asUintN(32, c)) };
}

/** The int32 view of a BigInt64Array, or undefined where that trick is unavailable. */
export function int32View(v: BigInt64Array): Int32Array | undefined {
  return LITTLE_ENDIAN ? new Int32Array(v.buffer, v.byteOffset, v.length * 2) : undefined;
}

/** int64 column (as int32 pairs) `op` constant, exact over the whole int64 range. */
export function fillInt64Cmp(
  v: Int32Array,
  op: CmpOp,
  c: Int64Parts,
  nulls: Uint8Array | undefined,
  mask: Uint32Array,
  out: Uint32Array,
): void {
  const { hi, lo } = c;
  // ok[cmp + 1] says whether a row comparing -1/0/1 against the constant passes.
  const ok = new Int32Array([applyCmp(op, -1) ? 1 : 0, applyCmp(op, 0) ? 1 : 0, applyCmp(op, 1) ? 1 : 0]);
  const nw = mask.length;
  const len = v.length >>> 1;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const b = w << 5;
    let bits = 0;
    if (b + 32 <= len && (m === FULL || denseWord(m))) {
      for (let j = 0; j < 32; j++) {
        const k = (b + j) << 1;
        const h = v[k + 1]!;
        const l = v[k]! >>> 0;
        const cmp = h < hi ? 0 : h > hi ? 2 : l < lo ? 0 : l > lo ? 2 : 1;
        bits |= ok[cmp]! << j;
      }
    } else {
      let r = m | 0;
      while (r !== 0) {
        const t = r & -r;
        const k = (b + 31 - Math.clz32(t)) << 1;
        const h = v[k + 1]!;
        const l = v[k]! >>> 0;
        const cmp = h < hi ? 0 : h > hi ? 2 : l < lo ? 0 : l > lo ? 2 : 1;
        if (ok[cmp] === 1) bits |= t;
        r ^= t;
      }
    }
    out[w] = bits & m;
  }
  if (nulls) clearNulls(nulls, out);
}

/** string column `=== c` (or `!==` when `negate`); null rows never match. */
export function fillStrEq(
  v: ArrayLike<string | null>,
  c: string,
  negate: boolean,
  mask: Uint32Array,
  out: Uint32Array,
): void {
  const nw = mask.length;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const b = w << 5;
    let bits = 0;
    if (m === FULL) {
      if (negate) for (let j = 0; j < 32; j++) bits |= (v[b + j] !== c && v[b + j] != null ? 1 : 0) << j;
      else
        for (let j = 0; j < 32; j += 4) {
          const p = b + j;
          bits |=
            (Number(v[p] === c) |
              (Number(v[p + 1] === c) << 1) |
              (Number(v[p + 2] === c) << 2) |
              (Number(v[p + 3] === c) << 3)) <<
            j;
        }
    } else {
      let r = m | 0;
      while (r !== 0) {
        const t = r & -r;
        const x = v[b + 31 - Math.clz32(t)];
        if (negate ? x !== c && x != null : x === c) bits |= t;
        r ^= t;
      }
    }
    out[w] = bits & m;
  }
}

/** number column equal to one of a few constants (faster than a Set for short lists). */
export function fillNumIn(
  v: ArrayLike<number>,
  cs: Float64Array,
  nulls: Uint8Array | undefined,
  mask: Uint32Array,
  out: Uint32Array,
): void {
  const nw = mask.length;
  const k = cs.length;
  for (let w = 0; w < nw; w++) {
    const m = mask[w]!;
    if (m === 0) {
      out[w] = 0;
      continue;
    }
    const b = w << 5;
    let bits = 0;
    let r = m | 0;
    while (r !== 0) {
      const t = r & -r;
      const x = v[b + 31 - Math.clz32(t)];
      for (let i = 0; i < k; i++) {
        if (x === cs[i]) {
          bits |= t;
          break;
        }
      }
      r ^= t;
    }
    out[w] = bits & m;
  }
  if (nulls) clearNulls(nulls, out);
}
