// Search aggregation (the SDK's `search_aggregation`): the hits of an ANN search bucketed by a composite
// key of scalar fields, with per-bucket metrics, ordering, representative hits and nested buckets.
//
// Candidates: the nearest `SEARCH_AGGREGATION_CANDIDATES` (16,384, the search top-k bound) rows passing
// the filter, best first; with fewer filtered rows than that, all of them (exact for FLAT). `limit` is
// ignored. A bucket's `count` is the number of candidates in it. Without `order`, buckets come best
// score first (the rank of their best candidate); `order` keys are applied in turn, ties keep that rank.
// Top hits default to best score first. Counts and integer sums are strings (int64, as the SDK gives
// them); avg and float sums are numbers; min/max and key values are formatted as search output fields.

import type {
  AggregationBucket,
  AggregationHit,
  SearchAggregation,
  SearchAggregationMetric,
} from '../client/types.js';
import type { Collection } from '../collection/collection.js';
import { elanusError, invalidParam } from '../errors/index.js';
import type { TopK } from '../indexes/types.js';
import { DataType, DataTypeName, type FieldSchema } from '../schema/types.js';
import { buildRow, formatValue, type OutputPlan } from './common.js';
import { compareValues } from './query-aggregate.js';

export const SEARCH_AGGREGATION_CANDIDATES = 16384;
const MAX_DEPTH = 4;
const OPS = ['avg', 'sum', 'count', 'min', 'max'] as const;
const INTEGER = new Set<number>([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64]);
const NUMERIC = new Set<number>([...INTEGER, DataType.Float, DataType.Double]);
const KEYABLE = new Set<number>([...INTEGER, DataType.Bool, DataType.VarChar]);

interface MetricSpec {
  alias: string;
  op: SearchAggregationMetric['op'];
  /** Schema field index; -1 for `*`, -2 for `_score`. */
  field: number;
}

interface SortSpec {
  /** Schema field index; -2 for `_score`. */
  field: number;
  desc: boolean;
}

