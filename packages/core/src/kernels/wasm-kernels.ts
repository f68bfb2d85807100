import type { DenseVectorColumn } from '../indexes/types.js';
import { JsVectorColumn } from './js-column.js';
import { JsScanner } from './js-kernels.js';
import {
  type DenseMetric,
  inverseNorm,
  type KernelColumn,
  type Kernels,
  METRIC_CODE,
  ScanHelpers,
  type VectorScanner,
} from './types.js';
import { type SharedColumnOptions, WASM_BATCH, WasmVectorColumn } from './wasm-column.js';

/** Scanner over a WasmVectorColumn: every distance runs in the SIMD module, on the arena in place. */
export class WasmScanner implements VectorScanner {
  readonly metric: DenseMetric;
  readonly dim: number;
  readonly batch = WASM_BATCH;
  private readonly col: WasmVectorColumn;
  private readonly code: number;
  private readonly stride: number;
  private qRow = -1;
  private qInv = 0;
  private idView: Int32Array | null = null;
  private scoreView: Float32Array | null = null;
  private viewBuf: ArrayBufferLike | null = null;

  constructor(column: WasmVectorColumn, metric: DenseMetric) {
    this.col = column;
    this.metric = metric;
    this.code = METRIC_CODE[metric];
    this.dim = column.dim;
    this.stride = column.dim * 4;
  }

  setQuery(q: ArrayLike<number>): void {
    const c = this.col;
    c.refresh();
    c.f32.set(q, c.queryOff >>> 2);
    this.qRow = -1;
    this.qInv = inverseNorm(c.f32, c.queryOff >>> 2, this.dim);
  }

  setQueryRow(row: number): void {
    this.qRow = row;
    this.qInv = this.col.invNorm(row);
  }

  private qPtr(): number {
    return this.qRow < 0 ? this.col.queryOff : this.col.vecOff + this.qRow * this.stride;
  }

  score(row: number): number {
    const c = this.col;
    return this.col.exports.score1(this.code, this.qPtr(), c.vecOff, c.normsOff, this.qInv, this.dim, row);
  }

  pair(a: number, b: number): number {
    const c = this.col;
    return this.col.exports.score_pair(this.code, c.vecOff, c.normsOff, this.dim, a, b);
  }

  scoreRange(from: number, to: number, out: Float32Array, outOffset = 0): void {
    const c = this.col;
    const q = this.qPtr();
    while (from < to) {
      const n = Math.min(WASM_BATCH, to - from);
      this.col.exports.scan_range(
        this.code,
        q,
        c.vecOff,
        c.normsOff,
        this.qInv,
        this.dim,
        from,
        from + n,
        c.outOff,
      );
      c.refresh();
      const o = c.outOff >>> 2;
      out.set(c.f32.subarray(o, o + n), outOffset);
      outOffset += n;
      from += n;
    }
  }

  scoreRows(rows: ArrayLike<number>, count: number, out: Float32Array, outOffset = 0): void {
    const c = this.col;
    const q = this.qPtr();
    c.refresh();
    const ids = c.i32;
    const f = c.f32;
    const io = c.idsOff >>> 2;
    const o = c.outOff >>> 2;
    for (let start = 0; start < count; start += WASM_BATCH) {
      const n = Math.min(WASM_BATCH, count - start);
      for (let i = 0; i < n; i++) ids[io + i] = rows[start + i]!;
      this.col.exports.scan_rows(
        this.code,
        q,
        c.vecOff,
        c.normsOff,
        this.qInv,
        this.dim,
        c.idsOff,
        n,
        c.outOff,
      );
      for (let i = 0; i < n; i++) out[outOffset + start + i] = f[o + i]!;
    }
  }

  private views(): void {
    const c = this.col;
    c.refresh();
    if (this.viewBuf !== c.f32.buffer) {
      this.viewBuf = c.f32.buffer;
      this.idView = new Int32Array(c.f32.buffer, c.idsOff, WASM_BATCH);
      this.scoreView = new Float32Array(c.f32.buffer, c.outOff, WASM_BATCH);
    }
  }

  idBuffer(): Int32Array {
    this.views();
    return this.idView!;
  }

  scoreBuffer(): Float32Array {
    this.views();
    return this.scoreView!;
  }

  scoreBuffered(count: number): void {
    const c = this.col;
    this.col.exports.scan_rows(
      this.code,
      this.qPtr(),
      c.vecOff,
      c.normsOff,
      this.qInv,
      this.dim,
      c.idsOff,
      count,
      c.outOff,
    );
  }
}

/** Kernels backed by the WebAssembly SIMD module (compiled once, instantiated per column). */
export class WasmKernels extends ScanHelpers implements Kernels {
  readonly kind = 'wasm' as const;
  private readonly module: WebAssembly.Module;
  /** Scratch column for dot/l2sq on plain arrays. */
  private scratch: WasmVectorColumn | null = null;
  /** Set when a scan pool reads the columns: they are then made over shared memory. */
  readonly shared: SharedColumnOptions | undefined;

  constructor(module: WebAssembly.Module, shared?: SharedColumnOptions) {
    super();
    this.module = module;
    this.shared = shared;
  }

  private pairOp(a: ArrayLike<number>, b: ArrayLike<number>, l2: boolean): number {
    const n = Math.min(a.length, b.length);
    if (this.scratch === null || this.scratch.dim < n) {
      this.scratch = new WasmVectorColumn(Math.max(n, 16), this.module, 2);
    }
    const s = this.scratch;
    s.refresh();
    const pa = s.vecOff;
    const pb = s.vecOff + s.dim * 4;
    for (let i = 0; i < n; i++) {
      s.f32[(pa >>> 2) + i] = a[i]!;
      s.f32[(pb >>> 2) + i] = b[i]!;
    }
    return l2 ? s.exports.l2sq(pa, pb, n) : s.exports.dot(pa, pb, n);
  }

  dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return this.pairOp(a, b, false);
  }

  l2sq(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return this.pairOp(a, b, true);
  }

  createColumn(dim: number): KernelColumn {
    try {
      return new WasmVectorColumn(dim, this.module, undefined, this.shared);
    } catch (e) {
      // Browsers cap the address space reserved for WebAssembly memories (Chromium: about 120 live ones);
      // past it a column lives in a plain array and is scanned by the JS kernels, slower but working.
      if (e instanceof RangeError) return new JsVectorColumn(dim);
      throw e;
    }
  }

  scanner(column: DenseVectorColumn, metric: DenseMetric): VectorScanner {
    if (column instanceof WasmVectorColumn) return new WasmScanner(column, metric);
    return new JsScanner(column, metric);
  }
}
