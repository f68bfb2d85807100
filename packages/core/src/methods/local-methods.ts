// The engine-side half of the method table (client/method-table.ts): each method's body on the
// in-thread engine, and the lazily loaded module it needs first, if any. LocalClient is built from it.

import type { MethodName } from '../client/method-table.js';
import type { VectorClient } from '../client/types.js';
import type { Engine } from '../engine/engine.js';
import { mentionsText, prepareTextSupport } from '../functions/text-support.js';
import { lazyNeeds, mentionsLazyIndex, prepareLazyIndexes } from '../indexes/lazy-indexes.js';
import * as aliases from './aliases.js';
import * as collections from './collections.js';
import { ok } from './common.js';
import { deleteEntities } from './delete.js';
import { hybridSearch } from './hybrid-search.js';
import * as indexes from './indexes.js';
import { insert, isPartialUpsert, type PartialUpdater } from './insert.js';
import * as partitions from './partitions.js';
import type * as Properties from './properties.js';
import * as queries from './query.js';
import { needsAggregator, type SearchAggregator, searchAsync, searchIterator } from './search.js';

type Req<M extends MethodName> = Parameters<VectorClient[M]>[0];
type Res<M extends MethodName> = Awaited<ReturnType<VectorClient[M]>>;

export interface LocalMethod<M extends MethodName> {
  /**
   * The lazily loaded module this request needs, or undefined. The client awaits it before `run`, and
   * calls made meanwhile wait too, so calls still apply in call order.
   */
  load?: (req: Req<M>) => Promise<unknown> | undefined;
  /** Runs the method on the engine (`req.collection_name` already resolved where the table says alias). */
  run(engine: Engine, req: Req<M>, loaded: unknown): Res<M> | Promise<Res<M>>;
}

const lazyIndexes = (req: unknown): Promise<unknown> | undefined =>
  mentionsLazyIndex(req) ? prepareLazyIndexes(true) : undefined;

/** IVF-like indexes and compact vector fields (Float16Vector, BFloat16Vector, Int8Vector) load their modules. */
const lazySchema = (req: unknown): Promise<unknown> | undefined => {
  const needs = lazyNeeds(req);
  return needs.ivf || needs.compact ? prepareLazyIndexes(needs) : undefined;
};

/** The property calls are rare: their module loads on the first one. */
const properties = (): Promise<unknown> => import('./properties.js');

export const LOCAL_METHODS: { readonly [M in MethodName]: LocalMethod<M> } = {
  createCollection: {
    // Only text fields wait for the analyzers and only IVF-like indexes for their module; any other
    // createCollection applies at once, in call order.
    load: (req) => {
      const lazy = lazySchema(req);
      return mentionsText(req) || lazy
        ? Promise.all([mentionsText(req) ? prepareTextSupport(true, req) : undefined, lazy])
        : undefined;
    },
    run: (e, req) => collections.createCollection(e, req),
  },
  describeCollection: { run: (e, req) => collections.describeCollection(e, req) },
  hasCollection: { run: (e, req) => collections.hasCollection(e, req) },
  listCollections: { run: (e) => collections.listCollections(e) },
  showCollections: { run: (e) => collections.listCollections(e) },
  dropCollection: { run: (e, req) => collections.dropCollection(e, req) },
  renameCollection: { run: (e, req) => collections.renameCollection(e, req) },
  getCollectionStatistics: { run: (e, req) => collections.getCollectionStatistics(e, req) },
  createPartition: { run: (e, req) => partitions.createPartition(e, req) },
  dropPartition: { run: (e, req) => partitions.dropPartition(e, req) },
  hasPartition: { run: (e, req) => partitions.hasPartition(e, req) },
  listPartitions: { run: (e, req) => partitions.listPartitions(e, req) },
  showPartitions: { run: (e, req) => partitions.listPartitions(e, req) },
  createIndex: { load: lazyIndexes, run: (e, req) => indexes.createIndex(e, req) },
  describeIndex: { run: (e, req) => indexes.describeIndex(e, req) },
  listIndexes: { run: (e, req) => indexes.listIndexes(e, req) },
  dropIndex: { run: (e, req) => indexes.dropIndex(e, req) },
  loadCollection: { run: (e, req) => indexes.load(e, req) },
  loadCollectionSync: { run: (e, req) => indexes.load(e, req) },
  releaseCollection: { run: (e, req) => indexes.release(e, req) },
  getLoadState: { run: (e, req) => indexes.getLoadState(e, req) },
  insert: { run: (e, req) => insert(e, req, 'insert') },
  upsert: {
    load: (req) => (isPartialUpsert(req) ? import('./partial-update.js') : undefined),
    run: (e, req, partial) => insert(e, req, 'upsert', partial as PartialUpdater | undefined),
  },
  delete: { run: (e, req) => deleteEntities(e, req) },
  deleteEntities: { run: (e, req) => deleteEntities(e, req) },
  get: { run: (e, req) => queries.get(e, req) },
  query: {
    load: (req) => (queries.needsPlanner(req) ? import('./query-aggregate.js') : undefined),
    run: (e, req, planner) => queries.query(e, req, planner as queries.QueryPlanner | undefined),
  },
  count: { run: (e, req) => queries.count(e, req) },
  // Async: FLAT batches may run on the engine's WebGPU searcher.
  search: {
    load: (req) => (needsAggregator(req) ? import('./search-aggregation.js') : undefined),
    run: (e, req, aggregator) => searchAsync(e, req, aggregator as SearchAggregator | undefined),
  },
  hybridSearch: { run: (e, req) => hybridSearch(e, req) },
  queryIterator: { run: (e, req) => queries.queryIterator(e, req) },
  searchIterator: { run: (e, req) => searchIterator(e, req) },
  flush: { run: () => ok() },
  createAlias: { run: (e, req) => aliases.createAlias(e, req) },
  alterAlias: { run: (e, req) => aliases.alterAlias(e, req) },
  dropAlias: { run: (e, req) => aliases.dropAlias(e, req) },
  describeAlias: { run: (e, req) => aliases.describeAlias(e, req) },
  listAliases: { run: (e, req) => aliases.listAliases(e, req) },
  alterCollectionProperties: {
    load: properties,
    run: (e, req, p) => (p as typeof Properties).alterCollectionProperties(e, req),
  },
  dropCollectionProperties: {
    load: properties,
    run: (e, req, p) => (p as typeof Properties).dropCollectionProperties(e, req),
  },
  alterCollectionFieldProperties: {
    load: properties,
    run: (e, req, p) => (p as typeof Properties).alterCollectionFieldProperties(e, req),
  },
  alterIndexProperties: {
    load: properties,
    run: (e, req, p) => (p as typeof Properties).alterIndexProperties(e, req),
  },
  dropIndexProperties: {
    load: properties,
    run: (e, req, p) => (p as typeof Properties).dropIndexProperties(e, req),
  },
};
