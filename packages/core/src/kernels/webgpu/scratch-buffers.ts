import type { GpuBuffer, GpuDevice } from './gpu-api.js';

/** The per-search buffers: queries, their norms, the allow bitset, distances, candidates, readback. */
export type ScratchName = 'queries' | 'qinv' | 'allow' | 'dist' | 'cand' | 'read';

/** Scratch buffers, grown on demand and reused across searches. */
export class ScratchBuffers {
  private readonly buffers = new Map<ScratchName, GpuBuffer>();

  constructor(private readonly gpu: GpuDevice) {}

  /** The buffer `name`, at least `size` bytes, created with `usage` when it has to grow. */
  get(name: ScratchName, size: number, usage: number): GpuBuffer {
    const want = Math.max(16, Math.ceil(size / 16) * 16);
    const have = this.buffers.get(name);
    if (have && have.size >= want) return have;
    have?.destroy();
    // Grow with headroom so a slowly growing collection does not reallocate on every search.
    const b = this.gpu.createBuffer({
      size: Math.max(want, Math.ceil(((have?.size ?? 0) * 1.5) / 16) * 16),
      usage,
      label: `elanus ${name}`,
    });
    this.buffers.set(name, b);
    return b;
  }

  /** Forgets every buffer without destroying it (the device is lost: its buffers are gone with it). */
  forget(): void {
    this.buffers.clear();
  }

  /** Destroys every buffer. */
  dispose(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }
}
