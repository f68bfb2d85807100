/**
 * User documents → chunks → embeddings (model worker) → the collection, batch by batch, so progress is
 * real, a cancel keeps what was already stored, and the page stays responsive throughout.
 */
import type { MilvusClient } from '@elanus/core';
import { COLLECTION, type DocRow } from '../data/schema';
import type { Embedder } from '../embed/embedder';
import { chunkText } from './chunk';
import type { SourceDoc } from './sources';

/** Chunks per model call: small enough for frequent progress and a prompt cancel. */
const BATCH = 8;

export interface IngestProgress {
  done: number;
  total: number;
  /** Chunks per second so far (0 until the first batch is done). */
  rate: number;
  /** Seconds left at that rate (NaN until known). */
  eta: number;
}

export interface IngestResult {
  chunks: number;
  documents: number;
  cancelled: boolean;
  seconds: number;
}

/** 64-bit FNV-1a as hex: a stable id, so adding the same text twice replaces it instead of duplicating it. */
export function contentId(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

type PendingRow = Omit<DocRow, 'dense'>;

export function toRows(docs: SourceDoc[]): PendingRow[] {
  const rows: PendingRow[] = [];
  for (const d of docs) {
    const chunks = chunkText(d.text);
    chunks.forEach((text, chunk) => {
      rows.push({
        id: `u-${contentId(`${d.title}\u0000${chunk}\u0000${text}`)}`,
        title: d.title.slice(0, 256),
        text,
        pos: 'text',
        category: `user.${d.kind}`,
        source: 'user',
        lemmas: [],
        freq: 0,
        n_words: text.split(/\s+/).filter(Boolean).length,
        chunk,
      });
    });
  }
  return rows;
}

export async function ingest(
  client: MilvusClient,
  embedder: Embedder,
  docs: SourceDoc[],
  options: { signal: AbortSignal; onProgress: (p: IngestProgress) => void },
): Promise<IngestResult> {
  const rows = toRows(docs);
  const t0 = performance.now();
  let done = 0;
  options.onProgress({ done, total: rows.length, rate: 0, eta: Number.NaN });
  try {
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const vectors = await embedder.embed(
        batch.map((r) => r.text),
        'documents',
        options.signal,
      );
      // Stored even if a cancel arrives now: those embeddings are paid for.
      await client.upsert({
        collection_name: COLLECTION,
        data: batch.map((r, i) => ({ ...r, dense: vectors[i] })),
      });
      done += batch.length;
      const secs = (performance.now() - t0) / 1000;
      const rate = done / secs;
      options.onProgress({ done, total: rows.length, rate, eta: (rows.length - done) / rate });
    }
  } catch (e) {
    // DOMException is an Error in browsers; the embedder rejects with one named AbortError on cancel.
    if (e instanceof Error && e.name === 'AbortError') {
      return {
        chunks: done,
        documents: docs.length,
        cancelled: true,
        seconds: (performance.now() - t0) / 1000,
      };
    }
    throw e;
  }
  return { chunks: done, documents: docs.length, cancelled: false, seconds: (performance.now() - t0) / 1000 };
}
