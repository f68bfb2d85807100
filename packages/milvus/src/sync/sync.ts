import { ElanusError, type RowData, type VectorClient } from '@elanus/core';
import { aborted } from '../errors.js';
import { createLocalFrom, createRemoteFrom, describeSchema } from '../schema/create.js';
import type { SchemaInfo } from '../schema/schema.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { defaultCheckpointStore } from './default-checkpoint-store.js';
import { Checksum, type RowHasher, rowHasher } from './hash.js';
import { ensureRecorder, type OpLog } from './oplog.js';
import {
  allRowsFilter,
  compareKeys,
  estimateRowBytes,
  isIntKey,
  type Key,
  keyOf,
  keysFilter,
  readFields,
  sortKeys,
  toWritableRow,
} from './rows.js';

export type SyncDirection = 'push' | 'pull' | 'both';

export interface SyncConflict {
  key: Key;
  /** The local row, or undefined when the row was deleted locally. */
  local: RowData | undefined;
  remote: RowData | undefined;
}

/**
 * Two-way conflict rule: a row changed on both sides since the last two-way sync. `remote-wins`
 * (default) and `local-wins` pick a side; a function decides per row. The winner's state (a deletion
 * included) is written to the other side, so both sides end the same.
 */
export type ConflictRule = 'remote-wins' | 'local-wins' | ((c: SyncConflict) => 'local' | 'remote');

export interface SyncProgress {
  phase: 'prepare' | 'push' | 'pull' | 'both' | 'verify' | 'done';
  /** Keys (scan) or log keys (push from the log) handled so far in this phase, and how many in all. */
  done: number;
  total: number;
  upserted: number;
  deleted: number;
  batches: number;
  /** Estimated bytes of rows written. */
  bytes: number;
}

export interface SyncOptions {
  local: VectorClient;
  remote: VectorClient;
  collection: string;
  direction: SyncDirection;
  /** Rows per read and per write request (default 1000). */
  batchSize?: number;
  /** Upper bound of one write request's estimated size (default 8 MiB, well under Milvus's message limits). */
  maxBatchBytes?: number;
  /** Where progress is kept: IndexedDB in browsers, memory in Node unless given (see FileCheckpointStore). */
  checkpoint?: CheckpointStore;
  /** Checkpoint key; defaults to the remote's identity (URL without credentials) and the collection. */
  checkpointKey?: string;
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  /** The local operation log; defaults to the recorder attached to the LocalClient's engine (attached on first use). */
  oplog?: OpLog;
  conflict?: ConflictRule;
  /** Compare counts and checksums of both sides at the end (default true; always on for `both`). */
  verify?: boolean;
  /** Push by comparing every row instead of reading the log. */
  full?: boolean;
  /** A scan push also deletes remote rows the local side lacks (default false: without a log it cannot tell a local deletion from a row that was never local). */
  mirror?: boolean;
  /** Create the collection on the side that lacks it (default true). */
  createTarget?: boolean;
}

export interface SideSummary {
  count: number;
  checksum: string;
}

export interface SyncResult {
  collection: string;
  direction: SyncDirection;
  /** How push found its work: the local log, or a key-ordered comparison of both sides. */
  pushMode?: 'log' | 'scan';
  /** True when this call continued an interrupted sync from its checkpoint. */
  resumed: boolean;
  pushed: { upserted: number; deleted: number };
  pulled: { upserted: number; deleted: number };
  conflicts: number;
  /** Rows only the remote has after a push that does not delete (see `mirror`). */
  remoteOnly: number;
  batches: number;
  bytes: number;
  /** Milliseconds spent writing (prepare and verification excluded). */
  transferMs: number;
  durationMs: number;
  verification?: { equal: boolean; local: SideSummary; remote: SideSummary };
}

interface PassState {
  kind: SyncDirection;
  /** Last key handled; the pass resumes after it. */
  last: Key | null;
  /** Log position when the pass began: everything up to it is covered once the pass completes. */
  startSeq: number;
  log: string | null;
}

interface SyncState {
  v: 1;
  collection: string;
  remote: string;
  /** Everything the local log holds up to `seq` (and the first `offset` keys of the next entry) is on the remote. */
  push?: { log: string; seq: number; offset: number };
  pass?: PassState;
  updated: number;
}

type Side = 'local' | 'remote';

