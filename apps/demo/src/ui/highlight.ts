/**
 * Marks the words of a text that match the query the way the collection's english analyzer sees them:
 * lowercased, Porter2-stemmed, stop words ignored (so "barking dogs" marks "barked" and "dog").
 * Builds DOM nodes with textContent only: document text is never parsed as HTML.
 */
import { stem } from 'porter2';

// Milvus's english analyzer drops the classic 33 Lucene stop words; marking them would only add noise.
const STOP = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

const norm = (w: string): string => stem(w.toLowerCase().replace(/['’]s$/, ''));

export function queryTerms(query: string): Set<string> {
  const terms = new Set<string>();
  for (const m of query.matchAll(WORD)) {
    const w = m[0].toLowerCase();
    if (!STOP.has(w)) terms.add(norm(w));
  }
  return terms;
}

/** Appends `text` to `el`, with matching words wrapped in <mark>. */
export function appendHighlighted(el: HTMLElement, text: string, terms: Set<string>): number {
  let last = 0;
  let marks = 0;
  if (terms.size > 0) {
    for (const m of text.matchAll(WORD)) {
      const w = m[0];
      if (STOP.has(w.toLowerCase()) || !terms.has(norm(w))) continue;
      const at = m.index ?? 0;
      if (at > last) el.append(document.createTextNode(text.slice(last, at)));
      const mark = document.createElement('mark');
      mark.textContent = w;
      el.append(mark);
      last = at + w.length;
      marks++;
    }
  }
  if (last < text.length) el.append(document.createTextNode(text.slice(last)));
  return marks;
}
