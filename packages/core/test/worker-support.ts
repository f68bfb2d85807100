// A stand-in for a module Worker in Node: the engine host on one end of a MessageChannel, in this thread.
import type { Endpoint } from 'comlink';
import type { WorkerLike } from '../src/worker/client.js';
import { exposeEngine } from '../src/worker/expose.js';

export interface FakeWorker extends WorkerLike {
  /** Fires an `error` event as a crashing worker would. */
  crash(message: string): void;
  terminated: boolean;
}

export function fakeWorker(): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  exposeEngine(port2 as unknown as Endpoint);
  const events = new EventTarget();
  const w: FakeWorker = {
    terminated: false,
    postMessage: (m, t) => port1.postMessage(m, t ?? []),
    addEventListener: (type, l) => {
      if (type === 'message' || type === 'messageerror') port1.addEventListener(type, l as never);
      else events.addEventListener(type, l);
    },
    removeEventListener: (type, l) => {
      if (type === 'message' || type === 'messageerror') port1.removeEventListener(type, l as never);
      else events.removeEventListener(type, l);
    },
    start: () => port1.start(),
    terminate: () => {
      w.terminated = true;
      port1.close();
      port2.close();
    },
    crash: (message) => {
      const ev = new Event('error') as Event & { message: string };
      ev.message = message;
      events.dispatchEvent(ev);
    },
  };
  return w;
}
