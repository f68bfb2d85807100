/**
 * Splits a document into chunks of about `target` characters for embedding: paragraph boundaries first,
 * then sentences, then words (only for a sentence longer than a chunk). Each chunk after the first starts
 * with the end of the previous one (`overlap` characters at most, whole sentences when they fit), so a
 * sentence cut off at a boundary still has its context on both sides.
 */

export interface ChunkOptions {
  target?: number;
  overlap?: number;
}

interface Unit {
  text: string;
  /** First unit of a paragraph: joined to the previous one with a blank line, not a space. */
  para: boolean;
}

// A sentence ends at . ! ? (or …) followed by space; "e.g. this" splits too, which only costs a
// slightly earlier break.
const SENTENCE_END = /(?<=[.!?…]["'”’)\]]?)\s+(?=\S)/u;

function splitLong(sentence: string, target: number): string[] {
  if (sentence.length <= target) return [sentence];
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > target) {
    // The last space before the limit, else a hard cut (a very long word or a URL).
    let cut = rest.lastIndexOf(' ', target);
    if (cut < target / 2) cut = target;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

function units(text: string, target: number): Unit[] {
  const out: Unit[] = [];
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    // Markdown headings start a new paragraph even without a blank line before them.
    .replace(/\n(?=#{1,6}\s)/g, '\n\n')
    .split(/\n\s*\n/);
  for (const p of paragraphs) {
    const flat = p.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    let first = true;
    for (const s of flat.split(SENTENCE_END)) {
      for (const piece of splitLong(s, target)) {
        out.push({ text: piece, para: first });
        first = false;
      }
    }
  }
  return out;
}

const join = (us: Unit[]): string =>
  us.map((u, i) => (i === 0 ? u.text : `${u.para ? '\n\n' : ' '}${u.text}`)).join('');

/** The tail of a chunk to repeat at the start of the next: whole trailing sentences, else trailing words. */
function overlapOf(us: Unit[], overlap: number): Unit[] {
  const tail: Unit[] = [];
  let len = 0;
  for (let i = us.length - 1; i >= 0; i--) {
    const u = us[i]!;
    if (len + u.text.length > overlap) break;
    tail.unshift(u);
    len += u.text.length + 1;
  }
  if (tail.length > 0 && tail.length < us.length)
    return tail.map((u, i) => ({ ...u, para: i === 0 ? false : u.para }));
  if (tail.length === us.length) return [];
  const last = us[us.length - 1];
  if (!last || overlap <= 0) return [];
  const words = last.text.slice(-overlap);
  const start = words.indexOf(' ');
  const piece = (start >= 0 ? words.slice(start + 1) : words).trim();
  return piece ? [{ text: `…${piece}`, para: false }] : [];
}

export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const target = options.target ?? 500;
  const overlap = options.overlap ?? 80;
  const all = units(text, target);
  const chunks: string[] = [];
  let current: Unit[] = [];
  let carried = 0;
  let len = 0;
  for (const u of all) {
    const add = u.text.length + (current.length > 0 ? 1 : 0);
    if (current.length > carried && len + add > target) {
      chunks.push(join(current));
      current = overlapOf(current, overlap);
      carried = current.length;
      len = current.reduce((s, x) => s + x.text.length + 1, 0);
    }
    current.push(u);
    len += add;
  }
  if (current.length > carried) chunks.push(join(current));
  return chunks;
}
