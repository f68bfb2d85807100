/**
 * `@elanus/core/worker`: the engine in a dedicated Web Worker.
 *
 * `new MilvusClient({ uri, worker: true })` is usually all it takes. To run the engine in a worker of your
 * own, call `exposeEngine()` at the top of that worker module and pass the worker (or a function that
 * creates one, so the client can restart it) as `worker`.
 * @packageDocumentation
 */
export { createWorkerClient, WorkerClient, type WorkerLike } from './client.js';
export { exposeEngine } from './expose.js';
export { EngineHost, type WorkerInfo } from './host.js';
export { registerTransferHandlers, transferHandlersRegistered } from './protocol.js';
