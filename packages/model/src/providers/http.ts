/**
 * The HTTP side of the API embedding functions and rerankers: validated connection settings, JSON
 * POSTs through `fetch` (browsers and Node 18+), retries with exponential backoff and jitter on
 * 429/5xx/network errors (honouring Retry-After), timeouts, abort, and the mapping of failures onto
 * `ElanusError`s.
 *
 * API keys are kept in a module-private WeakMap, never as a property: they cannot leak through
 * `JSON.stringify`, `structuredClone`, `console.log`/`util.inspect` or an error's `details`, and every
 * text that goes into an error is passed through `redact()`.
 */
import { ElanusError } from '@elanus/core';
import { abortError, throwIfAborted } from '../common/abort.js';
import { invalidParam } from '../common/checks.js';

/** Connection and retry settings shared by every API provider and API reranker. */
export interface ApiConnectionOptions {
  /**
   * The vendor's API key, sent as `Authorization: Bearer <key>`. When omitted, Node reads the vendor's
   * usual environment variable (e.g. `OPENAI_API_KEY`). `null` sends no Authorization header, for a
   * proxy that adds it (the way to keep keys out of a browser).
   */
  api_key?: string | null;
  /** API root, e.g. `https://api.openai.com/v1` (the default) or an OpenAI-compatible server. */
  base_url?: string;
  /** Retries after a 408/409/429/5xx answer, a network error or a timeout. Default 3. */
  max_retries?: number;
  /** First backoff delay; doubles at each retry, with jitter (50-100% of the value). Default 500 ms. */
  retry_base_delay_ms?: number;
  /**
   * Longest wait between two tries. Backoff delays are capped to it; a Retry-After that asks for more
   * fails the call at once (with the delay the server asked for in the message). Default 60 000 ms.
   */
  retry_max_delay_ms?: number;
  /** Per-request timeout (a timed-out request is retried). Default 60 000 ms. */
  timeout_ms?: number;
  /** Extra request headers (e.g. `OpenAI-Organization`). Never serialised by `toJSON()`. */
  headers?: Record<string, string>;
  /** `fetch` implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** Progress of an API call: one `encode` event per finished request batch, one `retry` event per retry. */
export type ApiProgress =
  | {
      stage: 'encode';
      model: string;
      /** Texts (or documents, for rerankers) done so far. */
      done: number;
      total: number;
      progress: number;
    }
  | {
      stage: 'retry';
      model: string;
      provider: string;
      /** 1 for the first retry. */
      attempt: number;
      /** How long the client waits before this retry. */
      delay_ms: number;
      /** HTTP status that caused it, absent for network errors and timeouts. */
      status?: number;
      reason: string;
    };

export interface ApiCallOptions {
  /** Cancels the call: the request in flight is aborted and no further batch is sent. */
  signal?: AbortSignal;
  onProgress?: (event: ApiProgress) => void;
}

/** What each provider contributes to its client. */
export interface ProviderSpec {
  /** Name used in messages, e.g. `OpenAI`. */
  provider: string;
  defaultBaseUrl: string;
  /** Environment variables tried (Node only) when `api_key` is not given. */
  envKeys: readonly string[];
}

interface RetrySettings {
  max_retries: number;
  retry_base_delay_ms: number;
  retry_max_delay_ms: number;
  timeout_ms: number;
}

/** Per client: the key (absent when `api_key: null`) and the extra headers, which may hold secrets too. */
const secrets = new WeakMap<
  ApiClient,
  { key: string | undefined; headers: Readonly<Record<string, string>> }
>();

const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNonNegNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function envValue(names: readonly string[]): string | undefined {
  // No `node:` import: browsers have no `process`, and the library must load there.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  for (const n of names) {
    const v = env?.[n];
    if (v) return v;
  }
  return undefined;
}

