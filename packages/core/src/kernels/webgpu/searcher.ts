import type { BatchSearcher, BatchSearchRequest, BatchSearchStats } from '../../engine/batch-search.js';
import type { TopK } from '../../indexes/types.js';
import type { DenseMetric, Kernels } from '../types.js';
import { inverseNorm } from '../types.js';
import type { WebGpuInfo } from './device.js';
import {
  COPY_DST,
  COPY_SRC,
  type GpuBuffer,
  type GpuDevice,
  MAP_READ,
  maxBindingSize,
  STORAGE,
  UNIFORM,
} from './gpu-api.js';
import { CandidateMerger } from './merge.js';
import { Pipelines } from './pipelines.js';
import { type Resident, ResidentColumns } from './resident-columns.js';
import { ScratchBuffers } from './scratch-buffers.js';
import { type SelectionPlan, selectionPlan } from './selection.js';
import { ROWS_PER_GROUP } from './shaders.js';

export interface WebGpuSearcherOptions {
  /** Fewest query vectors for which `search` methods use the GPU (default 2). */
  minBatch?: number;
  /** Least query vectors x rows x dim for which `search` methods use the GPU (default 0). */
  minWork?: number;
  /** Bytes of column copies kept on the GPU; least recently used ones are dropped beyond it (default 1 GiB). */
  cacheBytes?: number;
}

/** Bound on the distance buffer of one pass (queries are split into batches that fit). */
const DIST_BUDGET = 128 * 1024 * 1024;
/** Bound on the candidates read back per pass. */
const READ_BUDGET = 32 * 1024 * 1024;

