// Query aggregation and ordering, as Milvus's query takes them: `group_by_fields` with `count(*)`,
// `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)` in `output_fields`, and `order_by_fields`
// (`'price:desc,id'` or `[{ field, order }]`). They run over the rows the filter selects, in one pass.
// Nulls: aggregates skip them, a null group key is a group of its own, and ordering puts them last
// ascending and first descending (SQL's default).

import type { OrderByFields, RowData } from '../client/types.js';
import type { Collection } from '../collection/collection.js';
import { elanusError } from '../errors/index.js';
import { DataType, DataTypeName, type FieldSchema } from '../schema/types.js';
import { formatValue, isAggregateName } from './common.js';

type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

interface Aggregate {
  /** The output key: `fn(field)` with the function in lower case, e.g. `count(*)`, `avg(price)`. */
  name: string;
  fn: AggregateFn;
  /** Schema field index; -1 for `count(*)`. */
  field: number;
}

const AGGREGATE_PARTS = /^\s*(count|sum|avg|min|max)\s*\(\s*(\*|[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/i;
const INTEGER = new Set<number>([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64]);
const NUMERIC = new Set<number>([...INTEGER, DataType.Float, DataType.Double]);
const GROUPABLE = new Set<number>([...INTEGER, DataType.Bool, DataType.VarChar]);
const ORDERABLE = new Set<number>([...NUMERIC, DataType.Bool, DataType.VarChar]);

function typeName(f: FieldSchema): string {
  return DataTypeName[f.data_type] ?? String(f.data_type);
}

function parseAggregate(c: Collection, text: string): Aggregate {
  const m = AGGREGATE_PARTS.exec(text)!;
  const fn = m[1]!.toLowerCase() as AggregateFn;
  const arg = m[2]!;
  if (arg === '*') {
    if (fn !== 'count') {
      throw elanusError('aggregateStar', { fn }, { param: 'output_fields' });
    }
    return { name: 'count(*)', fn, field: -1 };
  }
  const field = c.fieldIndex(arg);
  const f = c.fields[field];
  if (!f) {
    throw elanusError(
      'aggregateFieldNotExists',
      { expr: text.trim(), field: arg, collection: c.name },
      { param: 'output_fields', field: arg },
    );
  }
  const fits =
    fn === 'count' ||
    NUMERIC.has(f.data_type) ||
    ((fn === 'min' || fn === 'max') && f.data_type === DataType.VarChar);
  if (!fits) {
    throw elanusError(
      'aggregateFieldType',
      { fn, field: arg, type: typeName(f) },
      { param: 'output_fields', field: arg },
    );
  }
  return { name: `${fn}(${arg})`, fn, field };
}

/** Orders values: booleans, numbers and bigints by value, strings by code unit; null after everything. */
export function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface OrderKey {
  name: string;
  desc: boolean;
}

/** Parses the SDK's `order_by_fields` forms: `'a:desc,b'`, `['a:desc']`, `[{ field: 'a', order: 'desc' }]`. */
export function parseOrderBy(spec: OrderByFields | undefined, param = 'order_by_fields'): OrderKey[] {
  if (spec === undefined || spec === null) return [];
  const items: unknown[] = typeof spec === 'string' ? spec.split(',') : Array.isArray(spec) ? spec : [spec];
  if (typeof spec !== 'string' && !Array.isArray(spec)) {
    throw elanusError('orderBySpec', { param, got: typeof spec }, { param });
  }
  const keys: OrderKey[] = [];
  items.forEach((item, i) => {
    let field: unknown;
    let order: unknown;
    if (typeof item === 'string') {
      const at = item.lastIndexOf(':');
      field = (at < 0 ? item : item.slice(0, at)).trim();
      order = at < 0 ? 'asc' : item.slice(at + 1).trim();
    } else if (item && typeof item === 'object') {
      field = (item as { field?: unknown }).field;
      order = (item as { order?: unknown }).order ?? 'asc';
    }
    if (typeof field !== 'string' || field === '') {
      throw elanusError('orderByItemField', { param, index: i, got: item }, { param });
    }
    const o = typeof order === 'string' ? order.toLowerCase() : order;
    if (o !== 'asc' && o !== 'desc') {
      throw elanusError('orderByItemOrder', { param, index: i, got: order }, { param });
    }
    keys.push({ name: field, desc: o === 'desc' });
  });
  return keys;
}

/** Sorts rows by scalar fields (`order_by_fields` on a plain query); ties keep primary-key order. */
export function orderRows(c: Collection, rows: number[], spec: OrderByFields, param: string): number[] {
  const keys = parseOrderBy(spec, param).map((k) => {
    const idx = c.fieldIndex(k.name);
    const f = c.fields[idx];
    if (!f) {
      throw elanusError(
        'paramFieldNotExists',
        { param, field: k.name, collection: c.name },
        { param, field: k.name },
      );
    }
    if (!ORDERABLE.has(f.data_type)) {
      throw elanusError(
        'orderByFieldType',
        { param, field: k.name, type: typeName(f) },
        { param, field: k.name },
      );
    }
    return { idx, desc: k.desc };
  });
  if (keys.length === 0) return rows;
  const position = new Map<number, number>();
  rows.forEach((r, i) => {
    position.set(r, i);
  });
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const d = compareValues(c.value(a, k.idx), c.value(b, k.idx));
      if (d !== 0) return k.desc ? -d : d;
    }
    return position.get(a)! - position.get(b)!;
  });
}

