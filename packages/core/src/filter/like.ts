/**
 * SQL LIKE matching as Milvus has it: `%` matches any run of characters, `_` exactly one
 * character (code point). A backslash makes a following `%`, `_` or backslash literal; before any
 * other character it is a literal backslash (as in current Milvus).
 *
 * No regular expressions and no backtracking: the pattern is split at `%` into segments; the
 * first and last are anchored, the middle ones are found leftmost-first in order, which is exact
 * for this pattern language. Work is O(text × segment) at worst and O(text) for literal segments,
 * so `%a%a%a%a%b` over a long string is linear.
 */

/** A segment item: a literal run, or null for `_` (one code point). */
type Item = string | null;
type Segment = Item[];

export type LikeKind = 'exact' | 'prefix' | 'suffix' | 'contains' | 'always' | 'general';

export interface LikeMatcher {
  kind: LikeKind;
  /** The literal for the exact/prefix/suffix/contains fast paths. */
  literal: string;
  test(s: string): boolean;
}

const STAR = Symbol('star');

function tokens(pattern: string): (string | null | typeof STAR)[] {
  const out: (string | null | typeof STAR)[] = [];
  let lit = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    // A backslash escapes a wildcard or another backslash; before anything else it is literal.
    const nx = pattern[i + 1];
    if (ch === '\\' && (nx === '%' || nx === '_' || nx === '\\')) {
      lit += nx;
      i++;
      continue;
    }
    if (ch === '%' || ch === '_') {
      if (lit) out.push(lit);
      lit = '';
      // Consecutive `%` are one.
      if (ch === '%') {
        if (out[out.length - 1] !== STAR) out.push(STAR);
      } else out.push(null);
      continue;
    }
    lit += ch;
  }
  if (lit) out.push(lit);
  return out;
}

/** Compiles a LIKE pattern into a matcher with fast paths for the common shapes. */
export function compileLike(pattern: string): LikeMatcher {
  const toks = tokens(pattern);
  const anchoredStart = toks[0] !== STAR;
  const anchoredEnd = toks[toks.length - 1] !== STAR;
  const segs: Segment[] = [];
  let cur: Segment = [];
  for (const t of toks) {
    if (t === STAR) {
      if (cur.length) segs.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) segs.push(cur);
  const pureLiteral = (s: Segment): s is string[] => s.length === 1 && typeof s[0] === 'string';

  if (segs.length === 0) {
    // '' matches only ''; any pattern made of `%` matches everything.
    if (anchoredStart && anchoredEnd) return { kind: 'exact', literal: '', test: (s) => s === '' };
    return { kind: 'always', literal: '', test: () => true };
  }
  if (segs.length === 1 && pureLiteral(segs[0]!)) {
    const lit = segs[0][0]!;
    if (anchoredStart && anchoredEnd) return { kind: 'exact', literal: lit, test: (s) => s === lit };
    if (anchoredStart) return { kind: 'prefix', literal: lit, test: (s) => s.startsWith(lit) };
    if (anchoredEnd) return { kind: 'suffix', literal: lit, test: (s) => s.endsWith(lit) };
    return { kind: 'contains', literal: lit, test: (s) => s.includes(lit) };
  }
  const lastCp = cpLength(segs[segs.length - 1]!);
  return {
    kind: 'general',
    literal: '',
    test: (s) => matchGeneral(s, segs, anchoredStart, anchoredEnd, lastCp),
  };
}

function cpLength(seg: Segment): number {
  let n = 0;
  for (const it of seg) {
    if (it === null) n++;
    else for (const _ of it) n++;
  }
  return n;
}

/** Matches `seg` at `p`; returns the end offset or -1. `_` consumes a whole surrogate pair. */
function matchAt(s: string, p: number, seg: Segment): number {
  for (let k = 0; k < seg.length; k++) {
    const it = seg[k];
    if (it === null || it === undefined) {
      if (p >= s.length) return -1;
      p += isPairAt(s, p) ? 2 : 1;
    } else {
      if (!s.startsWith(it, p)) return -1;
      p += it.length;
    }
  }
  return p;
}

function isPairAt(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = s.charCodeAt(p + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

/** Leftmost occurrence of `seg` at or after `from` ending by `limit`: [start, end] or undefined. */
function find(s: string, from: number, seg: Segment, limit: number): [number, number] | undefined {
  const head = seg[0];
  if (seg.length === 1 && typeof head === 'string') {
    const i = s.indexOf(head, from);
    return i >= 0 && i + head.length <= limit ? [i, i + head.length] : undefined;
  }
  let p = from;
  while (p <= limit) {
    // Jump straight to candidates of a literal head instead of trying every offset.
    if (typeof head === 'string') {
      p = s.indexOf(head, p);
      if (p < 0 || p > limit) return undefined;
    }
    const e = matchAt(s, p, seg);
    if (e >= 0 && e <= limit) return [p, e];
    if (p >= s.length) return undefined;
    p += isPairAt(s, p) ? 2 : 1;
  }
  return undefined;
}

function matchGeneral(s: string, segs: Segment[], aStart: boolean, aEnd: boolean, lastCp: number): boolean {
  let first = 0;
  let last = segs.length;
  let pos = 0;
  let limit = s.length;
  if (aStart && aEnd && segs.length === 1) return matchAt(s, 0, segs[0]!) === s.length;
  if (aStart) {
    const e = matchAt(s, 0, segs[0]!);
    if (e < 0) return false;
    pos = e;
    first = 1;
  }
  if (aEnd) {
    // The last segment has a fixed length in code points, so its start is fixed too.
    let st = s.length;
    for (let k = 0; k < lastCp; k++) {
      if (st <= 0) return false;
      st -= st >= 2 && isPairAt(s, st - 2) ? 2 : 1;
    }
    if (st < pos || matchAt(s, st, segs[segs.length - 1]!) !== s.length) return false;
    limit = st;
    last = segs.length - 1;
  }
  for (let k = first; k < last; k++) {
    const r = find(s, pos, segs[k]!, limit);
    if (!r) return false;
    pos = r[1];
  }
  return true;
}