/** Batched FLAT search on a WebGPU device; see the `@elanus/core/webgpu` module comment. */
export class WebGpuSearcher implements BatchSearcher {
  readonly device = 'webgpu' as const;
  readonly minBatch: number;
  readonly minWork: number;
  readonly info: WebGpuInfo;
  readonly stats: BatchSearchStats = { searches: 0, queries: 0, fallbacks: 0, uploads: 0, lastError: null };
  private readonly gpu: GpuDevice;
  private readonly kernels: Kernels;
  private readonly resident: ResidentColumns;
  private readonly scratch: ScratchBuffers;
  private readonly pipelines: Pipelines;
  private readonly merger = new CandidateMerger();
  private readonly params: GpuBuffer;
  private lost = false;
  /** GPU searches run one at a time: they share the scratch buffers. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(gpu: GpuDevice, info: WebGpuInfo, kernels: Kernels, options: WebGpuSearcherOptions = {}) {
    this.gpu = gpu;
    this.info = info;
    this.kernels = kernels;
    this.minBatch = Math.max(1, Math.floor(options.minBatch ?? 2));
    this.minWork = Math.max(0, options.minWork ?? 0);
    this.resident = new ResidentColumns(gpu, options.cacheBytes ?? 1024 * 1024 * 1024, this.stats);
    this.scratch = new ScratchBuffers(gpu);
    this.pipelines = new Pipelines(gpu);
    this.params = gpu.createBuffer({ size: 32, usage: UNIFORM | COPY_DST, label: 'elanus params' });
    void gpu.lost.then((l) => {
      this.lost = true;
      this.stats.lastError = `GPU device lost: ${l.message}`;
      this.resident.forget();
      this.scratch.forget();
    });
  }

  search(req: BatchSearchRequest): Promise<TopK[] | null> {
    const run = this.tail.then(() => this.searchNow(req));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async searchNow(req: BatchSearchRequest): Promise<TopK[] | null> {
    try {
      const out = await this.run(req);
      if (out) {
        this.stats.searches++;
        this.stats.queries += req.queries.length;
      } else {
        this.stats.fallbacks++;
      }
      return out;
    } catch (e) {
      // Any device-side failure (out of memory, validation, loss) hands the search back to the kernels.
      this.stats.fallbacks++;
      this.stats.lastError = e instanceof Error ? e.message : String(e);
      return null;
    }
  }

  private async run(req: BatchSearchRequest): Promise<TopK[] | null> {
    if (this.lost) return null;
    const { column, metric, queries, k } = req;
    const n = Math.min(column.length, req.allow.size);
    const dim = column.dim;
    const nq = queries.length;
    if (nq === 0) return [];
    if (n === 0 || k <= 0)
      return queries.map(() => ({ rows: new Int32Array(0), scores: new Float32Array(0) }));
    const plan = selectionPlan(n, k);
    const { tiles, kk } = plan;
    const maxGroups = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    const maxBinding = maxBindingSize(this.gpu.limits);
    if (n * dim * 4 > maxBinding || Math.ceil(n / ROWS_PER_GROUP) > maxGroups || tiles > maxGroups)
      return null;
    // Queries per pass: bounded by the distance buffer, the readback, and the dispatch size.
    const perPass = Math.min(
      nq,
      maxGroups,
      Math.floor(Math.min(DIST_BUDGET, maxBinding) / (n * 4)),
      Math.floor(READ_BUDGET / (tiles * kk * 8)),
    );
    if (perPass < 1) return null;

    const res = this.resident.upload(column, req.version, n);
    const words = new Uint32Array(Math.ceil(n / 32));
    words.set(req.allow.words.subarray(0, words.length));
    const allowBuf = this.scratch.get('allow', words.byteLength, STORAGE | COPY_DST);
    this.gpu.queue.writeBuffer(allowBuf, 0, words);

    const out: TopK[] = [];
    for (let q0 = 0; q0 < nq; q0 += perPass) {
      const batch = queries.slice(q0, q0 + perPass);
      const cand = await this.pass(res, metric, batch, n, dim, plan, allowBuf);
      // The collection may have changed while the GPU ran (in-page callers interleave): decline then.
      if (column.length < n) return null;
      const scanner = this.kernels.scanner(column, metric);
      for (let j = 0; j < batch.length; j++)
        out.push(this.merger.merge(scanner, batch[j]!, cand, j, tiles, kk, k));
    }
    return out;
  }

  /** One GPU pass over a batch of queries; returns the candidates (distance bits, row) per query and tile. */
  private async pass(
    res: Resident,
    metric: DenseMetric,
    batch: Float32Array[],
    n: number,
    dim: number,
    plan: SelectionPlan,
    allowBuf: GpuBuffer,
  ): Promise<Uint32Array> {
    const g = this.gpu;
    const { tiles, kk } = plan;
    const nq = batch.length;
    // Four queries per invocation for small batches (no idle lanes), eight otherwise (fewer row reads).
    const qpb: 4 | 8 = nq <= 4 ? 4 : 8;
    const blocks = Math.ceil(nq / qpb);
    // Transposed in blocks of qpb queries: element d of a block's queries is one or two adjacent vec4s.
    const qdata = new Float32Array(blocks * dim * qpb);
    const qinv = new Float32Array(nq);
    for (let j = 0; j < nq; j++) {
      const q = batch[j]!;
      const base = Math.floor(j / qpb) * dim * qpb + (j % qpb);
      for (let d = 0; d < dim; d++) qdata[base + d * qpb] = q[d]!;
      qinv[j] = inverseNorm(q, 0, dim);
    }
    g.pushErrorScope('out-of-memory');
    g.pushErrorScope('validation');
    const qBuf = this.scratch.get('queries', qdata.byteLength, STORAGE | COPY_DST);
    const qiBuf = this.scratch.get('qinv', qinv.byteLength, STORAGE | COPY_DST);
    const distBuf = this.scratch.get('dist', nq * n * 4, STORAGE);
    const candBytes = nq * tiles * kk * 8;
    const candBuf = this.scratch.get('cand', candBytes, STORAGE | COPY_SRC);
    const readBuf = this.scratch.get('read', candBytes, MAP_READ | COPY_DST);
    g.queue.writeBuffer(qBuf, 0, qdata);
    g.queue.writeBuffer(qiBuf, 0, qinv);
    g.queue.writeBuffer(this.params, 0, new Uint32Array([n, dim, nq, tiles, kk, 0, 0, 0]));

    const score = this.pipelines.score(metric, dim % 4 === 0, qpb);
    const select = this.pipelines.select(plan.sequential);
    const scoreGroup = g.createBindGroup({
      layout: score.getBindGroupLayout(0),
      entries: [this.params, res.rows, res.inv, qBuf, qiBuf, allowBuf, distBuf].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
    const selectGroup = g.createBindGroup({
      layout: select.getBindGroupLayout(0),
      entries: [this.params, distBuf, allowBuf, candBuf].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
    const enc = g.createCommandEncoder();
    const p1 = enc.beginComputePass();
    p1.setPipeline(score);
    p1.setBindGroup(0, scoreGroup);
    p1.dispatchWorkgroups(Math.ceil(n / ROWS_PER_GROUP), blocks);
    p1.end();
    const p2 = enc.beginComputePass();
    p2.setPipeline(select);
    p2.setBindGroup(0, selectGroup);
    p2.dispatchWorkgroups(plan.sequential ? Math.ceil(tiles / 64) : tiles, nq);
    p2.end();
    enc.copyBufferToBuffer(candBuf, 0, readBuf, 0, candBytes);
    g.queue.submit([enc.finish()]);
    const invalid = await g.popErrorScope();
    const oom = await g.popErrorScope();
    if (invalid || oom)
      throw new Error(
        `WebGPU ${invalid ? 'validation' : 'out-of-memory'} error: ${(invalid ?? oom)!.message}`,
      );
    await readBuf.mapAsync(MAP_READ);
    const cand = new Uint32Array(readBuf.getMappedRange(0, candBytes).slice(0));
    readBuf.unmap();
    return cand;
  }

  dispose(): void {
    this.resident.dispose();
    this.scratch.dispose();
    this.params.destroy();
    this.gpu.destroy();
    this.lost = true;
  }
}
