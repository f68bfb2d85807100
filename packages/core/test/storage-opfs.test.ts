// The opfs:// backend in Node: the journal's record format and replay (torn tails, generations), and
// OpfsStorage itself over a small in-memory stand-in for the OPFS API (both write modes).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpfsStorage } from '../src/storage/opfs.js';
import { openOpfsClient } from '../src/storage/opfs-client.js';
import {
  encodeBatch,
  encodeBatchRecord,
  journalCrc32,
  journalFileName,
  parseFile,
  replay,
  snapshotRecords,
} from '../src/storage/opfs-journal.js';
import { crc32, decodeValue, encodeValue } from '../src/storage/value-codec.js';

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const VALUES: [string, unknown][] = [
  ['buf', new Uint8Array([1, 2, 3]).buffer],
  ['f32', new Float32Array([1.5, -2, Number.NaN])],
  ['i64', new BigInt64Array([1n, -(2n ** 63n)])],
  ['u8', new Uint8Array([9, 8])],
  ['rec', { a: 1, b: 2n ** 70n, s: 'x', n: null, arr: [1, 'two', new Int32Array([3])], neg0: -0 }],
  ['str', 'héllo ✓'],
  ['num', 3.25],
];

describe('opfs journal records', () => {
  it('round-trips every stored value type', () => {
    const rec = encodeBatchRecord(['gone'], VALUES);
    const parsed = parseFile(rec);
    expect(parsed.validBytes).toBe(rec.length);
    expect(parsed.batches).toHaveLength(1);
    const b = parsed.batches[0]!;
    expect(b.remove).toEqual(['gone']);
    const back = b.put.map(([k, v]) => [k, decodeValue(v)]);
    expect(back).toEqual(VALUES);
    expect(back[1]![1]).toBeInstanceOf(Float32Array);
    expect(back[2]![1]).toBeInstanceOf(BigInt64Array);
    expect(back[0]![1]).toBeInstanceOf(ArrayBuffer);
  });

  it('the journal checksum is CRC-32, and one-pass encoding gives the same record', () => {
    for (const n of [0, 1, 7, 8, 9, 63, 1000, 4099]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(journalCrc32(b)).toBe(crc32(b));
      // Unaligned views take the byte-wise path.
      const padded = new Uint8Array(n + 3);
      padded.set(b, 3);
      expect(journalCrc32(padded.subarray(3))).toBe(crc32(b));
    }
    const { record, put } = encodeBatch(['r'], VALUES);
    expect(record).toEqual(
      encodeBatchRecord(
        ['r'],
        VALUES.map(([k, v]) => [k, encodeValue(v)]),
        true,
      ),
    );
    expect(put.map(([k, v]) => [k, decodeValue(v)])).toEqual(VALUES);
  });

  it('a journal cut at any byte reads as a prefix of whole batches', () => {
    const recs = Array.from({ length: 6 }, (_, i) =>
      encodeBatchRecord([], [[`k${i}`, new Float32Array(i + 1).fill(i)]]),
    );
    const all = concat(recs);
    const ends = recs.map((_, i) => recs.slice(0, i + 1).reduce((n, r) => n + r.length, 0));
    for (let cut = 0; cut <= all.length; cut++) {
      const p = parseFile(all.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length;
      expect(p.batches.length).toBe(whole);
      expect(p.validBytes).toBe(whole ? ends[whole - 1] : 0);
    }
  });

  it('a damaged byte or garbage after the last record ends the journal there', () => {
    const a = encodeBatchRecord([], [['a', 1]]);
    const b = encodeBatchRecord([], [['b', 2]]);
    const c = encodeBatchRecord([], [['c', 3]]);
    for (let i = 0; i < b.length; i++) {
      const bad = concat([a, b, c]);
      bad[a.length + i]! ^= 0x40;
      const p = parseFile(bad);
      expect(p.batches.length).toBe(1);
      expect(p.validBytes).toBe(a.length);
    }
    const garbage = concat([a, b, new Uint8Array([7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])]);
    expect(parseFile(garbage).batches.length).toBe(2);
    const zeros = concat([a, new Uint8Array(64)]);
    expect(parseFile(zeros).validBytes).toBe(a.length);
  });

  it('replay: newest complete snapshot, its journal in order, stale and torn files reported', async () => {
    const files = new Map<string, Uint8Array>();
    files.set(journalFileName(0, 0), concat([...snapshotRecords([['x', encodeValue('old')]])]));
    files.set(journalFileName(0, 1), encodeBatchRecord([], [['y', 1]]));
    files.set(journalFileName(1, 0), concat([...snapshotRecords([['x', encodeValue('new')]])]));
    files.set(journalFileName(1, 1), encodeBatchRecord([], [['a', 1]]));
    const torn = concat([
      encodeBatchRecord(['a'], [['b', 2]]),
      encodeBatchRecord([], [['c', 3]]).subarray(0, 9),
    ]);
    files.set(journalFileName(1, 2), torn);
    files.set(journalFileName(1, 3), encodeBatchRecord([], [['d', 4]]));
    // An interrupted compaction: no snapshot end.
    files.set(journalFileName(2, 0), encodeBatchRecord([], [['x', 'partial']]));
    files.set('2-0.j.crswap', new Uint8Array(3));
    const r = await replay([...files.keys()], async (n) => files.get(n)!);
    expect(r.gen).toBe(1);
    expect(Object.fromEntries([...r.map].map(([k, v]) => [k, decodeValue(v)]))).toEqual({ x: 'new', b: 2 });
    expect(r.torn.map((t) => t.name)).toEqual(['1-2.j']);
    expect(r.stale.sort()).toEqual(['0-0.j', '0-1.j', '1-3.j', '2-0.j', '2-0.j.crswap'].sort());
  });

  it('replay of an empty folder is an empty database with no generation', async () => {
    const r = await replay([], async () => new Uint8Array());
    expect(r.gen).toBe(-1);
    expect(r.map.size).toBe(0);
  });
});

// ---- a stand-in for OPFS: files are byte arrays; createWritable writes a copy swapped in on close ----

class FakeFile {
  bytes = new Uint8Array(0);
  locked = false;
}

function fileHandle(f: FakeFile) {
  return {
    kind: 'file',
    async getFile() {
      const copy = f.bytes.slice();
      return { arrayBuffer: async () => copy.buffer };
    },
    async createWritable(opts?: { keepExistingData?: boolean }) {
      let swap = opts?.keepExistingData ? f.bytes.slice() : new Uint8Array(0);
      let pos = 0;
      return {
        async write(data: Uint8Array) {
          const next = new Uint8Array(Math.max(swap.length, pos + data.length));
          next.set(swap);
          next.set(data, pos);
          swap = next;
          pos += data.length;
        },
        async truncate(n: number) {
          const next = new Uint8Array(n);
          next.set(swap.subarray(0, n));
          swap = next;
        },
        async close() {
          f.bytes = swap;
        },
        async abort() {},
      };
    },
    async createSyncAccessHandle() {
      if (f.locked) throw new DOMException('locked', 'NoModificationAllowedError');
      f.locked = true;
      return {
        read: (b: Uint8Array, o?: { at?: number }) => {
          const src = f.bytes.subarray(o?.at ?? 0, (o?.at ?? 0) + b.length);
          b.set(src);
          return src.length;
        },
        write: (b: Uint8Array, o?: { at?: number }) => {
          const at = o?.at ?? 0;
          const next = new Uint8Array(Math.max(f.bytes.length, at + b.length));
          next.set(f.bytes);
          next.set(b, at);
          f.bytes = next;
          return b.length;
        },
        truncate: (n: number) => {
          const next = new Uint8Array(n);
          next.set(f.bytes.subarray(0, n));
          f.bytes = next;
        },
        getSize: () => f.bytes.length,
        flush: () => {},
        close: () => {
          f.locked = false;
        },
      };
    },
  };
}

class FakeDir {
  readonly dirs = new Map<string, FakeDir>();
  readonly files = new Map<string, FakeFile>();
  handle(): unknown {
    return {
      kind: 'directory',
      getDirectoryHandle: async (n: string, o?: { create?: boolean }) => {
        let d = this.dirs.get(n);
        if (!d && o?.create) {
          d = new FakeDir();
          this.dirs.set(n, d);
        }
        if (!d) throw new DOMException('missing', 'NotFoundError');
        return d.handle();
      },
      getFileHandle: async (n: string, o?: { create?: boolean }) => {
        let f = this.files.get(n);
        if (!f && o?.create) {
          f = new FakeFile();
          this.files.set(n, f);
        }
        if (!f) throw new DOMException('missing', 'NotFoundError');
        return fileHandle(f);
      },
      removeEntry: async (n: string) => {
        if (!this.files.delete(n) && !this.dirs.delete(n)) throw new DOMException('missing', 'NotFoundError');
      },
      keys: async function* (this: void) {
        yield* [];
      },
    };
  }
}

function installFakeOpfs(): FakeDir {
  const root = new FakeDir();
  const wrap = (d: FakeDir): unknown => {
    const h = d.handle() as Record<string, unknown>;
    h.keys = async function* () {
      yield* [...d.files.keys(), ...d.dirs.keys()];
    };
    const gd = h.getDirectoryHandle as (n: string, o?: { create?: boolean }) => Promise<unknown>;
    h.getDirectoryHandle = async (n: string, o?: { create?: boolean }) => {
      await gd(n, o);
      return wrap(d.dirs.get(n)!);
    };
    return h;
  };
  vi.stubGlobal('navigator', { storage: { getDirectory: async () => wrap(root) } });
  return root;
}

function dbFiles(root: FakeDir, name: string): Map<string, FakeFile> {
  return root.dirs.get('elanus')!.dirs.get(name)!.files;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('OpfsStorage over a stand-in OPFS', () => {
  for (const syncHandles of [true, false]) {
    const mode = syncHandles ? 'sync handles' : 'createWritable';
    it(`${mode}: commits, reopens with the same values and types, removes, compacts`, async () => {
      const root = installFakeOpfs();
      let s = new OpfsStorage('db', { syncHandles });
      await s.commit({ put: VALUES as [string, never][] });
      await s.commit({ remove: ['num'], put: [['extra', 'e']] });
      expect(await s.read('f32')).toBeInstanceOf(Float32Array);
      await s.close();
      s = new OpfsStorage('db', { syncHandles });
      const all = Object.fromEntries(await s.readAll(['']));
      const want = Object.fromEntries(VALUES.filter(([k]) => k !== 'num'));
      expect(all).toEqual({ ...want, extra: 'e' });
      expect(all.i64).toBeInstanceOf(BigInt64Array);
      expect(await s.list('')).toEqual(Object.keys(all).sort());
      await s.compactNow();
      expect([...dbFiles(root, 'db').keys()]).toEqual(['1-0.j']);
      await s.commit({ put: [['after', 1]] });
      await s.close();
      s = new OpfsStorage('db', { syncHandles });
      expect(Object.keys(Object.fromEntries(await s.readAll(['']))).sort()).toEqual(
        [...Object.keys(all), 'after'].sort(),
      );
      await s.clear();
      await s.close();
      s = new OpfsStorage('db', { syncHandles });
      expect(await s.readAll([''])).toEqual([]);
      await s.close();
    });

    it(`${mode}: a torn journal tail opens as the committed prefix and is repaired on the next write`, async () => {
      const root = installFakeOpfs();
      let s = new OpfsStorage('t', { syncHandles });
      for (let i = 0; i < 5; i++) await s.commit({ put: [[`k${i}`, new Float32Array(8).fill(i)]] });
      await s.close();
      const files = dbFiles(root, 't');
      const last = [...files.keys()].sort().at(-1)!;
      const f = files.get(last)!;
      // Half of the last record gone, plus garbage.
      f.bytes = concat([f.bytes.subarray(0, f.bytes.length - 10), new Uint8Array([1, 2, 3, 255])]);
      s = new OpfsStorage('t', { syncHandles });
      expect((await s.readAll([''])).map(([k]) => k)).toEqual(['k0', 'k1', 'k2', 'k3']);
      await s.commit({ put: [['k9', 9]] });
      await s.close();
      s = new OpfsStorage('t', { syncHandles });
      expect((await s.readAll([''])).map(([k]) => k)).toEqual(['k0', 'k1', 'k2', 'k3', 'k9']);
      await s.close();
    });
  }

  it('a value that cannot be stored fails the whole batch and writes nothing', async () => {
    installFakeOpfs();
    const s = new OpfsStorage('v', { syncHandles: true });
    await s.commit({ put: [['a', 1]] });
    await expect(
      s.commit({
        put: [
          ['b', 2],
          ['c', new Date() as never],
        ],
      }),
    ).rejects.toMatchObject({
      code: 'StorageError',
    });
    expect(await s.list('')).toEqual(['a']);
    await s.close();
  });

  it('compacts on its own past the journal threshold', async () => {
    const root = installFakeOpfs();
    const s = new OpfsStorage('c', { syncHandles: true, compactBytes: 1000 });
    for (let i = 0; i < 40; i++) await s.commit({ put: [[`k${i % 5}`, new Float32Array(32).fill(i)]] });
    await s.close();
    const names = [...dbFiles(root, 'c').keys()];
    expect(names.some((n) => n.startsWith('0-'))).toBe(false);
    const r = new OpfsStorage('c', { syncHandles: true });
    const all = await r.readAll(['']);
    expect(all.map(([k]) => k)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect((all[4]![1] as Float32Array)[0]).toBe(39);
    await r.close();
  });
});

describe('opfs:// where OPFS is missing', () => {
  it('names the uri parameter, what was expected and what came', async () => {
    vi.stubGlobal('navigator', {});
    await expect(openOpfsClient({ uri: 'opfs://books' })).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringMatching(
        /invalid parameter uri: expected opfs:\/\/<name> .*got "opfs:\/\/books"/,
      ),
    });
    await expect(openOpfsClient({ uri: 'opfs://' })).rejects.toMatchObject({ code: 'IllegalArgument' });
  });
});

describe('opfs:// client over the stand-in OPFS', () => {
  for (const syncHandles of [true, false]) {
    it(`${syncHandles ? 'sync handles' : 'createWritable'}: writes survive a reopen`, async () => {
      installFakeOpfs();
      const coordination = { locks: undefined, channel: undefined };
      let c = await openOpfsClient({ uri: 'opfs://app', syncHandles, coordination, idleSealMs: 0 });
      await c.createCollection({ collection_name: 'c', dimension: 4 });
      await c.insert({
        collection_name: 'c',
        data: Array.from({ length: 50 }, (_, id) => ({ id, vector: [id, 1, 2, 3], tag: `t${id}` })),
      });
      await c.flush();
      await c.delete({ collection_name: 'c', filter: 'id < 10' });
      await c.upsert({ collection_name: 'c', data: [{ id: 20, vector: [0, 0, 0, 1], tag: 'new' }] });
      await c.closeConnection();
      c = await openOpfsClient({ uri: 'opfs://app', syncHandles, coordination });
      expect((await c.count({ collection_name: 'c' })).data).toBe(40);
      const row = await c.query({
        collection_name: 'c',
        filter: 'id == 20',
        output_fields: ['tag', 'vector'],
      });
      expect(row.data[0]).toMatchObject({ tag: 'new', vector: [0, 0, 0, 1] });
      await c.closeConnection();
    });
  }
});