interface Ctx {
  o: SyncOptions;
  local: VectorClient;
  remote: VectorClient;
  collection: string;
  schema: SchemaInfo;
  hash: RowHasher;
  intKey: boolean;
  batch: number;
  maxBytes: number;
  store: CheckpointStore;
  key: string;
  state: SyncState;
  log: OpLog | undefined;
  res: SyncResult;
  progress: SyncProgress;
  t0: number;
}

/** Identifies the remote in checkpoint keys without credentials. */
export function remoteIdentity(remote: VectorClient): string {
  const id = (remote as { identity?: unknown }).identity;
  return typeof id === 'string' && id !== '' ? id : 'remote';
}

function checkAbort(ctx: Ctx): void {
  if (ctx.o.signal?.aborted) throw aborted(`sync of collection "${ctx.collection}"`);
}

async function saveState(ctx: Ctx): Promise<void> {
  ctx.state.updated = Date.now();
  await ctx.store.save(ctx.key, ctx.state);
}

function emit(ctx: Ctx, phase: SyncProgress['phase'], done?: number, total?: number): void {
  ctx.progress.phase = phase;
  if (done !== undefined) ctx.progress.done = done;
  if (total !== undefined) ctx.progress.total = total;
  ctx.o.onProgress?.({ ...ctx.progress });
}

function clientOf(ctx: Ctx, side: Side): VectorClient {
  return side === 'local' ? ctx.local : ctx.remote;
}

/** Local writes made by sync itself are not local changes: keep them out of the push log. */
function quiet<T>(ctx: Ctx, side: Side, fn: () => Promise<T>, keys?: Key[]): Promise<T> {
  if (side !== 'local' || !ctx.log) return fn();
  return keys ? ctx.log.suppress(ctx.collection, keys, fn) : ctx.log.mute(fn);
}

/** Every key of one side (with its partition when the collection has user partitions). */
async function listKeys(
  ctx: Ctx,
  side: Side,
  scopes: (string | undefined)[],
): Promise<Map<Key, string | undefined>> {
  const client = clientOf(ctx, side);
  const pk = ctx.schema.pk.name;
  const filter = allRowsFilter(ctx.schema);
  const out = new Map<Key, string | undefined>();
  for (const p of scopes) {
    const res = await client.query({
      collection_name: ctx.collection,
      filter,
      output_fields: [pk],
      ...(p !== undefined ? { partition_names: [p] } : {}),
    });
    for (const row of res.data) out.set(keyOf(row[pk], ctx.intKey), p);
  }
  if (side === 'remote') {
    // A server that caps unlimited queries would make missing keys look deleted: refuse instead.
    const whole = scopes.length === 1 && scopes[0] === undefined;
    const n = (await client.count({ collection_name: ctx.collection, ...(whole ? {} : { filter }) })).data;
    if (Number(n) > out.size) {
      throw new ElanusError(
        'RemoteError',
        `listing the keys of remote collection "${ctx.collection}" returned ${out.size} of ${n} rows (a capped query or duplicate primary keys); sync stopped before writing`,
        { collection: ctx.collection },
      );
    }
  }
  return out;
}

async function readRows(ctx: Ctx, side: Side, keys: Key[]): Promise<Map<Key, RowData>> {
  const out = new Map<Key, RowData>();
  if (keys.length === 0) return out;
  const client = clientOf(ctx, side);
  const pk = ctx.schema.pk.name;
  const res =
    side === 'local'
      ? await client.get({
          collection_name: ctx.collection,
          ids: keys,
          output_fields: readFields(ctx.schema),
        })
      : await client.query({
          collection_name: ctx.collection,
          filter: keysFilter(ctx.schema, keys),
          output_fields: readFields(ctx.schema),
        });
  for (const row of res.data) out.set(keyOf(row[pk], ctx.intKey), row);
  return out;
}

interface WriteSet {
  upserts: { row: RowData; partition: string | undefined }[];
  deletes: Key[];
}

const emptyWrites = (): WriteSet => ({ upserts: [], deletes: [] });

