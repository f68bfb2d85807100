// Starts a throwaway milvus-lite server (the pure-Python Milvus on PyPI) for integration tests, and makes
// sure it dies with us: process-group kill on stop(), on exit, on SIGINT/SIGTERM, and a shell watchdog
// that ends it if this Node process is killed outright.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { milvusClient } from './milvus-client';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MILVUS_BIN = join(ROOT, '.venv/bin/milvus-lite');
const STANDALONE_BIN = join(ROOT, '.venv-server/bin/milvus-server');

export interface MilvusServer {
  /** `127.0.0.1:PORT`, the form the Node SDK needs (without a port it dials 443). */
  address: string;
  /** Directory holding the server's data and its `server.log`. */
  dir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Milliseconds to wait for the server to answer gRPC (default 90 s: first start imports pyarrow/faiss). */
  readyTimeoutMs?: number;
  /**
   * `lite`: milvus-lite 3.x (the Python reimplementation). `standalone`: the Milvus 2.3.5 server binary from
   * the PyPI package `milvus` (.venv-server); it binds fixed side ports (embedded etcd 2379/2380, metrics
   * 9091), so one runs per machine at a time.
   */
  kind?: 'lite' | 'standalone';
}

/** Side ports the standalone server always binds: taken ones mean another standalone is running. */
const STANDALONE_FIXED_PORTS = [2379, 2380, 9091];

/** Creates .venv (scripts/setup.sh venv) when milvus-lite is not installed yet. */
export function ensureVenv(): void {
  if (existsSync(MILVUS_BIN)) return;
  const r = spawnSync('bash', [join(ROOT, 'scripts/setup.sh'), 'venv'], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(MILVUS_BIN)) throw new Error('could not create .venv with milvus-lite');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The server runs under bash: bash leads the process group (so one kill reaches both), and polls that
// the Node process that started it is alive, so a SIGKILLed test runner does not leave a server behind.
const WATCHDOG = `
if [ "$KIND" = standalone ]; then
  "$STANDALONE_BIN" --data "$BASE_DIR/data" --proxy-port "$PORT" &
else
  "$MILVUS_BIN" server --data-dir "$BASE_DIR/data" --host 127.0.0.1 --port "$PORT" &
fi
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM INT HUP
while kill -0 "$OWNER_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill -TERM "$child" 2>/dev/null
wait "$child"
# Owner gone (killed outright): nobody else will remove the data. Otherwise the owner reads the log.
kill -0 "$OWNER_PID" 2>/dev/null || rm -rf "$BASE_DIR"
`;

export async function startMilvusServer(options: StartOptions = {}): Promise<MilvusServer> {
  const kind = options.kind ?? 'lite';
  const name = kind === 'lite' ? 'milvus-lite' : 'Milvus standalone';
  if (kind === 'lite') ensureVenv();
  else {
    if (!existsSync(STANDALONE_BIN)) {
      const r = spawnSync('bash', [join(ROOT, 'scripts/setup.sh'), 'venv-server'], { stdio: 'inherit' });
      if (r.status !== 0 || !existsSync(STANDALONE_BIN)) throw new Error('could not create .venv-server');
    }
    for (const p of STANDALONE_FIXED_PORTS) {
      if (await portAnswers(p)) {
        throw new Error(
          `port ${p} is taken: the Milvus standalone binds it (embedded etcd/metrics), so another one is running here`,
        );
      }
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'elanus-milvus-'));
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const logFd = openSync(logFile, 'a');
  const child: ChildProcess = spawn('bash', ['-c', WATCHDOG], {
    detached: true, // own process group
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      MILVUS_BIN,
      STANDALONE_BIN,
      KIND: kind,
      BASE_DIR: dir,
      PORT: String(port),
      OWNER_PID: String(process.pid),
      PYTHONUNBUFFERED: '1',
    },
  });
  closeSync(logFd);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not spawn ${name}`);

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // group already gone
    }
  };
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const onExit = () => {
    killGroup('SIGKILL');
    removeDir();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    removeHandlers();
    // Re-raise only if nobody else (e.g. the test runner) handles it, so the default action still happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHandlers = () => {
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  };
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    removeHandlers();
    killGroup('SIGTERM');
    await Promise.race([exitedPromise, sleep(5_000)]);
    killGroup('SIGKILL'); // stragglers in the group, if any
    removeDir();
  };

  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  try {
    while (!(await portAnswers(port))) {
      if (exited) throw new Error(`${name} exited before listening:\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`${name} did not listen on ${address}:\n${logTail()}`);
      await sleep(200);
    }
    // Listening is not serving: wait for a real gRPC call to succeed.
    const client = milvusClient(address);
    try {
      for (;;) {
        try {
          const res = await client.listCollections();
          if (res.status.error_code === 'Success') break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
        }
        if (exited) throw new Error(`${name} exited:\n${logTail()}`);
        if (Date.now() > deadline) throw new Error(`${name} did not answer on ${address}:\n${logTail()}`);
        await sleep(250);
      }
    } finally {
      await client.closeConnection();
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, dir, stop };
}
