/** One reranked document, as pymilvus' `RerankResult`. */
export interface RerankResult {
  /** Position of the document in the list given to the reranker. */
  index: number;
  /** Relevance score; higher is more relevant. Its scale depends on the reranker. */
  score: number;
  /** The document. */
  text: string;
}

/** Progress of a rerank call: model loading (local models), documents scored so far, API retries. */
export type RerankProgress =
  | { stage: 'encode'; model: string; done: number; total: number; progress: number }
  | {
      stage: 'load';
      model: string;
      status: 'start' | 'file' | 'ready';
      file?: string;
      device: 'webgpu' | 'wasm' | 'cpu';
      dtype: 'fp32' | 'fp16' | 'q8';
    }
  | { stage: 'download'; model: string; file: string; loaded: number; total: number; progress: number }
  | {
      stage: 'retry';
      model: string;
      provider: string;
      attempt: number;
      delay_ms: number;
      status?: number;
      reason: string;
    };

export interface RerankCallOptions {
  /**
   * How many results to return, best first. Default 5 (pymilvus' default); `null` or `0` returns every
   * document.
   */
  top_k?: number | null;
  /** Cancels the call (between batches for local models; the request in flight for API rerankers). */
  signal?: AbortSignal;
  onProgress?: (event: RerankProgress) => void;
}

/**
 * A reranker: `rf(query, documents, { top_k })` (or pymilvus' positional `rf(query, documents, top_k)`)
 * resolves to the top documents sorted by descending score. Every reranker class here produces callable
 * instances of this type; any function of this shape works with `rerankSearchResults()`.
 */
export type RerankFunction = (
  query: string,
  documents: string[],
  options?: number | null | RerankCallOptions,
) => Promise<RerankResult[]>;
