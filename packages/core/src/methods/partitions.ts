import type { BoolRes, CollectionReq, PartitionReq, ResStatus, ShowPartitionsRes } from '../client/types.js';
import type { Engine } from '../engine/engine.js';
import { checkName } from '../schema/normalize.js';
import { ok } from './common.js';

export function createPartition(engine: Engine, req: PartitionReq): ResStatus {
  const c = engine.get(req?.collection_name);
  const name = checkName(req.partition_name, 'partition_name');
  c.createPartition(name);
  engine.record({ kind: 'createPartition', collection: c.name, partition: name });
  return ok();
}

export function dropPartition(engine: Engine, req: PartitionReq): ResStatus {
  const c = engine.get(req?.collection_name);
  c.dropPartition(req.partition_name);
  engine.record({ kind: 'dropPartition', collection: c.name, partition: req.partition_name });
  return ok();
}

export function hasPartition(engine: Engine, req: PartitionReq): BoolRes {
  const c = engine.get(req?.collection_name);
  return { status: ok(), value: c.partitions.some((p) => p.name === req.partition_name) };
}

export function listPartitions(engine: Engine, req: CollectionReq): ShowPartitionsRes {
  const c = engine.get(req?.collection_name);
  const ps = c.partitions;
  return {
    status: ok(),
    partition_names: ps.map((p) => p.name),
    partitionIDs: ps.map((p) => String(p.id)),
    created_timestamps: ps.map((p) => String(p.created)),
    created_utc_timestamps: ps.map((p) => String(p.created)),
    data: ps.map((p) => ({
      name: p.name,
      id: String(p.id),
      timestamp: String(p.created),
      loadedPercentage: c.loaded ? '100' : '0',
    })),
  };
}
