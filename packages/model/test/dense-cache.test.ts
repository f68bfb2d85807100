// The IndexedDB model-file cache (fake-indexeddb in Node) and the remote loading path, against a local
// HTTP server laid out like the Hugging Face Hub (`<model>/resolve/main/<file>`), serving .cache/models.
import 'fake-indexeddb/auto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElanusError } from '@elanus/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modelOfKey } from '../src/cache/idb-model-cache.js';
import { evictModel, IndexedDBModelCache, listCachedModels } from '../src/cache/index.js';
import { DefaultEmbeddingFunction, type EmbeddingProgress } from '../src/dense/index.js';
import { env } from '../src/env.js';
import { cosine, loadReference, MODEL, MODELS_DIR, modelsReady, SKIP_REASON } from './dense-support.js';

describe('IndexedDBModelCache', () => {
  beforeEach(async () => {
    for (const m of await listCachedModels()) await evictModel(m.model);
  });

  it('stores, matches, lists and evicts files per model', async () => {
    const cache = new IndexedDBModelCache();
    const hub = 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/';
    await cache.put(
      `${hub}config.json`,
      new Response('{"a":1}', { headers: { 'content-type': 'application/json' } }),
    );
    await cache.put(`${hub}onnx/model_quantized.onnx`, new Response(new Uint8Array(1000)));
    await cache.put('/models/sentence-transformers/all-MiniLM-L6-v2/tokenizer.json', new Response('{}'));

    const hit = await cache.match(`${hub}config.json`);
    expect(hit?.headers.get('content-type')).toBe('application/json');
    expect(await hit?.json()).toEqual({ a: 1 });
    expect(await cache.match(`${hub}missing.json`)).toBeUndefined();

    const listed = await listCachedModels();
    expect(listed.map((m) => [m.model, m.files.length, m.bytes])).toEqual([
      ['/models/sentence-transformers/all-MiniLM-L6-v2', 1, 2],
      ['Xenova/all-MiniLM-L6-v2', 2, 1007],
    ]);
    expect(await evictModel('Xenova/all-MiniLM-L6-v2')).toBe(2);
    expect(await cache.match(`${hub}config.json`)).toBeUndefined();
    expect((await listCachedModels()).map((m) => m.model)).toEqual([
      '/models/sentence-transformers/all-MiniLM-L6-v2',
    ]);
    expect(await evictModel('nothing/here')).toBe(0);
    await expect(evictModel('')).rejects.toBeInstanceOf(ElanusError);
  });

  it('attributes hub URLs and local paths to their model', () => {
    expect(modelOfKey('https://huggingface.co/org/name/resolve/main/onnx/model.onnx')).toBe('org/name');
    expect(modelOfKey('/models/org/name/onnx/model.onnx')).toBe('/models/org/name');
  });
});

describe.skipIf(!modelsReady)(
  `remote loading through the IndexedDB cache${modelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: Server;
    const requests: string[] = [];

    beforeAll(async () => {
      // Hub URL layout: /<org>/<name>/resolve/<revision>/<file> -> .cache/models/<org>/<name>/<file>.
      server = createServer((req, res) => {
        const url = req.url ?? '/';
        requests.push(url);
        const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
        const path = m ? `${MODELS_DIR}${m[1]}/${m[2]}` : '';
        let size = -1;
        try {
          size = path && !path.includes('..') ? statSync(path).size : -1;
        } catch {
          size = -1;
        }
        if (size < 0) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
        createReadStream(path).pipe(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
      env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      env.useIndexedDBCache = true;
    });

    afterAll(async () => {
      env.useIndexedDBCache = false;
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    });

    it('downloads with progress, caches in IndexedDB, reuses the cache, and evicts', async () => {
      const ref = loadReference();
      const events: EmbeddingProgress[] = [];
      const first = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'q8' });
      const [v] = await first.encodeDocuments([ref.sentences[0]!], { onProgress: (e) => events.push(e) });
      expect(cosine(v!, ref.embeddings[0]!)).toBeGreaterThan(0.99);
      await first.dispose();

      const onnx = events.filter((e) => e.stage === 'download' && e.file === 'onnx/model_quantized.onnx');
      expect(onnx.length).toBeGreaterThan(0);
      expect(onnx.at(-1)).toMatchObject({ progress: 1 });
      expect(requests).toContain(`/${MODEL}/resolve/main/onnx/model_quantized.onnx`);

      const cached = await listCachedModels();
      expect(cached.map((m) => m.model)).toEqual([MODEL]);
      expect(cached[0]!.files.some((f) => f.endsWith('onnx/model_quantized.onnx'))).toBe(true);
      expect(cached[0]!.bytes).toBeGreaterThan(20e6);

      // A second function (think: page reload) loads from IndexedDB without touching the server.
      const before = requests.length;
      const second = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'q8' });
      const [w] = await second.encodeDocuments([ref.sentences[0]!]);
      await second.dispose();
      expect(requests.length).toBe(before);
      expect(cosine(v!, w!)).toBeGreaterThan(0.999999);

      expect(await evictModel('all-MiniLM-L6-v2')).toBe(cached[0]!.files.length);
      expect(await listCachedModels()).toEqual([]);
      const third = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'q8' });
      await third.load();
      await third.dispose();
      expect(requests.length).toBeGreaterThan(before);
    });

    it('fails with ElanusError Unavailable when the remote host has no such model', async () => {
      const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: 'fp16' });
      const saved = env.remoteHost;
      env.remoteHost = `${saved}/nothing-here`;
      try {
        await expect(ef.load()).rejects.toMatchObject({ code: 'Unavailable' });
      } finally {
        env.remoteHost = saved;
      }
    });
  },
);
