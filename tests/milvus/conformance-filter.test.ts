// Differential test of the filter-expression language: every fixture expression runs as a query on
// Elanus and on milvus-lite over the same rows, and the matching primary keys are compared.

import { MilvusClient } from '@elanus/core';
import type { MilvusClient as SdkClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { milvusClient } from '../support/milvus-client';
import {
  FILTER_EXPRESSIONS,
  FILTER_FIELDS,
  type FilterExpression,
  generateFilterRows,
  toSdkRow,
} from './fixtures/filter-expressions';

/**
 * Where milvus-lite 3.2.2 (a Python reimplementation) departs from the Milvus server's documented
 * behaviour, Elanus follows the server. Each entry: the expression and why.
 */
const JSON_NE =
  'server: `!=` on a JSON/dynamic key is true when the key is missing or holds another JSON type (segcore NotEqual treats a failed JSON read as "not equal"); milvus-lite returns false';
const JSON_TYPED =
  'server: a JSON value compares only with a literal of its own JSON type (true is not 1); milvus-lite coerces';
const NULL_NOT =
  'server: a null operand makes a leaf comparison false and NOT keeps null rows out (the valid bitmap is ANDed after the flip); milvus-lite treats null as a value';
const MILVUS_LITE_DIFFERENCES: Record<string, string> = {
  'i32 == 010': 'Plan.g4 reads a leading-0 literal as octal (010 = 8); milvus-lite reads decimal 10',
  'f == 0.1':
    "server: the literal is cast to the Float field's float32 before comparing; milvus-lite compares in double precision",
  'n_i32 not in [1, 2, 3]': NULL_NOT,
  'not (n_i32 > 0 or b == true)': NULL_NOT,
  'not (n_i32 > 0 and b == true)': NULL_NOT,
  'not (j["a"] > 0)':
    'server: NOT over a JSON comparison keeps rows whose key is missing (the JSON read fails, the leaf is false, NOT makes it true); milvus-lite drops them',
  'j["a"] != 1': JSON_NE,
  'not (j["a"] == 1)': JSON_NE,
  'j["flag"] != false': JSON_NE,
  'j["mixed"] == 1': JSON_TYPED,
  'j["mixed"] == true': JSON_TYPED,
  'j["mixed"] != 1': JSON_NE,
  'j["missing"] != 1': JSON_NE,
  'color != "red"': JSON_NE,
  'active != true': JSON_NE,
  'missing_key != 1': JSON_NE,
  'json_contains(j["arr2"], [1, 2])':
    'server: json_contains(x, [1, 2]) asks whether the array x has the element [1, 2] (arr2 is [[1, 2], [3]]); milvus-lite returns nothing',
};

const collection_name = `filter_conf_${Date.now()}`;

describe('filter expressions: Elanus vs milvus-lite', () => {
  let sdk: SdkClient;
  const elanus = new MilvusClient({ uri: 'memory://' });
  const rows = generateFilterRows();
  const report: { expr: string; kind: string; detail: string }[] = [];

  beforeAll(async () => {
    sdk = milvusClient(inject('milvusAddress'));
    const req = {
      collection_name,
      fields: FILTER_FIELDS.map((f) => ({ ...f })),
      enable_dynamic_field: true,
      index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }],
    };
    const created = await sdk.createCollection(req as never);
    expect(created.error_code, created.reason).toBe('Success');
    await elanus.createCollection(req as never);
    const r = await sdk.insert({ collection_name, data: rows.map(toSdkRow) });
    expect(r.status.error_code, r.status.reason).toBe('Success');
    await elanus.insert({ collection_name, data: rows as never });
    await sdk.loadCollection({ collection_name });
  }, 120_000);

  afterAll(async () => {
    await sdk.dropCollection({ collection_name }).catch(() => {});
    await sdk.closeConnection();
    if (process.env.FILTER_REPORT) console.log(JSON.stringify(report, null, 1));
  });

  const cases = FILTER_EXPRESSIONS.filter(
    (c) => !c.tags?.includes('elanus-only') && !c.tags?.includes('text_match'),
  );

  it(`has at least 200 comparable expressions (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it('returns the same keys for every expression milvus-lite evaluates', async () => {
    let agree = 0;
    for (const c of cases as FilterExpression[]) {
      const a = await sdk.query({
        collection_name,
        filter: c.expr,
        exprValues: c.params,
        output_fields: ['id'],
        limit: 16384,
      } as never);
      let b: string[] | Error;
      try {
        const res = await elanus.query({
          collection_name,
          filter: c.expr,
          filter_params: c.params,
          output_fields: ['id'],
          limit: 16384,
        });
        b = res.data.map((r) => String(r.id)).sort();
      } catch (e) {
        b = e as Error;
      }
      if (a.status.error_code !== 'Success') {
        report.push({
          expr: c.expr,
          kind: 'lite-rejects',
          detail:
            `${a.status.reason}`.split('\n')[0]! +
            (b instanceof Error ? ` | elanus: ${b.message}` : ' | elanus ok'),
        });
        continue;
      }
      const ka = a.data.map((r) => String(r.id)).sort();
      if (b instanceof Error) {
        report.push({ expr: c.expr, kind: 'elanus-rejects', detail: b.message });
        continue;
      }
      if (JSON.stringify(ka) !== JSON.stringify(b)) {
        report.push({ expr: c.expr, kind: 'differ', detail: `lite ${ka.length} vs elanus ${b.length}` });
        continue;
      }
      agree++;
    }
    // milvus-lite's parser rejects parts of Plan.g4 (chained ranges with a constant on the left, hex and
    // binary literals, unary +, `%` and `**`, `.5`, `in` on JSON/array elements, ...); Elanus must accept them.
    const unexplained = report.filter(
      (r) =>
        !(r.expr in MILVUS_LITE_DIFFERENCES) &&
        !(r.kind === 'lite-rejects' && r.detail.endsWith('| elanus ok')),
    );
    expect(unexplained, JSON.stringify(unexplained, null, 1)).toEqual([]);
    // Every listed difference still occurs (a fixed one must leave the list).
    for (const expr of Object.keys(MILVUS_LITE_DIFFERENCES))
      expect(report.map((r) => r.expr)).toContain(expr);
    console.log(
      `filter conformance: ${agree} of ${cases.length} expressions agree; ${report.filter((r) => r.kind === 'lite-rejects').length} rejected by milvus-lite's parser only; ${Object.keys(MILVUS_LITE_DIFFERENCES).length} documented semantic differences`,
    );
    expect(agree).toBeGreaterThanOrEqual(225);
  }, 300_000);
});
