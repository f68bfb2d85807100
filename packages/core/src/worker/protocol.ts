/**
 * What crosses the page ↔ engine-worker boundary: comlink transfer handlers for errors, and compact
 * encodings that move vectors and result columns as transferable typed arrays instead of cloned objects.
 */
import { type TransferHandler, transferHandlers } from 'comlink';
import type {
  InsertReq,
  MutationResult,
  Progress,
  RowData,
  SearchHit,
  SearchReq,
  SearchResults,
} from '../client/types.js';
import { ElanusError, type SerializedElanusError } from '../errors/index.js';

/** What the client needs of a worker: a message endpoint it may terminate. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (ev: Event) => void): void;
  removeEventListener(type: string, listener: (ev: Event) => void): void;
  terminate(): void;
  start?: () => void;
}

// ---- errors -----------------------------------------------------------------------------------------

/** Name of the handler for ElanusError values returned (not thrown) across the boundary. */
export const ERROR_HANDLER = 'elanus-error';
const OURS = Symbol.for('elanus.transferHandler');

interface ThrownWire {
  // The shape comlink's own 'throw' handler produces, so a peer without ours still gets an Error.
  isError: boolean;
  value: unknown;
}

function errorToWire(e: Error): Record<string, unknown> {
  if (e instanceof ElanusError) return { ...e.toJSON(), status: e.status };
  return { message: e.message, name: e.name, stack: e.stack };
}

function errorFromWire(v: Record<string, unknown>): Error {
  if (v.name === 'ElanusError' && typeof v.code === 'string')
    return ElanusError.fromJSON(v as unknown as SerializedElanusError);
  const e = new Error(String(v.message));
  e.name = String(v.name ?? 'Error');
  if (typeof v.stack === 'string') e.stack = v.stack;
  return e;
}

/**
 * Registers Elanus's comlink transfer handlers in this realm; both sides call it (the page in the
 * worker client, the worker in `exposeEngine`). Comlink's stock 'throw' handler keeps only an error's
 * name, message and stack; ours also keeps an ElanusError's `code` and `details`. Idempotent.
 */
export function registerTransferHandlers(): void {
  const stock = transferHandlers.get('throw') as
    | (TransferHandler<unknown, ThrownWire> & { [OURS]?: true })
    | undefined;
  if (stock && !stock[OURS]) {
    const handler: TransferHandler<{ value: unknown }, ThrownWire> & { [OURS]: true } = {
      [OURS]: true,
      canHandle: stock.canHandle as (v: unknown) => v is { value: unknown },
      serialize({ value }) {
        return [
          value instanceof Error ? { isError: true, value: errorToWire(value) } : { isError: false, value },
          [],
        ];
      },
      deserialize(wire) {
        throw wire.isError ? errorFromWire(wire.value as Record<string, unknown>) : wire.value;
      },
    };
    // Same key: comlink consults handlers in insertion order and 'throw' must stay ahead of ours.
    transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  }
  if (!transferHandlers.has(ERROR_HANDLER)) {
    const handler: TransferHandler<ElanusError, Record<string, unknown>> = {
      canHandle: (v): v is ElanusError => v instanceof ElanusError,
      serialize: (e) => [errorToWire(e), []],
      deserialize: (w) => errorFromWire(w) as ElanusError,
    };
    transferHandlers.set(ERROR_HANDLER, handler as TransferHandler<unknown, unknown>);
  }
}

/** Whether this realm has Elanus's handlers registered (tests assert it on both sides). */
export function transferHandlersRegistered(): boolean {
  const t = transferHandlers.get('throw') as { [OURS]?: true } | undefined;
  return Boolean(t?.[OURS]) && transferHandlers.has(ERROR_HANDLER);
}

// ---- control messages (outside comlink: ordered with the call results on the same port) ---------------

/** Key of the control messages: comlink ignores messages without its `id`/`type`. */
export const CONTROL = '__elanus';

export type ControlMessage =
  | { [CONTROL]: 'progress'; op: number; progress: Progress }
  | { [CONTROL]: 'abort'; op: number };

export function isControl(data: unknown): data is ControlMessage {
  return typeof data === 'object' && data !== null && CONTROL in data;
}

// ---- vectors in ---------------------------------------------------------------------------------------

/** Float vectors of a batch, one region per field in one Float32Array (row-major). */
export interface PackedVectors {
  fields: { name: string; dim: number; offset: number }[];
  data: Float32Array;
}

/** An insert/upsert request as it crosses: rows without their packed vectors, plus the packed block. */
export interface WireInsert {
  req: Omit<InsertReq, 'data' | 'fields_data' | 'onProgress' | 'signal'>;
  rows: RowData[];
  packed: PackedVectors | null;
}

