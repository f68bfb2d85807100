import { elanusError } from '../errors/index.js';
import { checkDim } from './js-column.js';
import { inverseNorm, type KernelColumn } from './types.js';

/** Rows a scanner can score in one kernel call (size of the id and score scratch). */
export const WASM_BATCH = 4096;

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit.
/**
 * Least maximum of a shared memory (16 MiB). A shared memory cannot move, so browsers reserve address
 * space for its whole maximum up front: 4 GiB each ran out after a few dozen columns in Chromium. A shared
 * column therefore starts with a small maximum and moves to a larger memory when it outgrows it.
 */
const SHARED_MIN_MAX_PAGES = 256;

/** The exports of kernels.wat. Pointers are byte offsets into the column's memory. */
export interface KernelExports {
  dot(a: number, b: number, n: number): number;
  l2sq(a: number, b: number, n: number): number;
  score1(
    metric: number,
    q: number,
    base: number,
    norms: number,
    qinv: number,
    dim: number,
    row: number,
  ): number;
  score_pair(metric: number, base: number, norms: number, dim: number, a: number, b: number): number;
  scan_range(
    metric: number,
    q: number,
    base: number,
    norms: number,
    qinv: number,
    dim: number,
    from: number,
    to: number,
    out: number,
  ): void;
  scan_rows(
    metric: number,
    q: number,
    base: number,
    norms: number,
    qinv: number,
    dim: number,
    ids: number,
    n: number,
    out: number,
  ): void;
}

const align16 = (n: number): number => (n + 15) & ~15;

/** Queries a pool worker scores per pass over the rows (`scan_range_multi`). */
export const SLOT_QUERIES = 16;

/**
 * Scratch of one scan-pool worker inside a shared column: up to SLOT_QUERIES queries and their inverse
 * norms, row ids and scores.
 */
export interface ScanSlot {
  queryOff: number;
  qinvOff: number;
  idsOff: number;
  outOff: number;
}

/** A column over shared memory (SharedArrayBuffer) that `slots` pool workers scan at once. */
export interface SharedColumnOptions {
  /** The kernels assembled against a shared memory import. */
  module: WebAssembly.Module;
  /** Workers that may scan concurrently: each gets its own scratch slot. */
  slots: number;
}

/**
 * A dense column whose arena is a region of its own WebAssembly memory, so the SIMD kernels scan it
 * in place. Layout: [query | row-id scratch | score scratch | vectors (cap rows) | inverse norms (cap)].
 * Growing moves the norms up and replaces `memory.buffer`: every view is re-derived after a grow.
 * A shared column (scan pool) puts one scratch slot per pool worker between the scratch and the vectors.
 */
export class WasmVectorColumn implements KernelColumn {
  readonly dim: number;
  /** The kernels' instance over `memory`; replaced when a shared column moves to a larger memory. */
  exports!: KernelExports;
  memory!: WebAssembly.Memory;
  /** Bumped whenever `memory` is replaced (a shared column outgrew its maximum): pool workers re-attach. */
  memoryEpoch = 0;
  private readonly module: WebAssembly.Module;
  private maxPages = MAX_PAGES;
  readonly queryOff = 0;
  readonly idsOff: number;
  readonly outOff: number;
  readonly vecOff: number;
  /** Byte offset of the inverse norms; moves when the arena grows. */
  normsOff: number;
  private cap: number;
  private n = 0;
  private buf!: ArrayBuffer;
  /** Views over the whole memory; re-derived whenever memory.buffer changes. */
  f32!: Float32Array;
  i32!: Int32Array;
  private dataView: Float32Array | null = null;
  /** Pool workers' scratch (empty for a private column). */
  readonly slots: readonly ScanSlot[];
  /**
   * Whether the memory is shared (a SharedArrayBuffer the scan pool's workers read in place). False when
   * a shared memory could not be had (address space): the column then works alone, the pool declines it.
   */
  shared: boolean;

