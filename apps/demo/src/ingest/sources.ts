/** Turns what the user gives (pasted text, .txt / .md / .jsonl files) into titled documents. */

export interface SourceDoc {
  title: string;
  text: string;
  /** txt | md | jsonl | paste: kept as the chunks' category (user.md...). */
  kind: string;
}

export const ACCEPTED = ['.txt', '.md', '.markdown', '.jsonl', '.ndjson'];
/** A guard against dropping a whole book by mistake: embedding runs at tens of chunks per second here. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const TEXT_KEYS = ['text', 'content', 'body', 'passage', 'document'];
const TITLE_KEYS = ['title', 'name', 'id'];

function pick(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === 'string' && v.trim()) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/** One document per line: a JSON string, or an object with a text field (and optionally a title). */
export function parseJsonl(name: string, content: string): { docs: SourceDoc[]; skipped: number } {
  const docs: SourceDoc[] = [];
  let skipped = 0;
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line) as unknown;
      const text =
        typeof v === 'string'
          ? v
          : v && typeof v === 'object'
            ? pick(v as Record<string, unknown>, TEXT_KEYS)
            : undefined;
      if (!text) {
        skipped++;
        return;
      }
      const title =
        (v && typeof v === 'object' ? pick(v as Record<string, unknown>, TITLE_KEYS) : undefined) ??
        `${name} #${i + 1}`;
      docs.push({ title, text, kind: 'jsonl' });
    } catch {
      skipped++;
    }
  });
  return { docs, skipped };
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

export async function readFiles(files: Iterable<File>): Promise<{ docs: SourceDoc[]; problems: string[] }> {
  const docs: SourceDoc[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const ext = extensionOf(f.name);
    if (!ACCEPTED.includes(ext)) {
      problems.push(`${f.name}: not a ${ACCEPTED.join(' / ')} file`);
      continue;
    }
    if (f.size > MAX_FILE_BYTES) {
      problems.push(`${f.name}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
      continue;
    }
    const content = await f.text();
    if (ext === '.jsonl' || ext === '.ndjson') {
      const r = parseJsonl(f.name, content);
      docs.push(...r.docs);
      if (r.skipped > 0) problems.push(`${f.name}: ${r.skipped} line(s) without text skipped`);
    } else if (content.trim()) {
      docs.push({ title: f.name, text: content, kind: ext === '.txt' ? 'txt' : 'md' });
    }
  }
  return { docs, problems };
}

/** A title for pasted text: its first words. */
export function pastedTitle(text: string): string {
  const words = text.trim().split(/\s+/).slice(0, 8).join(' ');
  return words.length > 60 ? `${words.slice(0, 57)}…` : words || 'Pasted text';
}
