/**
 * `@elanus/core/webgpu`: batched exact (FLAT) search on the GPU.
 *
 * Loaded lazily, only for engines created with `device: 'webgpu'` (or `auto` on a hardware adapter).
 * Two compute passes per batch of queries: `score_main` computes the distances of every query to every
 * row (COSINE, IP or L2, disallowed rows pushed to the end), `select_main` sorts each tile of 1024 rows
 * per query in workgroup memory and keeps its best `kk`. Only those candidates are read back; the CPU
 * merges them, rescoring the best few with the engine's own kernels so that scores and ties match the
 * WASM/JS path exactly. Column vectors stay on the GPU across searches until the collection changes.
 * @packageDocumentation
 */
import type { BatchSearcher, BatchSearchRequest, BatchSearchStats } from '../engine/batch-search.js';
import { TopKHeap } from '../indexes/heap.js';
import type { DenseVectorColumn, TopK } from '../indexes/types.js';
import type { DenseMetric, KernelColumn, Kernels, VectorScanner } from './types.js';
import { inverseNorm, METRIC_CODE } from './types.js';

// ---- the slice of the WebGPU API used here (TypeScript's DOM lib has no WebGPU types) -----------------

interface GpuLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}
interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number): void;
  end(): void;
}
interface GpuDevice {
  readonly limits: GpuLimits;
  readonly lost: Promise<{ message: string; reason?: string }>;
  readonly queue: {
    writeBuffer(
      b: GpuBuffer,
      offset: number,
      data: ArrayBufferView,
      dataOffset?: number,
      size?: number,
    ): void;
    submit(c: unknown[]): void;
  };
  createBuffer(d: { size: number; usage: number; label?: string }): GpuBuffer;
  createShaderModule(d: { code: string; label?: string }): unknown;
  createComputePipeline(d: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string; constants?: Record<string, number> };
  }): GpuPipeline;
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  createCommandEncoder(): {
    beginComputePass(): GpuPass;
    copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, size: number): void;
    finish(): unknown;
  };
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}
interface GpuAdapter {
  readonly limits: GpuLimits;
  readonly info?: {
    isFallbackAdapter?: boolean;
    vendor?: string;
    architecture?: string;
    description?: string;
  };
  readonly isFallbackAdapter?: boolean;
  requestDevice(d?: { requiredLimits?: Partial<GpuLimits> }): Promise<GpuDevice>;
}
interface Gpu {
  requestAdapter(o?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}

// GPUBufferUsage / GPUMapMode bits from the WebGPU spec.
const MAP_READ = 0x01;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const STORAGE = 0x80;

// ---- shaders ------------------------------------------------------------------------------------------
//
// SwiftShader runs workgroup barriers as context switches, so the kernels avoid them: the scoring pass has
// none, and candidates are selected by one invocation per (segment, query) with a private top list. Only
// large k (more than SEQ_MAX_KK candidates per segment) uses the workgroup bitonic sort.

/** Rows per workgroup in the scoring pass (one row per invocation). */
const ROWS_PER_GROUP = 256;
/** Rows per segment in the sequential selection, and the most candidates it keeps per segment. */
const SEQ_SEGMENT = 256;
const SEQ_MAX_KK = 128;
/** Rows per tile in the bitonic selection: one sort in workgroup memory (8 KiB). */
const TILE = 1024;
/** Marks "no row" in a candidate slot. */
const NONE = 0xffffffff;

const PARAMS = /* wgsl */ `
struct Params { n: u32, dim: u32, nq: u32, tiles: u32, kk: u32, p0: u32, p1: u32, p2: u32 }
const FAR: f32 = 3.0e38;
const NONE: u32 = 0xffffffffu;
fn allowed(row: u32) -> bool { return ((allow[row >> 5u] >> (row & 31u)) & 1u) == 1u; }
`;

/**
 * Distances (smaller is better: L2 as is, similarities negated) of one row x `qpb` queries (4 or 8) per
 * invocation. Queries come transposed in blocks (`qT[block][dim][qpb]`), so each row element meets one
 * or two vec4s. `vec4Rows` reads rows four floats at a time (dim divisible by 4).
 */
export function scoreShader(vec4Rows: boolean, qpb: 4 | 8): string {
  const w = qpb / 4; // vec4s per dim
  const step = (c: string, o: string) => {
    const acc = Array.from(
      { length: w },
      (_, i) => /* wgsl */ `
        {
          let q = qT[${o} + ${i}u];
          if (METRIC == 2u) {
            let t = q - xc;
            a${i} = a${i} + t * t;
          } else {
            a${i} = a${i} + q * xc;
          }
        }`,
    ).join('');
    return `
      {
        let xc = vec4<f32>(${c});${acc}
      }`;
  };
  const loop = vec4Rows
    ? /* wgsl */ `
    let d4n = P.dim / 4u;
    let base = row * d4n;
    for (var d4 = 0u; d4 < d4n; d4 = d4 + 1u) {
      let x = rows[base + d4];
      let o = qbase + d4 * ${4 * w}u;${step('x.x', 'o')}${step('x.y', `o + ${w}u`)}${step('x.z', `o + ${2 * w}u`)}${step('x.w', `o + ${3 * w}u`)}
    }`
    : /* wgsl */ `
    let base = row * P.dim;
    for (var d = 0u; d < P.dim; d = d + 1u) {
      let o = qbase + d * ${w}u;${step('rows[base + d]', 'o')}
    }`;
  return /* wgsl */ `
${PARAMS}
override METRIC: u32 = 0u; // 0 IP, 1 COSINE, 2 L2 (kernels/types.ts METRIC_CODE)
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> rows: array<${vec4Rows ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read> rowInv: array<f32>;
@group(0) @binding(3) var<storage, read> qT: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> qInv: array<f32>;
@group(0) @binding(5) var<storage, read> allow: array<u32>;
@group(0) @binding(6) var<storage, read_write> dist: array<f32>;

@compute @workgroup_size(${ROWS_PER_GROUP})
fn score_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = wg.x * ${ROWS_PER_GROUP}u + li;
  if (row >= P.n) { return; }
  let q0 = wg.y * ${qpb}u;
  let qbase = wg.y * P.dim * ${w}u;
  var a0 = vec4<f32>(0.0);${w === 2 ? '\n  var a1 = vec4<f32>(0.0);' : ''}
  ${loop}
  let ok = allowed(row);
  let rinv = rowInv[row];
  for (var j = 0u; j < ${qpb}u; j = j + 1u) {
    let q = q0 + j;
    if (q >= P.nq) { break; }
    var s: f32;
    ${w === 2 ? 'if (j < 4u) { s = a0[j]; } else { s = a1[j - 4u]; }' : 's = a0[j];'}
    var d = FAR;
    if (ok) {
      if (METRIC == 2u) { d = s; } else if (METRIC == 1u) { d = -(s * rinv * qInv[q]); } else { d = -s; }
    }
    dist[q * P.n + row] = d;
  }
}
`;
}

/** Per (segment of 256 rows, query): the best kk (distance, row) pairs, ties by row, by insertion. */
export const SELECT_SEQ_WGSL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read> allow: array<u32>;
@group(0) @binding(3) var<storage, read_write> cand: array<u32>;

@compute @workgroup_size(64)
fn select_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seg = gid.x;
  let q = gid.y;
  if (seg >= P.tiles) { return; }
  var bk: array<f32, ${SEQ_MAX_KK}>;
  var bv: array<u32, ${SEQ_MAX_KK}>;
  let kk = P.kk;
  var cnt = 0u;
  let first = seg * ${SEQ_SEGMENT}u;
  let end = min(first + ${SEQ_SEGMENT}u, P.n);
  for (var row = first; row < end; row = row + 1u) {
    if (!allowed(row)) { continue; }
    let d = dist[q * P.n + row];
    // Rows come in ascending order, so an equal distance never displaces an earlier row.
    if (cnt == kk && !(d < bk[kk - 1u])) { continue; }
    var i = cnt;
    if (cnt < kk) { cnt = cnt + 1u; } else { i = kk - 1u; }
    loop {
      if (i == 0u) { break; }
      if (!(d < bk[i - 1u])) { break; }
      bk[i] = bk[i - 1u];
      bv[i] = bv[i - 1u];
      i = i - 1u;
    }
    bk[i] = d;
    bv[i] = row;
  }
  let base = (q * P.tiles + seg) * kk;
  for (var i = 0u; i < kk; i = i + 1u) {
    var v = NONE;
    var k = FAR;
    if (i < cnt) { v = bv[i]; k = bk[i]; }
    cand[2u * (base + i)] = bitcast<u32>(k);
    cand[2u * (base + i) + 1u] = v;
  }
}
`;

/** Per (tile of 1024 rows, query): bitonic sort of (distance, row) pairs in workgroup memory; keeps kk. */
export const SELECT_SORT_WGSL = /* wgsl */ `
${PARAMS}
const T: u32 = ${TILE}u;
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read> allow: array<u32>;
@group(0) @binding(3) var<storage, read_write> cand: array<u32>;
var<workgroup> sk: array<f32, ${TILE}>;
var<workgroup> sv: array<u32, ${TILE}>;