interface Accumulator {
  count: number;
  /** Integer sums stay exact as bigint; float sums as number. */
  sum: bigint | number;
  best: unknown;
}

interface Group {
  key: unknown[];
  rows: number;
  acc: Accumulator[];
}

function keyString(values: unknown[]): string {
  return values.map((v) => (v === null || v === undefined ? 'n' : `${typeof v}:${String(v)}`)).join('\u0001');
}

export interface AggregateRequest {
  output_fields: string[];
  group_by_fields?: string[];
  order_by_fields?: OrderByFields;
  orderParam: string;
}

/**
 * Groups `rows` (already filtered) and computes the aggregates; one row when nothing is grouped.
 * Integer results (`count`, `sum` of integers, `min`/`max` of Int64) are strings as the SDK gives int64.
 */
export function aggregateRows(c: Collection, rows: Iterable<number>, req: AggregateRequest): RowData[] {
  const groupNames = req.group_by_fields ?? [];
  if (!Array.isArray(groupNames)) {
    throw elanusError(
      'fieldNamesNotArray',
      { param: 'group_by_fields', got: typeof groupNames },
      { param: 'group_by_fields' },
    );
  }
  const groupIdx = groupNames.map((name, i) => {
    const idx = typeof name === 'string' ? c.fieldIndex(name) : -1;
    const f = c.fields[idx];
    if (!f) {
      throw elanusError(
        'paramFieldNotExists',
        { param: `group_by_fields[${i}]`, field: name, collection: c.name },
        { param: 'group_by_fields', field: String(name) },
      );
    }
    if (!GROUPABLE.has(f.data_type)) {
      throw elanusError(
        'groupByFieldType',
        { index: i, field: name, type: typeName(f) },
        { param: 'group_by_fields', field: name },
      );
    }
    return idx;
  });
  const aggregates: Aggregate[] = [];
  const columns: ({ kind: 'group'; at: number; name: string } | { kind: 'agg'; at: number; name: string })[] =
    [];
  for (const out of req.output_fields) {
    if (isAggregateName(out)) {
      const a = parseAggregate(c, out);
      let at = aggregates.findIndex((x) => x.name === a.name);
      if (at < 0) at = aggregates.push(a) - 1;
      columns.push({ kind: 'agg', at, name: a.name });
      continue;
    }
    const at = groupNames.indexOf(out);
    if (at < 0) {
      throw groupNames.length
        ? elanusError(
            'outputNotGrouped',
            { field: out, groups: groupNames },
            { param: 'output_fields', field: out },
          )
        : elanusError('outputMixedWithAggregates', { field: out }, { param: 'output_fields', field: out });
    }
    columns.push({ kind: 'group', at, name: out });
  }

  const groups = new Map<string, Group>();
  const fresh = (key: unknown[]): Group => ({
    key,
    rows: 0,
    acc: aggregates.map((a) => ({
      count: 0,
      sum: a.field >= 0 && INTEGER.has(c.fields[a.field]!.data_type) ? 0n : 0,
      best: null,
    })),
  });
  if (groupIdx.length === 0) groups.set('', fresh([]));
  for (const r of rows) {
    const key = groupIdx.map((i) => c.value(r, i) ?? null);
    const ks = keyString(key);
    let g = groups.get(ks);
    if (!g) {
      g = fresh(key);
      groups.set(ks, g);
    }
    g.rows++;
    aggregates.forEach((a, ai) => {
      if (a.field < 0) return;
      const v = c.value(r, a.field);
      if (v === null || v === undefined) return;
      const acc = g.acc[ai]!;
      acc.count++;
      if (a.fn === 'sum' || a.fn === 'avg') {
        acc.sum = typeof acc.sum === 'bigint' ? acc.sum + BigInt(v as number | bigint) : acc.sum + Number(v);
      } else if (a.fn === 'min' || a.fn === 'max') {
        const d = acc.best === null ? 0 : compareValues(v, acc.best);
        if (acc.best === null || (a.fn === 'min' ? d < 0 : d > 0)) acc.best = v;
      }
    });
  }

  const raw = (g: Group, ai: number): unknown => {
    const a = aggregates[ai]!;
    const acc = g.acc[ai]!;
    if (a.fn === 'count') return a.field < 0 ? g.rows : acc.count;
    if (acc.count === 0) return null;
    if (a.fn === 'sum') return acc.sum;
    if (a.fn === 'avg') return Number(acc.sum) / acc.count;
    return acc.best;
  };
  const shown = (g: Group, ai: number): unknown => {
    const a = aggregates[ai]!;
    const v = raw(g, ai);
    if (a.fn === 'count') return String(v);
    if (v === null) return null;
    if (a.fn === 'sum') return typeof v === 'bigint' ? v.toString() : v;
    if (a.fn === 'avg') return v;
    return formatValue(c.fields[a.field]!, v);
  };
  let list = [...groups.values()];
  const order = parseOrderBy(req.order_by_fields, req.orderParam);
  const sortKeys = order.map((k) => {
    const gi = groupNames.indexOf(k.name);
    const ai = isAggregateName(k.name)
      ? aggregates.findIndex((a) => a.name === parseAggregate(c, k.name).name)
      : -1;
    if (gi < 0 && ai < 0) {
      throw elanusError(
        'orderByNotOutput',
        { param: req.orderParam, field: k.name },
        { param: req.orderParam, field: k.name },
      );
    }
    return { gi, ai, desc: k.desc };
  });
  // Without order_by_fields, groups come in ascending key order, so pages are stable.
  const keyOf = (g: Group, k: { gi: number; ai: number }): unknown =>
    k.gi >= 0 ? g.key[k.gi] : raw(g, k.ai);
  const defaults = groupIdx.map((_, gi) => ({ gi, ai: -1, desc: false }));
  const all = [...sortKeys, ...defaults];
  list = list.sort((a, b) => {
    for (const k of all) {
      const d = compareValues(keyOf(a, k), keyOf(b, k));
      if (d !== 0) return k.desc ? -d : d;
    }
    return 0;
  });
  return list.map((g) => {
    const out: RowData = {};
    for (const col of columns) {
      if (col.kind === 'group') {
        out[col.name] = formatValue(c.fields[groupIdx[col.at]!]!, g.key[col.at]);
      } else {
        out[col.name] = shown(g, col.at);
      }
    }
    return out;
  });
}
