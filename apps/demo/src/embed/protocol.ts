/** Messages between the page (embedder.ts) and the model worker (model.worker.ts). */

export type EmbedKind = 'documents' | 'queries';

export type ToWorker =
  | { type: 'load'; id: number }
  | { type: 'embed'; id: number; kind: EmbedKind; texts: string[] }
  | { type: 'rerank'; id: number; query: string; documents: string[] }
  | { type: 'abort'; id: number };

export interface ModelRuntime {
  device: string;
  dtype: string;
  dim: number;
  /** Milliseconds the model took to load (files fetched, session created). */
  loadMs: number;
}

export type FromWorker =
  | { type: 'loaded'; id: number; runtime: ModelRuntime }
  /** What the worker is doing; `fraction` (0..1) where it can say how far along it is. */
  | { type: 'status'; text: string; fraction?: number }
  /** Row-major `count × dim` vectors; the buffer is transferred. */
  | { type: 'embedded'; id: number; vectors: Float32Array; count: number; dim: number }
  /** Every document's score, in input order. */
  | { type: 'reranked'; id: number; scores: number[] }
  | { type: 'error'; id: number; name: string; message: string };