function numericLength(v: unknown): number {
  if (v instanceof Float32Array || v instanceof Float64Array) return v.length;
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'number') return v.length;
  return -1;
}

/** Vector fields the page packs: `float` (FloatVector) and `exact` ones packed only when lossless. */
export interface PackableFields {
  float: string[];
  /**
   * Float16Vector and Int8Vector fields: their conversion reads the number as given (a double rounds to
   * float16 directly; 1.0000001 is no int8), so they are packed only when every value is a float32.
   * BFloat16Vector is in `float`: the SDK's conversion rounds to float32 first anyway.
   */
  exact: string[];
}

/**
 * Moves the values of `vectorFields` (dense vector fields) out of the rows into one Float32Array. A field
 * is packed only when every row holds a numeric array of one length (and, for `exactFields`, only float32
 * values); otherwise it stays in the rows, so the engine reports the bad value exactly as it would
 * in-thread. The caller's rows are not modified.
 */
export function packRows(
  rows: RowData[],
  vectorFields: readonly string[],
  exactFields: ReadonlySet<string> = new Set(),
): { rows: RowData[]; packed: PackedVectors | null; transfer: Transferable[] } {
  const fields: { name: string; dim: number; offset: number }[] = [];
  let total = 0;
  for (const name of vectorFields) {
    const dim = numericLength(rows[0]?.[name]);
    if (dim <= 0) continue;
    let same = true;
    for (let i = 1; i < rows.length && same; i++) same = numericLength(rows[i]?.[name]) === dim;
    if (!same) continue;
    fields.push({ name, dim, offset: total });
    total += dim * rows.length;
  }
  if (fields.length === 0) return { rows, packed: null, transfer: [] };
  const data = new Float32Array(total);
  const kept: typeof fields = [];
  for (const f of fields) {
    let ok = true;
    const exact = exactFields.has(f.name);
    for (let i = 0; i < rows.length && ok; i++) {
      const v = rows[i]![f.name] as ArrayLike<number>;
      const base = f.offset + i * f.dim;
      if (v instanceof Float32Array) {
        data.set(v, base);
        continue;
      }
      for (let j = 0; j < f.dim; j++) {
        const x = v[j];
        // A non-number (or, for an exact field, a value float32 would change): leave the field in the
        // rows for the engine to convert or reject.
        if (typeof x !== 'number' || (exact && Math.fround(x) !== x && !Number.isNaN(x))) {
          ok = false;
          break;
        }
        data[base + j] = x;
      }
    }
    if (ok) kept.push(f);
  }
  if (kept.length === 0) return { rows, packed: null, transfer: [] };
  const drop = new Set(kept.map((f) => f.name));
  const out = rows.map((r) => {
    const o: RowData = {};
    for (const k in r) if (!drop.has(k)) o[k] = r[k];
    return o;
  });
  return { rows: out, packed: { fields: kept, data }, transfer: [data.buffer] };
}

/**
 * Puts packed vectors back into the rows (in place). Each row gets its own copy: a view into the
 * shared block would drag the whole block along wherever the row is cloned (e.g. into IndexedDB).
 */
export function unpackRows(
  rows: RowData[],
  packed: PackedVectors | null,
  floatVectorFields: ReadonlySet<string>,
): RowData[] {
  if (!packed) return rows;
  for (const f of packed.fields) {
    const asFloat = floatVectorFields.has(f.name);
    for (let i = 0; i < rows.length; i++) {
      const v = packed.data.slice(f.offset + i * f.dim, f.offset + (i + 1) * f.dim);
      // Not a FloatVector field (schema changed since the page looked): hand over plain numbers.
      rows[i]![f.name] = asFloat ? v : Array.from(v);
    }
  }
  return rows;
}

/**
 * Search query vectors as they cross: several dense vectors become one typed array, Float32Array when
 * that loses nothing, else Float64Array (the worker does not know the field yet, and a Float16Vector
 * query rounds the double itself, as in-thread).
 */
export type WireQueries =
  | { kind: 'raw'; data: unknown }
  | { kind: 'one'; data: Float32Array | Float64Array }
  | { kind: 'many'; dim: number; count: number; data: Float32Array | Float64Array };

/** Whether every element of numeric arrays is a float32 value (NaN and non-numbers count as such). */
function allFloat32(list: readonly unknown[]): boolean {
  for (const q of list) {
    if (q instanceof Float32Array) continue;
    const v = q as ArrayLike<unknown>;
    for (let j = 0; j < v.length; j++) {
      const x = v[j];
      if (typeof x === 'number' && Math.fround(x) !== x && !Number.isNaN(x)) return false;
    }
  }
  return true;
}

