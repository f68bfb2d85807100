import type { Engine } from '../engine/engine.js';
import { ElanusError } from '../errors/index.js';
import { mentionsText, prepareTextSupport } from '../functions/text-support.js';
import { mentionsLazyIndex, prepareLazyIndexes } from '../indexes/lazy-indexes.js';
import * as aliases from '../methods/aliases.js';
import * as collections from '../methods/collections.js';
import { ok } from '../methods/common.js';
import { deleteEntities } from '../methods/delete.js';
import { hybridSearch } from '../methods/hybrid-search.js';
import * as indexes from '../methods/indexes.js';
import { insert, isPartialUpsert } from '../methods/insert.js';
import * as partitions from '../methods/partitions.js';
import * as queries from '../methods/query.js';
import { searchAsync, searchIterator } from '../methods/search.js';
import type { CreateCollectionReq } from '../schema/normalize.js';
import type * as T from './types.js';

const rowCount = (req: T.InsertReq): number => (req?.data ?? req?.fields_data)?.length ?? 0;

/**
 * `onProgress` / `signal` in-thread: each call is one synchronous step, so an aborted signal only stops
 * it before it starts, and progress is reported once, complete (the worker client reports per chunk).
 */
function oneStep<R>(opts: T.OperationOptions | undefined, operation: string, total: number, run: () => R): R {
  if (opts?.signal?.aborted) {
    throw new ElanusError(
      'Aborted',
      `${operation} aborted by its signal before it started: nothing was written`,
      {
        applied: 0,
        rolledBack: 0,
      },
    );
  }
  const out = run();
  opts?.onProgress?.({ operation, done: total, total });
  return out;
}

/** A `collection_name` that is an alias becomes the collection's own name, so logged writes carry it. */
function unalias<R>(engine: Engine, req: R): R {
  const n = (req as { collection_name?: unknown } | undefined)?.collection_name;
  if (typeof n !== 'string' || !engine.isAlias(n)) return req;
  return { ...req, collection_name: engine.resolve(n) };
}

/**
 * The in-thread engine behind the Milvus-shaped API. Every call runs to completion synchronously
 * inside the engine, so one call is one atomic write.
 */
export class LocalClient implements T.VectorClient {
  /** Set while a call loads a lazy module: later calls wait for it, so calls still apply in call order. */
  gate: Promise<void> | undefined;

  constructor(readonly engine: Engine) {}

  /** Loads a lazy module; the caller's continuation runs before any call that arrived meanwhile. */
  private load<M>(importer: () => Promise<M>): Promise<M> {
    const p = importer();
    const g = p.then(
      () => undefined,
      () => undefined,
    );
    this.gate = g;
    void g.then(() => {
      if (this.gate === g) this.gate = undefined;
    });
    return p;
  }

