/**
 * Base of the reranker classes: `new XRerankFunction(...)` returns a function object whose prototype is
 * the class's, so an instance is both callable as pymilvus' `rf(query, documents, top_k)` and an object
 * with properties and methods (`rf.model_name`, `rf.rerank(...)`, `rf instanceof XRerankFunction`).
 */
import { throwIfAborted } from '../common/abort.js';
import { invalidParam } from '../common/checks.js';
import type { RerankCallOptions, RerankFunction, RerankResult } from './types.js';

export const DEFAULT_TOP_K = 5;

/** Checked call arguments. `topK` is the number of results wanted (≤ documents.length). */
export interface RerankRequest {
  query: string;
  documents: string[];
  topK: number;
  options: RerankCallOptions;
}

// Declaration merging gives instances the call signature; the constructor below makes it true.
export interface CallableRerankFunction extends RerankFunction {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above declares the call signature
export abstract class CallableRerankFunction {
  constructor() {
    const self = ((query: string, documents: string[], options?: number | null | RerankCallOptions) =>
      (self as CallableRerankFunction).rerank(
        query,
        documents,
        options,
      )) as unknown as CallableRerankFunction;
    Object.setPrototypeOf(self, new.target.prototype);
    // Subclass fields are then defined on `self`: it is what `super()` returns to them.
    // biome-ignore lint/correctness/noConstructorReturn: returning the callable is the point of this class
    return self;
  }

  /** Same as calling the instance. */
  async rerank(
    query: string,
    documents: string[],
    options?: number | null | RerankCallOptions,
  ): Promise<RerankResult[]> {
    const req = checkRerankArgs(query, documents, options);
    throwIfAborted(req.options.signal, `reranking with ${this.describe()}`);
    if (req.documents.length === 0) return [];
    return this.compute(req);
  }

  /** Model and provider, for messages. */
  protected abstract describe(): string;

  /** Scores `req.documents` and returns the best `req.topK`, sorted. */
  protected abstract compute(req: RerankRequest): Promise<RerankResult[]>;
}

// Instances are functions: keep call/apply/bind and `instanceof Function` on them.
Object.setPrototypeOf(CallableRerankFunction.prototype, Function.prototype);

/** Validates `(query, documents, top_k | options)` as every reranker takes them. */
export function checkRerankArgs(
  query: unknown,
  documents: unknown,
  options: number | null | RerankCallOptions | undefined,
): RerankRequest {
  if (typeof query !== 'string') throw invalidParam('query', 'a string', query);
  if (!Array.isArray(documents)) throw invalidParam('documents', 'an array of strings', documents);
  for (let i = 0; i < documents.length; i++) {
    if (typeof documents[i] !== 'string') throw invalidParam(`documents[${i}]`, 'a string', documents[i]);
  }
  const opts: RerankCallOptions =
    typeof options === 'number' || options === null ? { top_k: options } : (options ?? {});
  if (typeof opts !== 'object') throw invalidParam('options', 'top_k or an options object', opts);
  const { top_k = DEFAULT_TOP_K } = opts;
  if (top_k !== null && !(typeof top_k === 'number' && Number.isInteger(top_k) && top_k >= 0)) {
    throw invalidParam('top_k', 'a non-negative integer or null', top_k);
  }
  const n = documents.length;
  const topK = top_k === null || top_k === 0 ? n : Math.min(top_k, n);
  return { query, documents: documents as string[], topK, options: opts };
}

/** Sorts by descending score (ties: input order) and keeps `topK`. */
export function topResults(scores: ArrayLike<number>, documents: string[], topK: number): RerankResult[] {
  const order = Array.from({ length: documents.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, topK).map((index) => ({ index, score: scores[index]!, text: documents[index]! }));
}
