/**
 * Prepares the demo's default corpus from WordNet 3.0 (Debian's `wordnet-base`):
 *
 *   <out>/wordnet.jsonl      one document per line: a synset's lemmas, definition and examples
 *   <out>/wordnet.f32        their all-MiniLM-L6-v2 embeddings, row i = line i, little-endian Float32
 *   <out>/wordnet.meta.json  count, dim, model, dtype, ids in row order, checksums of both files
 *
 * The page inserts these vectors as they are (no embedding at page load) and embeds only queries and
 * the user's own documents, with the same model and dtype, so both sides live in one vector space.
 *
 * Selection is deterministic and varied: synsets that are among the first senses of a lemma seen in
 * WordNet's sense-tagged corpora (familiar words), a fixed quota per part of speech, ordered by a hash
 * of their offset, plus a few anchors so that the obvious queries find something.
 *
 * Usage (see scripts/setup.d/30-corpus.sh):
 *   node scripts/corpus/run-ts.mjs scripts/corpus/prepare-corpus.ts \
 *     [--wordnet /usr/share/wordnet] [--models .cache/models] [--out .cache/corpus] [--count 6000]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultEmbeddingFunction, env as modelEnv } from '@elanus/model';

/** Written into the meta file; the page refuses a corpus whose format it does not know. */
export const CORPUS_FORMAT = 1;
const MODEL = 'sentence-transformers/all-MiniLM-L6-v2';
/** q8 is what @elanus/model picks on WASM in the browser; the page asks for it explicitly too. */
const DTYPE = 'q8';

interface Args {
  wordnet: string;
  models: string;
  out: string;
  count: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    wordnet: '/usr/share/wordnet',
    models: '.cache/models',
    out: '.cache/corpus',
    count: 6000,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`missing value after ${k}`);
    if (k === '--wordnet') a.wordnet = v;
    else if (k === '--models') a.models = v;
    else if (k === '--out') a.out = v;
    else if (k === '--count') a.count = Number(v);
    else throw new Error(`unknown argument ${k}`);
  }
  if (!Number.isInteger(a.count) || a.count < 100) throw new Error('--count must be an integer >= 100');
  return a;
}

// WordNet 3.0's lexicographer files, by number (lexnames(5WN)); the data files store only the number.
const LEXNAMES = [
  'adj.all',
  'adj.pert',
  'adv.all',
  'noun.Tops',
  'noun.act',
  'noun.animal',
  'noun.artifact',
  'noun.attribute',
  'noun.body',
  'noun.cognition',
  'noun.communication',
  'noun.event',
  'noun.feeling',
  'noun.food',
  'noun.group',
  'noun.location',
  'noun.motive',
  'noun.object',
  'noun.person',
  'noun.phenomenon',
  'noun.plant',
  'noun.possession',
  'noun.process',
  'noun.quantity',
  'noun.relation',
  'noun.shape',
  'noun.state',
  'noun.substance',
  'noun.time',
  'verb.body',
  'verb.change',
  'verb.cognition',
  'verb.communication',
  'verb.competition',
  'verb.consumption',
  'verb.contact',
  'verb.creation',
  'verb.emotion',
  'verb.motion',
  'verb.perception',
  'verb.possession',
  'verb.social',
  'verb.stative',
  'verb.weather',
  'adj.ppl',
] as const;

type PosFile = 'noun' | 'verb' | 'adj' | 'adv';
const POS_FILES: readonly PosFile[] = ['noun', 'verb', 'adj', 'adv'];
/** Share of the corpus per part of speech: roughly WordNet's own mix, with fewer nouns so every part shows. */
const QUOTA: Record<PosFile, number> = { noun: 0.56, verb: 0.2, adj: 0.17, adv: 0.07 };
/** sense_key ss_type numbers (senseidx(5WN)). */
const SS_TYPE_NUM: Record<string, number> = { n: 1, v: 2, a: 3, r: 4, s: 5 };
/** Familiar words whose first sense is always included, so the obvious first queries find something. */
const ANCHORS = [
  'dog',
  'cat',
  'horse',
  'bird',
  'fish',
  'tree',
  'flower',
  'ocean',
  'river',
  'mountain',
  'rain',
  'snow',
  'sun',
  'moon',
  'computer',
  'telephone',
  'car',
  'bicycle',
  'airplane',
  'ship',
  'bread',
  'cheese',
  'coffee',
  'wine',
  'music',
  'piano',
  'guitar',
  'painting',
  'book',
  'library',
  'doctor',
  'teacher',
  'lawyer',
  'king',
  'city',
  'house',
  'kitchen',
  'money',
  'bank',
  'war',
  'peace',
  'love',
  'fear',
  'happiness',
  'run',
  'swim',
  'sing',
  'cook',
  'write',
  'think',
  'happy',
  'sad',
  'fast',
  'quickly',
];