fn before(ka: f32, va: u32, kb: f32, vb: u32) -> bool { return ka < kb || (ka == kb && va < vb); }

@compute @workgroup_size(256)
fn select_main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let tile = wg.x;
  let q = wg.y;
  for (var r = 0u; r < 4u; r = r + 1u) {
    let i = li + r * 256u;
    let row = tile * T + i;
    var k = FAR;
    var v = NONE;
    if (row < P.n) {
      if (allowed(row)) { k = dist[q * P.n + row]; v = row; }
    }
    sk[i] = k;
    sv[i] = v;
  }
  workgroupBarrier();
  for (var size = 2u; size <= T; size = size << 1u) {
    for (var stride = size >> 1u; stride > 0u; stride = stride >> 1u) {
      for (var r = 0u; r < 2u; r = r + 1u) {
        let p = li + r * 256u;
        let i = 2u * stride * (p / stride) + (p % stride);
        let l = i + stride;
        let up = (i & size) == 0u;
        let ki = sk[i];
        let kl = sk[l];
        let vi = sv[i];
        let vl = sv[l];
        if (before(kl, vl, ki, vi) == up) {
          sk[i] = kl;
          sk[l] = ki;
          sv[i] = vl;
          sv[l] = vi;
        }
      }
      workgroupBarrier();
    }
  }
  let base = (q * P.tiles + tile) * P.kk;
  for (var i = li; i < P.kk; i = i + 256u) {
    cand[2u * (base + i)] = bitcast<u32>(sk[i]);
    cand[2u * (base + i) + 1u] = sv[i];
  }
}
`;

// ---- device -------------------------------------------------------------------------------------------

export interface WebGpuInfo {
  isFallbackAdapter: boolean;
  vendor: string;
  architecture: string;
  description: string;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/**
 * Requests an adapter and a device with the adapter's full buffer limits (the defaults cap storage
 * buffers at 128 MiB). Resolves null when there is no WebGPU or no adapter.
 */
export async function requestGpuDevice(): Promise<{ device: GpuDevice; info: WebGpuInfo } | null> {
  const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return {
    device,
    info: {
      isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
      description: adapter.info?.description ?? '',
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
    },
  };
}

// ---- searcher -----------------------------------------------------------------------------------------

export interface WebGpuSearcherOptions {
  /** Fewest query vectors for which `search` methods use the GPU (default 2). */
  minBatch?: number;
  /** Least query vectors x rows x dim for which `search` methods use the GPU (default 0). */
  minWork?: number;
  /** Bytes of column copies kept on the GPU; least recently used ones are dropped beyond it (default 1 GiB). */
  cacheBytes?: number;
}

interface Resident {
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

/** Scratch buffers, grown on demand and reused across searches. */
type ScratchName = 'queries' | 'qinv' | 'allow' | 'dist' | 'cand' | 'read';

/** Bound on the distance buffer of one pass (queries are split into batches that fit). */
const DIST_BUDGET = 128 * 1024 * 1024;
/** Bound on the candidates read back per pass. */
const READ_BUDGET = 32 * 1024 * 1024;

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

/** Candidates kept per query: k plus a margin, so GPU rounding cannot push a true top-k row out. */
export function candidatesFor(k: number): number {
  return k + Math.max(8, Math.ceil(k / 8));
}

/** How rows are split for selection: small candidate counts by insertion, large ones by sorting tiles. */
export function selectionPlan(
  n: number,
  k: number,
): { sequential: boolean; segment: number; tiles: number; kk: number } {
  const want = candidatesFor(k);
  const sequential = want <= SEQ_MAX_KK;
  const segment = sequential ? SEQ_SEGMENT : TILE;
  return { sequential, segment, tiles: Math.ceil(n / segment), kk: Math.min(want, segment) };
}

/** Batched FLAT search on a WebGPU device; see the module comment. */
export class WebGpuSearcher implements BatchSearcher {
  readonly device = 'webgpu' as const;
  readonly minBatch: number;
  readonly minWork: number;
  readonly info: WebGpuInfo;
  readonly stats: BatchSearchStats = { searches: 0, queries: 0, fallbacks: 0, uploads: 0, lastError: null };
  private readonly gpu: GpuDevice;
  private readonly kernels: Kernels;
  private readonly cacheBytes: number;
  private readonly resident = new Map<DenseVectorColumn, Resident>();
  private readonly scratch = new Map<ScratchName, GpuBuffer>();
  private readonly params: GpuBuffer;
  private readonly pipelines = new Map<string, GpuPipeline>();
  private lost = false;
  private clock = 0;
  /** GPU searches run one at a time: they share the scratch buffers. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(gpu: GpuDevice, info: WebGpuInfo, kernels: Kernels, options: WebGpuSearcherOptions = {}) {
    this.gpu = gpu;
    this.info = info;
    this.kernels = kernels;
    this.minBatch = Math.max(1, Math.floor(options.minBatch ?? 2));
    this.minWork = Math.max(0, options.minWork ?? 0);
    this.cacheBytes = options.cacheBytes ?? 1024 * 1024 * 1024;
    this.params = gpu.createBuffer({ size: 32, usage: UNIFORM | COPY_DST, label: 'elanus params' });
    void gpu.lost.then((l) => {
      this.lost = true;
      this.stats.lastError = `GPU device lost: ${l.message}`;
      this.resident.clear();
      this.scratch.clear();
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
    const maxBinding = this.maxBinding();
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

    const res = this.upload(column, req.version, n);
    const words = new Uint32Array(Math.ceil(n / 32));
    words.set(req.allow.words.subarray(0, words.length));
    const allowBuf = this.buffer('allow', words.byteLength, STORAGE | COPY_DST);
    this.gpu.queue.writeBuffer(allowBuf, 0, words);

    const out: TopK[] = [];
    for (let q0 = 0; q0 < nq; q0 += perPass) {
      const batch = queries.slice(q0, q0 + perPass);
      const cand = await this.pass(res, metric, batch, n, dim, plan, allowBuf);
      // The collection may have changed while the GPU ran (in-page callers interleave): decline then.
      if (column.length < n) return null;
      const scanner = this.kernels.scanner(column, metric);
      for (let j = 0; j < batch.length; j++) out.push(this.merge(scanner, batch[j]!, cand, j, tiles, kk, k));
    }
    return out;
  }

  /**
   * The column on the GPU. Between compactions a column only grows (deletes are tombstones, upserts
   * append), so rows already resident stay valid and only appended rows are uploaded; a new `version`
   * (the collection's compaction epoch) re-uploads everything.
   */
  private upload(column: DenseVectorColumn, version: number, n: number): Resident {
    const dim = column.dim;
    let r = this.resident.get(column);
    this.clock++;
    if (r && (r.version !== version || r.dim !== dim || n < r.n || n > r.cap)) {
      this.evict(column);
      r = undefined;
    }
    if (!r) {
      // Headroom so that a growing collection appends in place for a while.
      const cap = Math.max(n, Math.min(Math.ceil(n * 1.25), Math.floor(this.maxBinding() / (dim * 4))));
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

  private maxBinding(): number {
    return Math.min(this.gpu.limits.maxStorageBufferBindingSize, this.gpu.limits.maxBufferSize);
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

  private buffer(name: ScratchName, size: number, usage: number): GpuBuffer {
    const want = Math.max(16, Math.ceil(size / 16) * 16);
    const have = this.scratch.get(name);
    if (have && have.size >= want) return have;
    have?.destroy();
    // Grow with headroom so a slowly growing collection does not reallocate on every search.
    const b = this.gpu.createBuffer({
      size: Math.max(want, Math.ceil(((have?.size ?? 0) * 1.5) / 16) * 16),
      usage,
      label: `elanus ${name}`,
    });
    this.scratch.set(name, b);
    return b;
  }

  private scorePipeline(metric: DenseMetric, vec4Rows: boolean, qpb: 4 | 8): GpuPipeline {
    const key = `${metric}/${vec4Rows}/${qpb}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.gpu.createShaderModule({ code: scoreShader(vec4Rows, qpb), label: 'elanus score' });
      p = this.gpu.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'score_main', constants: { METRIC: METRIC_CODE[metric] } },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private selectPipeline(sequential: boolean): GpuPipeline {
    const key = sequential ? 'select/seq' : 'select/sort';
    let p = this.pipelines.get(key);
    if (!p) {
      const code = sequential ? SELECT_SEQ_WGSL : SELECT_SORT_WGSL;
      p = this.gpu.createComputePipeline({
        layout: 'auto',
        compute: {
          module: this.gpu.createShaderModule({ code, label: 'elanus select' }),
          entryPoint: 'select_main',
        },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** One GPU pass over a batch of queries; returns the candidates (distance bits, row) per query and tile. */
  private async pass(
    res: Resident,
    metric: DenseMetric,
    batch: Float32Array[],
    n: number,
    dim: number,
    plan: ReturnType<typeof selectionPlan>,
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
    const qBuf = this.buffer('queries', qdata.byteLength, STORAGE | COPY_DST);
    const qiBuf = this.buffer('qinv', qinv.byteLength, STORAGE | COPY_DST);
    const distBuf = this.buffer('dist', nq * n * 4, STORAGE);
    const candBytes = nq * tiles * kk * 8;
    const candBuf = this.buffer('cand', candBytes, STORAGE | COPY_SRC);
    const readBuf = this.buffer('read', candBytes, MAP_READ | COPY_DST);
    g.queue.writeBuffer(qBuf, 0, qdata);
    g.queue.writeBuffer(qiBuf, 0, qinv);
    g.queue.writeBuffer(this.params, 0, new Uint32Array([n, dim, nq, tiles, kk, 0, 0, 0]));

    const score = this.scorePipeline(metric, dim % 4 === 0, qpb);
    const select = this.selectPipeline(plan.sequential);
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

  private readonly approx = new TopKHeap();
  private readonly exact = new TopKHeap();

  /**
   * Top-k of one query from its candidates: the best `kk` by GPU distance, rescored with the engine's
   * kernels and ranked by a heap exactly as FLAT ranks (ties by row id).
   */
  private merge(
    scanner: VectorScanner,
    query: Float32Array,
    cand: Uint32Array,
    j: number,
    tiles: number,
    kk: number,
    k: number,
  ): TopK {
    const f32 = new Float32Array(cand.buffer, cand.byteOffset, cand.length);
    const approx = this.approx;
    approx.reset(candidatesFor(k));
    const from = j * tiles * kk;
    const to = from + tiles * kk;
    for (let i = from; i < to; i++) {
      const row = cand[2 * i + 1]!;
      if (row === NONE) continue; // tiles are sorted: the rest of this tile is empty too, but other tiles are not
      approx.push(f32[2 * i]!, row);
    }
    const picked = approx.drainSorted().ids;
    const m = picked.length;
    scanner.setQuery(query);
    const scores = new Float32Array(m);
    scanner.scoreRows(picked, m, scores);
    const sim = scanner.metric !== 'L2';
    const exact = this.exact;
    exact.reset(Math.min(k, m));
    for (let i = 0; i < m; i++) exact.push(sim ? -scores[i]! : scores[i]!, picked[i]!);
    return exact.toTopK(sim);
  }

  dispose(): void {
    for (const c of [...this.resident.keys()]) this.evict(c);
    for (const b of this.scratch.values()) b.destroy();
    this.scratch.clear();
    this.params.destroy();
    this.gpu.destroy();
    this.lost = true;
  }
}

/**
 * A WebGPU batch searcher over columns of `kernels` (which also rescore the final candidates), or null
 * when this realm has no WebGPU adapter.
 */
export async function createWebGpuSearcher(
  kernels: Kernels,
  options: WebGpuSearcherOptions = {},
): Promise<WebGpuSearcher | null> {
  try {
    const got = await requestGpuDevice();
    if (!got) return null;
    return new WebGpuSearcher(got.device, got.info, kernels, options);
  } catch {
    return null;
  }
}