export function packQueries(data: unknown): { wire: WireQueries; transfer: Transferable[] } {
  const one = numericLength(data);
  if (one > 0 && !(data instanceof Float32Array)) {
    const src = data as ArrayLike<number>;
    const v = allFloat32([data]) ? Float32Array.from(src) : Float64Array.from(src);
    if (Array.prototype.every.call(data, (x: unknown) => typeof x === 'number'))
      return { wire: { kind: 'one', data: v }, transfer: [v.buffer] };
  }
  if (Array.isArray(data) && data.length > 1) {
    const dim = numericLength(data[0]);
    if (dim > 0 && data.every((q) => numericLength(q) === dim)) {
      const out = allFloat32(data)
        ? new Float32Array(dim * data.length)
        : new Float64Array(dim * data.length);
      let ok = true;
      for (let i = 0; i < data.length && ok; i++) {
        const q = data[i] as ArrayLike<number>;
        if (q instanceof Float32Array) out.set(q, i * dim);
        else
          for (let j = 0; j < dim; j++) {
            const x = q[j];
            if (typeof x !== 'number') {
              ok = false;
              break;
            }
            out[i * dim + j] = x;
          }
      }
      if (ok) return { wire: { kind: 'many', dim, count: data.length, data: out }, transfer: [out.buffer] };
    }
  }
  return { wire: { kind: 'raw', data }, transfer: [] };
}

export function unpackQueries(w: WireQueries): unknown {
  if (w.kind === 'raw') return w.data;
  if (w.kind === 'one') return w.data;
  return Array.from({ length: w.count }, (_, i) => w.data.subarray(i * w.dim, (i + 1) * w.dim));
}

export interface WireSearch {
  req: Omit<SearchReq, 'data' | 'vector' | 'vectors'>;
  /** Which request field carried the vectors (it names the parameter in error messages). */
  field: 'data' | 'vector' | 'vectors';
  queries: WireQueries;
}

// ---- rows out -----------------------------------------------------------------------------------------

/** One result column: numbers as typed arrays, equal-length float vectors packed, anything else cloned. */
export type WireColumn =
  | { k: string; t: 'f32'; v: Float32Array }
  | { k: string; t: 'f64'; v: Float64Array }
  | { k: string; t: 'vec'; dim: number; v: Float32Array }
  | { k: string; t: 'any'; v: unknown[] };

/** Result rows, column by column when every row has the same keys in the same order, else as they are. */
export type WireRows = { n: number; cols: WireColumn[] } | { n: number; rows: RowData[] };

function sameKeys(rows: RowData[]): string[] | null {
  const first = rows[0];
  if (!first) return [];
  const keys = Object.keys(first);
  for (let i = 1; i < rows.length; i++) {
    const ks = Object.keys(rows[i]!);
    if (ks.length !== keys.length) return null;
    for (let j = 0; j < ks.length; j++) if (ks[j] !== keys[j]) return null;
  }
  return keys;
}

function encodeColumn(k: string, rows: RowData[], transfer: Transferable[]): WireColumn {
  const n = rows.length;
  const v0 = rows[0]![k];
  if (typeof v0 === 'number') {
    let all = true;
    let f32 = true;
    for (let i = 0; i < n && all; i++) {
      const x = rows[i]![k];
      if (typeof x !== 'number') all = false;
      else if (f32 && Math.fround(x) !== x && !Number.isNaN(x)) f32 = false;
    }
    if (all) {
      const v = f32 ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = rows[i]![k] as number;
      transfer.push(v.buffer);
      return f32 ? { k, t: 'f32', v: v as Float32Array } : { k, t: 'f64', v: v as Float64Array };
    }
  }
  const dim = Array.isArray(v0) && v0.length > 0 && typeof v0[0] === 'number' ? v0.length : 0;
  if (dim > 0) {
    // Float vectors come out as number[] of float32 values: pack them when that loses nothing.
    const v = new Float32Array(n * dim);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const a = rows[i]![k];
      if (!Array.isArray(a) || a.length !== dim) {
        ok = false;
        break;
      }
      for (let j = 0; j < dim; j++) {
        const x = a[j];
        if (typeof x !== 'number' || (Math.fround(x) !== x && !Number.isNaN(x))) {
          ok = false;
          break;
        }
        v[i * dim + j] = x;
      }
    }
    if (ok) {
      transfer.push(v.buffer);
      return { k, t: 'vec', dim, v };
    }
  }
  return { k, t: 'any', v: rows.map((r) => r[k]) };
}

