// Two-way sync against a real Milvus API with checkpoints in files (a restarted process resumes), the
// conflict rule applied the same way on both sides, abort, and deadline errors over gRPC.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, DataType, ElanusError, LocalClient } from '@elanus/core';
import { FileCheckpointStore, GrpcClient, recordOps, sync } from '@elanus/milvus/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcUri, sdkLogLevel, token, uniqueName } from '../support/remote-env';

const DIM = 8;
const row = (i: number, v = 0) => ({
  pk: `doc-${String(i).padStart(5, '0')}`,
  v: Array.from({ length: DIM }, (_, j) => Math.cos(i + j + v)),
  body: `text ${i} v${v}`,
  n: i,
});

async function local(): Promise<LocalClient> {
  return new LocalClient(await createEngine({ device: 'js' }));
}

describe('two-way sync with file checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elanus-sync-'));
  const name = uniqueName('both');
  let remote: GrpcClient;
  let l: LocalClient;

  beforeAll(async () => {
    const t = token();
    remote = new GrpcClient({ uri: grpcUri(), logLevel: sdkLogLevel, ...(t ? { token: t } : {}) });
    l = await local();
    await recordOps(l);
    await l.createCollection({
      collection_name: name,
      fields: [
        { name: 'pk', data_type: DataType.VarChar, max_length: 32, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
        { name: 'body', data_type: DataType.VarChar, max_length: 64 },
        { name: 'n', data_type: DataType.Int64 },
      ],
      index_params: [
        { field_name: 'v', index_type: 'HNSW', metric_type: 'COSINE', params: { M: 8, efConstruction: 32 } },
      ],
    });
    await l.insert({ collection_name: name, data: Array.from({ length: 400 }, (_, i) => row(i)) });
  });
  afterAll(async () => {
    await remote.dropCollection({ collection_name: name }).catch(() => {});
    await remote.closeConnection();
    rmSync(dir, { recursive: true, force: true });
  });

  it('first two-way sync creates the remote; an abort leaves a checkpoint a new process resumes from', async () => {
    const ctl = new AbortController();
    const e = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'both',
      batchSize: 50,
      checkpoint: new FileCheckpointStore(dir),
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.phase === 'both' && p.upserted >= 150) ctl.abort();
      },
    }).catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.code).toBe('Aborted');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const saved = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
    expect(saved.pass).toMatchObject({ kind: 'both', last: 'doc-00149' });
    expect(JSON.stringify(saved)).not.toMatch(/token|Bearer/i);
    // "Restart": a new store object over the same directory.
    const r = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'both',
      batchSize: 50,
      checkpoint: new FileCheckpointStore(dir),
    });
    expect(r.resumed).toBe(true);
    expect(r.pushed.upserted).toBe(250);
    expect(r.verification).toMatchObject({ equal: true, remote: { count: 400 } });
  });

  it('applies one-sided changes both ways and the conflict rule to rows changed on both sides', async () => {
    const checkpoint = new FileCheckpointStore(dir);
    await l.upsert({ collection_name: name, data: [row(1, 1), row(2, 1)] });
    await remote.upsert({ collection_name: name, data: [row(2, 2), row(3, 2)] });
    await l.delete({ collection_name: name, ids: ['doc-00010'] });
    await remote.delete({ collection_name: name, ids: ['doc-00011'] });
    await l.delete({ collection_name: name, ids: ['doc-00012'] });
    await remote.upsert({ collection_name: name, data: [row(12, 2)] });
    const seen: string[] = [];
    const r = await sync({
      local: l,
      remote,
      collection: name,
      direction: 'both',
      checkpoint,
      conflict: (c) => {
        seen.push(c.key);
        return 'remote';
      },
    });
    expect(seen).toEqual(['doc-00002', 'doc-00012']);
    expect(r.conflicts).toBe(2);
    expect(r.verification).toMatchObject({ equal: true, local: { count: 398 } });
    const bodies = async (c: LocalClient | GrpcClient) =>
      (
        await c.get({
          collection_name: name,
          ids: ['doc-00001', 'doc-00002', 'doc-00003', 'doc-00010', 'doc-00011', 'doc-00012'],
          output_fields: ['body'],
        })
      ).data
        .map((x) => `${x.pk}=${x.body}`)
        .sort();
    const expected = [
      'doc-00001=text 1 v1',
      'doc-00002=text 2 v2',
      'doc-00003=text 3 v2',
      'doc-00012=text 12 v2',
    ];
    expect(await bodies(l)).toEqual(expected);
    expect(await bodies(remote)).toEqual(expected);
    const again = await sync({ local: l, remote, collection: name, direction: 'both', checkpoint });
    expect(again.pushed).toEqual({ upserted: 0, deleted: 0 });
    expect(again.pulled).toEqual({ upserted: 0, deleted: 0 });
    expect(again.conflicts).toBe(0);
  });

  it('gRPC deadlines surface as Unavailable', async () => {
    const hurried = new GrpcClient({ uri: grpcUri(), timeout: 1, logLevel: 'off', sdk: { maxRetries: 0 } });
    const e = await hurried
      .query({ collection_name: name, filter: 'n >= 0', output_fields: ['*'] })
      .catch((x) => x);
    expect(e).toBeInstanceOf(ElanusError);
    expect(e.code).toBe('Unavailable');
    await hurried.closeConnection();
  });
});
