// The non-sentence-transformers models load like the dense ones: from `env.remoteHost` when local files
// are off, through the IndexedDB cache (fake-indexeddb here), listed and evicted per model. The "hub" is
// a loopback server with the Hub's URL layout, serving the tiny test models from .cache/models.
import 'fake-indexeddb/auto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixture,
  MODELS_DIR,
  SKIP_REASON,
  sparseDiff,
  tinyModelsReady,
} from '../../../tests/support/tiny-models.js';
import { evictModel, listCachedModels } from '../src/cache/index.js';
import type { EmbeddingProgress } from '../src/dense/types.js';
import { env } from '../src/env.js';
import { CrossEncoderRerankFunction } from '../src/rerank/cross-encoder.js';
import { SpladeEmbeddingFunction } from '../src/sparse/splade.js';

describe.skipIf(!tinyModelsReady)(
  `SPLADE and reranker models through the remote host and the IndexedDB cache${tinyModelsReady ? '' : ` (${SKIP_REASON})`}`,
  () => {
    let server: Server;
    const requests: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        const url = req.url ?? '/';
        requests.push(url);
        const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
        const path = m && !url.includes('..') ? `${MODELS_DIR}${m[1]}/${m[2]}` : '';
        let size = -1;
        try {
          size = path ? statSync(path).size : -1;
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
      env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      env.useIndexedDBCache = true;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('downloads once, then loads from IndexedDB; the files are listed under the model and evictable', async () => {
      const fx = fixture.splade;
      const first = new SpladeEmbeddingFunction({ model_name: fx.model, device: 'cpu' });
      const events: EmbeddingProgress[] = [];
      const [v] = await first.encode([fx.texts[0]!], { onProgress: (e) => events.push(e) });
      expect(sparseDiff(v!, fx.full[0]!)).toBeLessThan(fixture.tolerance);
      expect(events.some((e) => e.stage === 'download')).toBe(true);
      const downloaded = requests.length;
      expect(downloaded).toBeGreaterThan(0);
      await first.dispose();

      const second = new SpladeEmbeddingFunction({ model_name: fx.model, device: 'cpu' });
      await second.encode([fx.texts[0]!]);
      expect(requests.length).toBe(downloaded); // every file came from the cache
      await second.dispose();

      const cached = await listCachedModels();
      const entry = cached.find((m) => m.model === fx.model);
      expect(entry?.files.some((f) => f.endsWith('onnx/model.onnx'))).toBe(true);
      expect(await evictModel(fx.model)).toBe(entry!.files.length);
    });

    it('rerankers use the same path', async () => {
      const rf = new CrossEncoderRerankFunction({ model_name: fixture.cross_encoder.model, device: 'cpu' });
      const results = await rf('capital of france', ['Paris', 'Berlin'], { top_k: null });
      expect(results).toHaveLength(2);
      expect((await listCachedModels()).map((m) => m.model)).toContain(fixture.cross_encoder.model);
      await rf.dispose();
    });
  },
);
