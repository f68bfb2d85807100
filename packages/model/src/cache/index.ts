export {
  type CachedModelInfo,
  evictModel,
  IndexedDBModelCache,
  indexedDBModelCache,
  listCachedModels,
} from './idb-model-cache.js';
