/**
 * "Sync to Milvus": pushes the collection to a real Milvus over its REST API with @elanus/milvus's
 * resumable sync (loaded only when used: it is not part of the page's first load).
 */
import type { Db } from '../data/db';
import { COLLECTION } from '../data/schema';
import { $, errorText, fmtInt } from './dom';

export function wireSync(getDb: () => Db | undefined): void {
  const form = $<HTMLFormElement>('#sync-form');
  const uri = $<HTMLInputElement>('#sync-uri');
  const token = $<HTMLInputElement>('#sync-token');
  const button = $<HTMLButtonElement>('#sync-btn');
  const note = $('#sync-note');
  let running: AbortController | undefined;

  note.textContent = 'Needs a Milvus server with its REST API (v2) reachable from this page (CORS).';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (running) {
      running.abort();
      return;
    }
    const db = getDb();
    if (!db) {
      note.textContent = 'The database is not open yet.';
      return;
    }
    const controller = new AbortController();
    running = controller;
    button.textContent = 'Cancel';
    note.className = 'hint';
    note.textContent = 'Connecting…';
    void (async () => {
      try {
        const [{ RestClient }, { sync }] = await Promise.all([
          import('@elanus/milvus/rest'),
          import('@elanus/milvus'),
        ]);
        const remote = new RestClient({
          uri: uri.value.trim(),
          ...(token.value ? { token: token.value } : {}),
          timeout: 15_000,
        });
        const r = await sync({
          local: db.backend,
          remote,
          collection: COLLECTION,
          direction: 'push',
          signal: controller.signal,
          onProgress: (p) => {
            note.textContent = `${p.phase}: ${fmtInt(p.done)} / ${fmtInt(p.total)} · ${fmtInt(p.upserted)} rows written`;
          },
        });
        note.className = 'hint ok';
        note.textContent = `Pushed ${fmtInt(r.pushed.upserted)} rows (${fmtInt(r.pushed.deleted)} deletions) in ${(r.durationMs / 1000).toFixed(1)} s${
          r.verification ? (r.verification.equal ? ' · verified' : ' · checksums differ') : ''
        }.`;
        await remote.closeConnection().catch(() => {});
      } catch (err) {
        note.className = 'hint err';
        note.textContent = controller.signal.aborted ? 'Sync cancelled.' : `Sync failed: ${errorText(err)}`;
      } finally {
        running = undefined;
        button.textContent = 'Push collection';
      }
    })();
  });
}
