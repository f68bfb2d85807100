/**
 * WGSL sources of the two compute passes, and the row layout both the shaders and the host code rely on.
 *
 * SwiftShader runs workgroup barriers as context switches, so the kernels avoid them: the scoring pass has
 * none, and candidates are selected by one invocation per (segment, query) with a private top list. Only
 * large k (more than SEQ_MAX_KK candidates per segment) uses the workgroup bitonic sort.
 */

/** Rows per workgroup in the scoring pass (one row per invocation). */
export const ROWS_PER_GROUP = 256;
/** Rows per segment in the sequential selection, and the most candidates it keeps per segment. */
export const SEQ_SEGMENT = 256;
export const SEQ_MAX_KK = 128;
/** Rows per tile in the bitonic selection: one sort in workgroup memory (8 KiB). */
export const TILE = 1024;
/** Marks "no row" in a candidate slot. */
export const NONE = 0xffffffff;

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
