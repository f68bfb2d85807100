// Opening a backend from a URI: the transports registry and the scheme switch. Apart from the facade,
// so the engine worker (which opens what the page would have opened) does not carry the facade.

import { createEngine } from '../engine/create.js';
import { elanusError } from '../errors/index.js';
import type { ClientConfig } from './config.js';
import { LocalClient } from './local-client.js';
import type { VectorClient } from './types.js';

export type { ClientConfig } from './config.js';

type Factory = (config: ClientConfig) => Promise<VectorClient>;
const transports = new Map<string, Factory>();

/** Registers a backend for a URI scheme (e.g. `http`, `https` by `@elanus/milvus`, `idb` by `@elanus/core/idb`). */
export function registerTransport(scheme: string, factory: Factory): void {
  transports.set(scheme.toLowerCase(), factory);
}

/** `host:port` or `[v6]:port` with no scheme: the SDK's address form for a remote Milvus. */
const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):\d{1,5}$/i;

/**
 * The URI a config names: `uri`, else `address`, else `memory://`. The SDK's bare `host:port`
 * (`localhost:19530`) becomes `http://host:port`, which a registered remote transport serves.
 */
export function resolveUri(config: Pick<ClientConfig, 'uri' | 'address'>): string {
  const raw = config.uri ?? config.address ?? 'memory://';
  return typeof raw === 'string' && HOST_PORT.test(raw) ? `http://${raw}` : raw;
}

export function schemeOf(uri: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!m) {
    throw elanusError('uriInvalid', { got: uri }, { param: 'uri' });
  }
  return m[1]!.toLowerCase();
}

/**
 * Opens the backend `config` names. The engine worker calls this same function (with `worker` unset),
 * so a worker opens exactly what the page would have opened in-thread.
 */
export async function openBackend(config: ClientConfig): Promise<VectorClient> {
  const uri = resolveUri(config);
  const scheme = schemeOf(uri);
  // Transports read `uri` first, so the resolved form reaches them whichever field was set.
  if (uri !== config.uri) config = { ...config, uri };
  if (config.worker && (scheme === 'memory' || scheme === 'idb' || scheme === 'opfs')) {
    const { createWorkerClient } = await import('../worker/client.js');
    return createWorkerClient(config);
  }
  const registered = transports.get(scheme);
  if (registered) return registered(config);
  if (scheme === 'memory') {
    const engine = await createEngine({
      device: config.device ?? 'auto',
      ...(config.gpuMinBatch !== undefined ? { gpuMinBatch: config.gpuMinBatch } : {}),
      ...(config.threads !== undefined ? { threads: config.threads } : {}),
      ...(config.maxJsonBytes !== undefined ? { maxJsonBytes: config.maxJsonBytes } : {}),
    });
    return new LocalClient(engine);
  }
  if (scheme === 'idb') {
    const { openIdbClient } = await import('../storage/idb-client.js');
    return openIdbClient(config);
  }
  if (scheme === 'opfs') {
    const { openOpfsClient } = await import('../storage/opfs-client.js');
    return openOpfsClient(config);
  }
  if (scheme === 'http' || scheme === 'https' || scheme === 'grpc') {
    throw elanusError('uriRemote', { uri }, { param: 'uri' });
  }
  throw elanusError('uriInvalid', { got: uri }, { param: 'uri' });
}
