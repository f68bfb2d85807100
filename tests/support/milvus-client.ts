import { MilvusClient } from '@zilliz/milvus2-sdk-node';

/**
 * A Node SDK client for a test server. `telemetry: { enabled: false }` is the form the SDK reads:
 * `telemetry: false` is ignored by SDK 3.0.6 and leaves its heartbeat loop on. The SDK logs every request
 * at its default level; `warn` keeps test output readable (MILVUS_SDK_LOG_LEVEL=debug to see them).
 */
export function milvusClient(address: string): MilvusClient {
  return new MilvusClient({
    address,
    telemetry: { enabled: false },
    logLevel: process.env.MILVUS_SDK_LOG_LEVEL ?? 'warn',
  });
}
