/** Renders hits as a keyboard-navigable list: ↑/↓ move, Home/End jump, Esc returns to the search box. */
import { CANDIDATES, type Hit, type SearchOutcome } from '../search';
import { el, fmtMs } from './dom';
import { appendHighlighted, queryTerms } from './highlight';

const POS_NAMES: Record<string, string> = {
  noun: 'noun',
  verb: 'verb',
  adj: 'adjective',
  adv: 'adverb',
  text: 'your doc',
};

function scoreLabel(o: SearchOutcome): string {
  if (!o.request.query.trim()) return '';
  if (o.request.rerank) return 'rerank';
  if (o.request.mode === 'dense') return 'cosine';
  if (o.request.mode === 'bm25') return 'BM25';
  return o.request.ranker === 'rrf' ? 'RRF' : 'weighted';
}

const rankText = (name: string, r: number | undefined): string =>
  `${name} ${r === undefined ? `>${CANDIDATES}` : `#${r}`}`;

function hitItem(hit: Hit, i: number, o: SearchOutcome, terms: Set<string>): HTMLLIElement {
  const f = hit.fields;
  const pos = String(f.pos ?? '');
  const chunk = Number(f.chunk ?? 0);
  const titleId = `hit-${i}-title`;
  const title = el('h3', { attrs: { id: titleId } });
  const name = el('span');
  appendHighlighted(
    name,
    String(f.title ?? hit.id) + (f.source === 'user' && chunk > 0 ? ` · part ${chunk + 1}` : ''),
    terms,
  );
  title.append(
    name,
    el('span', { class: `tag pos-${pos}`, text: POS_NAMES[pos] ?? pos }),
    el('span', { class: 'tag cat', text: String(f.category ?? '') }),
  );

  const score = el('div', { class: 'score' });
  if (hit.score !== undefined) {
    const digits = o.request.mode === 'bm25' ? 2 : 4;
    score.append(
      el('b', { text: hit.score.toFixed(digits) }),
      el('span', { class: 'ranks', text: scoreLabel(o) }),
    );
  }
  // Where the hit stands in each candidate list: the point of fusion (a BM25-only search has one list).
  const query = !!o.request.query.trim();
  const mode = o.request.mode;
  const ranks =
    query && mode !== 'bm25' ? [rankText('dense', hit.denseRank), rankText('BM25', hit.bm25Rank)] : [];
  if (hit.firstStage) ranks.unshift(`was #${hit.firstStage.rank}`);
  if (ranks.length > 0) score.append(el('div', { class: 'ranks', text: ranks.join(' · ') }));

  const body = el('p', { class: 'body' });
  appendHighlighted(body, String(f.text ?? ''), terms);

  const li = el('li', {
    class: 'hit',
    attrs: { tabindex: '-1', 'aria-labelledby': titleId, 'data-id': hit.id },
  });
  li.append(
    el('span', { class: 'n', text: String(i + 1), attrs: { 'aria-hidden': 'true' } }),
    title,
    score,
    body,
  );
  return li;
}

export function renderResults(list: HTMLOListElement, summary: HTMLElement, o: SearchOutcome): void {
  const terms = queryTerms(o.request.query);
  list.replaceChildren(...o.hits.map((h, i) => hitItem(h, i, o, terms)));
  const r = o.request;
  const what = !r.query.trim()
    ? 'filter only'
    : r.mode === 'hybrid'
      ? `hybrid · ${r.ranker === 'rrf' ? `RRF k=${r.rrfK}` : `weighted ${r.denseWeight.toFixed(2)} / ${(1 - r.denseWeight).toFixed(2)}`}`
      : r.mode === 'dense'
        ? 'dense (semantic)'
        : 'BM25 full-text';
  const parts = [
    o.embedMs > 0 ? `embed ${fmtMs(o.embedMs)}` : '',
    o.embedMs > 0 || o.rerankMs > 0 ? `search ${fmtMs(o.searchMs)}` : '',
    o.rerankMs > 0 ? `rerank ${fmtMs(o.rerankMs)}` : '',
  ].filter(Boolean);
  const timing = `${fmtMs(o.totalMs)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  const extras = `${r.filter.trim() ? ' · filtered' : ''}${o.rerankMs > 0 ? ' · reranked' : ''}`;
  summary.textContent = `${o.hits.length} result${o.hits.length === 1 ? '' : 's'} · ${what}${extras} · ${timing}`;
  if (o.hits.length === 0) {
    list.append(
      el('li', {
        class: 'empty',
        text:
          r.mode === 'bm25'
            ? 'No document contains these words. Try dense or hybrid mode.'
            : 'Nothing matches.',
      }),
    );
  }
}

/** Arrow-key navigation between the search box and the results. */
export function wireResultKeys(list: HTMLOListElement, input: HTMLInputElement): void {
  const items = (): HTMLElement[] => [...list.querySelectorAll<HTMLElement>('li.hit')];
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      const first = items()[0];
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  });
  list.addEventListener('keydown', (e) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = all[Math.min(all.length - 1, at + 1)];
    else if (e.key === 'ArrowUp') {
      if (at === 0) {
        e.preventDefault();
        input.focus();
        return;
      }
      next = all[at - 1];
    } else if (e.key === 'Home') next = all[0];
    else if (e.key === 'End') next = all[all.length - 1];
    else if (e.key === 'Escape') {
      input.focus();
      return;
    } else return;
    e.preventDefault();
    next?.focus();
  });
  // A click focuses the item, so arrows continue from there.
  list.addEventListener('click', (e) => {
    const li = (e.target as HTMLElement).closest<HTMLElement>('li.hit');
    li?.focus();
  });
}
