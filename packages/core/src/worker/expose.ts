// Kept apart from host.ts so that the page side (worker/client.ts, which types its calls by EngineHost)
// never reaches openBackend, which loads the worker client: an import circle otherwise.
import { type Endpoint, expose } from 'comlink';
import { openBackend } from '../client/open-backend.js';
import { EngineHost } from './host.js';
import { registerTransferHandlers } from './protocol.js';

/**
 * Serves the engine over `endpoint` (default: this worker's global scope). Call it once at the top of a
 * worker module; `new MilvusClient({ worker })` with that worker then runs its engine there.
 */
export function exposeEngine(endpoint: Endpoint = globalThis as unknown as Endpoint): EngineHost {
  registerTransferHandlers();
  const host = new EngineHost(endpoint, openBackend);
  expose(host, endpoint);
  return host;
}
