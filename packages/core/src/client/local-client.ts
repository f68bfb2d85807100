import type { Engine } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { LOCAL_METHODS } from '../methods/local-methods.js';
import { METHOD_NAMES, METHODS, type MethodName } from './method-table.js';
import type * as T from './types.js';

/**
 * `onProgress` / `signal` in-thread: each call is one synchronous step, so an aborted signal only stops
 * it before it starts, and progress is reported once, complete (the worker client reports per chunk).
 */
function oneStep<R>(opts: T.OperationOptions | undefined, operation: string, total: number, run: () => R): R {
  if (opts?.signal?.aborted) {
    throw elanusError('abortedBeforeStart', { operation }, { applied: 0, rolledBack: 0 });
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
 * inside the engine, so one call is one atomic write. Its methods come from the method table
 * (client/method-table.ts for what each is, methods/local-methods.ts for its body).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the Milvus methods are defined on the prototype below.
export class LocalClient {
  /** Set while a call loads a lazy module: later calls wait for it, so calls still apply in call order. */
  gate: Promise<void> | undefined;

  constructor(readonly engine: Engine) {}

  /** Runs one method of the table: waits for a lazy load in flight, loads what it needs, runs it. */
  run(method: MethodName, req: unknown): Promise<unknown> {
    // Checked again after each wait: a call released with others may have started another load.
    const gate = this.gate;
    return gate ? gate.then(() => this.run(method, req)) : this.start(method, req);
  }

  private async start(method: MethodName, req: unknown): Promise<unknown> {
    const def = LOCAL_METHODS[method] as {
      load?: (r: unknown) => Promise<unknown> | undefined;
      run: (e: Engine, r: unknown, loaded: unknown) => unknown;
    };
    const spec = METHODS[method];
    // A write may grow a shared column: it waits for pool scans reading it (none: no wait, same tick).
    const reading = spec.write ? this.engine.settled() : undefined;
    if (reading) await reading;
    const pending = def.load?.(req);
    const loaded = pending ? await this.load(pending) : undefined;
    const body = () => def.run(this.engine, spec.alias ? unalias(this.engine, req) : req, loaded);
    if (!('progress' in spec)) return body();
    const list = Array.isArray(req) ? req : [req];
    const total =
      spec.progress === 'indexes'
        ? list.length
        : (((req as T.InsertReq)?.data ?? (req as T.InsertReq)?.fields_data)?.length ?? 0);
    return oneStep(list[0] as T.OperationOptions | undefined, method, total, body);
  }

  /** Holds later calls until `p` settles; this call's continuation runs before any of them. */
  private load<M>(p: Promise<M>): Promise<M> {
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

  async closeConnection(): Promise<void> {}
}

export interface LocalClient extends T.VectorClient {}
for (const m of METHOD_NAMES) {
  Object.defineProperty(LocalClient.prototype, m, {
    value(this: LocalClient, req: unknown) {
      return this.run(m, req);
    },
    writable: true,
    configurable: true,
  });
}
