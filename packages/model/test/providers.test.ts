// API embedding providers against a LOOPBACK STUB of the unreachable third-party services
// (tests/support/stub-providers.ts speaks OpenAI's, Jina AI's, Voyage AI's and Cohere's documented
// formats; no vendor is contacted). Request shape, auth, batching, retries, Retry-After, abort,
// timeouts, error mapping, and that the API key never shows in errors, JSON or logs.
import { inspect } from 'node:util';
import { ElanusError } from '@elanus/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  STUB_KEYS,
  StubProviders,
  stubEmbedding,
  type Vendor,
} from '../../../tests/support/stub-providers.js';
import {
  type ApiProgress,
  CohereEmbeddingFunction,
  JinaEmbeddingFunction,
  OpenAIEmbeddingFunction,
  VoyageEmbeddingFunction,
} from '../src/providers/index.js';

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

/** Fast retries for tests; the real defaults (500 ms doubling) are exercised by their own test. */
const FAST = { retry_base_delay_ms: 5, retry_max_delay_ms: 5_000 };

function conn(vendor: Vendor) {
  return { api_key: STUB_KEYS[vendor], base_url: stub.baseUrl(vendor), ...FAST };
}

async function rejection(p: Promise<unknown>): Promise<ElanusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ElanusError);
    return e as ElanusError;
  }
  throw new Error('expected a rejection');
}

/** Every way an error or object could show a key: message, stack, JSON, details, inspect. */
function expectNoKey(value: unknown, key: string): void {
  const texts = [
    JSON.stringify(value),
    inspect(value, { depth: 6, showHidden: true }),
    value instanceof Error ? `${value.message}\n${value.stack}` : '',
  ];
  for (const t of texts) {
    expect(t).not.toContain(key);
    expect(t).not.toContain(key.slice(-10));
  }
}

function close(a: Float32Array, b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);
}

