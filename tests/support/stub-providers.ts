/**
 * STUB OF UNREACHABLE THIRD-PARTY SERVICES, for tests only.
 *
 * The OpenAI, Jina AI, Voyage AI and Cohere APIs cannot be reached from the test machines (and must
 * not be: no keys, no network). This loopback HTTP server (Node `http`, 127.0.0.1, a free port)
 * answers the endpoints @elanus/model calls, in the request/response formats those vendors document:
 *
 *   /openai/v1/embeddings   {model, input[], encoding_format, dimensions?}   -> {object, data: [{object, index, embedding}], model, usage}
 *   /jina/v1/embeddings     {model, input[], task, dimensions?, ...}          -> {model, object, usage, data: [{object, index, embedding}]}
 *   /jina/v1/rerank         {model, query, documents[], top_n, ...}           -> {model, usage, results: [{index, relevance_score}]}
 *   /voyage/v1/embeddings   {model, input[], input_type, output_dimension?}   -> {object, data: [{object, embedding, index}], model, usage}
 *   /voyage/v1/rerank       {model, query, documents[], top_k, ...}           -> {object, data: [{index, relevance_score}], model, usage}
 *   /cohere/v2/embed        {model, texts[], input_type, embedding_types}     -> {id, embeddings: {float: [[...]]}, texts, meta, response_type}
 *   /cohere/v2/rerank       {model, query, documents[], top_n}                -> {id, results: [{index, relevance_score}], meta}
 *
 * It checks the Bearer key, the body shape and the vendor's documented limits, answering errors in each
 * vendor's style (and, on 401, echoing part of the key as real services do, so that redaction can be
 * tested). Embeddings are deterministic pseudo-random vectors of the text; rerank scores are word
 * overlap with the query. It is not the services: it is what the tests can check requests against.
 *
 * Tests script failures with `enqueue(route, ...replies)`: the next requests to `route` get those
 * replies (status, headers, body, delay) before normal handling resumes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Vendor = 'openai' | 'jina' | 'voyage' | 'cohere';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (or before the normal answer, with status 0). */
  delayMs?: number;
}

/** Keys the stub accepts, per vendor. */
export const STUB_KEYS: Readonly<Record<Vendor, string>> = {
  openai: 'sk-stub-openai-0123456789abcdefSECRET',
  jina: 'jina_stub_0123456789abcdefSECRET',
  voyage: 'pa-stub-0123456789abcdefSECRET',
  cohere: 'co-stub-0123456789abcdefSECRET',
};

/** Default output sizes of the models the stub "serves". Unknown models get 8. */
const DIMS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-ada-002': 1536,
  'jina-embeddings-v3': 1024,
  'voyage-3-large': 1024,
  'embed-english-light-v3.0': 384,
  'embed-v4.0': 1536,
};

const LIMITS: Record<Vendor, number> = { openai: 2048, jina: 2048, voyage: 1000, cohere: 96 };

/** Deterministic unit vector for a text (FNV-1a seed, xorshift). */
export function stubEmbedding(text: string, dim: number, salt = ''): number[] {
  let h = 0x811c9dc5;
  for (const ch of salt + text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  let s = h || 1;
  const v: number[] = [];
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const x = s / 0xffffffff - 0.5;
    v.push(x);
    norm += x * x;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

/** Rerank score of the stub: share of the query's words found in the document, plus a tiny tiebreak. */
export function stubRelevance(query: string, doc: string): number {
  const words = (t: string): string[] => t.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const q = new Set(words(query));
  const d = new Set(words(doc));
  let hit = 0;
  for (const w of q) if (d.has(w)) hit++;
  return q.size ? hit / q.size + 1e-3 / (1 + doc.length) : 0;
}

export class StubProviders {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(
          req.method ?? 'GET',
          req.url ?? '/',
          req.headers,
          Buffer.concat(chunks).toString('utf8'),
        ).then(({ status, headers, body, delayMs }) => {
          const send = (): void => {
            if (res.destroyed) return;
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(typeof body === 'string' ? body : JSON.stringify(body));
          };
          if (delayMs) setTimeout(send, delayMs);
          else send();
        });
      });
    });
  }

  static async start(): Promise<StubProviders> {
    const s = new StubProviders();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  /** API root of a vendor on this stub, to pass as `base_url`. */
  baseUrl(vendor: Vendor): string {
    const version = vendor === 'cohere' ? 'v2' : 'v1';
    return `http://127.0.0.1:${this.port}/${vendor}/${version}`;
  }

  /** The next requests to `route` (e.g. `/openai/v1/embeddings`) get these replies, in order. */
  enqueue(route: string, ...replies: ScriptedReply[]): void {
    this.scripts.set(route, [...(this.scripts.get(route) ?? []), ...replies]);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  /** Requests received on `route`. */
  on(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === route);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    raw: string,
  ): Promise<ScriptedReply> {
    const path = url.split('?')[0] ?? '/';
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: { message: 'body is not JSON' } } };
    }
    this.requests.push({ method, path, headers, body });
    const script = this.scripts.get(path);
    const scripted = script?.shift();
    let delay = 0;
    if (scripted) {
      if (scripted.status !== 0) return scripted;
      delay = scripted.delayMs ?? 0;
    }
    const m = /^\/(openai|jina|voyage|cohere)\/v[12]\/(embeddings|embed|rerank)$/.exec(path);
    if (method !== 'POST' || !m) return { status: 404, body: { message: `no route ${method} ${path}` } };
    const vendor = m[1] as Vendor;
    const kind = m[2] === 'rerank' ? 'rerank' : 'embed';
    const reply =
      this.auth(vendor, headers) ?? (kind === 'rerank' ? rerank(vendor, body) : embed(vendor, body));
    return { ...reply, delayMs: delay };
  }

  private auth(vendor: Vendor, headers: IncomingHttpHeaders): ScriptedReply | undefined {
    const got = headers.authorization ?? '';
    if (got === `Bearer ${STUB_KEYS[vendor]}`) return undefined;
    const key = got.replace(/^Bearer /, '');
    // Real services echo a masked form of the key they were given; this stub echoes it whole.
    const echo = `Incorrect API key provided: ${key}`;
    const body =
      vendor === 'openai'
        ? { error: { message: echo, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }
        : vendor === 'cohere'
          ? { message: echo }
          : { detail: echo };
    return { status: 401, body };
  }
}

