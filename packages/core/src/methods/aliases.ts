// Collection aliases, as Milvus has them: an alias names one collection and is accepted wherever a
// collection name is (the client resolves it at its edge, so logged writes carry the real name).
// `alterAlias` repoints an alias in one step, which is how an app swaps a rebuilt collection in.

import type {
  AliasReq,
  DescribeAliasReq,
  DescribeAliasRes,
  DropAliasReq,
  ListAliasesReq,
  ListAliasesRes,
  ResStatus,
} from '../client/types.js';
import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { checkName } from '../schema/normalize.js';
import { ok, requireString } from './common.js';

export function createAlias(engine: Engine, req: AliasReq): ResStatus {
  return point(engine, req, 'create');
}

export function alterAlias(engine: Engine, req: AliasReq): ResStatus {
  return point(engine, req, 'alter');
}

function point(engine: Engine, req: AliasReq, mode: 'create' | 'alter'): ResStatus {
  const collection = requireString(req?.collection_name, 'collection_name');
  const alias = checkName(req.alias, 'alias');
  const before = engine.isAlias(alias) ? engine.resolve(alias) : undefined;
  engine.setAlias(alias, collection, mode);
  // Creating an alias that already points there is a no-op, as on the server: nothing to log.
  if (before !== collection) {
    engine.record({ kind: mode === 'create' ? 'createAlias' : 'alterAlias', alias, collection });
  }
  return ok();
}

export function dropAlias(engine: Engine, req: DropAliasReq): ResStatus {
  const alias = requireString(req?.alias, 'alias');
  const collection = engine.dropAlias(alias);
  engine.record({ kind: 'dropAlias', alias, collection });
  return ok();
}

export function describeAlias(engine: Engine, req: DescribeAliasReq): DescribeAliasRes {
  const alias = requireString(req?.alias, 'alias');
  if (!engine.isAlias(alias)) {
    throw elanusError('aliasNotFound', { alias }, { param: 'alias' });
  }
  return { status: ok(), db_name: 'default', alias, collection: engine.resolve(alias) };
}

/** Aliases of one collection (named directly or through one of its aliases), or all when none is named. */
export function listAliases(engine: Engine, req?: ListAliasesReq): ListAliasesRes {
  const named = req?.collection_name;
  const collection = named === undefined || named === '' ? undefined : engine.get(named).name;
  return {
    status: ok(),
    db_name: 'default',
    aliases: engine.aliases(collection).map(([a]) => a),
    collection_name: collection ?? '',
  };
}
