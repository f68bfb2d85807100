// Errors come from the one message table (src/errors/messages.ts): no inline `new ElanusError(` or
// hand-written "invalid parameter" texts in core, every entry has a known code and renders its parameters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ElanusError, ErrorCode, ErrorNumber } from '../src/errors/index.js';
import {
  elanusError,
  invalidParam,
  MESSAGES,
  type MessageEntry,
  type MessageId,
} from '../src/errors/messages.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * The only inline constructions outside errors/, by file and exact (trimmed) line: each rebuilds an
 * error that already exists with the code it already has, so there is no message id to give.
 */
const REBUILT: ReadonlyMap<string, readonly string[]> = new Map([
  // shiftRowIndexes: a chunk's error renumbered so its row indexes point into the whole batch.
  ['worker/protocol.ts', ['const out = new ElanusError(e.code, message, details);']],
  // EngineHost's chunked upsert: a failing chunk's error, told which rows before it stay upserted.
  [
    'worker/host.ts',
    ['throw new ElanusError(err.code, message, { ...err.details, applied: written.length });'],
  ],
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const ENTRIES = Object.entries(MESSAGES) as [string, MessageEntry][];

const INLINE = [/new ElanusError\(/, /'invalid parameter/, /`invalid parameter /, /"invalid parameter/];

describe('error table', () => {
  it('core builds no error inline (outside errors/ and the rebuilt-error lines)', () => {
    const offenders: string[] = [];
    const allowedSeen: string[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (rel.startsWith('errors/')) continue;
      const allowed = REBUILT.get(rel) ?? [];
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!INLINE.some((re) => re.test(line))) return;
        if (allowed.includes(line.trim())) allowedSeen.push(`${rel}: ${line.trim()}`);
        else offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
    // Each allowance still matches its one line (a stale entry would allow nothing, or too much later).
    const expected = [...REBUILT].flatMap(([rel, ls]) => ls.map((l) => `${rel}: ${l}`));
    expect(allowedSeen.sort()).toEqual(expected.sort());
  });

  it('every entry has a known error code', () => {
    const codes = new Set(Object.keys(ErrorNumber));
    for (const [id, entry] of ENTRIES) {
      expect(codes.has(entry.code), `${id}: ${entry.code}`).toBe(true);
      expect(entry.code).not.toBe(ErrorCode.SUCCESS);
    }
  });

  it('every entry renders a non-empty text naming each parameter it reads', () => {
    for (const [id, entry] of ENTRIES) {
      const read = new Set<string>();
      const params = new Proxy(
        {},
        {
          get: (_, key) => {
            if (typeof key !== 'string') return undefined;
            read.add(key);
            return `<${key}>`;
          },
        },
      );
      const text = entry.text(params);
      expect(typeof text, id).toBe('string');
      expect(text.trim().length, id).toBeGreaterThan(0);
      for (const key of read) expect(text, `${id} should show ${key}`).toContain(`<${key}>`);
    }
  });

  it('elanusError builds an ElanusError with the entry code, text and details', () => {
    const e = elanusError('collectionNotExists', { collection: 'books' }, { param: 'collection_name' });
    expect(e).toBeInstanceOf(ElanusError);
    expect(e).toMatchObject({
      code: 'CollectionNotExists',
      status: 100,
      message: 'collection not found[collection=books]',
      details: { param: 'collection_name' },
    });
    const fixed: MessageId = 'schemaNoVector';
    expect(elanusError(fixed, {}).details).toBeUndefined();
  });

  it('invalidParam goes through the table', () => {
    let e: unknown;
    try {
      invalidParam('limit', 'a positive integer', 'ten');
    } catch (err) {
      e = err;
    }
    expect(e).toMatchObject({
      code: 'IllegalArgument',
      message: 'invalid parameter limit: expected a positive integer, got "ten"',
      details: { param: 'limit' },
    });
  });
});
