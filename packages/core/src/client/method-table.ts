// The one list of Milvus methods. The facade, the in-thread client, the worker proxy and the IndexedDB
// client all derive their methods from it; the remote transports implement the same `VectorClient`.
// Adding a method: declare it on `VectorClient` (types.ts), add its entry here (the compiler asks for
// one), write `methods/<verb>.ts`, and add its body to `LOCAL_METHODS` (methods/local-methods.ts; the
// compiler asks for that too). This file stays free of engine code: the page loads it in worker mode.

import type { VectorClient } from './types.js';

export interface MethodSpec {
  /** Changes the database: an `idb://` client logs it, and a follower tab forwards it to the writer tab. */
  readonly write: boolean;
  /**
   * How the worker proxy carries it: `plain` requests and results are small structured-clone data;
   * `packed` ones move rows and vectors as typed arrays, with code of their own on both sides.
   */
  readonly wire: 'plain' | 'packed';
  /** `collection_name` may be an alias: the engine resolves it before the call runs. */
  readonly alias: boolean;
  /** Reports `onProgress` and honours `signal`; `total` counts rows (`data`) or index definitions. */
  readonly progress?: 'rows' | 'indexes';
  /**
   * Changes which collection a name refers to: the worker proxy drops its cached schema facts for the
   * names in the request (`named`) or for every collection (`all`: an alias may now name another).
   */
  readonly renames?: 'named' | 'all';
}

type Method = Exclude<keyof VectorClient, 'closeConnection'>;

const read = { write: false, wire: 'plain', alias: true } as const;
const write = { write: true, wire: 'plain', alias: true } as const;

export const METHODS = {
  createCollection: { ...write, alias: false, renames: 'named' },
  describeCollection: read,
  hasCollection: { ...read, alias: false },
  listCollections: { ...read, alias: false },
  showCollections: { ...read, alias: false },
  dropCollection: { ...write, alias: false, renames: 'named' },
  renameCollection: { ...write, alias: false, renames: 'named' },
  getCollectionStatistics: read,
  createPartition: write,
  dropPartition: write,
  hasPartition: read,
  listPartitions: read,
  showPartitions: read,
  createIndex: { ...write, progress: 'indexes' },
  describeIndex: read,
  listIndexes: read,
  dropIndex: write,
  loadCollection: write,
  loadCollectionSync: write,
  releaseCollection: write,
  getLoadState: read,
  insert: { ...write, wire: 'packed', progress: 'rows' },
  upsert: { ...write, wire: 'packed', progress: 'rows' },
  delete: write,
  deleteEntities: write,
  get: { ...read, wire: 'packed' },
  query: { ...read, wire: 'packed' },
  count: read,
  search: { ...read, wire: 'packed' },
  hybridSearch: { ...read, wire: 'packed' },
  queryIterator: { ...read, wire: 'packed' },
  searchIterator: { ...read, wire: 'packed' },
  // Not logged as a write: an idb:// client seals on its writer instead (see persistent-client.ts).
  flush: { ...read, alias: false },
  createAlias: { ...write, alias: false, renames: 'all' },
  alterAlias: { ...write, alias: false, renames: 'all' },
  dropAlias: { ...write, alias: false, renames: 'all' },
  describeAlias: { ...read, alias: false },
  listAliases: { ...read, alias: false },
  alterCollectionProperties: write,
  dropCollectionProperties: write,
  alterCollectionFieldProperties: { ...write, renames: 'named' },
  alterIndexProperties: write,
  dropIndexProperties: write,
} as const satisfies { readonly [M in Method]: MethodSpec };

export type MethodName = keyof typeof METHODS;

/** Every method name, in table order. */
export const METHOD_NAMES = Object.freeze(Object.keys(METHODS)) as readonly MethodName[];

/** Methods the worker proxy forwards as they are. */
export type PlainMethod = {
  [M in MethodName]: (typeof METHODS)[M]['wire'] extends 'plain' ? M : never;
}[MethodName];

export const PLAIN_METHODS = METHOD_NAMES.filter(
  (m): m is PlainMethod => METHODS[m].wire === 'plain',
) as readonly PlainMethod[];

/** Whether `name` is a method of the table (a worker or another tab may send any string). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}
