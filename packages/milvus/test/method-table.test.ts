// The remote transports serve the same method table as the in-page engine: every method of core's
// METHODS exists on both, so code moves between memory://, idb:// and a real Milvus by changing the URI.
import { METHOD_NAMES, METHODS } from '@elanus/core';
import { describe, expect, it } from 'vitest';
import { GrpcClient } from '../src/grpc/client.js';
import { RestClient } from '../src/rest/client.js';

describe.each([
  ['GrpcClient', GrpcClient.prototype],
  ['RestClient', RestClient.prototype],
] as const)('%s', (_name, proto) => {
  it("implements every method of core's table", () => {
    expect(METHOD_NAMES.length).toBe(Object.keys(METHODS).length);
    expect(METHOD_NAMES.length).toBeGreaterThan(30);
    const missing = METHOD_NAMES.filter(
      (m) => typeof (proto as unknown as Record<string, unknown>)[m] !== 'function',
    );
    expect(missing).toEqual([]);
  });
});
