import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.js';

/**
 * Node checkpoints: one JSON file per key in `dir`, replaced atomically (write then rename) so a crash
 * leaves either the previous checkpoint or the new one, never half of one.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  async load(key: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async save(key: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.path(key);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, file);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
