// Vitest globalSetup of the server tier: one genuine Milvus standalone (2.3.5, PyPI `milvus`) for the run,
// its address handed to tests as `milvusAddress`, as the milvus-lite tier does. MILVUS_ADDRESS=host:port
// uses an existing server instead.
import type { TestProject } from 'vitest/node';
import { startMilvusServer } from './milvus-server';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.MILVUS_ADDRESS;
  if (external) {
    project.provide('milvusAddress', external);
    project.provide('milvusKind', 'standalone');
    return undefined;
  }
  const started = Date.now();
  const server = await startMilvusServer({ kind: 'standalone' });
  console.log(
    `Milvus 2.3.5 standalone ready at ${server.address} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('milvusAddress', server.address);
  project.provide('milvusKind', 'standalone');
  return () => server.stop();
}
