import type { BatchSearchStats } from '../../engine/batch-search.js';
import type { DenseVectorColumn } from '../../indexes/types.js';
import type { KernelColumn } from '../types.js';
import { inverseNorm } from '../types.js';
import { COPY_DST, type GpuBuffer, type GpuDevice, maxBindingSize, STORAGE } from './gpu-api.js';

/** One column's vectors and inverse norms on the GPU. */
export interface Resident {
  version: number;
  /** Rows uploaded. */
  n: number;
  /** Rows the buffers hold. */
  cap: number;
  dim: number;
  rows: GpuBuffer;
  inv: GpuBuffer;
  bytes: number;
  used: number;
}

/** Inverse norms of rows [from, to), from the column's own cache when it keeps one. */
function invNorms(column: DenseVectorColumn, from: number, to: number): Float32Array {
  const out = new Float32Array(to - from);
  const kc = column as Partial<KernelColumn>;
  if (typeof kc.invNorm === 'function') {
    for (let r = from; r < to; r++) out[r - from] = kc.invNorm(r);
  } else {
    const data = column.data();
    for (let r = from; r < to; r++) out[r - from] = inverseNorm(data, r * column.dim, column.dim);
  }
  return out;
}

/**
 * Column copies kept on the GPU across searches, least recently used ones dropped beyond `cacheBytes`.
 * Counts uploads in `stats`.
 */
export class ResidentColumns {
  private readonly resident = new Map<DenseVectorColumn, Resident>();
  private clock = 0;

  constructor(
    private readonly gpu: GpuDevice,
    private readonly cacheBytes: number,
    private readonly stats: BatchSearchStats,
  ) {}

  /**
   * The column on the GPU. Between compactions a column only grows (deletes are tombstones, upserts
   * append), so rows already resident stay valid and only appended rows are uploaded; a new `version`
   * (the collection's compaction epoch) re-uploads everything.
   */
  upload(column: DenseVectorColumn, version: number, n: number): Resident {
    const dim = column.dim;
    let r = this.resident.get(column);
    this.clock++;
    if (r && (r.version !== version || r.dim !== dim || n < r.n || n > r.cap)) {
      this.evict(column);
      r = undefined;
    }
    if (!r) {
      // Headroom so that a growing collection appends in place for a while.
      const cap = Math.max(
        n,
        Math.min(Math.ceil(n * 1.25), Math.floor(maxBindingSize(this.gpu.limits) / (dim * 4))),
      );
      this.trim(cap * (dim + 1) * 4);
      const rows = this.gpu.createBuffer({
        size: cap * dim * 4,
        usage: STORAGE | COPY_DST,
        label: 'elanus rows',
      });
      const inv = this.gpu.createBuffer({
        size: cap * 4,
        usage: STORAGE | COPY_DST,
        label: 'elanus inv norms',
      });
      r = { version, n: 0, cap, dim, rows, inv, bytes: cap * (dim + 1) * 4, used: 0 };
      this.resident.set(column, r);
    }
    if (n > r.n) {
      const data = column.data();
      this.gpu.queue.writeBuffer(r.rows, r.n * dim * 4, data.subarray(r.n * dim, n * dim));
      this.gpu.queue.writeBuffer(r.inv, r.n * 4, invNorms(column, r.n, n));
      r.n = n;
      this.stats.uploads++;
    }
    r.used = this.clock;
    return r;
  }

  private evict(column: DenseVectorColumn): void {
    const r = this.resident.get(column);
    if (!r) return;
    r.rows.destroy();
    r.inv.destroy();
    this.resident.delete(column);
  }

  /** Drops least recently used columns until `incoming` more bytes fit the cache budget. */
  private trim(incoming: number): void {
    let total = incoming;
    for (const r of this.resident.values()) total += r.bytes;
    while (total > this.cacheBytes && this.resident.size > 0) {
      let oldest: DenseVectorColumn | undefined;
      let at = Number.POSITIVE_INFINITY;
      for (const [c, r] of this.resident) {
        if (r.used < at) {
          at = r.used;
          oldest = c;
        }
      }
      total -= this.resident.get(oldest!)!.bytes;
      this.evict(oldest!);
    }
  }

  /** Forgets every copy without destroying it (the device is lost: its buffers are gone with it). */
  forget(): void {
    this.resident.clear();
  }

  /** Destroys every copy. */
  dispose(): void {
    for (const c of [...this.resident.keys()]) this.evict(c);
  }
}
