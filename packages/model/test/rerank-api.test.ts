// API rerankers (Jina AI, Cohere, Voyage AI) against a LOOPBACK STUB of the unreachable third-party
// services (tests/support/stub-providers.ts, the vendors' documented /rerank formats; no vendor is
// contacted): request shape, result mapping, top_k, batching over several requests, retries, errors.
import { inspect } from 'node:util';
import { ElanusError } from '@elanus/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  STUB_KEYS,
  StubProviders,
  stubRelevance,
  type Vendor,
} from '../../../tests/support/stub-providers.js';
import { CohereRerankFunction, JinaRerankFunction, VoyageRerankFunction } from '../src/rerank/api.js';
import { CallableRerankFunction } from '../src/rerank/callable.js';
import type { RerankProgress } from '../src/rerank/types.js';

let stub: StubProviders;
beforeAll(async () => {
  stub = await StubProviders.start();
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => {
  stub.reset();
});

const QUERY = 'capital of france';
const DOCS = [
  'Berlin is the capital of Germany.',
  'Paris is the capital of France.',
  'The quick brown fox.',
  'France is in Europe.',
  'Capital letters.',
];
const EXPECTED = DOCS.map((d, index) => ({ index, score: stubRelevance(QUERY, d), text: d })).sort(
  (a, b) => b.score - a.score || a.index - b.index,
);

const VENDORS = [
  ['Jina AI', JinaRerankFunction, 'jina', '/jina/v1/rerank', 'top_n'],
  ['Cohere', CohereRerankFunction, 'cohere', '/cohere/v2/rerank', 'top_n'],
  ['Voyage AI', VoyageRerankFunction, 'voyage', '/voyage/v1/rerank', 'top_k'],
] as const;

function conn(vendor: Vendor) {
  return { api_key: STUB_KEYS[vendor], base_url: stub.baseUrl(vendor), retry_base_delay_ms: 5 };
}

describe.each(VENDORS)(
  '%s reranker (against the loopback stub of its API)',
  (name, Ctor, vendor, route, topKey) => {
    it('sends query, documents, model and top-n; maps results to {index, score, text} sorted', async () => {
      const rf = new Ctor({ ...conn(vendor), model_name: 'stub-reranker' });
      expect(typeof rf).toBe('function');
      expect(rf).toBeInstanceOf(CallableRerankFunction);
      const results = await rf(QUERY, DOCS, { top_k: 3 });
      expect(results).toEqual(EXPECTED.slice(0, 3));
      const [req] = stub.on(route);
      expect(req!.headers.authorization).toBe(`Bearer ${STUB_KEYS[vendor]}`);
      expect(req!.body).toMatchObject({ model: 'stub-reranker', query: QUERY, documents: DOCS, [topKey]: 3 });
      // pymilvus' positional form and default top_k (5).
      expect(await rf(QUERY, DOCS, 1)).toEqual(EXPECTED.slice(0, 1));
      expect(await rf.rerank(QUERY, DOCS)).toEqual(EXPECTED);
      expect(await rf.call(null, QUERY, DOCS, 2)).toEqual(EXPECTED.slice(0, 2));
    });

    it('splits long lists into batch_size requests and merges their best', async () => {
      const rf = new Ctor({ ...conn(vendor), batch_size: 2 });
      const events: RerankProgress[] = [];
      const results = await rf(QUERY, DOCS, { top_k: 2, onProgress: (e) => events.push(e) });
      expect(results).toEqual(EXPECTED.slice(0, 2));
      expect(stub.on(route).map((r) => (r.body.documents as string[]).length)).toEqual([2, 2, 1]);
      expect(
        events.filter((e) => e.stage === 'encode').map((e) => (e.stage === 'encode' ? e.done : 0)),
      ).toEqual([2, 4, 5]);
      expect(() => new Ctor({ ...conn(vendor), batch_size: 1001 })).toThrow(/batch_size/);
    });

    it('retries a 429 and a 503, then answers', async () => {
      stub.enqueue(
        route,
        { status: 429, headers: { 'retry-after-ms': '10' }, body: {} },
        { status: 503, body: {} },
      );
      const rf = new Ctor({ ...conn(vendor) });
      expect(await rf(QUERY, DOCS, { top_k: 1 })).toEqual(EXPECTED.slice(0, 1));
      expect(stub.on(route)).toHaveLength(3);
    });

    it(`maps 401 to "${name} authentication failed", keeps the key out of errors and JSON`, async () => {
      const key = 'wrong-key-0123456789abcdefXYZ';
      const rf = new Ctor({ api_key: key, base_url: stub.baseUrl(vendor) });
      let err: unknown;
      try {
        await rf(QUERY, DOCS);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).code).toBe('RemoteError');
      expect((err as ElanusError).message).toContain(`${name} authentication failed`);
      for (const text of [
        JSON.stringify(err),
        inspect(err),
        (err as Error).stack ?? '',
        JSON.stringify(rf),
        inspect(rf),
      ]) {
        expect(text).not.toContain(key);
      }
      expect(JSON.parse(JSON.stringify(rf))).toEqual({
        provider: name,
        model_name: rf.model_name,
        base_url: stub.baseUrl(vendor),
        batch_size: 1000,
      });
    });

    it('rejects a malformed answer, and sends nothing for no documents or after abort', async () => {
      stub.enqueue(route, {
        status: 200,
        body: { results: [{ index: 9, relevance_score: 1 }], data: [{ index: 9 }] },
      });
      const rf = new Ctor({ ...conn(vendor) });
      await expect(rf(QUERY, DOCS)).rejects.toMatchObject({
        code: 'RemoteError',
        message: expect.stringMatching(/unexpected response/),
      });
      stub.reset();
      expect(await rf(QUERY, [])).toEqual([]);
      const ac = new AbortController();
      ac.abort();
      await expect(rf(QUERY, DOCS, { signal: ac.signal })).rejects.toMatchObject({ code: 'Aborted' });
      expect(stub.requests).toHaveLength(0);
    });
  },
);
