import type { ClientConfig } from '../client/milvus-client.js';
import type { VectorClient } from '../client/types.js';
import { ElanusError } from '../errors/index.js';

/** Replaced by the comlink worker client (runtime issue). */
export async function createWorkerClient(_config: ClientConfig): Promise<VectorClient> {
  throw new ElanusError('NotImplemented', 'worker: true is not available yet');
}