/** Applies deletions, then upserts grouped by partition, in requests of at most batch rows / maxBytes. */
async function applyWrites(ctx: Ctx, side: Side, w: WriteSet): Promise<void> {
  const client = clientOf(ctx, side);
  const stats = side === 'remote' ? ctx.res.pushed : ctx.res.pulled;
  const t = Date.now();
  if (w.deletes.length) {
    for (let i = 0; i < w.deletes.length; i += ctx.batch) {
      const keys = w.deletes.slice(i, i + ctx.batch);
      await quiet(
        ctx,
        side,
        () =>
          side === 'local'
            ? client.delete({ collection_name: ctx.collection, ids: keys })
            : client.delete({ collection_name: ctx.collection, filter: keysFilter(ctx.schema, keys) }),
        keys,
      );
      stats.deleted += keys.length;
      ctx.progress.deleted += keys.length;
      ctx.res.batches++;
    }
  }
  const groups = new Map<string | undefined, RowData[]>();
  for (const u of w.upserts) {
    const g = groups.get(u.partition) ?? [];
    g.push(toWritableRow(u.row, ctx.schema));
    groups.set(u.partition, g);
  }
  for (const [partition, rows] of groups) {
    let start = 0;
    while (start < rows.length) {
      let bytes = 0;
      let end = start;
      while (end < rows.length && end - start < ctx.batch) {
        const b = estimateRowBytes(rows[end]!);
        if (end > start && bytes + b > ctx.maxBytes) break;
        bytes += b;
        end++;
      }
      const data = rows.slice(start, end);
      const pk = ctx.schema.pk.name;
      await quiet(
        ctx,
        side,
        () =>
          client.upsert({
            collection_name: ctx.collection,
            data,
            ...(partition !== undefined && partition !== '_default' ? { partition_name: partition } : {}),
          }),
        data.map((r) => keyOf(r[pk], ctx.intKey)),
      );
      stats.upserted += data.length;
      ctx.progress.upserted += data.length;
      ctx.progress.bytes += bytes;
      ctx.res.bytes += bytes;
      ctx.res.batches++;
      ctx.progress.batches++;
      start = end;
    }
  }
  ctx.res.transferMs += Date.now() - t;
}

/** User partitions to scan one by one; a single undefined scope when there are none (or a partition key). */
async function partitionScopes(ctx: Ctx): Promise<(string | undefined)[]> {
  if (ctx.schema.hasPartitionKey) return [undefined];
  const [l, r] = await Promise.all([
    ctx.local.listPartitions({ collection_name: ctx.collection }),
    ctx.remote.listPartitions({ collection_name: ctx.collection }),
  ]);
  const names = [...new Set([...l.partition_names, ...r.partition_names])];
  if (names.length <= 1) return [undefined];
  // Partitions one side lacks are created before rows are written into them.
  for (const [client, have] of [
    [ctx.local, l.partition_names],
    [ctx.remote, r.partition_names],
  ] as const) {
    for (const p of names) {
      if (have.includes(p)) continue;
      const side: Side = client === ctx.local ? 'local' : 'remote';
      await quiet(ctx, side, () =>
        client.createPartition({ collection_name: ctx.collection, partition_name: p }),
      );
    }
  }
  return names;
}

function resolveConflict(ctx: Ctx, key: Key, l: RowData | undefined, r: RowData | undefined): Side {
  ctx.res.conflicts++;
  const rule = ctx.o.conflict ?? 'remote-wins';
  if (rule === 'remote-wins') return 'remote';
  if (rule === 'local-wins') return 'local';
  return rule({ key, local: l, remote: r }) === 'local' ? 'local' : 'remote';
}

const BASE_SUFFIX = '#base';

async function loadBase(ctx: Ctx): Promise<Map<Key, string>> {
  const raw = (await ctx.store.load(ctx.key + BASE_SUFFIX)) as { v: 1; pairs: [Key, string][] } | undefined;
  return new Map(raw?.pairs ?? []);
}

/**
 * One key-ordered pass over the union of both sides' keys, in chunks of `batchSize`. Each chunk reads
 * the rows of both sides, decides per key, writes, and records its last key as the checkpoint: an
 * interrupted pass resumes after it. Keys present on one side only are how deletions are detected.
 */
