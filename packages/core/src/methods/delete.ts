import type { DeleteReq, MutationResult } from '../client/types.js';
import type { PrimaryKey } from '../collection/collection.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { filterOf, filterParamsOf, idsResult, ok } from './common.js';

export function deleteEntities(engine: Engine, req: DeleteReq): MutationResult {
  const c = engine.get(req?.collection_name);
  const filter = filterOf(req);
  const parts = req.partition_name ? [req.partition_name] : undefined;
  let keys: PrimaryKey[];
  if (req.ids !== undefined) {
    if (!Array.isArray(req.ids)) {
      throw elanusError('idsNotArray', { got: typeof req.ids }, { param: 'ids' });
    }
    keys = (req.ids as unknown[]).map((v, i) => c.toPk(v, `ids[${i}]`));
  } else if (filter !== undefined && filter.trim() !== '') {
    const rows = c.select(filter, filterParamsOf(req), parts);
    keys = [];
    rows.forEach((r) => {
      keys.push(c.pkOf(r));
    });
  } else {
    throw elanusError('deleteNeedsIdsOrFilter', {}, { param: 'filter' });
  }
  const deleted = c.deleteByKeys(keys, parts);
  if (deleted.length) engine.record({ kind: 'delete', collection: c.name, keys: deleted });
  // As the server: a delete by ids reports the keys it was given (it does not look them up first);
  // a delete by filter reports the rows the filter matched.
  const reported = req.ids !== undefined ? keys : deleted;
  return {
    status: ok(),
    succ_index: [],
    err_index: [],
    IDs: idsResult(c, reported),
    acknowledged: false,
    insert_cnt: '0',
    delete_cnt: String(reported.length),
    upsert_cnt: '0',
    timestamp: String(Date.now()),
  };
}