  async createCollection(req: CreateCollectionReq) {
    // Only text fields wait for the analyzers; any other createCollection applies at once, in call order.
    if (mentionsText(req)) await this.load(() => prepareTextSupport(true));
    if (mentionsLazyIndex(req)) await this.load(() => prepareLazyIndexes(true));
    return collections.createCollection(this.engine, req);
  }
  async describeCollection(req: T.CollectionReq) {
    return collections.describeCollection(this.engine, unalias(this.engine, req));
  }
  async hasCollection(req: T.CollectionReq) {
    return collections.hasCollection(this.engine, req);
  }
  async listCollections() {
    return collections.listCollections(this.engine);
  }
  async showCollections() {
    return collections.listCollections(this.engine);
  }
  async dropCollection(req: T.CollectionReq) {
    return collections.dropCollection(this.engine, req);
  }
  async renameCollection(req: T.CollectionReq & { new_collection_name: string }) {
    return collections.renameCollection(this.engine, req);
  }
  async getCollectionStatistics(req: T.CollectionReq) {
    return collections.getCollectionStatistics(this.engine, unalias(this.engine, req));
  }
  async createPartition(req: T.PartitionReq) {
    return partitions.createPartition(this.engine, unalias(this.engine, req));
  }
  async dropPartition(req: T.PartitionReq) {
    return partitions.dropPartition(this.engine, unalias(this.engine, req));
  }
  async hasPartition(req: T.PartitionReq) {
    return partitions.hasPartition(this.engine, unalias(this.engine, req));
  }
  async listPartitions(req: T.CollectionReq) {
    return partitions.listPartitions(this.engine, unalias(this.engine, req));
  }
  async showPartitions(req: T.CollectionReq) {
    return partitions.listPartitions(this.engine, unalias(this.engine, req));
  }
  async createIndex(req: T.CreateIndexReq | T.CreateIndexReq[]) {
    const list = Array.isArray(req) ? req : [req];
    if (mentionsLazyIndex(list)) await this.load(() => prepareLazyIndexes(true));
    return oneStep(list[0], 'createIndex', list.length, () =>
      indexes.createIndex(this.engine, unalias(this.engine, req)),
    );
  }
  async describeIndex(req: T.CollectionReq & { field_name?: string; index_name?: string }) {
    return indexes.describeIndex(this.engine, unalias(this.engine, req));
  }
  async listIndexes(req: T.CollectionReq) {
    return indexes.listIndexes(this.engine, unalias(this.engine, req));
  }
  async dropIndex(req: T.CollectionReq & { field_name?: string; index_name?: string }) {
    return indexes.dropIndex(this.engine, unalias(this.engine, req));
  }
  async loadCollection(req: T.CollectionReq) {
    return indexes.load(this.engine, unalias(this.engine, req));
  }
  async loadCollectionSync(req: T.CollectionReq) {
    return indexes.load(this.engine, unalias(this.engine, req));
  }
  async releaseCollection(req: T.CollectionReq) {
    return indexes.release(this.engine, unalias(this.engine, req));
  }
  async getLoadState(req: T.CollectionReq) {
    return indexes.getLoadState(this.engine, unalias(this.engine, req));
  }
  async insert(req: T.InsertReq) {
    return oneStep(req, 'insert', rowCount(req), () =>
      insert(this.engine, unalias(this.engine, req), 'insert'),
    );
  }
  async upsert(req: T.InsertReq) {
    const partial = isPartialUpsert(req)
      ? await this.load(() => import('../methods/partial-update.js'))
      : undefined;
    return oneStep(req, 'upsert', rowCount(req), () =>
      insert(this.engine, unalias(this.engine, req), 'upsert', partial),
    );
  }
  async delete(req: T.DeleteReq) {
    return deleteEntities(this.engine, unalias(this.engine, req));
  }
  async deleteEntities(req: T.DeleteReq) {
    return deleteEntities(this.engine, unalias(this.engine, req));
  }
  async get(req: T.GetReq) {
    return queries.get(this.engine, unalias(this.engine, req));
  }
  async query(req: T.QueryReq) {
    const planner = queries.needsPlanner(req)
      ? await this.load(() => import('../methods/query-aggregate.js'))
      : undefined;
    return queries.query(this.engine, unalias(this.engine, req), planner);
  }
  async count(req: T.CountReq) {
    return queries.count(this.engine, unalias(this.engine, req));
  }
  async search(req: T.SearchReq) {
    // Async: FLAT batches may run on the engine's WebGPU searcher.
    return searchAsync(this.engine, unalias(this.engine, req));
  }
  async hybridSearch(req: T.HybridSearchReq) {
    return hybridSearch(this.engine, unalias(this.engine, req));
  }
  async queryIterator(req: T.QueryIteratorReq) {
    return queries.queryIterator(this.engine, unalias(this.engine, req));
  }
  async searchIterator(req: T.SearchIteratorReq) {
    return searchIterator(this.engine, unalias(this.engine, req));
  }
  async flush() {
    return ok();
  }
  async createAlias(req: T.AliasReq) {
    return aliases.createAlias(this.engine, req);
  }
  async alterAlias(req: T.AliasReq) {
    return aliases.alterAlias(this.engine, req);
  }
  async dropAlias(req: T.DropAliasReq) {
    return aliases.dropAlias(this.engine, req);
  }
  async describeAlias(req: T.DescribeAliasReq) {
    return aliases.describeAlias(this.engine, req);
  }
  async listAliases(req?: T.ListAliasesReq) {
    return aliases.listAliases(this.engine, req);
  }
  async closeConnection() {}
}

// Every call waits for a lazy load already in flight (see `load`): without it, a call made right after a
// partial upsert or an aggregate query could be applied before it.
for (const m of Object.getOwnPropertyNames(LocalClient.prototype)) {
  if (m === 'constructor' || m === 'load') continue;
  const desc = Object.getOwnPropertyDescriptor(LocalClient.prototype, m);
  const fn = desc?.value as ((this: LocalClient, ...a: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') continue;
  Object.defineProperty(LocalClient.prototype, m, {
    ...desc,
    value(this: LocalClient, ...args: unknown[]) {
      // Checked again after each wait: a call released with others may have started another load.
      const run = (): Promise<unknown> => {
        const gate = this.gate;
        return gate ? gate.then(run) : fn.apply(this, args);
      };
      return run();
    },
  });
}