async function scanPass(ctx: Ctx, kind: SyncDirection): Promise<void> {
  const st = ctx.state;
  const pass: PassState =
    st.pass?.kind === kind
      ? st.pass
      : { kind, last: null, startSeq: ctx.log?.lastSeq ?? 0, log: ctx.log?.id ?? null };
  if (pass.last !== null) ctx.res.resumed = true;
  st.pass = pass;
  await saveState(ctx);
  const scopes = await partitionScopes(ctx);
  const base = kind === 'both' ? await loadBase(ctx) : undefined;
  const [lk, rk] = await Promise.all([listKeys(ctx, 'local', scopes), listKeys(ctx, 'remote', scopes)]);
  const union = sortKeys([...new Set([...lk.keys(), ...rk.keys()])], ctx.intKey);
  let start = 0;
  if (pass.last !== null) {
    const last = pass.last;
    let lo = 0;
    let hi = union.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(union[mid]!, last, ctx.intKey) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const total = union.length - start;
  emit(ctx, kind, 0, total);
  for (let i = start; i < union.length; i += ctx.batch) {
    checkAbort(ctx);
    const chunk = union.slice(i, i + ctx.batch);
    const [lrows, rrows] = await Promise.all([
      readRows(
        ctx,
        'local',
        chunk.filter((k) => lk.has(k)),
      ),
      readRows(
        ctx,
        'remote',
        chunk.filter((k) => rk.has(k)),
      ),
    ]);
    const toRemote = emptyWrites();
    const toLocal = emptyWrites();
    for (const k of chunk) {
      const l = lrows.get(k);
      const r = rrows.get(k);
      if (!l && !r) continue; // deleted on both sides while the pass ran
      const lh = l ? ctx.hash(l) : undefined;
      const rh = r ? ctx.hash(r) : undefined;
      const lp = lk.get(k);
      const rp = rk.get(k);
      const moved = l !== undefined && r !== undefined && lp !== rp;
      const copy = (from: Side) => {
        const w = from === 'local' ? toRemote : toLocal;
        const row = from === 'local' ? l : r;
        if (row) {
          if (moved) w.deletes.push(k);
          w.upserts.push({ row, partition: from === 'local' ? lp : rp });
        } else w.deletes.push(k);
      };
      if (kind === 'push') {
        if (l && (lh !== rh || moved)) copy('local');
        else if (!l && r) {
          if (ctx.o.mirror) copy('local');
          else ctx.res.remoteOnly++;
        }
      } else if (kind === 'pull') {
        if (lh !== rh || moved) copy('remote');
      } else {
        if (lh === rh) continue;
        const b = base!.get(k);
        let from: Side;
        if (b === undefined) from = !l ? 'remote' : !r ? 'local' : resolveConflict(ctx, k, l, r);
        else if (lh === b) from = 'remote';
        else if (rh === b) from = 'local';
        else from = resolveConflict(ctx, k, l, r);
        copy(from);
      }
    }
    // Remote first: if it fails, the local side is untouched and the chunk is simply redone.
    await applyWrites(ctx, 'remote', toRemote);
    await applyWrites(ctx, 'local', toLocal);
    pass.last = chunk[chunk.length - 1]!;
    await saveState(ctx);
    emit(ctx, kind, i - start + chunk.length, total);
  }
}

/** Pushes the keys the local log names after the checkpoint, reading each key's current local value. */
async function pushFromLog(ctx: Ctx, log: OpLog): Promise<boolean> {
  const st = ctx.state;
  const cp = st.push!;
  let entries = await log.read(ctx.collection, cp.seq);
  let lastReset = -1;
  entries.forEach((e, i) => {
    if (e.kind === 'reset') lastReset = i;
  });
  if (lastReset >= 0) {
    // The collection was (re)created, dropped or renamed: rows pushed before may be stale, so compare
    // both sides — unless this is the first push and nothing came before the creation.
    if (cp.seq > 0 || entries.slice(0, lastReset).some((e) => e.kind !== 'reset')) return false;
    entries = entries.slice(lastReset + 1);
  }
  ctx.res.pushMode = 'log';
  if (cp.offset > 0) ctx.res.resumed = true;
  const lastOcc = new Map<Key, number>();
  for (const e of entries) for (const k of e.keys) lastOcc.set(k, e.seq);
  const total = entries.reduce((n, e) => n + e.keys.length, 0) - cp.offset;
  let done = 0;
  emit(ctx, 'push', 0, total);
  let batch = new Map<Key, string | undefined>();
  let pos = { seq: cp.seq, offset: cp.offset };
  const flush = async () => {
    if (batch.size) {
      checkAbort(ctx);
      const keys = [...batch.keys()];
      const rows = await readRows(ctx, 'local', keys);
      const w = emptyWrites();
      for (const k of keys) {
        const row = rows.get(k);
        if (row) w.upserts.push({ row, partition: batch.get(k) });
        else w.deletes.push(k);
      }
      await applyWrites(ctx, 'remote', w);
      batch = new Map();
    }
    st.push = { log: log.id, seq: pos.seq, offset: pos.offset };
    await saveState(ctx);
    emit(ctx, 'push', done, total);
  };
  let prevSeq = cp.seq;
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j]!;
    if (e.kind === 'createPartition' || e.kind === 'dropPartition') {
      await flush();
      const has = (
        await ctx.remote.hasPartition({ collection_name: ctx.collection, partition_name: e.partition })
      ).value;
      if (e.kind === 'createPartition' && !has) {
        await ctx.remote.createPartition({ collection_name: ctx.collection, partition_name: e.partition });
      } else if (e.kind === 'dropPartition' && has) {
        await ctx.remote.dropPartition({ collection_name: ctx.collection, partition_name: e.partition });
      }
      pos = { seq: e.seq, offset: 0 };
      prevSeq = e.seq;
      continue;
    }
    const from = j === 0 ? cp.offset : 0;
    for (let i = from; i < e.keys.length; i++) {
      const k = e.keys[i]!;
      done++;
      pos = { seq: prevSeq, offset: i + 1 };
      // A later entry names this key again: its current value is pushed then.
      if (lastOcc.get(k)! > e.seq) continue;
      batch.set(k, e.kind === 'upsert' ? e.partition : undefined);
      if (batch.size >= ctx.batch) await flush();
    }
    pos = { seq: e.seq, offset: 0 };
    prevSeq = e.seq;
  }
  await flush();
  await log.truncate(ctx.collection, st.push!.seq);
  return true;
}

