/** The collection panel: size, indexes, where things run, storage, query latency. */
import type { MilvusClient } from '@elanus/core';
import type { Db } from '../data/db';
import { COLLECTION } from '../data/schema';
import type { ModelRuntime } from '../embed/protocol';
import { el, fmtBytes, fmtInt, fmtMs } from './dom';

export interface StatsInput {
  db: Db | undefined;
  model: ModelRuntime | undefined;
  modelError: string | undefined;
  latencies: number[];
  readyMs: number | undefined;
}

async function indexText(client: MilvusClient, field: string): Promise<string> {
  try {
    const r = await client.describeIndex({ collection_name: COLLECTION, field_name: field });
    const d = r.index_descriptions[0];
    if (!d) return '—';
    // Milvus reports the build parameters as one JSON string under the key `params`.
    const raw = d.params.find((p) => p.key === 'params')?.value;
    let params: string[] = [];
    try {
      params = Object.entries(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}).map(
        ([k, v]) => `${k}=${String(v)}`,
      );
    } catch {
      params = raw ? [raw] : [];
    }
    return `${d.index_type} · ${d.metric_type}${params.length ? ` · ${params.join(', ')}` : ''}`;
  } catch {
    return '—';
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? 0;
}

export async function renderStats(dl: HTMLElement, s: StatsInput): Promise<void> {
  const rows: Array<[string, string, string]> = [];
  const add = (key: string, label: string, value: string): void => {
    rows.push([key, label, value]);
  };
  const db = s.db;
  if (db) {
    const has = await db.client.hasCollection({ collection_name: COLLECTION });
    if (has.value) {
      const [all, user, dense, sparse] = await Promise.all([
        db.client.count({ collection_name: COLLECTION }),
        db.client.count({ collection_name: COLLECTION, filter: 'source == "user"' }),
        indexText(db.client, 'dense'),
        indexText(db.client, 'sparse'),
      ]);
      add(
        'size',
        'Documents',
        `${fmtInt(all.data)}${user.data > 0 ? ` (${fmtInt(all.data - user.data)} WordNet + ${fmtInt(user.data)} yours)` : ' WordNet glosses'}`,
      );
      add('dense-index', 'Dense index', dense);
      add('sparse-index', 'Text index', sparse);
    }
    add('backend', 'Database', db.kind.label);
    add(
      'device',
      'Search kernels',
      db.device === 'webgpu' ? 'WebGPU' : db.device === 'wasm' ? 'WASM SIMD' : 'JavaScript',
    );
  }
  add(
    'model',
    'Embeddings',
    s.model
      ? `all-MiniLM-L6-v2 · ${s.model.dtype} · ${s.model.device === 'webgpu' ? 'WebGPU' : 'WASM'} (${s.model.dim}-d)`
      : s.modelError
        ? `unavailable: ${s.modelError}`
        : 'loading…',
  );
  try {
    const est = await navigator.storage?.estimate?.();
    if (est?.usage !== undefined) {
      add(
        'storage',
        'Storage used',
        `${fmtBytes(est.usage)}${est.quota ? ` of ${fmtBytes(est.quota)}` : ''}`,
      );
    }
  } catch {
    // No estimate in this browser: the row is left out.
  }
  const last = s.latencies.at(-1);
  add('latency', 'Last query', last === undefined ? '—' : fmtMs(last));
  if (s.latencies.length > 1) add('median', `Median (${s.latencies.length})`, fmtMs(median(s.latencies)));
  if (s.readyMs !== undefined) add('ready', 'Ready after', fmtMs(s.readyMs));

  dl.replaceChildren(
    ...rows.flatMap(([key, label, value]) => [
      el('dt', { text: label }),
      el('dd', { text: value, attrs: { 'data-stat': key } }),
    ]),
  );
}
