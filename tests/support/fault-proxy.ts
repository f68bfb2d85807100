// Test infrastructure: a loopback TCP proxy that forwards bytes to a target (milvus-lite's gRPC port)
// and, when armed, cuts every connection once N bytes have passed, like a network failure mid-request.
// After a cut it can refuse connections for a while, so client-side retries fail and the error surfaces.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  /** `127.0.0.1:PORT`, to give the gRPC client instead of the server's address. */
  address: string;
  /** Cut all connections once `bytes` more bytes have passed (counting `direction`), then refuse for `refuseMs`. */
  cutAfter(bytes: number, options?: { direction?: 'up' | 'down' | 'both'; refuseMs?: number }): void;
  /** Stop cutting and refusing. */
  heal(): void;
  /** Cuts so far, and bytes forwarded each way since start. */
  readonly stats: { cuts: number; up: number; down: number };
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const [host, portText] = target.split(':');
  const port = Number(portText);
  const sockets = new Set<Socket>();
  const stats = { cuts: 0, up: 0, down: 0 };
  let armed: { left: number; direction: 'up' | 'down' | 'both'; refuseMs: number } | undefined;
  let refuseUntil = 0;

  const cutAll = () => {
    const refuseMs = armed?.refuseMs ?? 0;
    armed = undefined;
    stats.cuts++;
    refuseUntil = Date.now() + refuseMs;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const count = (n: number, dir: 'up' | 'down') => {
    if (dir === 'up') stats.up += n;
    else stats.down += n;
    if (!armed || (armed.direction !== 'both' && armed.direction !== dir)) return false;
    armed.left -= n;
    if (armed.left <= 0) {
      cutAll();
      return true;
    }
    return false;
  };

  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.destroy();
      return;
    }
    const upstream = connect({ host, port });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      // Forward the bytes up to the cut point only: the rest never reaches the server.
      if (armed && (armed.direction === 'both' || armed.direction === 'up') && chunk.length >= armed.left) {
        upstream.write(chunk.subarray(0, Math.max(0, armed.left - 1)));
        count(chunk.length, 'up');
        return;
      }
      if (!count(chunk.length, 'up')) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed && (armed.direction === 'both' || armed.direction === 'down') && chunk.length >= armed.left) {
        client.write(chunk.subarray(0, Math.max(0, armed.left - 1)));
        count(chunk.length, 'down');
        return;
      }
      if (!count(chunk.length, 'down')) client.write(chunk);
    });
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('fault proxy has no address');
  return {
    address: `127.0.0.1:${addr.port}`,
    cutAfter(bytes, options = {}) {
      armed = { left: bytes, direction: options.direction ?? 'both', refuseMs: options.refuseMs ?? 1000 };
    },
    heal() {
      armed = undefined;
      refuseUntil = 0;
    },
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