async function summarize(ctx: Ctx, side: Side, hashes?: Map<Key, string>): Promise<SideSummary> {
  const keys = sortKeys([...(await listKeys(ctx, side, [undefined])).keys()], ctx.intKey);
  const sum = new Checksum();
  for (let i = 0; i < keys.length; i += ctx.batch) {
    checkAbort(ctx);
    const rows = await readRows(ctx, side, keys.slice(i, i + ctx.batch));
    for (const [k, row] of rows) {
      const h = ctx.hash(row);
      sum.add(h);
      hashes?.set(k, h);
    }
  }
  return sum.toJSON();
}

async function prepare(ctx: Ctx): Promise<void> {
  const { local, remote, collection, o } = ctx;
  const [lHas, rHas] = await Promise.all([
    local.hasCollection({ collection_name: collection }),
    remote.hasCollection({ collection_name: collection }),
  ]);
  const missing = (side: Side) =>
    new ElanusError(
      'CollectionNotExists',
      `collection not found[collection=${collection}] on the ${side} side`,
      {
        param: 'collection',
        side,
      },
    );
  const create = o.createTarget !== false;
  if (o.direction === 'push') {
    if (!lHas.value) throw missing('local');
    if (!rHas.value && !create) throw missing('remote');
    await createRemoteFrom(local, remote, collection);
  } else if (o.direction === 'pull') {
    if (!rHas.value) throw missing('remote');
    if (!lHas.value && !create) throw missing('local');
    await quiet(ctx, 'local', () => createLocalFrom(remote, local, collection));
  } else {
    if (!lHas.value && !rHas.value) throw missing('local');
    if ((!lHas.value || !rHas.value) && !create) throw missing(lHas.value ? 'remote' : 'local');
    if (lHas.value) await createRemoteFrom(local, remote, collection);
    await quiet(ctx, 'local', () => createLocalFrom(remote, local, collection));
  }
  for (const c of [local, remote]) {
    const s = await c.getLoadState({ collection_name: collection });
    if (s.state !== 'LoadStateLoaded') await c.loadCollection({ collection_name: collection });
  }
  ctx.schema = await describeSchema(local, collection);
  ctx.hash = rowHasher(ctx.schema);
  ctx.intKey = isIntKey(ctx.schema);
}

