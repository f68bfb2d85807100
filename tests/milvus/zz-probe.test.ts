import { createEngine, DataType, LocalClient } from '@elanus/core';
import { GrpcClient } from '@elanus/milvus/node';
import { it } from 'vitest';
import { grpcUri } from '../support/remote-env';

it('probe', async () => {
  const remote = new GrpcClient({ uri: grpcUri() });
  const name = `probe_${Date.now()}`;
  const DIM = 32;
  await remote.createCollection({ collection_name: name, enable_dynamic_field: true, fields: [
    { name: 'id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
    { name: 'title', data_type: DataType.VarChar, max_length: 128 },
    { name: 'meta', data_type: DataType.JSON },
  ], index_params: [{ field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' }] });
  const t = (label: string, t0: number) => console.log(label, Date.now() - t0, 'ms');
  let t0 = Date.now();
  for (let b = 0; b < 20; b++) {
    const data = Array.from({ length: 1000 }, (_, j) => ({ id: b * 1000 + j, vec: Array.from({ length: DIM }, () => Math.random()), title: `t ${j}`, meta: { j } }));
    const t1 = Date.now();
    await remote.upsert({ collection_name: name, data });
    if (b < 3) t('upsert 1000', t1);
  }
  t('upsert 20k', t0);
  t0 = Date.now();
  const keys = await remote.query({ collection_name: name, filter: 'id >= -9223372036854775807 or id < -9223372036854775807', output_fields: ['id'] });
  t(`list keys ${keys.data.length}`, t0);
  t0 = Date.now();
  await remote.count({ collection_name: name, filter: 'id >= -9223372036854775807 or id < -9223372036854775807' });
  t('count filter', t0);
  t0 = Date.now();
  await remote.count({ collection_name: name });
  t('count nofilter', t0);
  t0 = Date.now();
  const ids = Array.from({ length: 1000 }, (_, i) => 5000 + i);
  const r = await remote.query({ collection_name: name, filter: `id in [${ids.join(',')}]`, output_fields: ['*'] });
  t(`get 1000 ${r.data.length}`, t0);
  t0 = Date.now();
  await remote.delete({ collection_name: name, filter: `id in [${ids.slice(0, 3).join(',')}]` });
  t('delete 3', t0);
  t0 = Date.now();
  await remote.upsert({ collection_name: name, data: [{ id: 1, vec: Array.from({ length: DIM }, () => 0.5), title: 'x', meta: {} }] });
  t('upsert 1', t0);
  await remote.dropCollection({ collection_name: name });
  await remote.closeConnection();
}, 300000);
