import type { InsertReq, MutationResult } from '../client/types.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { idsResult, ok } from './common.js';

/** Partial-upsert code, loaded by the client only for upserts that ask for it. */
export type PartialUpdater = Pick<typeof import('./partial-update.js'), 'completeRows' | 'partialUpdateOf'>;

/** Whether an upsert is partial (and so needs the partial-update code). */
export function isPartialUpsert(req: InsertReq): boolean {
  return req?.partial_update !== undefined || req?.field_ops !== undefined;
}

function rowsOf(req: InsertReq): Record<string, unknown>[] {
  const data = req?.data ?? req?.fields_data;
  if (!Array.isArray(data)) {
    throw elanusError(
      'insertDataNotArray',
      { got: data === undefined ? 'undefined' : typeof data },
      { param: 'data' },
    );
  }
  if (data.length === 0) {
    throw elanusError('insertDataEmpty', {}, { param: 'data' });
  }
  return data;
}

/** insert and upsert: the whole batch is validated before anything is written. */
export function insert(
  engine: Engine,
  req: InsertReq,
  mode: 'insert' | 'upsert' = 'insert',
  partial?: PartialUpdater,
): MutationResult {
  const c = engine.get(req?.collection_name);
  if (mode === 'insert') {
    for (const param of ['partial_update', 'field_ops'] as const) {
      if (req[param] !== undefined) {
        throw elanusError('upsertOnlyParam', { param }, { param });
      }
    }
  }
  let rows = rowsOf(req);
  if (mode === 'upsert' && isPartialUpsert(req)) {
    if (!partial) throw elanusError('partialUpdateNotLoaded', {});
    const ops = partial.partialUpdateOf(c, req);
    if (ops) rows = partial.completeRows(c, rows, ops);
  }
  const keys = c.insert(rows, req.partition_name, mode);
  const n = String(rows.length);
  if (engine.hasListeners) {
    // The log carries rows with their final keys, so a replay reproduces auto ids.
    const pkName = c.pkField.name;
    const logged =
      c.pkField.autoID && mode === 'insert' ? rows.map((r, i) => ({ ...r, [pkName]: keys[i] })) : rows;
    engine.record({ kind: mode, collection: c.name, partition: req.partition_name, rows: logged });
  }
  return {
    status: ok(),
    succ_index: rows.map((_, i) => i),
    err_index: [],
    IDs: idsResult(c, keys),
    acknowledged: false,
    insert_cnt: mode === 'insert' ? n : '0',
    delete_cnt: '0',
    upsert_cnt: mode === 'upsert' ? n : '0',
    timestamp: String(Date.now()),
  };
}
