/** Dedicated-worker side of the Chromium runs: the same scenario modules, runtime `worker`. */
import { runHere } from './browser-main.js';

self.onmessage = async (e: MessageEvent) => {
  const { name, opts } = e.data as { name: string; opts: { quick?: boolean } };
  const log = console.log;
  console.log = (...a: unknown[]) => (self as unknown as Worker).postMessage({ log: a.join(' ') });
  try {
    const result = await runHere('worker', name, opts);
    (self as unknown as Worker).postMessage({ result });
  } catch (err) {
    (self as unknown as Worker).postMessage({ error: String((err as Error).stack ?? err) });
  } finally {
    console.log = log;
  }
};
