// Module worker of the harness: imports @elanus/core the way an app's worker would, and runs test code.
import * as elanus from '@elanus/core';
import * as Comlink from 'comlink';
import { probeGpu } from './gpu';
import { compile } from './run-source';

const api = {
  async run(source: string, arg: unknown): Promise<unknown> {
    return await compile(source)(elanus, arg);
  },
  exportNames(): string[] {
    return Object.keys(elanus).sort();
  },
  probeGpu,
};

export type HarnessWorkerApi = typeof api;

Comlink.expose(api);
