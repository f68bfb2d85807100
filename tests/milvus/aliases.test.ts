// Collection aliases over both transports against a real Milvus API (milvus-lite through gRPC, and the
// REST v2 test gateway in front of it), with the same lifecycle run on the in-page engine: the answers
// must agree. Cases where milvus-lite departs from the server (an alias of an alias, dropping a
// collection that still has aliases) are left out here and asserted locally in aliases.test.ts.
import { createEngine, LocalClient, type VectorClient } from '@elanus/core';
import { GrpcClient, RestClient } from '@elanus/milvus/node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { grpcUri, sdkLogLevel, token, uniqueName } from '../support/remote-env';
import { type RestGateway, startRestGateway } from '../support/rest-gateway';

async function lifecycle(c: VectorClient, prefix: string) {
  const a = `${prefix}_a`;
  const b = `${prefix}_b`;
  const alias = `${prefix}_live`;
  const out: Record<string, unknown> = {};
  for (const [name, id] of [
    [a, 1],
    [b, 2],
  ] as const) {
    await c.createCollection({
      collection_name: name,
      dimension: 2,
      index_params: { index_type: 'FLAT', metric_type: 'L2' },
    });
    await c.insert({ collection_name: name, data: [{ id, vector: [id, 0] }] });
  }
  await c.createAlias({ collection_name: a, alias });
  out.describe = await c.describeAlias({ alias });
  out.listA = (await c.listAliases({ collection_name: a })).aliases;
  const ids = async () =>
    (await c.query({ collection_name: alias, filter: 'id > 0', output_fields: ['id'] })).data.map((r) =>
      String(r.id),
    );
  out.viaAlias = await ids();
  await c.insert({ collection_name: alias, data: [{ id: 11, vector: [0, 1] }] });
  out.countA = (await c.query({ collection_name: a, filter: 'id > 0', output_fields: ['count(*)'] })).data;
  await c.alterAlias({ collection_name: b, alias });
  out.afterAlter = await ids();
  out.listB = (await c.listAliases({ collection_name: b })).aliases;
  out.listAAfter = (await c.listAliases({ collection_name: a })).aliases;
  out.conflict = await c
    .createAlias({ collection_name: b, alias: a })
    .then(() => 'accepted')
    .catch(() => 'refused');
  await c.dropAlias({ alias });
  out.gone = await c
    .describeAlias({ alias })
    .then(() => 'found')
    .catch(() => 'refused');
  for (const name of [a, b]) await c.dropCollection({ collection_name: name });
  return out;
}

const normalise = (o: Record<string, unknown>, prefix: string) =>
  JSON.parse(JSON.stringify(o).replaceAll(prefix, 'P'));

describe('aliases agree with a real Milvus API', () => {
  let gw: RestGateway;
  beforeAll(async () => {
    gw = await startRestGateway({ milvusAddress: inject('milvusAddress') });
  });
  afterAll(() => gw.close());

  it('gRPC, REST and the local engine give the same answers', async () => {
    const local = new LocalClient(await createEngine({ device: 'js' }));
    const t = token();
    const grpc = new GrpcClient({ uri: grpcUri(), logLevel: sdkLogLevel, ...(t ? { token: t } : {}) });
    const rest = new RestClient({ uri: gw.url });
    const results = [];
    for (const c of [local, grpc, rest] as VectorClient[]) {
      const prefix = uniqueName('al');
      results.push(normalise(await lifecycle(c, prefix), prefix));
    }
    await grpc.closeConnection();
    const [l, g, r] = results;
    expect(l).toMatchObject({
      describe: { alias: 'P_live', collection: 'P_a' },
      listA: ['P_live'],
      viaAlias: ['1'],
      countA: [{ 'count(*)': '2' }],
      afterAlter: ['2'],
      listB: ['P_live'],
      listAAfter: [],
      conflict: 'refused',
      gone: 'refused',
    });
    const comparable = (x: Record<string, unknown>) => ({
      ...x,
      describe: {
        alias: (x.describe as { alias: string }).alias,
        collection: (x.describe as { collection: string }).collection,
      },
    });
    expect(comparable(g)).toEqual(comparable(l));
    expect(comparable(r)).toEqual(comparable(l));
  });
});