function err(vendor: Vendor, status: number, message: string, param?: string): ScriptedReply {
  if (vendor === 'openai')
    return { status, body: { error: { message, type: 'invalid_request_error', param: param ?? null } } };
  if (vendor === 'cohere') return { status, body: { message } };
  return { status, body: { detail: message } };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function embed(vendor: Vendor, body: Record<string, unknown>): ScriptedReply {
  const model = body.model;
  if (typeof model !== 'string' || !model) return err(vendor, 400, 'model is required', 'model');
  const inputKey = vendor === 'cohere' ? 'texts' : 'input';
  const input = body[inputKey];
  if (!isStringArray(input) || input.length === 0)
    return err(vendor, 400, `${inputKey} must be a non-empty list of strings`, inputKey);
  if (input.length > LIMITS[vendor]) {
    return err(vendor, 400, `${inputKey}: at most ${LIMITS[vendor]} items per request`, inputKey);
  }
  if ((vendor === 'openai' || vendor === 'voyage') && input.some((t) => t === '')) {
    return err(vendor, 400, `${inputKey} cannot contain empty strings`, inputKey);
  }
  let salt = '';
  let dim = DIMS[model] ?? 8;
  if (vendor === 'openai') {
    if (body.encoding_format !== undefined && body.encoding_format !== 'float') {
      return err(vendor, 400, 'only float is served by the stub', 'encoding_format');
    }
    if (body.dimensions !== undefined) {
      if (typeof body.dimensions !== 'number' || body.dimensions < 1)
        return err(vendor, 400, 'invalid dimensions', 'dimensions');
      if (model === 'text-embedding-ada-002')
        return err(vendor, 400, 'This model does not support specifying dimensions.', 'dimensions');
      dim = body.dimensions;
    }
  } else if (vendor === 'jina') {
    const tasks = ['retrieval.query', 'retrieval.passage', 'text-matching', 'classification', 'separation'];
    if (body.task !== undefined && !tasks.includes(body.task as string))
      return err(vendor, 422, `invalid task ${String(body.task)}`);
    salt = String(body.task ?? '');
    if (typeof body.dimensions === 'number') dim = body.dimensions;
  } else if (vendor === 'voyage') {
    if (![null, undefined, 'query', 'document'].includes(body.input_type as string)) {
      return err(vendor, 400, "input_type must be 'query', 'document' or null");
    }
    salt = String(body.input_type ?? '');
    if (typeof body.output_dimension === 'number') dim = body.output_dimension;
  } else {
    const types = ['search_document', 'search_query', 'classification', 'clustering'];
    if (!types.includes(body.input_type as string))
      return err(vendor, 400, 'input_type is required for v3 models');
    const et = body.embedding_types;
    if (!Array.isArray(et) || !et.includes('float'))
      return err(vendor, 400, 'embedding_types must include float');
    salt = String(body.input_type);
    if (typeof body.output_dimension === 'number') dim = body.output_dimension;
  }
  const vectors = input.map((t) => stubEmbedding(t, dim, salt));
  const usage = { total_tokens: input.join(' ').split(/\s+/).length };
  if (vendor === 'cohere') {
    return {
      status: 200,
      body: {
        id: 'stub',
        embeddings: { float: vectors },
        texts: input,
        meta: { api_version: { version: '2' } },
        response_type: 'embeddings_by_type',
      },
    };
  }
  // Reversed order: the client must sort by `index`.
  const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse();
  return { status: 200, body: { object: 'list', data, model, usage } };
}

function rerank(vendor: Vendor, body: Record<string, unknown>): ScriptedReply {
  const { model, query, documents } = body;
  if (typeof model !== 'string' || !model) return err(vendor, 400, 'model is required');
  if (typeof query !== 'string') return err(vendor, 400, 'query must be a string');
  if (!isStringArray(documents)) return err(vendor, 400, 'documents must be a list of strings');
  if (documents.length > 1000) return err(vendor, 400, 'at most 1000 documents');
  const top = vendor === 'voyage' ? body.top_k : body.top_n;
  if (top !== undefined && (typeof top !== 'number' || top < 1)) return err(vendor, 400, 'invalid top_n');
  const scored = documents
    .map((d, index) => ({ index, relevance_score: stubRelevance(query, d) }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, typeof top === 'number' ? top : documents.length);
  if (vendor === 'voyage')
    return { status: 200, body: { object: 'list', data: scored, model, usage: { total_tokens: 1 } } };
  if (vendor === 'cohere') return { status: 200, body: { id: 'stub', results: scored, meta: {} } };
  return { status: 200, body: { model, usage: { total_tokens: 1 }, results: scored } };
}
