/**
 * The tokenisation that Python's fast tokenizers do, for the models loaded by `ModelHandle` (SPLADE,
 * BGE-M3, cross-encoders).
 *
 * It is done here rather than by the tokenizer's own call because transformers.js truncates by cutting
 * the token list: it drops the closing special token and, for (query, document) pairs, does not apply
 * Hugging Face's `longest_first` / `only_second` strategies. The texts are tokenised without special
 * tokens, truncated as Hugging Face does, then wrapped in the tokenizer's own template (found by probing
 * it), so that the model sees exactly what the Python libraries feed it.
 */
import type { EncodedRow, LoadedModel, Template, TensorLike, TokenizerLike } from './types.js';

/**
 * The longest input: the tokenizer's `model_max_length`, bounded by the position table (RoBERTa-style
 * models start positions after the padding index). Tokenizers without a limit store a huge number.
 */
export function maxInputLength(tokenizer: TokenizerLike, config: Record<string, unknown>): number {
  let max =
    typeof tokenizer.model_max_length === 'number' && tokenizer.model_max_length > 0
      ? tokenizer.model_max_length
      : Infinity;
  const positions = config.max_position_embeddings;
  if (typeof positions === 'number' && positions > 0) {
    const type = String(config.model_type ?? '');
    const offset =
      /roberta|camembert/.test(type) && typeof config.pad_token_id === 'number' ? config.pad_token_id + 1 : 0;
    max = Math.min(max, positions - offset);
  }
  return Number.isFinite(max) ? max : 512;
}

function indexOfRun(haystack: number[], needle: number[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const firstRow = (v: number[] | number[][] | undefined): number[] | undefined =>
  v === undefined ? undefined : Array.isArray(v[0]) ? (v[0] as number[]) : (v as number[]);

/** Finds the special tokens the tokenizer puts around one text and around a pair, by encoding probes. */
export function probeTemplate(tok: TokenizerLike): Template {
  const A = 'hello';
  const B = 'world';
  const a = tok.encode(A, { add_special_tokens: false });
  const b = tok.encode(B, { add_special_tokens: false });
  if (a.length === 0 || b.length === 0) throw new Error('probe texts encode to nothing');
  const single = tok.encode(A);
  const at = indexOfRun(single, a, 0);
  if (at < 0) throw new Error('cannot find the text inside its encoding');
  const pairEnc = tok(A, { text_pair: B, return_tensor: false, return_token_type_ids: true, padding: false });
  const pair = firstRow(pairEnc.input_ids) ?? [];
  const types = firstRow(pairEnc.token_type_ids) ?? pair.map(() => 0);
  const pa = indexOfRun(pair, a, 0);
  const pb = pa < 0 ? -1 : indexOfRun(pair, b, pa + a.length);
  if (pb < 0) throw new Error('cannot find the texts inside the encoding of a pair');
  return {
    single: { prefix: single.slice(0, at), suffix: single.slice(at + a.length) },
    pair: {
      prefix: pair.slice(0, pa),
      middle: pair.slice(pa + a.length, pb),
      suffix: pair.slice(pb + b.length),
      types: {
        prefix: types.slice(0, pa),
        a: types[pa] ?? 0,
        middle: types.slice(pa + a.length, pb),
        b: types[pb] ?? 0,
        suffix: types.slice(pb + b.length),
      },
    },
  };
}

/** Tokenises single texts as Hugging Face does with `truncation=True, max_length`. */
export function encodeSingles(m: LoadedModel, texts: string[], maxLength: number): EncodedRow[] {
  const { prefix, suffix } = m.template.single;
  const budget = Math.max(0, maxLength - prefix.length - suffix.length);
  return texts.map((t) => {
    const ids = [
      ...prefix,
      ...m.tokenizer.encode(t, { add_special_tokens: false }).slice(0, budget),
      ...suffix,
    ];
    return { ids, types: ids.map(() => 0) };
  });
}

/**
 * How a pair is shortened to fit: `longest_first` (sentence-transformers' CrossEncoder: Hugging Face's
 * default), or FlagEmbedding's reranker: the query cut to `query_max_length` first, then `only_second`.
 */
export type PairTruncation =
  | { strategy: 'longest_first' }
  | { strategy: 'only_second'; query_max_length: number };

/** Tokenises (query, document) pairs with the tokenizer's pair template. */
export function encodePairs(
  m: LoadedModel,
  query: string,
  documents: string[],
  maxLength: number,
  truncation: PairTruncation,
): EncodedRow[] {
  const t = m.template.pair;
  const budget = Math.max(0, maxLength - t.prefix.length - t.middle.length - t.suffix.length);
  let q = m.tokenizer.encode(query, { add_special_tokens: false });
  if (truncation.strategy === 'only_second') q = q.slice(0, Math.min(truncation.query_max_length, budget));
  return documents.map((doc) => {
    let d = m.tokenizer.encode(doc, { add_special_tokens: false });
    let qq = q;
    if (qq.length + d.length > budget) {
      if (truncation.strategy === 'only_second') d = d.slice(0, budget - qq.length);
      else [qq, d] = longestFirst(qq, d, budget);
    }
    const ids = [...t.prefix, ...qq, ...t.middle, ...d, ...t.suffix];
    const types = [
      ...t.types.prefix,
      ...qq.map(() => t.types.a),
      ...t.types.middle,
      ...d.map(() => t.types.b),
      ...t.types.suffix,
    ];
    return { ids, types };
  });
}

/**
 * Hugging Face tokenizers' `longest_first` for a pair over `target` tokens: when the shorter sequence
 * fits in half, only the longer one is cut; otherwise both get half (the longer one the odd token).
 */
function longestFirst(a: number[], b: number[], target: number): [number[], number[]] {
  const swap = a.length > b.length;
  const short = swap ? b.length : a.length;
  let nShort = short;
  let nLong = short > target ? short : Math.max(short, target - short);
  if (nShort + nLong > target) {
    nShort = Math.floor(target / 2);
    nLong = nShort + (target % 2);
  }
  return swap ? [a.slice(0, nLong), b.slice(0, nShort)] : [a.slice(0, nShort), b.slice(0, nLong)];
}

/**
 * Pads rows (right side) into input_ids / attention_mask / token_type_ids tensors. The pad id is the
 * tokenizer's, else 0 (the value is masked out anyway).
 */
export function toTensors(m: LoadedModel, rows: EncodedRow[]): Record<string, TensorLike> {
  const padId = m.tokenizer.pad_token_id ?? 0;
  const seq = Math.max(...rows.map((r) => r.ids.length));
  const n = rows.length * seq;
  const ids = new BigInt64Array(n).fill(BigInt(padId));
  const mask = new BigInt64Array(n);
  const types = new BigInt64Array(n);
  rows.forEach((r, i) => {
    for (let t = 0; t < r.ids.length; t++) {
      ids[i * seq + t] = BigInt(r.ids[t]!);
      mask[i * seq + t] = 1n;
      types[i * seq + t] = BigInt(r.types[t]!);
    }
  });
  const dims = [rows.length, seq];
  const out: Record<string, TensorLike> = {
    input_ids: new m.Tensor('int64', ids, dims),
    attention_mask: new m.Tensor('int64', mask, dims),
  };
  if (m.wantsTokenTypes) out.token_type_ids = new m.Tensor('int64', types, dims);
  return out;
}
