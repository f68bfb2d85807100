/** The page's side of the model worker: promises for load and embed calls, cancellation by AbortSignal. */
import type { EmbedKind, FromWorker, ModelRuntime, ToWorker } from './protocol';

interface Pending {
  resolve: (value: FromWorker) => void;
  reject: (e: Error) => void;
}

export class Embedder {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private loading: Promise<ModelRuntime> | undefined;
  runtime: ModelRuntime | undefined;
  /** Document texts embedded by this page (queries not counted): the tests read it to prove a reload re-embeds nothing. */
  documentsEmbedded = 0;
  /** Load, download and rerank progress from the worker; `fraction` (0..1) where it is known. */
  onStatus: ((text: string, fraction?: number) => void) | undefined;

  constructor() {
    this.worker = new Worker(new URL('./model.worker.ts', import.meta.url), {
      type: 'module',
      name: 'elanus-model',
    });
    this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.receive(e.data));
    this.worker.addEventListener('error', (e) => {
      const err = new Error(`the model worker failed: ${e.message || 'could not start'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'status') {
      this.onStatus?.(msg.text, msg.fraction);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      const err = new Error(msg.message);
      err.name = msg.name;
      p.reject(err);
    } else {
      p.resolve(msg);
    }
  }

  private call(msg: ToWorker, signal?: AbortSignal): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DOMException('embedding cancelled', 'AbortError'));
        return;
      }
      this.pending.set(msg.id, { resolve, reject });
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.has(msg.id)) return;
          this.pending.delete(msg.id);
          this.worker.postMessage({ type: 'abort', id: msg.id } satisfies ToWorker);
          reject(new DOMException('embedding cancelled', 'AbortError'));
        },
        { once: true },
      );
      this.worker.postMessage(msg);
    });
  }

  /** Loads the model (once); resolves with the device and dtype in use. */
  load(): Promise<ModelRuntime> {
    this.loading ??= this.call({ type: 'load', id: this.nextId++ }).then((m) => {
      if (m.type !== 'loaded') throw new Error(`unexpected reply ${m.type}`);
      this.runtime = m.runtime;
      return m.runtime;
    });
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async embed(texts: string[], kind: EmbedKind, signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const m = await this.call({ type: 'embed', id: this.nextId++, kind, texts }, signal);
    if (m.type !== 'embedded') throw new Error(`unexpected reply ${m.type}`);
    if (kind === 'documents') this.documentsEmbedded += m.count;
    return Array.from({ length: m.count }, (_, i) => m.vectors.subarray(i * m.dim, (i + 1) * m.dim));
  }

  /** Scores every document against the query (the worker's rerank substitute); input order. */
  async rerankScores(query: string, documents: string[], signal?: AbortSignal): Promise<number[]> {
    const m = await this.call({ type: 'rerank', id: this.nextId++, query, documents }, signal);
    if (m.type !== 'reranked') throw new Error(`unexpected reply ${m.type}`);
    return m.scores;
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const [v] = await this.embed([text], 'queries', signal);
    if (!v) throw new Error('the model returned no vector');
    return v;
  }
}
