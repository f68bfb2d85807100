// Several tabs on one database: the Web Locks API elects one writer per database, BroadcastChannel
// carries requests to it and its committed writes to the others.

/** The part of the Web Locks API used here (tests pass an in-process implementation). */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

/** The part of BroadcastChannel used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((ev: MessageEvent) => unknown) | null;
}

export interface Coordination {
  /** Web Locks (default `navigator.locks`); `null` = this is the only client of the database. */
  locks?: LockManagerLike | null;
  /** Opens a channel (default `new BroadcastChannel(name)`); `null` = no cross-tab messages. */
  channel?: ((name: string) => ChannelLike) | null;
}

export function defaultCoordination(): Required<Coordination> {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return {
    locks: nav?.locks ?? null,
    channel: typeof BroadcastChannel === 'function' ? (name) => new BroadcastChannel(name) : null,
  };
}

/** Lock and channel names of a database. */
export const lockName = (db: string): string => `elanus:writer:${db}`;
export const channelName = (db: string): string => `elanus:db:${db}`;

/** Messages on a database's channel. */
export type TabMessage =
  /** A follower asks the writer to run a write. */
  | { t: 'req'; from: string; id: number; method: string; req: unknown; writeId?: string }
  /** The writer's answer; `seq` = its last committed sequence number once the write committed. */
  | { t: 'res'; to: string; id: number; ok: boolean; value?: unknown; error?: unknown; seq: number }
  /** The writer committed log entry `seq` (its ops included so followers need not read them back). */
  | { t: 'commit'; seq: number; entry: unknown }
  /** A tab just became the writer (requests sent to the previous one may be lost). */
  | { t: 'leader' }
  /** The database was replaced (import): reload everything. */
  | { t: 'reset' };

/**
 * Takes the writer lock if it is free now. Resolves `true` (held until `release()`), or `false`;
 * then `onLater` runs when this tab becomes the writer (unless `cancel()` ran first).
 */
export function acquireWriterLock(
  locks: LockManagerLike,
  name: string,
  onLater: () => Promise<void>,
): { held: Promise<boolean>; release: () => void; cancel: () => void } {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const abort = new AbortController();
  const held = new Promise<boolean>((resolve, reject) => {
    locks
      .request(name, { ifAvailable: true }, async (lock) => {
        resolve(lock !== null && lock !== undefined);
        if (lock) await released;
      })
      .then(undefined, reject);
  }).then((now) => {
    if (!now) {
      locks
        .request(name, { signal: abort.signal }, async () => {
          await onLater();
          await released;
        })
        .catch(() => {}); // aborted by cancel(): the tab closed before its turn
    }
    return now;
  });
  return { held, release, cancel: () => abort.abort() };
}
