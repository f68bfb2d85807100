import { describe, expect, it } from 'vitest';
import { ElanusError } from '../src/errors/index.js';
import {
  ArraySparseColumn,
  createIndex,
  deserializeIndex,
  FlatIndex,
  HnswIndex,
  SparseInvertedIndex,
} from '../src/indexes/factory.js';
import { createKernels } from '../src/kernels/index.js';
import { clustered } from './index-helpers.js';

describe('createIndex / deserializeIndex', () => {
  it('creates each index type and reloads it by its tag', async () => {
    const k = await createKernels();
    const col = k.createColumn(8);
    const { data, query } = clustered(500, 8, 3, 8, 0.5);
    col.pushMany(data, 500);
    const flat = createIndex('dense', 'FLAT', 'L2', {}, col, k);
    const hnsw = createIndex('dense', 'HNSW', 'COSINE', { M: '8', efConstruction: 40 }, col, k);
    const auto = createIndex('dense', 'AUTOINDEX', 'IP', {}, col, k);
    expect(flat).toBeInstanceOf(FlatIndex);
    expect(hnsw).toBeInstanceOf(HnswIndex);
    expect((hnsw as HnswIndex).M).toBe(8);
    expect(auto).toBeInstanceOf(HnswIndex);
    expect((auto as HnswIndex).M).toBe(16);
    for (const idx of [flat, hnsw, auto]) {
      idx.addRange(0, 500);
      const again = deserializeIndex(idx.serialize(), col, k);
      expect(again.indexType).toBe(idx.indexType);
      expect(again.metric).toBe(idx.metric);
      const q = query(0);
      expect(again.search(q, 5, null, { ef: 16 })).toEqual(idx.search(q, 5, null, { ef: 16 }));
      expect(idx.memoryBytes()).toBeGreaterThan(0);
    }

    const sparseCol = new ArraySparseColumn();
    sparseCol.push({ indices: Uint32Array.of(1, 5), values: Float32Array.of(1, 2) });
    sparseCol.push({ indices: Uint32Array.of(5), values: Float32Array.of(3) });
    for (const [type, metric] of [
      ['SPARSE_INVERTED_INDEX', 'IP'],
      ['SPARSE_WAND', 'IP'],
      ['AUTOINDEX', 'BM25'],
    ] as const) {
      const s = createIndex(
        'sparse',
        type,
        metric,
        { drop_ratio_build: 0, bm25_k1: 1.5, bm25_b: 0.5 },
        sparseCol,
      );
      expect(s).toBeInstanceOf(SparseInvertedIndex);
      s.addRange(0, 2);
      const q = { indices: Uint32Array.of(5), values: Float32Array.of(1) };
      const again = deserializeIndex(s.serialize(), sparseCol);
      expect(again.search(q, 2, null, {})).toEqual(s.search(q, 2, null, {}));
      expect(s.search(q, 2, null, {}).rows.length).toBe(2);
    }
  });

  it('rejects bad parameters with IllegalArgument naming the parameter, expectation and value', async () => {
    const k = await createKernels('js');
    const col = k.createColumn(4);
    const sparseCol = new ArraySparseColumn();
    const cases: [() => unknown, string, RegExp][] = [
      [
        () => createIndex('dense', 'HNSW', 'L2', { M: 1 }, col, k),
        'M',
        /M: expected an integer in \[2, 2048\], got 1/,
      ],
      [() => createIndex('dense', 'HNSW', 'L2', { M: 4096 }, col, k), 'M', /got 4096/],
      [() => createIndex('dense', 'HNSW', 'L2', { M: 'x' }, col, k), 'M', /got "x"/],
      [() => createIndex('dense', 'HNSW', 'L2', { M: 16.5 }, col, k), 'M', /got 16.5/],
      [
        () => createIndex('dense', 'HNSW', 'L2', { efConstruction: 0 }, col, k),
        'efConstruction',
        /efConstruction/,
      ],
      [() => createIndex('dense', 'FLAT', 'BM25', {}, col, k), 'metric_type', /L2, IP, COSINE/],
      [() => createIndex('dense', 'IVF_MAGIC', 'L2', {}, col, k), 'index_type', /IVF_MAGIC/],
      [() => createIndex('sparse', 'HNSW', 'IP', {}, sparseCol), 'index_type', /SPARSE_INVERTED_INDEX/],
      [() => createIndex('sparse', 'SPARSE_WAND', 'L2', {}, sparseCol), 'metric_type', /IP, BM25/],
      [
        () => createIndex('sparse', 'SPARSE_WAND', 'IP', { drop_ratio_build: 1 }, sparseCol),
        'drop_ratio_build',
        /\[0, 1\)/,
      ],
      [
        () => createIndex('sparse', 'SPARSE_WAND', 'BM25', { bm25_k1: 3 }, sparseCol),
        'bm25_k1',
        /\[1.2, 2\]/,
      ],
      [() => createIndex('sparse', 'SPARSE_WAND', 'BM25', { bm25_b: -0.1 }, sparseCol), 'bm25_b', /\[0, 1\]/],
    ];
    for (const [fn, param, msg] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ElanusError);
      expect((err as ElanusError).code).toBe('IllegalArgument');
      expect((err as ElanusError).details?.param).toBe(param);
      expect((err as ElanusError).message).toMatch(msg);
    }
    const h = createIndex('dense', 'HNSW', 'L2', {}, col, k);
    col.push([1, 2, 3, 4]);
    h.addRange(0, 1);
    expect(() => h.search(new Float32Array(4), 10, null, { ef: 4 })).toThrow(
      expect.objectContaining({
        code: 'IllegalArgument',
        message: expect.stringMatching(/ef: expected an integer >= limit \(10\)/),
      }),
    );
    expect(() => h.search(new Float32Array(4), 0, null, {})).toThrow(
      expect.objectContaining({ code: 'IllegalArgument', details: { param: 'limit' } }),
    );
    expect(() => deserializeIndex([new ArrayBuffer(16)], col, k)).toThrowError(/unknown format/);
  });
});