describe('API embedding providers (against the loopback stub of the vendor APIs)', () => {
  it('OpenAI: POST /embeddings with model, input, float encoding and a Bearer key; answers re-ordered by index', async () => {
    const ef = new OpenAIEmbeddingFunction({
      model_name: 'text-embedding-3-small',
      dimensions: 64,
      ...conn('openai'),
    });
    expect(ef.dim).toBe(64);
    const out = await ef.encodeDocuments(['alpha', 'beta', 'gamma']);
    const [req] = stub.on('/openai/v1/embeddings');
    expect(req!.headers.authorization).toBe(`Bearer ${STUB_KEYS.openai}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta', 'gamma'],
      encoding_format: 'float',
      dimensions: 64,
    });
    // The stub answers in reverse order: the client sorts by `index`.
    expect(out.map((v, i) => close(v, stubEmbedding(['alpha', 'beta', 'gamma'][i]!, 64)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(out[0]).toBeInstanceOf(Float32Array);
    const q = await ef.encodeQueries(['alpha']);
    expect(close(q[0]!, stubEmbedding('alpha', 64))).toBe(true);
    expect(new OpenAIEmbeddingFunction({ ...conn('openai') }).dim).toBe(1536);
  });

  it('Jina: retrieval.query for queries, retrieval.passage for documents, the task option for encode()', async () => {
    const ef = new JinaEmbeddingFunction({
      ...conn('jina'),
      task: 'text-matching',
      model_name: 'jina-new-model',
    });
    expect(() => ef.dim).toThrow(/first encode call/);
    await ef.encodeQueries(['q1']);
    await ef.encodeDocuments(['d1']);
    await ef.encode(['t1']);
    const bodies = stub.on('/jina/v1/embeddings').map((r) => r.body);
    expect(bodies.map((b) => b.task)).toEqual(['retrieval.query', 'retrieval.passage', 'text-matching']);
    expect(bodies[0]).toMatchObject({ model: 'jina-new-model', input: ['q1'], embedding_type: 'float' });
    expect(ef.dim).toBe(8); // learned from the first answer
  });

  it('Voyage: input_type query / document / null, output_dimension, and no empty strings', async () => {
    const ef = new VoyageEmbeddingFunction({ ...conn('voyage'), dimensions: 256, truncation: false });
    const [q] = await ef.encodeQueries(['hello']);
    await ef.encodeDocuments(['hello']);
    await ef.encode(['hello']);
    const bodies = stub.on('/voyage/v1/embeddings').map((r) => r.body);
    expect(bodies.map((b) => b.input_type)).toEqual(['query', 'document', null]);
    expect(bodies[0]).toMatchObject({
      model: 'voyage-3-large',
      output_dimension: 256,
      truncation: false,
      output_dtype: 'float',
    });
    expect(close(q!, stubEmbedding('hello', 256, 'query'))).toBe(true);
    const err = await rejection(ef.encodeDocuments(['fine', '']));
    expect(err.code).toBe('IllegalArgument');
    expect(err.details).toEqual({ param: 'documents[1]' });
    expect(stub.on('/voyage/v1/embeddings')).toHaveLength(3); // nothing sent for the bad call
  });

  it('Cohere: v2 /embed with input_type search_query / search_document and embedding_types float', async () => {
    const ef = new CohereEmbeddingFunction({ ...conn('cohere'), input_type: 'clustering' });
    expect(ef.dim).toBe(384);
    const [q] = await ef.encodeQueries(['hi']);
    await ef.encodeDocuments(['hi']);
    await ef.encode(['hi']);
    const bodies = stub.on('/cohere/v2/embed').map((r) => r.body);
    expect(bodies.map((b) => b.input_type)).toEqual(['search_query', 'search_document', 'clustering']);
    expect(bodies[0]).toEqual({
      model: 'embed-english-light-v3.0',
      texts: ['hi'],
      input_type: 'search_query',
      embedding_types: ['float'],
    });
    expect(close(q!, stubEmbedding('hi', 384, 'search_query'))).toBe(true);
  });

  it("batches at the vendor's maximum (Cohere: 96) or batch_size, keeping order, with progress", async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const ef = new CohereEmbeddingFunction({ ...conn('cohere') });
    const events: ApiProgress[] = [];
    const out = await ef.encodeDocuments(texts, { onProgress: (e) => events.push(e) });
    expect(stub.on('/cohere/v2/embed').map((r) => (r.body.texts as string[]).length)).toEqual([96, 96, 8]);
    expect(out.every((v, i) => close(v, stubEmbedding(texts[i]!, 384, 'search_document')))).toBe(true);
    expect(events.map((e) => (e.stage === 'encode' ? e.done : -1))).toEqual([96, 192, 200]);
    expect(() => new CohereEmbeddingFunction({ ...conn('cohere'), batch_size: 97 })).toThrow(/batch_size/);

    stub.reset();
    const small = new OpenAIEmbeddingFunction({ ...conn('openai'), batch_size: 2, model_name: 'tiny' });
    const five = await small.encode(['a', 'b', 'c', 'd', 'e']);
    expect(stub.on('/openai/v1/embeddings').map((r) => r.body.input)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
    expect(five.map((v, i) => close(v, stubEmbedding('abcde'[i]!, 8)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  describe('retries', () => {
    it('retries a 429 once, then succeeds, reporting the retry', async () => {
      stub.enqueue('/openai/v1/embeddings', {
        status: 429,
        body: { error: { message: 'Rate limit reached' } },
      });
      const ef = new OpenAIEmbeddingFunction({ ...conn('openai'), model_name: 'tiny' });
      const events: ApiProgress[] = [];
      const out = await ef.encode(['x'], { onProgress: (e) => events.push(e) });
      expect(out).toHaveLength(1);
      expect(stub.on('/openai/v1/embeddings')).toHaveLength(2);
      expect(events[0]).toMatchObject({ stage: 'retry', attempt: 1, status: 429, provider: 'OpenAI' });
    });

    it('retries 503 twice, then succeeds', async () => {
      stub.enqueue('/jina/v1/embeddings', { status: 503, body: 'upstream down' }, { status: 503, body: {} });
      const ef = new JinaEmbeddingFunction({ ...conn('jina') });
      await ef.encode(['x']);
      expect(stub.on('/jina/v1/embeddings')).toHaveLength(3);
    });

    it('waits as long as Retry-After says (seconds), and as retry-after-ms says', async () => {
      stub.enqueue('/voyage/v1/embeddings', { status: 429, headers: { 'retry-after': '1' }, body: {} });
      const ef = new VoyageEmbeddingFunction({ ...conn('voyage') });
      const events: ApiProgress[] = [];
      const t0 = performance.now();
      await ef.encode(['x'], { onProgress: (e) => events.push(e) });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
      expect(events[0]).toMatchObject({ stage: 'retry', delay_ms: 1000 });

      stub.enqueue('/voyage/v1/embeddings', { status: 503, headers: { 'retry-after-ms': '120' }, body: {} });
      events.length = 0;
      await ef.encode(['x'], { onProgress: (e) => events.push(e) });
      expect(events[0]).toMatchObject({ stage: 'retry', delay_ms: 120, status: 503 });
    });

    it('fails at once when Retry-After exceeds retry_max_delay_ms', async () => {
      stub.enqueue('/openai/v1/embeddings', { status: 429, headers: { 'retry-after': '3600' }, body: {} });
      const ef = new OpenAIEmbeddingFunction({
        ...conn('openai'),
        model_name: 'tiny',
        retry_max_delay_ms: 10_000,
      });
      const t0 = performance.now();
      const err = await rejection(ef.encode(['x']));
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(err.code).toBe('RemoteError');
      expect(err.message).toMatch(/rate limit.*retry after 3600 s/);
      expect(stub.on('/openai/v1/embeddings')).toHaveLength(1);
    });

    it('gives up after max_retries with a RemoteError saying how often it tried', async () => {
      const busy = { status: 503, body: { message: 'overloaded' } };
      stub.enqueue('/cohere/v2/embed', busy, busy, busy);
      const ef = new CohereEmbeddingFunction({ ...conn('cohere'), max_retries: 2 });
      const err = await rejection(ef.encode(['x']));
      expect(err.code).toBe('RemoteError');
      expect(err.message).toBe('Cohere answered HTTP 503 after 2 retries: overloaded');
      expect(err.details).toMatchObject({ provider: 'Cohere', status: 503, attempts: 3 });
      expect(stub.on('/cohere/v2/embed')).toHaveLength(3);
    });

    it('backs off exponentially with jitter (default 500 ms base)', async () => {
      stub.enqueue('/openai/v1/embeddings', { status: 500, body: {} }, { status: 502, body: {} });
      const ef = new OpenAIEmbeddingFunction({
        api_key: STUB_KEYS.openai,
        base_url: stub.baseUrl('openai'),
        model_name: 't',
      });
      const delays: number[] = [];
      await ef.encode(['x'], { onProgress: (e) => e.stage === 'retry' && delays.push(e.delay_ms) });
      expect(delays).toHaveLength(2);
      expect(delays[0]).toBeGreaterThanOrEqual(250);
      expect(delays[0]).toBeLessThanOrEqual(500);
      expect(delays[1]).toBeGreaterThanOrEqual(500);
      expect(delays[1]).toBeLessThanOrEqual(1000);
    });

    it('retries a timed-out request, then reports Unavailable', async () => {
      stub.enqueue('/jina/v1/embeddings', { status: 0, delayMs: 2_000 }, { status: 0, delayMs: 2_000 });
      const ef = new JinaEmbeddingFunction({ ...conn('jina'), timeout_ms: 100, max_retries: 1 });
      const err = await rejection(ef.encode(['x']));
      expect(err.code).toBe('Unavailable');
      expect(err.message).toMatch(/did not answer within timeout_ms \(100 ms\) after 1 retry/);
    });

    it('reports an unreachable server as Unavailable after its retries', async () => {
      const ef = new OpenAIEmbeddingFunction({
        api_key: 'sk-unreachable-key-0123456789',
        base_url: 'http://127.0.0.1:9/v1',
        max_retries: 1,
        retry_base_delay_ms: 1,
      });
      const err = await rejection(ef.encode(['x']));
      expect(err.code).toBe('Unavailable');
      expect(err.message).toMatch(
        /^could not reach OpenAI at http:\/\/127\.0\.0\.1:9\/v1\/embeddings after 1 retry/,
      );
    });
  });

  describe('abort', () => {
    it('aborts a request in flight', async () => {
      stub.enqueue('/openai/v1/embeddings', { status: 0, delayMs: 5_000 });
      const ef = new OpenAIEmbeddingFunction({ ...conn('openai'), model_name: 't' });
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('user navigated away')), 50);
      const t0 = performance.now();
      const err = await rejection(ef.encode(['x'], { signal: ac.signal }));
      expect(err.code).toBe('Aborted');
      expect(err.message).toContain('user navigated away');
      expect(performance.now() - t0).toBeLessThan(2_000);
    });

    it('aborts during a backoff wait, and sends nothing when already aborted', async () => {
      stub.enqueue('/voyage/v1/embeddings', { status: 429, headers: { 'retry-after': '5' }, body: {} });
      const ef = new VoyageEmbeddingFunction({ ...conn('voyage') });
      const ac = new AbortController();
      const p = ef.encode(['x'], {
        signal: ac.signal,
        onProgress: (e) => e.stage === 'retry' && setTimeout(() => ac.abort(), 20),
      });
      expect((await rejection(p)).code).toBe('Aborted');
      expect(stub.on('/voyage/v1/embeddings')).toHaveLength(1);
      stub.reset();
      expect((await rejection(ef.encode(['x'], { signal: ac.signal }))).code).toBe('Aborted');
      expect(stub.requests).toHaveLength(0);
    });
  });

  describe('errors and the API key', () => {
    it('maps 401 to RemoteError "authentication failed" naming the provider, without the key', async () => {
      const key = 'sk-wrong-0123456789abcdefghijKEY';
      for (const [Ctor, vendor, name] of [
        [OpenAIEmbeddingFunction, 'openai', 'OpenAI'],
        [JinaEmbeddingFunction, 'jina', 'Jina AI'],
        [VoyageEmbeddingFunction, 'voyage', 'Voyage AI'],
        [CohereEmbeddingFunction, 'cohere', 'Cohere'],
      ] as const) {
        const ef = new Ctor({ api_key: key, base_url: stub.baseUrl(vendor), ...FAST });
        const err = await rejection(ef.encode(['x']));
        expect(err.code).toBe('RemoteError');
        expect(err.message).toContain(`${name} authentication failed (HTTP 401)`);
        expectNoKey(err, key);
        expectNoKey(err.toJSON(), key);
      }
      // Not retried: a wrong key stays wrong.
      expect(stub.on('/openai/v1/embeddings')).toHaveLength(1);
    });

    it('maps 400 to IllegalArgument naming the parameter the vendor names', async () => {
      const ef = new OpenAIEmbeddingFunction({ ...conn('openai'), dimensions: 16 }); // ada-002 has no dimensions
      const err = await rejection(ef.encode(['x']));
      expect(err.code).toBe('IllegalArgument');
      expect(err.message).toBe(
        'OpenAI rejected the request (HTTP 400) [parameter dimensions]: This model does not support specifying dimensions.',
      );
      expect(err.details).toMatchObject({ param: 'dimensions', status: 400, provider: 'OpenAI' });
    });

    it('redacts a key the vendor echoes in any other error', async () => {
      stub.enqueue('/cohere/v2/embed', {
        status: 422,
        body: { message: `bad request for key ${STUB_KEYS.cohere}` },
      });
      const err = await rejection(new CohereEmbeddingFunction({ ...conn('cohere') }).encode(['x']));
      expect(err.code).toBe('IllegalArgument');
      expect(err.message).toContain('[redacted]');
      expectNoKey(err, STUB_KEYS.cohere);
    });

    it('reports 404 and malformed answers as RemoteError', async () => {
      const wrongUrl = new OpenAIEmbeddingFunction({
        ...conn('openai'),
        base_url: `${stub.baseUrl('openai')}/nope`,
      });
      const e404 = await rejection(wrongUrl.encode(['x']));
      expect(e404.code).toBe('RemoteError');
      expect(e404.message).toMatch(/HTTP 404 .*check base_url and model_name/);
      stub.enqueue('/jina/v1/embeddings', { status: 200, body: { data: [{ index: 0, embedding: ['a'] }] } });
      const bad = await rejection(new JinaEmbeddingFunction({ ...conn('jina') }).encode(['x']));
      expect(bad.code).toBe('RemoteError');
      expect(bad.message).toMatch(/unexpected response/);
      stub.enqueue('/jina/v1/embeddings', { status: 200, body: 'not json' });
      expect((await rejection(new JinaEmbeddingFunction({ ...conn('jina') }).encode(['x']))).message).toMatch(
        /not JSON/,
      );
    });

    it('never exposes the key through toJSON, inspect, structuredClone or validation errors', async () => {
      const ef = new OpenAIEmbeddingFunction({
        ...conn('openai'),
        headers: { 'X-Secret-Header': 'hdr-SECRET-value' },
      });
      expect(JSON.parse(JSON.stringify(ef))).toEqual({
        provider: 'OpenAI',
        model_name: 'text-embedding-ada-002',
        base_url: stub.baseUrl('openai'),
        batch_size: 2048,
      });
      expectNoKey(ef, STUB_KEYS.openai);
      expect(inspect(ef, { depth: 6, showHidden: true })).not.toContain('hdr-SECRET-value');
      expectNoKey(structuredClone({ ...ef }), STUB_KEYS.openai);
      await ef.encode(['x']);
      expect(stub.requests[0]!.headers['x-secret-header']).toBe('hdr-SECRET-value');
      const err = await rejection(
        Promise.resolve().then(() => new OpenAIEmbeddingFunction({ api_key: 42 as never })),
      );
      expect(err.code).toBe('IllegalArgument');
      expect(err.details).toEqual({ param: 'api_key' });
    });

    it('reads the key from the environment in Node, and sends none with api_key: null', async () => {
      process.env.VOYAGE_API_KEY = STUB_KEYS.voyage;
      try {
        await new VoyageEmbeddingFunction({ base_url: stub.baseUrl('voyage'), ...FAST }).encode(['x']);
        expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${STUB_KEYS.voyage}`);
      } finally {
        delete process.env.VOYAGE_API_KEY;
      }
      expect(() => new VoyageEmbeddingFunction({ base_url: stub.baseUrl('voyage') })).toThrow(
        /VOYAGE_API_KEY/,
      );
      stub.reset();
      const proxied = new VoyageEmbeddingFunction({
        api_key: null,
        base_url: stub.baseUrl('voyage'),
        ...FAST,
      });
      await rejection(proxied.encode(['x'])); // the stub wants a key: 401
      expect(stub.requests[0]!.headers.authorization).toBeUndefined();
    });

    it('rejects bad options, naming the parameter', () => {
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ base_url: 'ftp://x' }, 'base_url'],
        [{ batch_size: 0 }, 'batch_size'],
        [{ batch_size: 5000 }, 'batch_size'],
        [{ dimensions: -3 }, 'dimensions'],
        [{ max_retries: 1.5 }, 'max_retries'],
        [{ timeout_ms: 0 }, 'timeout_ms'],
        [{ model_name: '' }, 'model_name'],
        [{ api_key: '' }, 'api_key'],
        [{ headers: { a: 1 } }, 'headers'],
      ];
      for (const [opts, param] of bad) {
        let err: unknown;
        try {
          new OpenAIEmbeddingFunction({ api_key: 'k', ...opts } as never);
        } catch (e) {
          err = e;
        }
        expect(err, param).toBeInstanceOf(ElanusError);
        expect((err as ElanusError).code).toBe('IllegalArgument');
        expect((err as ElanusError).message).toContain(param);
      }
      expect(() => new CohereEmbeddingFunction({ api_key: 'k', input_type: 'x' as never })).toThrow(
        /input_type/,
      );
      expect(() => new JinaEmbeddingFunction({ api_key: 'k', late_chunking: 1 as never })).toThrow(
        /late_chunking/,
      );
    });
  });
});
