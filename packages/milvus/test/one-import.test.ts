// One `MilvusClient` import for every address (issue 19): @elanus/milvus's client takes the local schemes
// core serves and the remote forms, loading the REST transport only on the first remote connection.
import 'fake-indexeddb/auto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MilvusClient } from '../src/index.js';

let server: ReturnType<typeof createServer>;
let port = 0;
const seen: string[] = [];

beforeAll(async () => {
  // A labelled stub of the server's REST v2 (the real one is exercised by tests/milvus and the server
  // tier): it answers listCollections as Milvus does and records what was asked.
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ code: 0, data: ['remote_books'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

async function roundTrip(c: MilvusClient): Promise<string[]> {
  await c.createCollection({ collection_name: 'books', dimension: 2 });
  await c.insert({ collection_name: 'books', data: [{ id: 1, vector: [1, 0] }] });
  const hits = await c.search({ collection_name: 'books', data: [1, 0], limit: 1 });
  expect(hits.results[0]?.id).toBe('1');
  const names = (await c.listCollections()).data.map((x) => x.name);
  await c.closeConnection();
  return names;
}

describe('@elanus/milvus MilvusClient takes every address form', () => {
  it('memory:// and idb:// run locally', async () => {
    expect(await roundTrip(new MilvusClient({ uri: 'memory://' }))).toEqual(['books']);
    expect(await roundTrip(new MilvusClient({ uri: 'idb://one-import' }))).toEqual(['books']);
    expect(seen).toEqual([]);
  });

  it('opfs:// is routed to the OPFS backend (which Node lacks: the error names uri)', async () => {
    const c = new MilvusClient({ uri: 'opfs://books' });
    await expect(c.listCollections()).rejects.toMatchObject({ code: 'Unavailable' });
    await expect(c.listCollections()).rejects.toThrow(/invalid parameter uri: expected opfs:\/\/<name>/);
  });

  it("http:// and the SDK's bare host:port reach the remote Milvus over REST v2", async () => {
    for (const config of [{ uri: `http://127.0.0.1:${port}` }, { address: `127.0.0.1:${port}` }]) {
      seen.length = 0;
      const c = new MilvusClient(config);
      const res = await c.listCollections();
      expect(res.data.map((x) => x.name)).toEqual(['remote_books']);
      expect(seen).toEqual(['POST /v2/vectordb/collections/list']);
      await c.closeConnection();
    }
  });
});