interface Synset {
  offset: string;
  /** n v a s r */
  ssType: string;
  posFile: PosFile;
  lexfile: string;
  lemmas: { word: string; lexId: number }[];
  /** `&` pointer target of a satellite adjective: its head synset's offset. */
  headOffset: string | undefined;
  definition: string;
  examples: string[];
}

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
  pos: 'noun' | 'verb' | 'adj' | 'adv';
  category: string;
  lemmas: string[];
  examples: number;
  freq: number;
  n_words: number;
}

function parseGloss(gloss: string): { definition: string; examples: string[] } {
  // `definition; more definition; "example one"; "example two"`: examples are the quoted parts.
  const firstQuote = gloss.search(/(^|;\s*)"/);
  const defPart = firstQuote < 0 ? gloss : gloss.slice(0, firstQuote);
  const examples =
    firstQuote < 0 ? [] : [...gloss.slice(firstQuote).matchAll(/"([^"]+)"/g)].map((m) => m[1]!.trim());
  const definition = defPart.replace(/[;\s]+$/, '').trim();
  return { definition, examples: examples.filter((e) => e.length > 0) };
}

function parseData(dir: string, posFile: PosFile): Synset[] {
  const out: Synset[] = [];
  const text = readFileSync(join(dir, `data.${posFile}`), 'latin1');
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('  ')) continue; // license header lines start with two spaces
    const bar = line.indexOf(' | ');
    const head = (bar < 0 ? line : line.slice(0, bar)).trim().split(' ');
    const gloss = bar < 0 ? '' : line.slice(bar + 3).trim();
    const [offset, lexNum, ssType, wHex] = head;
    if (!offset || !lexNum || !ssType || !wHex) continue;
    const wCnt = Number.parseInt(wHex, 16);
    const lemmas: Synset['lemmas'] = [];
    let p = 4;
    for (let i = 0; i < wCnt; i++, p += 2) {
      // Adjectives may carry a syntactic marker: `galore(ip)`.
      const word = (head[p] ?? '').replace(/\([a-z]+\)$/, '');
      lemmas.push({ word, lexId: Number.parseInt(head[p + 1] ?? '0', 16) });
    }
    const pCnt = Number.parseInt(head[p] ?? '0', 10);
    p++;
    let headOffset: string | undefined;
    for (let i = 0; i < pCnt; i++, p += 4) {
      if (ssType === 's' && head[p] === '&' && head[p + 2] === 'a') headOffset ??= head[p + 1];
    }
    const lexfile = LEXNAMES[Number(lexNum)];
    if (!lexfile) throw new Error(`unknown lexicographer file ${lexNum} in data.${posFile}`);
    out.push({ offset, ssType, posFile, lexfile, lemmas, headOffset, ...parseGloss(gloss) });
  }
  return out;
}

/** Lemma -> synset offsets in WordNet's sense order, and how many of its senses were seen in tagged text. */
function parseIndex(dir: string, posFile: PosFile): Map<string, { offsets: string[]; tagged: number }> {
  const map = new Map<string, { offsets: string[]; tagged: number }>();
  for (const line of readFileSync(join(dir, `index.${posFile}`), 'latin1').split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const f = line.trim().split(' ');
    const synsetCnt = Number(f[2]);
    const pCnt = Number(f[3]);
    const tagged = Number(f[5 + pCnt]);
    const offsets = f.slice(6 + pCnt, 6 + pCnt + synsetCnt);
    map.set(f[0]!, { offsets, tagged });
  }
  return map;
}

/** sense_key -> tag count, from cntlist.rev (how often the sense occurs in the sense-tagged corpora). */
function parseCounts(dir: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'cntlist.rev'), 'latin1').split('\n')) {
    const [key, , cnt] = line.split(' ');
    if (key && cnt) map.set(key, Number(cnt));
  }
  return map;
}

const hex2 = (n: number): string => n.toString().padStart(2, '0');

function senseKey(s: Synset, lemma: Synset['lemmas'][number], byOffset: Map<string, Synset>): string {
  const lexNum = LEXNAMES.indexOf(s.lexfile as (typeof LEXNAMES)[number]);
  let headPart = ':';
  if (s.ssType === 's' && s.headOffset) {
    const headSyn = byOffset.get(`a${s.headOffset}`);
    const h = headSyn?.lemmas[0];
    if (h) headPart = `${h.word.toLowerCase()}:${hex2(h.lexId)}`;
  }
  return `${lemma.word.toLowerCase()}%${SS_TYPE_NUM[s.ssType]}:${hex2(lexNum)}:${hex2(lemma.lexId)}:${headPart}`;
}

const rank = (s: string): string => createHash('sha1').update(s).digest('hex');

