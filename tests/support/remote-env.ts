// Shared setup of the remote tests: which server to use, and unique collection names.
//   - The Milvus tier's globalSetup starts milvus-lite and provides its gRPC address (`milvusAddress`).
//   - MILVUS_URI=http(s)://host:port points the same suites at a real Milvus as well (gRPC and, since a real
//     server has it, REST v2 directly, without the test gateway). MILVUS_TOKEN gives its credentials.
import { inject } from 'vitest';

export function grpcUri(): string {
  const external = process.env.MILVUS_URI;
  if (external) return external.replace(/^http(s?):/, 'grpc$1:');
  return `grpc://${inject('milvusAddress')}`;
}

export function externalRestUri(): string | undefined {
  return process.env.MILVUS_URI || undefined;
}

export function token(): string | undefined {
  return process.env.MILVUS_TOKEN || undefined;
}

let n = 0;
/** A collection name no other test (or earlier run against a shared server) uses. */
export function uniqueName(prefix: string): string {
  n++;
  return `${prefix}_${Date.now().toString(36)}_${process.pid}_${n}`;
}

/** SDK log level for test clients: quiet unless MILVUS_SDK_LOG_LEVEL says otherwise. */
export const sdkLogLevel = process.env.MILVUS_SDK_LOG_LEVEL ?? 'error';
