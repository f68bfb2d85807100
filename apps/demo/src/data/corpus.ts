/**
 * The default corpus (scripts/corpus/prepare-corpus.ts): WordNet glosses with their embeddings computed
 * ahead of time, so a first visit inserts vectors instead of running the model 6,000 times.
 */
import type { MilvusClient } from '@elanus/core';
import { COLLECTION, DIM, type DocRow } from './schema';

/** The format this page reads; the prepare script writes the same number. */
const CORPUS_FORMAT = 1;
const BATCH = 500;

export interface CorpusMeta {
  format: number;
  source: string;
  license: string;
  count: number;
  dim: number;
  model: string;
  dtype: string;
  ids: string[];
}

interface CorpusLine {
  id: string;
  title: string;
  text: string;
  pos: string;
  category: string;
  lemmas: string[];
  freq: number;
  n_words: number;
}

const url = (file: string): string => `${import.meta.env.BASE_URL}corpus/${file}`;

async function fetchOk(file: string): Promise<Response> {
  const res = await fetch(url(file));
  if (!res.ok) {
    throw new Error(
      `could not load corpus/${file} (HTTP ${res.status}): prepare it with bash scripts/setup.sh, then rebuild the demo`,
    );
  }
  return res;
}

export async function fetchCorpusMeta(): Promise<CorpusMeta> {
  const meta = (await (await fetchOk('wordnet.meta.json')).json()) as CorpusMeta;
  if (meta.format !== CORPUS_FORMAT || meta.dim !== DIM) {
    throw new Error(
      `corpus format ${meta.format} / dim ${meta.dim} is not what this page reads (${CORPUS_FORMAT} / ${DIM})`,
    );
  }
  return meta;
}

/** How many WordNet rows the collection holds (0 when it does not exist yet). */
export async function storedCorpusCount(client: MilvusClient): Promise<number> {
  const has = await client.hasCollection({ collection_name: COLLECTION });
  if (!has.value) return 0;
  const r = await client.count({ collection_name: COLLECTION, filter: 'source == "wordnet"' });
  return r.data;
}

export interface LoadProgress {
  /** `download`: bytes of both files (total 0 while a length is unknown); `insert`: rows. */
  done: number;
  total: number;
  phase: 'download' | 'insert';
}

/** Reads a body to the end, reporting bytes as they arrive (Content-Length gives the total, if sent). */
async function readBytes(res: Response, onBytes: (delta: number) => void): Promise<Uint8Array> {
  if (!res.body) {
    const all = new Uint8Array(await res.arrayBuffer());
    onBytes(all.byteLength);
    return all;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
    onBytes(value.byteLength);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Writes the corpus rows: plain inserts into an empty collection, upserts when some are already there (a
 * load interrupted by a closed tab resumes without duplicates). Returns the number of rows written.
 */
export async function loadCorpus(
  client: MilvusClient,
  meta: CorpusMeta,
  resume: boolean,
  onProgress: (p: LoadProgress) => void,
): Promise<number> {
  const [jsonlRes, f32Res] = await Promise.all([fetchOk('wordnet.jsonl'), fetchOk('wordnet.f32')]);
  // A compressed response's Content-Length counts compressed bytes: the total is then unknown.
  const length = (r: Response) =>
    r.headers.get('content-encoding') ? Number.NaN : Number(r.headers.get('content-length') ?? Number.NaN);
  const sum = length(jsonlRes) + length(f32Res);
  const total = Number.isFinite(sum) && sum > 0 ? sum : 0;
  let done = 0;
  const onBytes = (delta: number) => {
    done += delta;
    onProgress({ done, total, phase: 'download' });
  };
  onProgress({ done: 0, total, phase: 'download' });
  const [jsonlBytes, f32Bytes] = await Promise.all([
    readBytes(jsonlRes, onBytes),
    readBytes(f32Res, onBytes),
  ]);
  const jsonl = new TextDecoder().decode(jsonlBytes);
  const lines = jsonl.split('\n').filter((l) => l.length > 0);
  const vectors = new Float32Array(f32Bytes.buffer, f32Bytes.byteOffset, f32Bytes.byteLength / 4);
  if (lines.length !== meta.count || vectors.length !== meta.count * DIM) {
    throw new Error(
      `corpus files disagree: ${lines.length} documents, ${vectors.length / DIM} vectors, meta says ${meta.count}`,
    );
  }
  for (let start = 0; start < lines.length; start += BATCH) {
    const data: DocRow[] = [];
    for (let i = start; i < Math.min(lines.length, start + BATCH); i++) {
      const d = JSON.parse(lines[i]!) as CorpusLine;
      if (d.id !== meta.ids[i])
        throw new Error(`corpus row ${i} is ${d.id}, its vector belongs to ${meta.ids[i]}`);
      data.push({
        id: d.id,
        title: d.title,
        text: d.text,
        pos: d.pos,
        category: d.category,
        source: 'wordnet',
        lemmas: d.lemmas,
        freq: d.freq,
        n_words: d.n_words,
        chunk: 0,
        // A copy per row: views into one big buffer would make every worker message carry all of it.
        dense: vectors.slice(i * DIM, (i + 1) * DIM),
      });
    }
    const req = { collection_name: COLLECTION, data: data as unknown as Record<string, unknown>[] };
    await (resume ? client.upsert(req) : client.insert(req));
    onProgress({ done: Math.min(lines.length, start + BATCH), total: meta.count, phase: 'insert' });
  }
  return lines.length;
}