function selectAndBuild(dir: string, count: number): CorpusDoc[] {
  const counts = parseCounts(dir);
  const all: Synset[] = [];
  const byOffset = new Map<string, Synset>();
  const familiar = new Set<string>();
  const anchors = new Set<string>();
  for (const pf of POS_FILES) {
    const syns = parseData(dir, pf);
    for (const s of syns) {
      all.push(s);
      byOffset.set(`${s.ssType === 's' ? 'a' : s.ssType}${s.offset}`, s);
    }
    const letter = pf === 'noun' ? 'n' : pf === 'verb' ? 'v' : pf === 'adj' ? 'a' : 'r';
    for (const [lemma, { offsets, tagged }] of parseIndex(dir, pf)) {
      // The first two senses of a lemma seen in tagged text are the familiar ones.
      for (const o of offsets.slice(0, Math.min(2, tagged))) familiar.add(`${letter}${o}`);
      if (ANCHORS.includes(lemma) && offsets[0]) anchors.add(`${letter}${offsets[0]}`);
    }
  }
  const keyOf = (s: Synset): string => `${s.ssType === 's' ? 'a' : s.ssType}${s.offset}`;
  const chosen = new Set<string>(anchors);
  for (const pf of POS_FILES) {
    const want = Math.round(count * QUOTA[pf]);
    const pool = all
      .filter((s) => s.posFile === pf && familiar.has(keyOf(s)) && s.definition.length > 0)
      .sort((a, b) => (rank(keyOf(a)) < rank(keyOf(b)) ? -1 : 1));
    let have = [...chosen].filter((k) => byOffset.get(k)?.posFile === pf).length;
    for (const s of pool) {
      if (have >= want) break;
      if (!chosen.has(keyOf(s))) {
        chosen.add(keyOf(s));
        have++;
      }
    }
  }
  const picked = all.filter((s) => chosen.has(keyOf(s))).slice(0, count);
  return picked.map((s) => {
    const lemmas = s.lemmas.map((l) => l.word.replace(/_/g, ' '));
    const pos = s.posFile;
    const examples = s.examples.map((e) => `“${e}”`).join(' ');
    const text = `${lemmas.join(', ')} — ${s.definition}.${examples ? ` ${examples}` : ''}`;
    const freq = s.lemmas.reduce((sum, l) => sum + (counts.get(senseKey(s, l, byOffset)) ?? 0), 0);
    return {
      id: `wn-${s.ssType === 's' ? 'a' : s.ssType}-${s.offset}`,
      title: lemmas[0] ?? s.offset,
      text,
      pos,
      category: s.lexfile,
      lemmas: lemmas.slice(0, 8).map((l) => l.toLowerCase().slice(0, 64)),
      examples: s.examples.length,
      freq,
      n_words: text.split(/\s+/).filter(Boolean).length,
    };
  });
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes through a temporary name, so an interrupted run never leaves a half-written file in place. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = resolve(args.out);
  if (!existsSync(join(args.wordnet, 'data.noun'))) {
    throw new Error(`no WordNet data under ${args.wordnet} (apt-get install wordnet-base)`);
  }
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const docs = selectAndBuild(args.wordnet, args.count);
  const byPos: Record<string, number> = {};
  for (const d of docs) byPos[d.pos] = (byPos[d.pos] ?? 0) + 1;
  console.log(`[corpus] ${docs.length} synsets selected (${JSON.stringify(byPos)})`);
  const jsonl = `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`;

  modelEnv.allowRemoteModels = false;
  modelEnv.allowLocalModels = true;
  modelEnv.localModelPath = `${resolve(args.models)}/`;
  modelEnv.useIndexedDBCache = false;
  const ef = new DefaultEmbeddingFunction({ device: 'cpu', dtype: DTYPE, batch_size: 64 });
  const dim = ef.dim;
  const vectors = new Float32Array(docs.length * dim);
  let lastLog = 0;
  const t1 = performance.now();
  const rows = await ef.encodeDocuments(
    docs.map((d) => d.text),
    {
      onProgress: (e) => {
        if (e.stage !== 'encode' || performance.now() - lastLog < 5000) return;
        lastLog = performance.now();
        const rate = e.done / ((performance.now() - t1) / 1000);
        console.log(`[corpus] embedded ${e.done}/${e.total} (${rate.toFixed(0)} docs/s)`);
      },
    },
  );
  rows.forEach((r, i) => {
    vectors.set(r, i * dim);
  });
  await ef.dispose();
  const secs = (performance.now() - t1) / 1000;
  console.log(`[corpus] embedded ${docs.length} documents in ${secs.toFixed(1)} s`);

  // Float32Array is little-endian on every platform Node runs on here (x86-64, arm64).
  const bytes = new Uint8Array(vectors.buffer);
  const meta = {
    format: CORPUS_FORMAT,
    source: 'WordNet 3.0 (Princeton University), Debian package wordnet-base',
    license: 'WordNet 3.0 license (https://wordnet.princeton.edu/license-and-commercial-use)',
    count: docs.length,
    dim,
    model: MODEL,
    dtype: DTYPE,
    ids: docs.map((d) => d.id),
    jsonl_sha256: sha256(jsonl),
    f32_sha256: sha256(bytes),
  };
  writeAtomic(join(out, 'wordnet.jsonl'), jsonl);
  writeAtomic(join(out, 'wordnet.f32'), bytes);
  // The meta file goes last: its presence says the other two are complete.
  writeAtomic(join(out, 'wordnet.meta.json'), `${JSON.stringify(meta)}\n`);
  console.log(`[corpus] wrote ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
