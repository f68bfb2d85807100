// Vitest globalSetup of the Milvus tier: one server for the whole run, its address handed to tests
// through provide/inject. MILVUS_ADDRESS=host:port uses an existing server instead (e.g. a real Milvus).
import type { TestProject } from 'vitest/node';
import { startMilvusServer } from './milvus-server';

declare module 'vitest' {
  export interface ProvidedContext {
    milvusAddress: string;
    /** `lite`: milvus-lite 3.x; `standalone`: a Milvus 2.3 server (no sparse vectors, BM25, nullable fields). */
    milvusKind: 'lite' | 'standalone';
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.MILVUS_ADDRESS;
  if (external) {
    project.provide('milvusAddress', external);
    project.provide('milvusKind', process.env.MILVUS_KIND === 'standalone' ? 'standalone' : 'lite');
    return undefined;
  }
  const started = Date.now();
  const server = await startMilvusServer();
  console.log(`milvus-lite ready at ${server.address} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('milvusAddress', server.address);
  project.provide('milvusKind', 'lite');
  return () => server.stop();
}
