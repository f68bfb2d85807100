// `BulkWriter`, in the shape of the SDK's (`append`, `commit`, `close`, `writeFrom`, `totalRowCount`,
// `bufferRowCount`, `batchFiles`, a `flush` event). The SDK's writes JSON/Parquet files for a server's
// bulk import; a page has no files, so here each committed batch is inserted into a collection through
// a client: `new BulkWriter({ schema, client, collection_name, chunkSize })`. `batchFiles` stays empty.

import { elanusError } from '../errors/index.js';
import type { InsertReq, MutationResult, RowData } from './types.js';

interface WriterField {
  name: string;
  autoID?: boolean;
  is_function_output?: boolean;
  nullable?: boolean;
  default_value?: unknown;
  is_primary_key?: boolean;
}

export interface BulkWriterOptions {
  schema: { fields: WriterField[]; enable_dynamic_field?: boolean };
  /** Where committed rows go: any client with `insert` (a MilvusClient). */
  client: { insert(req: InsertReq): Promise<MutationResult> };
  collection_name: string;
  partition_name?: string;
  /** Buffered bytes (estimated as the SDK does, from the values) that trigger a commit (default 128 MiB). */
  chunkSize?: number;
  /** The SDK's file options, accepted and unused (nothing is written to files). */
  format?: 'json' | 'parquet';
  storage?: unknown;
  localPath?: string;
}

export interface FlushEvent {
  files: string[];
  rowCount: number;
  chunkIndex: number;
}

const DEFAULT_CHUNK_SIZE = 128 * 1024 * 1024;

/** Roughly the bytes a row's values take (the SDK sizes its buffer the same way, by values). */
function sizeOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return 8;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'string') return v.length;
  if (typeof v === 'bigint') return 8;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + sizeOf(x), 0);
  if (typeof v === 'object') return JSON.stringify(v).length;
  return 0;
}

type Listener = (e: FlushEvent) => void;

export class BulkWriter {
  private readonly options: BulkWriterOptions;
  private buffer: RowData[] = [];
  private bufferSize = 0;
  private total = 0;
  private chunkIndex = 0;
  private pending: Promise<void> | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly fields: WriterField[];

  constructor(options: BulkWriterOptions) {
    const c = options?.client as { insert?: unknown } | undefined;
    if (!c || typeof c.insert !== 'function') {
      throw elanusError('bulkWriterTarget', { param: 'client', got: c }, { param: 'client' });
    }
    if (typeof options.collection_name !== 'string' || options.collection_name === '') {
      throw elanusError(
        'bulkWriterTarget',
        { param: 'collection_name', got: options.collection_name },
        { param: 'collection_name' },
      );
    }
    if (!options.schema || !Array.isArray(options.schema.fields)) {
      throw elanusError('bulkWriterTarget', { param: 'schema', got: options.schema }, { param: 'schema' });
    }
    this.options = options;
    this.fields = JSON.parse(JSON.stringify(options.schema.fields)) as WriterField[];
  }

  get totalRowCount(): number {
    return this.total;
  }

  get bufferRowCount(): number {
    return this.buffer.length;
  }

  /** The SDK's written files, one list per batch: none here (batches go into the collection). */
  get batchFiles(): string[][] {
    return [];
  }

  on(event: 'flush', fn: Listener): this {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(fn);
    return this;
  }

  off(event: 'flush', fn: Listener): this {
    this.listeners.get(event)?.delete(fn);
    return this;
  }

  /** Appends one row; commits when the buffer reaches `chunkSize`. */
  async append(row: Record<string, unknown>): Promise<void> {
    if (this.pending) await this.pending;
    this.validate(row);
    this.buffer.push(row as RowData);
    this.bufferSize += Object.values(row).reduce((n: number, v) => n + sizeOf(v), 0);
    this.total++;
    if (this.bufferSize >= (this.options.chunkSize ?? DEFAULT_CHUNK_SIZE)) await this.commit();
  }

  /** Inserts the buffered rows as one batch. */
  async commit(): Promise<void> {
    if (this.pending) await this.pending;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.bufferSize = 0;
    const run = async () => {
      const { collection_name, partition_name } = this.options;
      await this.options.client.insert({
        collection_name,
        data: rows,
        ...(partition_name !== undefined ? { partition_name } : {}),
      });
      const event: FlushEvent = { files: [], rowCount: rows.length, chunkIndex: this.chunkIndex++ };
      for (const fn of this.listeners.get('flush') ?? []) fn(event);
    };
    this.pending = run().finally(() => {
      this.pending = undefined;
    });
    await this.pending;
  }

  /** Commits what is left; returns `batchFiles` (empty: the rows are in the collection). */
  async close(): Promise<string[][]> {
    await this.commit();
    return this.batchFiles;
  }

  /** Appends every row of `source`, then closes. */
  async writeFrom(source: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>) {
    for await (const row of source) await this.append(row);
    return this.close();
  }

  private validate(row: Record<string, unknown>): void {
    for (const f of this.fields) {
      const given = row[f.name] !== undefined && row[f.name] !== null;
      if (f.autoID && given) throw elanusError('bulkWriterAutoId', { field: f.name }, { field: f.name });
      if (f.is_function_output && given) {
        throw elanusError('bulkWriterFunctionOutput', { field: f.name }, { field: f.name });
      }
      if (!given && !f.autoID && !f.is_function_output && !f.nullable && f.default_value === undefined) {
        throw elanusError('bulkWriterRequired', { field: f.name }, { field: f.name });
      }
    }
  }
}
