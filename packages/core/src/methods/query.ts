import type {
  CountReq,
  GetReq,
  QueryIteratorReq,
  QueryReq,
  QueryResults,
  RowData,
  StatusRes,
} from '../client/types.js';
import type { Collection, PrimaryKey } from '../collection/collection.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import {
  buildRow,
  checkConsistency,
  filterOf,
  filterParamsOf,
  isAggregateName,
  ok,
  optionalInt,
  planOutput,
} from './common.js';
import { requireLoaded } from './indexes.js';

/** The aggregation and ordering code, loaded by the client only for queries that need it. */
export type QueryPlanner = Pick<typeof import('./query-aggregate.js'), 'aggregateRows' | 'orderRows'>;

/** Whether a query groups, aggregates or orders (and so needs the planner). */
export function needsPlanner(req: QueryReq): boolean {
  return (
    !!req?.group_by_fields?.length ||
    req?.order_by_fields !== undefined ||
    req?.order_by !== undefined ||
    (Array.isArray(req?.output_fields) && req.output_fields.some(isAggregateName))
  );
}

function plannerOf(planner: QueryPlanner | undefined): QueryPlanner {
  if (!planner) throw elanusError('aggregatePlannerNotLoaded', {});
  return planner;
}

const MAX_WINDOW = 16384; // Milvus's default limit on offset + limit.

function comparePk(a: PrimaryKey, b: PrimaryKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Matching rows sorted by primary key (Milvus merges query results in key order). */
export function matchingRowsByPk(
  c: Collection,
  filter: string | undefined,
  params: Record<string, unknown> | undefined,
  partitions?: string[],
): number[] {
  const rows: number[] = [];
  c.select(filter, params, partitions).forEach((r) => {
    rows.push(r);
  });
  const keys = new Map<number, PrimaryKey>();
  for (const r of rows) keys.set(r, c.pkOf(r));
  rows.sort((a, b) => comparePk(keys.get(a)!, keys.get(b)!));
  return rows;
}

export function query(engine: Engine, req: QueryReq, planner?: QueryPlanner): QueryResults {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  const filter = filterOf(req);
  const params = filterParamsOf(req);
  const output = req.output_fields;
  const orderParam = req.order_by_fields !== undefined ? 'order_by_fields' : 'order_by';
  const orderBy = req.order_by_fields ?? req.order_by;
  if (req.group_by_fields?.length || (Array.isArray(output) && output.some(isAggregateName))) {
    // Aggregates need no limit: limit and offset page the groups.
    const limit = optionalInt(req.limit, 'limit', 1, MAX_WINDOW, Number.MAX_SAFE_INTEGER);
    const offset = optionalInt(req.offset, 'offset', 0, MAX_WINDOW, 0);
    const rows = c.select(filter, params, req.partition_names);
    const matched: number[] = [];
    rows.forEach((r) => {
      matched.push(r);
    });
    const groups = plannerOf(planner).aggregateRows(c, matched, {
      output_fields: output ?? [],
      group_by_fields: req.group_by_fields,
      order_by_fields: orderBy,
      orderParam,
    });
    return { status: ok(), data: groups.slice(offset, offset + limit) };
  }
  const hasLimit = req.limit !== undefined && req.limit !== null;
  const limit = optionalInt(req.limit, 'limit', 1, MAX_WINDOW, MAX_WINDOW);
  const offset = optionalInt(req.offset, 'offset', 0, MAX_WINDOW, 0);
  if ((filter === undefined || filter.trim() === '') && !hasLimit) {
    throw elanusError('queryNeedsFilterOrLimit', {}, { param: 'filter' });
  }
  if (offset + limit > MAX_WINDOW) {
    throw elanusError('windowTooLarge', { max: MAX_WINDOW, got: offset + limit }, { param: 'limit' });
  }
  const plan = planOutput(c, output);
  let rows = matchingRowsByPk(c, filter, params, req.partition_names);
  if (orderBy !== undefined) rows = plannerOf(planner).orderRows(c, rows, orderBy, orderParam);
  const page = hasLimit || offset ? rows.slice(offset, offset + limit) : rows;
  return { status: ok(), data: page.map((r) => buildRow(c, r, plan)) };
}

export function get(engine: Engine, req: GetReq): QueryResults {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  if (!Array.isArray(req.ids)) {
    throw elanusError('idsNotArray', { got: typeof req.ids }, { param: 'ids' });
  }
  const plan = planOutput(c, req.output_fields);
  const allowed = req.partition_names?.length ? c.partitionMask(req.partition_names) : undefined;
  const data: RowData[] = [];
  (req.ids as unknown[]).forEach((v, i) => {
    const r = c.rowOf(c.toPk(v, `ids[${i}]`));
    if (r !== undefined && (!allowed || allowed.has(r))) data.push(buildRow(c, r, plan));
  });
  return { status: ok(), data };
}

export function count(engine: Engine, req: CountReq): StatusRes & { data: number } {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  return { status: ok(), data: c.select(filterOf(req), undefined, req.partition_names).count() };
}

/**
 * Pages through matching rows in primary-key order. The matching keys are taken once, when iteration
 * starts; each page skips keys deleted since then and reads current values.
 */
export function queryIterator(engine: Engine, req: QueryIteratorReq): AsyncIterable<RowData[]> {
  const c = engine.get(req?.collection_name);
  requireLoaded(c);
  checkConsistency(req);
  refuseInIterator(req);
  const batch = optionalInt(req.batchSize, 'batchSize', 1, MAX_WINDOW, 1000);
  const total =
    req.limit === undefined ? Number.POSITIVE_INFINITY : optionalInt(req.limit, 'limit', 1, 2 ** 31 - 1, 0);
  const plan = planOutput(c, req.output_fields);
  const filter = filterOf(req);
  const params = filterParamsOf(req);
  return {
    async *[Symbol.asyncIterator]() {
      const keys = matchingRowsByPk(c, filter, params, req.partition_names).map((r) => c.pkOf(r));
      let at = 0;
      let sent = 0;
      while (sent < total && at < keys.length) {
        const page: RowData[] = [];
        while (page.length < Math.min(batch, total - sent) && at < keys.length) {
          const row = c.rowOf(keys[at++]!);
          if (row !== undefined) page.push(buildRow(c, row, plan));
        }
        if (page.length === 0) break;
        sent += page.length;
        yield page;
      }
    },
  };
}

/** The iterator pages rows in primary-key order; aggregates and other orders have no pages to resume. */
function refuseInIterator(req: QueryIteratorReq): void {
  const named: [string, boolean][] = [
    ['group_by_fields', !!req.group_by_fields?.length],
    ['order_by_fields', req.order_by_fields !== undefined || req.order_by !== undefined],
    ['output_fields', !!req.output_fields?.some(isAggregateName)],
  ];
  for (const [param, present] of named) {
    if (present) {
      throw elanusError('queryIteratorNoAggregates', { param }, { param });
    }
  }
}