/** The URL without credentials or query string (either may carry a secret). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Validated connection settings, the key (held privately) and the request loop. */
export class ApiClient {
  readonly provider: string;
  readonly base_url: string;
  readonly retry: Readonly<RetrySettings>;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(spec: ProviderSpec, options: ApiConnectionOptions) {
    const {
      api_key,
      base_url = spec.defaultBaseUrl,
      max_retries = 3,
      retry_base_delay_ms = 500,
      retry_max_delay_ms = 60_000,
      timeout_ms = 60_000,
      headers = {},
      fetch: fetchImpl,
    } = options;
    this.provider = spec.provider;
    let key: string | null;
    if (api_key === null) key = null;
    else if (api_key === undefined) {
      const fromEnv = envValue(spec.envKeys);
      if (fromEnv === undefined) {
        throw new ElanusError(
          'IllegalArgument',
          `invalid parameter api_key: expected the ${spec.provider} API key (or null to send none)${
            spec.envKeys.length ? `; ${spec.envKeys.join(' / ')} is not set either` : ''
          }`,
          { param: 'api_key' },
        );
      }
      key = fromEnv;
    } else if (typeof api_key !== 'string' || api_key.trim() === '') {
      // Never echo the value: it may be a (malformed) key.
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter api_key: expected a non-empty string or null, got ${typeof api_key === 'string' ? 'an empty string' : typeof api_key}`,
        { param: 'api_key' },
      );
    } else key = api_key;
    if (typeof base_url !== 'string' || !/^https?:\/\/[^/]/i.test(base_url)) {
      throw invalidParam(
        'base_url',
        'an http(s) URL',
        typeof base_url === 'string' ? safeUrl(base_url) : base_url,
      );
    }
    if (!isNonNegInt(max_retries)) throw invalidParam('max_retries', 'a non-negative integer', max_retries);
    if (!isNonNegNumber(retry_base_delay_ms)) {
      throw invalidParam('retry_base_delay_ms', 'a non-negative number', retry_base_delay_ms);
    }
    if (!isNonNegNumber(retry_max_delay_ms)) {
      throw invalidParam('retry_max_delay_ms', 'a non-negative number', retry_max_delay_ms);
    }
    if (typeof timeout_ms !== 'number' || !(timeout_ms > 0)) {
      throw invalidParam('timeout_ms', 'a positive number (Infinity for none)', timeout_ms);
    }
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      throw invalidParam('headers', 'an object of strings', headers);
    }
    for (const [k, v] of Object.entries(headers)) {
      if (typeof v !== 'string')
        throw invalidParam(`headers[${JSON.stringify(k)}]`, 'a string', '(not shown)');
    }
    if (fetchImpl !== undefined && typeof fetchImpl !== 'function')
      throw invalidParam('fetch', 'a function', fetchImpl);
    this.base_url = base_url.replace(/\/+$/, '');
    this.retry = Object.freeze({ max_retries, retry_base_delay_ms, retry_max_delay_ms, timeout_ms });
    this.fetchImpl = fetchImpl;
    secrets.set(this, { key: key ?? undefined, headers: Object.freeze({ ...headers }) });
  }

  /** Removes the key (and the fragments a vendor may echo back, e.g. `sk-abc...wxyz`) from a text. */
  redact(text: string): string {
    const key = secrets.get(this)?.key;
    if (!key) return text;
    let out = text.split(key).join('[redacted]');
    if (key.length >= 16) {
      out = out.split(key.slice(0, 8)).join('[redacted]').split(key.slice(-6)).join('[redacted]');
    }
    return out;
  }

  /**
   * POSTs `body` as JSON to `base_url + path` and returns the parsed answer, retrying as configured.
   * `what` names the operation in errors (`embedding with OpenAI text-embedding-3-small`).
   */
  async post(
    path: string,
    body: unknown,
    what: string,
    options: ApiCallOptions & { model: string },
  ): Promise<unknown> {
    const { signal, onProgress, model } = options;
    const url = this.base_url + path;
    const fetchImpl = this.fetchImpl ?? (globalThis.fetch as typeof fetch | undefined);
    if (typeof fetchImpl !== 'function') {
      throw new ElanusError('Unavailable', 'no fetch() in this runtime: pass options.fetch', {
        provider: this.provider,
      });
    }
    const secret = secrets.get(this);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...secret?.headers,
    };
    if (secret?.key !== undefined) headers.Authorization = `Bearer ${secret.key}`;
    const payload = JSON.stringify(body);
    const { max_retries } = this.retry;

    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal, what);
      const outcome = await this.tryOnce(fetchImpl, url, headers, payload, signal, what);
      if (outcome.kind === 'ok') return outcome.value;
      // An abort while reading an error body surfaces here, not as that error.
      throwIfAborted(signal, what);
      if (!isRetryable(outcome) || attempt >= max_retries) throw this.finalError(outcome, attempt, url);
      let delay = backoff(attempt, this.retry);
      if (outcome.kind === 'http' && outcome.retryAfterMs !== undefined) {
        if (outcome.retryAfterMs > this.retry.retry_max_delay_ms) {
          throw new ElanusError(
            'RemoteError',
            `${this.provider} ${outcome.status === 429 ? 'rate limit' : `HTTP ${outcome.status}`}: the server asks to retry after ${Math.ceil(
              outcome.retryAfterMs / 1000,
            )} s, more than retry_max_delay_ms (${this.retry.retry_max_delay_ms} ms)`,
            { provider: this.provider, status: outcome.status, retry_after_ms: outcome.retryAfterMs },
          );
        }
        delay = outcome.retryAfterMs;
      }
      await this.wait(delay, outcome, attempt, signal, what, model, onProgress);
    }
  }

  /** One request: its parsed JSON, or why it failed. Throws only for aborts and non-JSON success bodies. */
  private async tryOnce(
    fetchImpl: typeof fetch,
    url: string,
    headers: Record<string, string>,
    payload: string,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<{ kind: 'ok'; value: unknown } | Failure> {
    const link = linkSignals(signal, this.retry.timeout_ms);
    try {
      const res = await fetchImpl(url, { method: 'POST', headers, body: payload, signal: link.signal });
      if (!res.ok) {
        return {
          kind: 'http',
          status: res.status,
          text: await readText(res),
          retryAfterMs: retryAfter(res.headers),
        };
      }
      const text = await res.text();
      try {
        return { kind: 'ok', value: JSON.parse(text) as unknown };
      } catch {
        throw new ElanusError(
          'RemoteError',
          `${this.provider} answered HTTP ${res.status} with a body that is not JSON (${safeUrl(url)})`,
          { provider: this.provider, status: res.status },
        );
      }
    } catch (e) {
      if (e instanceof ElanusError) throw e;
      if (signal?.aborted) throw abortError(signal, what);
      return link.timedOut()
        ? { kind: 'timeout' }
        : { kind: 'network', message: e instanceof Error ? e.message : String(e) };
    } finally {
      link.cleanup();
    }
  }

  private async wait(
    delay: number,
    failure: Failure,
    attempt: number,
    signal: AbortSignal | undefined,
    what: string,
    model: string,
    onProgress: ((e: ApiProgress) => void) | undefined,
  ): Promise<void> {
    onProgress?.({
      stage: 'retry',
      model,
      provider: this.provider,
      attempt: attempt + 1,
      delay_ms: delay,
      ...(failure.kind === 'http' ? { status: failure.status } : {}),
      reason: describeFailure(failure),
    });
    await sleep(delay, signal, what);
  }

  private finalError(f: Failure, attempt: number, url: string): ElanusError {
    const p = this.provider;
    const tries = attempt > 0 ? ` after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}` : '';
    const details: Record<string, unknown> = { provider: p, attempts: attempt + 1 };
    if (f.kind === 'network') {
      return new ElanusError(
        'Unavailable',
        `could not reach ${p} at ${safeUrl(url)}${tries}: ${this.redact(f.message)}`,
        details,
      );
    }
    if (f.kind === 'timeout') {
      return new ElanusError(
        'Unavailable',
        `${p} did not answer within timeout_ms (${this.retry.timeout_ms} ms)${tries} (${safeUrl(url)})`,
        details,
      );
    }
    details.status = f.status;
    if (f.status === 401 || f.status === 403) {
      // The vendor's text is left out on purpose: it often echoes part of the key.
      return new ElanusError(
        'RemoteError',
        `${p} authentication failed (HTTP ${f.status}): check api_key${f.status === 403 ? ' and its permissions' : ''}`,
        details,
      );
    }
    const { message, param } = vendorMessage(f.text);
    const said = message ? `: ${this.redact(message)}` : '';
    if (f.status === 400 || f.status === 413 || f.status === 422) {
      if (param) details.param = param;
      return new ElanusError(
        'IllegalArgument',
        `${p} rejected the request (HTTP ${f.status})${param ? ` [parameter ${param}]` : ''}${said}`,
        { ...details, param: param ?? 'request' },
      );
    }
    if (f.status === 404) {
      return new ElanusError(
        'RemoteError',
        `${p} answered HTTP 404 for ${safeUrl(url)} (check base_url and model_name)${said}`,
        details,
      );
    }
    if (f.status === 429)
      return new ElanusError('RemoteError', `${p} rate limit: HTTP 429${tries}${said}`, details);
    return new ElanusError('RemoteError', `${p} answered HTTP ${f.status}${tries}${said}`, details);
  }

  toJSON(): { base_url: string } {
    return { base_url: safeUrl(this.base_url) };
  }
}

type Failure =
  | { kind: 'http'; status: number; text: string; retryAfterMs: number | undefined }
  | { kind: 'network'; message: string }
  | { kind: 'timeout' };

function isRetryable(f: Failure): boolean {
  if (f.kind !== 'http') return true;
  // 409: OpenAI's "lock timeout"; 501/505 will not change on a retry.
  return (
    f.status === 408 ||
    f.status === 409 ||
    f.status === 429 ||
    (f.status >= 500 && f.status !== 501 && f.status !== 505)
  );
}

function describeFailure(f: Failure): string {
  if (f.kind === 'http') return `HTTP ${f.status}`;
  return f.kind === 'timeout' ? 'timeout' : 'network error';
}

/** Exponential backoff with "equal jitter": 50-100% of base * 2^attempt, capped. */
function backoff(attempt: number, r: RetrySettings): number {
  const cap = Math.min(r.retry_max_delay_ms, r.retry_base_delay_ms * 2 ** attempt);
  return Math.round(cap * (0.5 + Math.random() * 0.5));
}

/** `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readText(res: Response): Promise<string> {
  try {
    const t = await res.text();
    return t.length > 4000 ? t.slice(0, 4000) : t;
  } catch {
    return '';
  }
}

/** The human part of a vendor's error body: `{error: {message, param}}`, `{detail}`, `{message}`... */
function vendorMessage(text: string): { message: string; param?: string } {
  let msg = text.trim();
  let param: string | undefined;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const err = j.error;
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>;
      if (typeof e.message === 'string') msg = e.message;
      if (typeof e.param === 'string') param = e.param;
    } else if (typeof err === 'string') msg = err;
    else if (typeof j.detail === 'string') msg = j.detail;
    else if (Array.isArray(j.detail)) {
      // FastAPI-style validation errors (Jina): [{loc: ['body', 'input'], msg}]
      const first = j.detail[0] as { loc?: unknown[]; msg?: string } | undefined;
      if (first?.msg) msg = first.msg;
      const loc = first?.loc?.filter((x) => x !== 'body');
      if (loc?.length) param = loc.join('.');
    } else if (typeof j.message === 'string') msg = j.message;
    if (typeof j.param === 'string') param ??= j.param;
  } catch {
    // Not JSON: keep the text.
  }
  msg = msg.replace(/\s+/g, ' ');
  return param === undefined ? { message: msg.slice(0, 300) } : { message: msg.slice(0, 300), param };
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal, what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One signal for one request: the caller's abort or the timeout, whichever comes first. */
function linkSignals(
  user: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; cleanup: () => void; timedOut: () => boolean } {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        ctl.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs)
    : undefined;
  const onAbort = (): void => ctl.abort(user?.reason);
  if (user?.aborted) ctl.abort(user.reason);
  else user?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    cleanup: () => {
      if (timer !== undefined) clearTimeout(timer);
      user?.removeEventListener('abort', onAbort);
    },
    timedOut: () => timedOut,
  };
}

/** Vendor answers whose shape is wrong: what was expected, never the body itself. */
export function badResponse(provider: string, expected: string): ElanusError {
  return new ElanusError('RemoteError', `${provider} returned an unexpected response: expected ${expected}`, {
    provider,
  });
}

/** A JSON number array as a Float32Array, or undefined when it is not one. */
export function toFloat32(v: unknown): Float32Array | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
    out[i] = x;
  }
  return out;
}