  constructor(dim: number, module: WebAssembly.Module, capacity = 64, shared?: SharedColumnOptions) {
    if (!Number.isInteger(dim) || dim <= 0) {
      throw elanusError('invalidDim', { got: dim });
    }
    this.dim = dim;
    const scratch = align16(dim * 4) + WASM_BATCH * 8;
    this.idsOff = align16(dim * 4);
    this.outOff = this.idsOff + WASM_BATCH * 4;
    const slots: ScanSlot[] = [];
    const queries = align16(SLOT_QUERIES * dim * 4);
    const slotBytes = queries + align16(SLOT_QUERIES * 4) + WASM_BATCH * 8;
    for (let i = 0; i < (shared?.slots ?? 0); i++) {
      const q = scratch + slotBytes * i;
      const qinv = q + queries;
      const ids = qinv + align16(SLOT_QUERIES * 4);
      slots.push({ queryOff: q, qinvOff: qinv, idsOff: ids, outOff: ids + WASM_BATCH * 4 });
    }
    this.slots = slots;
    this.vecOff = scratch + slotBytes * slots.length;
    this.cap = Math.max(1, capacity);
    this.normsOff = align16(this.vecOff + this.cap * dim * 4);
    const pages = Math.ceil((this.normsOff + this.cap * 4) / PAGE);
    this.shared = false;
    this.module = module;
    if (shared) {
      try {
        const maxPages = Math.min(MAX_PAGES, Math.max(SHARED_MIN_MAX_PAGES, pages * 2));
        this.attach(
          new WebAssembly.Memory({ initial: pages, maximum: maxPages, shared: true }),
          shared.module,
        );
        this.maxPages = maxPages;
        this.module = shared.module;
        this.shared = true;
      } catch {
        // No shared memory here (address space, or none at all): a private one, scanned on this thread.
      }
    }
    if (!this.shared) this.attach(new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES }), module);
  }

  private attach(memory: WebAssembly.Memory, module: WebAssembly.Module): void {
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    this.memory = memory;
    this.exports = inst.exports as unknown as KernelExports;
    this.refresh();
  }

  /** A shared column outgrew its memory's maximum: copies everything into a larger shared memory. */
  private moveTo(pages: number): void {
    const maxPages = Math.min(MAX_PAGES, Math.max(pages, this.maxPages * 2));
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages, shared: true });
    } catch (e) {
      throw elanusError('wasmGrowFailed', { bytes: pages * PAGE, error: e });
    }
    const old = new Uint8Array(this.memory.buffer);
    new Uint8Array(memory.buffer).set(old);
    this.attach(memory, this.module);
    this.maxPages = maxPages;
    this.memoryEpoch++;
  }

  get length(): number {
    return this.n;
  }

  /** Re-derives the views if memory grew (a grow detaches the old ArrayBuffer). */
  refresh(): void {
    const b = this.memory.buffer as ArrayBuffer;
    if (b !== this.buf) {
      this.buf = b;
      this.f32 = new Float32Array(b);
      this.i32 = new Int32Array(b);
      this.dataView = null;
    }
  }

  reserve(rows: number): void {
    if (rows <= this.cap) return;
    const next = Math.max(rows, this.cap < 65536 ? this.cap * 2 : Math.ceil(this.cap * 1.5));
    const normsOff = align16(this.vecOff + next * this.dim * 4);
    const bytes = normsOff + next * 4;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) {
      throw elanusError('wasmMemoryLimit', { rows, dim: this.dim });
    }
    const have = this.memory.buffer.byteLength / PAGE;
    if (this.shared && pages > this.maxPages) this.moveTo(pages);
    else if (pages > have) {
      try {
        this.memory.grow(pages - have);
      } catch (e) {
        throw elanusError('wasmGrowFailed', { bytes, error: e });
      }
    }
    this.refresh();
    // Norms sit after the vectors: move them up (copyWithin is memmove-safe).
    this.f32.copyWithin(normsOff >>> 2, this.normsOff >>> 2, (this.normsOff >>> 2) + this.n);
    this.normsOff = normsOff;
    this.cap = next;
    this.dataView = null;
  }

  push(v: ArrayLike<number>): void {
    checkDim(v.length, this.dim);
    this.reserve(this.n + 1);
    this.refresh();
    const off = (this.vecOff >>> 2) + this.n * this.dim;
    this.f32.set(v, off);
    this.f32[(this.normsOff >>> 2) + this.n] = inverseNorm(this.f32, off, this.dim);
    this.n++;
    this.dataView = null;
  }

  pushMany(rows: Float32Array, count: number): void {
    checkDim(rows.length, count * this.dim);
    this.reserve(this.n + count);
    this.refresh();
    const base = this.vecOff >>> 2;
    this.f32.set(rows.subarray(0, count * this.dim), base + this.n * this.dim);
    const nb = this.normsOff >>> 2;
    for (let i = this.n; i < this.n + count; i++) {
      this.f32[nb + i] = inverseNorm(this.f32, base + i * this.dim, this.dim);
    }
    this.n += count;
    this.dataView = null;
  }

  get(row: number): Float32Array {
    this.refresh();
    const off = (this.vecOff >>> 2) + row * this.dim;
    return this.f32.slice(off, off + this.dim);
  }

  data(): Float32Array {
    this.refresh();
    if (this.dataView === null || this.dataView.length !== this.n * this.dim) {
      this.dataView = new Float32Array(this.buf, this.vecOff, this.n * this.dim);
    }
    return this.dataView;
  }

  invNorm(row: number): number {
    this.refresh();
    return this.f32[(this.normsOff >>> 2) + row]!;
  }

  compact(keep: Int32Array): void {
    this.refresh();
    const d = this.dim;
    const base = this.vecOff >>> 2;
    const nb = this.normsOff >>> 2;
    const f = this.f32;
    for (let i = 0; i < keep.length; i++) {
      const old = keep[i]!;
      if (old !== i) {
        f.copyWithin(base + i * d, base + old * d, base + old * d + d);
        f[nb + i] = f[nb + old]!;
      }
    }
    this.n = keep.length;
    this.dataView = null;
  }

  memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}
