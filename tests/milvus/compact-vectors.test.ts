// Float16Vector / BFloat16Vector / Int8Vector against milvus-lite. milvus-lite 3.2.2 refuses the three
// types (asserted below: a lite that gains them fails here, and then gets the direct differential). Until
// then the comparison goes through what Milvus computes for them: distances over the vectors decoded to
// float32. Elanus's Float16Vector / BFloat16Vector fields (values converted as the Node SDK converts them)
// are searched against a milvus-lite FloatVector collection holding the same decoded values.

import { DataType, MilvusClient } from '@elanus/core';
import type { MilvusClient as SdkClient } from '@zilliz/milvus2-sdk-node';
import { f32ArrayToBf16Bytes, f32ArrayToF16Bytes } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { milvusClient } from '../support/milvus-client';

const dim = 16;
const n = 300;
let seed = 12345;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const rows = Array.from({ length: n }, () => Array.from({ length: dim }, () => rand() * 2 - 1));
const queries = Array.from({ length: 5 }, () => Array.from({ length: dim }, () => rand() * 2 - 1));

/** What the SDK sends for a float16 / bfloat16 field, decoded back to numbers (float32 values). */
function quantized(type: 'f16' | 'bf16', v: number[]): number[] {
  const bytes = new Uint8Array(type === 'f16' ? f32ArrayToF16Bytes(v) : f32ArrayToBf16Bytes(v));
  const bits = new Uint16Array(bytes.buffer, bytes.byteOffset, dim);
  if (type === 'bf16') return Array.from(new Float32Array(Uint32Array.from(bits, (b) => b << 16).buffer));
  const out: number[] = [];
  for (const h of bits) {
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    const s = h & 0x8000 ? -1 : 1;
    out.push(e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15));
  }
  return out;
}

let sdk: SdkClient;
const elanus = new MilvusClient({ uri: 'memory://' });
const stamp = Date.now();
const names = { f16: `cv_f16_${stamp}`, bf16: `cv_bf16_${stamp}` };

describe('compact vector types vs milvus-lite', () => {
  beforeAll(async () => {
    sdk = milvusClient(inject('milvusAddress'));
  });
  afterAll(async () => {
    for (const name of Object.values(names))
      await sdk.dropCollection({ collection_name: name }).catch(() => {});
    await sdk.closeConnection();
  });

  it('milvus-lite 3.2.2 refuses Float16Vector, BFloat16Vector and Int8Vector fields; Elanus takes them', async () => {
    for (const type of ['Float16Vector', 'BFloat16Vector', 'Int8Vector'] as const) {
      const req = {
        collection_name: `cv_refused_${type}_${stamp}`,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'v', data_type: DataType[type], dim },
        ],
        index_params: [{ field_name: 'v', index_type: 'HNSW', metric_type: 'L2' }],
      };
      const lite = await sdk.createCollection(req as never).then(
        (s) => (s.error_code === 'Success' ? 'created' : s.reason),
        // The SDK rejects with the status object itself.
        (e: unknown) => String((e as { reason?: unknown })?.reason ?? e),
      );
      expect(lite).toMatch(new RegExp(`${type} which MilvusLite does not support`));
      await elanus.createCollection(req);
      await elanus.dropCollection({ collection_name: req.collection_name });
    }
  });

  for (const type of ['f16', 'bf16'] as const) {
    for (const metric of ['L2', 'IP', 'COSINE'] as const) {
      it(`${type} ${metric}: FLAT hits and scores equal milvus-lite's over the decoded values`, async () => {
        const name = `${names[type]}_${metric}`;
        await sdk.createCollection({
          collection_name: name,
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'v', data_type: DataType.FloatVector, dim },
          ],
          index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: metric }],
        } as never);
        await sdk.insert({
          collection_name: name,
          data: rows.map((v, id) => ({ id, v: quantized(type, v) })),
        });
        await sdk.loadCollection({ collection_name: name });
        await elanus.createCollection({
          collection_name: name,
          fields: [
            { name: 'id', data_type: DataType.Int64, is_primary_key: true },
            { name: 'v', data_type: type === 'f16' ? DataType.Float16Vector : DataType.BFloat16Vector, dim },
          ],
          index_params: [{ field_name: 'v', index_type: 'FLAT', metric_type: metric }],
        });
        await elanus.insert({ collection_name: name, data: rows.map((v, id) => ({ id, v })) });
        for (const q of queries) {
          const [a, b] = await Promise.all([
            // milvus-lite's hits carry the key only when it is asked for.
            sdk.search({
              collection_name: name,
              data: [quantized(type, q)],
              limit: 10,
              output_fields: ['id', 'v'],
            }),
            elanus.search({ collection_name: name, data: q, limit: 10, output_fields: ['v'] }),
          ]);
          const lite = a.results as unknown as { id: string; score: number; v: number[] }[];
          const mine = b.results as unknown as { id: string; score: number; v: number[] }[];
          expect(mine.map((h) => h.id)).toEqual(lite.map((h) => String(h.id)));
          for (let k = 0; k < lite.length; k++) {
            expect(mine[k]!.score).toBeCloseTo(lite[k]!.score, 4);
            // Query output: the stored values, as the SDK returns a float16 / bfloat16 field (numbers).
            expect(mine[k]!.v).toEqual(lite[k]!.v.map((x) => Math.fround(x)));
          }
        }
        await sdk.dropCollection({ collection_name: name });
        await elanus.dropCollection({ collection_name: name });
      });
    }
  }
});