export function encodeRows(rows: RowData[], transfer: Transferable[]): WireRows {
  const keys = sameKeys(rows);
  if (keys === null) return { n: rows.length, rows };
  return { n: rows.length, cols: keys.map((k) => encodeColumn(k, rows, transfer)) };
}

/** Builds the row objects at the page edge, keys in their original order. */
export function decodeRows<T extends RowData = RowData>(w: WireRows): T[] {
  if ('rows' in w) return w.rows as T[];
  const out = new Array<T>(w.n);
  const cols = w.cols;
  for (let i = 0; i < w.n; i++) {
    const o: RowData = {};
    for (const c of cols) {
      if (c.t === 'vec') o[c.k] = Array.from(c.v.subarray(i * c.dim, (i + 1) * c.dim));
      else o[c.k] = c.v[i];
    }
    out[i] = o as T;
  }
  return out;
}

/** Search results as they cross: all hits flattened into columns, with per-query offsets. */
export interface WireSearchResults {
  status: SearchResults['status'];
  recalls: number[];
  /** One query vector: `results` is one list, not a list of lists. */
  single: boolean;
  offsets: Int32Array;
  hits: WireRows;
  /** `search_aggregation` buckets: plain values, structured-cloned as they are. */
  agg_buckets?: SearchResults['agg_buckets'];
}

export function encodeSearchResults(res: SearchResults, transfer: Transferable[]): WireSearchResults {
  const single = !Array.isArray(res.results[0]);
  const lists = (single ? [res.results] : res.results) as SearchHit[][];
  const offsets = new Int32Array(lists.length + 1);
  const flat: SearchHit[] = [];
  lists.forEach((l, i) => {
    for (const h of l) flat.push(h);
    offsets[i + 1] = flat.length;
  });
  transfer.push(offsets.buffer);
  const w: WireSearchResults = {
    status: res.status,
    recalls: res.recalls,
    single,
    offsets,
    hits: encodeRows(flat, transfer),
  };
  if (res.agg_buckets !== undefined) w.agg_buckets = res.agg_buckets;
  return w;
}

export function decodeSearchResults(w: WireSearchResults): SearchResults {
  const flat = decodeRows<SearchHit>(w.hits);
  const lists: SearchHit[][] = [];
  for (let i = 0; i + 1 < w.offsets.length; i++) lists.push(flat.slice(w.offsets[i]!, w.offsets[i + 1]!));
  const res: SearchResults = {
    status: w.status,
    results: w.single ? (lists[0] ?? []) : lists,
    recalls: w.recalls,
  };
  if (w.agg_buckets !== undefined) res.agg_buckets = w.agg_buckets;
  return res;
}

// ---- chunked writes -----------------------------------------------------------------------------------

/** Combines the results of the chunks of one insert/upsert into the result of one call. */
export function mergeMutationResults(parts: MutationResult[]): MutationResult {
  const first = parts[0]!;
  const ids: string[] = [];
  const succ: number[] = [];
  let base = 0;
  let insert = 0;
  let upsert = 0;
  let del = 0;
  for (const p of parts) {
    const d = 'int_id' in p.IDs ? p.IDs.int_id.data : p.IDs.str_id.data;
    for (const id of d) ids.push(id);
    for (const i of p.succ_index) succ.push(i + base);
    base += d.length;
    insert += Number(p.insert_cnt);
    upsert += Number(p.upsert_cnt);
    del += Number(p.delete_cnt);
  }
  return {
    ...first,
    succ_index: succ,
    err_index: [],
    IDs:
      'int_id' in first.IDs
        ? { int_id: { data: ids }, id_field: 'int_id' }
        : { str_id: { data: ids }, id_field: 'str_id' },
    insert_cnt: String(insert),
    upsert_cnt: String(upsert),
    delete_cnt: String(del),
    timestamp: parts[parts.length - 1]!.timestamp,
  };
}

/** An error from chunk starting at row `offset`, renumbered so its row indexes point into the whole batch. */
export function shiftRowIndexes(e: unknown, offset: number): unknown {
  if (!(e instanceof ElanusError) || offset === 0) return e;
  const message = e.message.replace(
    /\b(data\[|row )(\d+)/g,
    (_, p: string, d: string) => `${p}${Number(d) + offset}`,
  );
  let details = e.details;
  if (details) {
    details = { ...details };
    if (typeof details.row === 'number') details.row += offset;
    if (typeof details.param === 'string') {
      details.param = details.param.replace(
        /^data\[(\d+)\]/,
        (_, d: string) => `data[${Number(d) + offset}]`,
      );
    }
  }
  // Same code, same error, renumbered (allowed by line in test/error-table.test.ts).
  const out = new ElanusError(e.code, message, details);
  if (e.stack) out.stack = e.stack;
  return out;
}
