import type { ClientConfig } from '../client/milvus-client.js';
import type { VectorClient } from '../client/types.js';
import { ElanusError } from '../errors/index.js';

/** Replaced by the IndexedDB-backed engine (runtime issue). */
export async function openIdbClient(_config: ClientConfig): Promise<VectorClient> {
  throw new ElanusError('NotImplemented', 'idb:// persistence is not available yet');
}