/** A validated aggregation level. */
export interface AggregationPlan {
  fields: number[];
  size: number;
  metrics: MetricSpec[];
  order: { key: string; metric: number; desc: boolean }[];
  topHits: { size: number; sort: SortSpec[] } | undefined;
  sub: AggregationPlan | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function direction(v: unknown, param: string): boolean {
  if (v !== 'asc' && v !== 'desc') invalidParam(param, "'asc' or 'desc'", v);
  return v === 'desc';
}

function fieldAt(c: Collection, name: unknown, param: string): number {
  if (typeof name !== 'string' || name.trim() === '') invalidParam(param, 'a non-empty field name', name);
  if (name.includes('[') || name.includes(']')) invalidParam(param, 'a scalar field (no JSON paths)', name);
  const idx = c.fieldIndex(name);
  if (!c.fields[idx]) {
    throw elanusError(
      'paramFieldNotExists',
      { param, field: name, collection: c.name },
      { param, field: name },
    );
  }
  return idx;
}

const typeName = (f: FieldSchema): string => DataTypeName[f.data_type] ?? String(f.data_type);

/** Validates `search_aggregation` (and its nested levels) against the collection. */
export function planAggregation(
  c: Collection,
  agg: SearchAggregation,
  param = 'search_aggregation',
  depth = 1,
): AggregationPlan {
  if (!isObject(agg)) invalidParam(param, 'an object', agg);
  if (depth > MAX_DEPTH) invalidParam(param, `at most ${MAX_DEPTH} nested levels`, depth);
  if (!Array.isArray(agg.fields) || agg.fields.length === 0) {
    invalidParam(`${param}.fields`, 'a non-empty array of field names', agg.fields);
  }
  const fields = agg.fields.map((name, i) => {
    const at = `${param}.fields[${i}]`;
    const idx = fieldAt(c, name, at);
    const f = c.fields[idx]!;
    if (!KEYABLE.has(f.data_type))
      invalidParam(at, 'a Bool, Int or VarChar field', `${name} (${typeName(f)})`);
    return idx;
  });
  if (!isPositiveInt(agg.size)) invalidParam(`${param}.size`, 'a positive integer', agg.size);
  const rawMetrics = agg.metrics ?? {};
  if (!isObject(rawMetrics)) invalidParam(`${param}.metrics`, 'an object', rawMetrics);
  const metrics = Object.entries(rawMetrics).map(([alias, m]): MetricSpec => {
    const at = `${param}.metrics.${alias}`;
    if (!alias.trim()) invalidParam(`${param}.metrics`, 'non-empty metric aliases', alias);
    if (!isObject(m)) invalidParam(at, 'an object {op, field_name}', m);
    if (!OPS.includes(m.op as (typeof OPS)[number]))
      invalidParam(`${at}.op`, `one of ${OPS.join(', ')}`, m.op);
    const op = m.op as MetricSpec['op'];
    const name = m.field_name;
    if (name === '*') {
      if (op !== 'count') invalidParam(`${at}.field_name`, "a field ('*' is only valid for count)", name);
      return { alias, op, field: -1 };
    }
    if (name === '_score') return { alias, op, field: -2 };
    const field = fieldAt(c, name, `${at}.field_name`);
    const f = c.fields[field]!;
    if (op !== 'count' && !NUMERIC.has(f.data_type)) {
      invalidParam(`${at}.field_name`, `a numeric field or _score for ${op}`, `${name} (${typeName(f)})`);
    }
    return { alias, op, field };
  });
  const rawOrder = agg.order ?? [];
  if (!Array.isArray(rawOrder)) invalidParam(`${param}.order`, 'an array', rawOrder);
  const order = rawOrder.map((o, i) => {
    const at = `${param}.order[${i}]`;
    if (!isObject(o)) invalidParam(at, 'an object {key, direction}', o);
    const metric = metrics.findIndex((m) => m.alias === o.key);
    if (metric < 0 && o.key !== '_count' && o.key !== '_key') {
      invalidParam(`${at}.key`, 'a metric alias, _count or _key', o.key);
    }
    return { key: o.key as string, metric, desc: direction(o.direction, `${at}.direction`) };
  });
  let topHits: AggregationPlan['topHits'];
  if (agg.top_hits !== undefined) {
    const th = agg.top_hits;
    if (!isObject(th)) invalidParam(`${param}.top_hits`, 'an object {size, sort?}', th);
    if (!isPositiveInt(th.size)) invalidParam(`${param}.top_hits.size`, 'a positive integer', th.size);
    const rawSort = th.sort ?? [];
    if (!Array.isArray(rawSort)) invalidParam(`${param}.top_hits.sort`, 'an array', rawSort);
    const sort = rawSort.map((s, i) => {
      const at = `${param}.top_hits.sort[${i}]`;
      if (!isObject(s)) invalidParam(at, 'an object {field_name, direction}', s);
      const field = s.field_name === '_score' ? -2 : fieldAt(c, s.field_name, `${at}.field_name`);
      return { field, desc: direction(s.direction, `${at}.direction`) };
    });
    topHits = { size: th.size, sort };
  }
  const sub =
    agg.sub_aggregation === undefined
      ? undefined
      : planAggregation(c, agg.sub_aggregation, `${param}.sub_aggregation`, depth + 1);
  return { fields, size: agg.size, metrics, order, topHits, sub };
}

/** A candidate: its position in the best-first list, row and score. */
interface Cand {
  rank: number;
  row: number;
  score: number;
}

function metricValue(c: Collection, m: MetricSpec, cands: Cand[]): { raw: unknown; shown: unknown } {
  const values: unknown[] = [];
  for (const x of cands) {
    const v = m.field === -2 ? x.score : m.field === -1 ? true : c.value(x.row, m.field);
    if (v !== null && v !== undefined) values.push(v);
  }
  if (m.op === 'count') return { raw: values.length, shown: String(values.length) };
  if (values.length === 0) return { raw: null, shown: null };
  const f = m.field >= 0 ? c.fields[m.field]! : undefined;
  const integer = f !== undefined && INTEGER.has(f.data_type);
  if (m.op === 'sum' || m.op === 'avg') {
    if (integer) {
      let s = 0n;
      for (const v of values) s += BigInt(v as number | bigint);
      if (m.op === 'sum') return { raw: s, shown: s.toString() };
      const avg = Number(s) / values.length;
      return { raw: avg, shown: avg };
    }
    let s = 0;
    for (const v of values) s += Number(v);
    const r = m.op === 'sum' ? s : s / values.length;
    return { raw: r, shown: r };
  }
  let best = values[0];
  for (const v of values) {
    const d = compareValues(v, best);
    if (m.op === 'min' ? d < 0 : d > 0) best = v;
  }
  return { raw: best, shown: f ? (integer ? String(best) : formatValue(f, best)) : best };
}

function hitOf(c: Collection, x: Cand, plan: OutputPlan): AggregationHit {
  const hit = { score: x.score } as AggregationHit;
  buildRow(c, x.row, plan, hit);
  return hit;
}

function buckets(c: Collection, a: AggregationPlan, cands: Cand[], plan: OutputPlan): AggregationBucket[] {
  const groups = new Map<string, { key: unknown[]; cands: Cand[] }>();
  for (const x of cands) {
    const key = a.fields.map((i) => c.value(x.row, i) ?? null);
    const ks = key.map((v) => (v === null ? 'n' : `${typeof v}:${String(v)}`)).join('\u0001');
    let g = groups.get(ks);
    if (!g) {
      g = { key, cands: [] };
      groups.set(ks, g);
    }
    g.cands.push(x);
  }
  const list = [...groups.values()].map((g) => ({
    ...g,
    metrics: a.metrics.map((m) => metricValue(c, m, g.cands)),
  }));
  type G = (typeof list)[number];
  const compareKeys = (x: G, y: G): number => {
    for (let i = 0; i < x.key.length; i++) {
      const d = compareValues(x.key[i], y.key[i]);
      if (d !== 0) return d;
    }
    return 0;
  };
  list.sort((x, y) => {
    for (const o of a.order) {
      const d =
        o.key === '_count' && o.metric < 0
          ? x.cands.length - y.cands.length
          : o.key === '_key' && o.metric < 0
            ? compareKeys(x, y)
            : compareValues(x.metrics[o.metric]!.raw, y.metrics[o.metric]!.raw);
      if (d !== 0) return o.desc ? -d : d;
    }
    return x.cands[0]!.rank - y.cands[0]!.rank;
  });
  return list.slice(0, a.size).map((g) => {
    const metrics: Record<string, unknown> = {};
    a.metrics.forEach((m, i) => {
      metrics[m.alias] = g.metrics[i]!.shown;
    });
    let hits: AggregationHit[] = [];
    if (a.topHits) {
      const sort = a.topHits.sort;
      const sorted = sort.length
        ? [...g.cands].sort((x, y) => {
            for (const s of sort) {
              const d =
                s.field === -2
                  ? x.score - y.score
                  : compareValues(c.value(x.row, s.field), c.value(y.row, s.field));
              if (d !== 0) return s.desc ? -d : d;
            }
            return x.rank - y.rank;
          })
        : g.cands;
      hits = sorted.slice(0, a.topHits.size).map((x) => hitOf(c, x, plan));
    }
    return {
      key: a.fields.map((i, k) => ({
        field_id: String(100 + i),
        field_name: c.fields[i]!.name,
        value: formatValue(c.fields[i]!, g.key[k]) as AggregationBucket['key'][number]['value'],
      })),
      count: String(g.cands.length),
      metrics: metrics as AggregationBucket['metrics'],
      hits,
      sub_groups: a.sub ? buckets(c, a.sub, g.cands, plan) : [],
    };
  });
}

/** The buckets of one query's best-first candidates. */
export function aggregateHits(
  c: Collection,
  a: AggregationPlan,
  top: TopK,
  plan: OutputPlan,
): AggregationBucket[] {
  const cands: Cand[] = Array.from(top.rows, (row, rank) => ({ rank, row, score: top.scores[rank]! }));
  return buckets(c, a, cands, plan);
}