function positiveInt(v: unknown, name: string, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter ${name}: expected a positive integer, got ${String(v)}`,
      {
        param: name,
      },
    );
  }
  return v;
}

/**
 * Synchronises one collection between a local client and a remote Milvus.
 *
 * - `push`: the local operation log since the checkpoint becomes remote upserts/deletes, in order, in
 *   batches; without a usable log (first push, reload, full: true) both sides are compared key by key.
 * - `pull`: remote rows are read in primary-key order, chunk by chunk, and applied locally; a key the
 *   local side has and the remote lacks was deleted remotely and is deleted locally.
 * - `both`: each row is compared with the version both sides had after the last two-way sync (hashes
 *   kept beside the checkpoint); one-sided changes are copied, two-sided ones follow `conflict`.
 *
 * The checkpoint is saved after every confirmed batch, so an interrupted sync resumes where it stopped;
 * writes are upserts and key deletions, so redoing a batch neither duplicates nor loses rows.
 */
export async function sync(o: SyncOptions): Promise<SyncResult> {
  if (!o || typeof o !== 'object')
    throw new ElanusError('IllegalArgument', 'invalid parameter options: expected an object');
  if (!['push', 'pull', 'both'].includes(o.direction)) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter direction: expected push, pull or both, got ${String(o.direction)}`,
      {
        param: 'direction',
      },
    );
  }
  if (typeof o.collection !== 'string' || o.collection === '') {
    throw new ElanusError('IllegalArgument', 'invalid parameter collection: expected a collection name', {
      param: 'collection',
    });
  }
  const t0 = Date.now();
  const store = o.checkpoint ?? (await defaultCheckpointStore());
  const key = o.checkpointKey ?? `elanus-sync|${remoteIdentity(o.remote)}|${o.collection}`;
  const loaded = (await store.load(key)) as SyncState | undefined;
  const state: SyncState =
    loaded?.v === 1
      ? loaded
      : { v: 1, collection: o.collection, remote: remoteIdentity(o.remote), updated: 0 };
  const res: SyncResult = {
    collection: o.collection,
    direction: o.direction,
    resumed: false,
    pushed: { upserted: 0, deleted: 0 },
    pulled: { upserted: 0, deleted: 0 },
    conflicts: 0,
    remoteOnly: 0,
    batches: 0,
    bytes: 0,
    transferMs: 0,
    durationMs: 0,
  };
  const ctx: Ctx = {
    o,
    local: o.local,
    remote: o.remote,
    collection: o.collection,
    schema: undefined as unknown as SchemaInfo,
    hash: undefined as unknown as RowHasher,
    intKey: true,
    batch: positiveInt(o.batchSize, 'batchSize', 1000),
    maxBytes: positiveInt(o.maxBatchBytes, 'maxBatchBytes', 8 << 20),
    store,
    key,
    state,
    log: o.oplog ?? (await ensureRecorder(o.local)),
    res,
    progress: { phase: 'prepare', done: 0, total: 0, upserted: 0, deleted: 0, batches: 0, bytes: 0 },
    t0,
  };
  checkAbort(ctx);
  emit(ctx, 'prepare');
  await prepare(ctx);

  if (o.direction === 'push') {
    const log = ctx.log;
    const interrupted = state.pass?.kind === 'push';
    // A log that has seen every write since the engine began can stand in for a first push.
    if (!interrupted && !o.full && log && !state.push && log.covers(o.collection, 0)) {
      state.push = { log: log.id, seq: 0, offset: 0 };
    }
    const usable =
      !interrupted &&
      !o.full &&
      log &&
      state.push?.log === log.id &&
      log.covers(o.collection, state.push.seq);
    if (!(usable && (await pushFromLog(ctx, log)))) {
      res.pushMode = 'scan';
      await scanPass(ctx, 'push');
      const pass = state.pass!;
      state.push = pass.log ? { log: pass.log, seq: pass.startSeq, offset: 0 } : undefined;
      state.pass = undefined;
      await saveState(ctx);
      if (log && pass.log === log.id) await log.truncate(o.collection, pass.startSeq);
    }
  } else if (o.direction === 'pull') {
    await scanPass(ctx, 'pull');
    state.pass = undefined;
    await saveState(ctx);
  } else {
    await scanPass(ctx, 'both');
    const pass = state.pass!;
    if (pass.log && ctx.log?.id === pass.log) {
      state.push = { log: pass.log, seq: pass.startSeq, offset: 0 };
      await ctx.log.truncate(o.collection, pass.startSeq);
    }
    state.pass = undefined;
    await saveState(ctx);
  }

  // Two-way sync needs the rows both sides agree on (its base), so it always verifies.
  if (o.verify !== false || o.direction === 'both') {
    emit(ctx, 'verify', 0, 0);
    const lh = new Map<Key, string>();
    const rh = new Map<Key, string>();
    const [l, r] = await Promise.all([summarize(ctx, 'local', lh), summarize(ctx, 'remote', rh)]);
    res.verification = { equal: l.count === r.count && l.checksum === r.checksum, local: l, remote: r };
    const pairs: [Key, string][] = [];
    for (const [k, h] of lh) if (rh.get(k) === h) pairs.push([k, h]);
    await store.save(key + BASE_SUFFIX, { v: 1, pairs });
  }
  res.durationMs = Date.now() - t0;
  emit(ctx, 'done');
  return res;
}
