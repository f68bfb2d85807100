import type { Analyzer } from './analyzer/index.js';

/**
 * `phrase_match` on one VarChar field: a positional index over the field's rows, kept in flat typed
 * arrays (no per-token objects) and built on the first phrase_match of the field, so collections that
 * never ask for phrases pay nothing. It is derived from the stored text, so nothing is persisted:
 * a reopened collection rebuilds it on its first phrase query.
 *
 * Layout. Forward, appended as rows arrive: row r's tokens are `[rowStart[r], rowStart[r + 1])` of
 * `tokTerm` (term id) and `tokPos` (analyzer position, gaps where a filter dropped a token).
 * Inverted (term id → the rows that hold it, ascending), rebuilt from the forward arrays by a counting
 * sort when rows were added since the last phrase query: candidates come from the rarest query term.
 *
 * Matching is Tantivy's phrase query (what Milvus runs): positions of the i-th query term are shifted by
 * `maxQueryPos - queryPos_i`, so an exact phrase puts every term on one shifted position; slop is the
 * distance allowed between shifted positions, in either order (so "b a" needs slop 2 to match "a b").
 * See `phrasePositionsMatch`.
 */
export class PhraseIndex {
  private generation = Number.NaN;
  private rows = 0;
  private tokens = 0;
  private termIds = new Map<string, number>();
  private rowStart = new Uint32Array(65);
  private tokTerm = new Uint32Array(256);
  // VarChar holds at most 65535 bytes, so positions fit 16 bits; wider arrays only if one does not.
  private tokPos: Uint16Array | Uint32Array = new Uint16Array(256);
  /** Rows covered by the inverted arrays; -1 when they must be rebuilt. */
  private invertedRows = -1;
  private postStart = new Uint32Array(1);
  private postRows = new Uint32Array(0);
  private readonly scratch: number[] = [];

  constructor(private readonly analyzer: Analyzer) {}

  /** Bytes held in typed arrays (the term map aside): what the memory measurement reports. */
  get byteLength(): number {
    return (
      this.rowStart.byteLength +
      this.tokTerm.byteLength +
      this.tokPos.byteLength +
      this.postStart.byteLength +
      this.postRows.byteLength
    );
  }

  get tokenCount(): number {
    return this.tokens;
  }

  get termCount(): number {
    return this.termIds.size;
  }

  /**
   * Brings the index up to `texts` (the column's values over internal rows). Rows only ever append
   * within one `generation`; a new generation (compaction renumbered rows) starts over.
   */
  sync(texts: ArrayLike<string | null>, generation: number): void {
    if (generation !== this.generation || texts.length < this.rows) this.reset(generation);
    const n = texts.length;
    if (n === this.rows) return;
    if (this.rowStart.length < n + 1) this.rowStart = grow(this.rowStart, n + 1);
    const pos = this.scratch;
    for (let r = this.rows; r < n; r++) {
      const t = texts[r];
      if (typeof t === 'string' && t.length > 0) {
        const toks = this.analyzer.tokenize(t, pos);
        const need = this.tokens + toks.length;
        if (this.tokTerm.length < need) {
          this.tokTerm = grow(this.tokTerm, need);
          this.tokPos = grow(this.tokPos, need);
        }
        if (this.tokPos instanceof Uint16Array && pos.length > 0 && pos[pos.length - 1]! > 0xffff) {
          this.tokPos = Uint32Array.from(this.tokPos);
        }
        for (let i = 0; i < toks.length; i++) {
          const tok = toks[i]!;
          let id = this.termIds.get(tok);
          if (id === undefined) {
            id = this.termIds.size;
            this.termIds.set(tok, id);
          }
          this.tokTerm[this.tokens] = id;
          this.tokPos[this.tokens] = pos[i]!;
          this.tokens++;
        }
      }
      this.rowStart[r + 1] = this.tokens;
    }
    this.rows = n;
    this.invertedRows = -1;
  }

  /**
   * Rows (bit words over `0..rows-1`) whose text matches `query` within `slop`, as Milvus decides:
   * no query token matches nothing; one token matches every row that holds it (Milvus falls back
   * to text_match there); otherwise Tantivy's phrase query.
   */
  match(query: string, slop: number): Uint32Array {
    const out = new Uint32Array((this.rows + 31) >>> 5);
    const qPos: number[] = [];
    const qToks = this.analyzer.tokenize(query, qPos);
    const n = qToks.length;
    if (n === 0) return out;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = this.termIds.get(qToks[i]!);
      if (id === undefined) return out; // a term no row holds: no phrase can match
      ids[i] = id;
    }
    this.buildInverted();
    if (n === 1) {
      const id = ids[0]!;
      for (let p = this.postStart[id]!; p < this.postStart[id + 1]!; p++) {
        const r = this.postRows[p]!;
        out[r >>> 5]! |= 1 << (r & 31);
      }
      return out;
    }
    // Tantivy shifts each term by (max query position - its own); its Intersection then orders the
    // terms by document frequency (stable sort), and the phrase test walks them in that order, which
    // changes which sloppy phrases of three or more terms match. Dead rows count, as in Tantivy.
    const df = (id: number) => this.postStart[id + 1]! - this.postStart[id]!;
    let maxPos = 0;
    for (let i = 0; i < n; i++) maxPos = Math.max(maxPos, qPos[i]!);
    const order = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => qPos[a]! - qPos[b]!)
      .sort((a, b) => df(ids[a]!) - df(ids[b]!));
    const termOf = new Int32Array(n);
    const shift = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      termOf[k] = ids[i]!;
      shift[k] = maxPos - qPos[i]!;
    }
    const rarest = termOf[0]!;
    const lists: number[][] = Array.from({ length: n }, () => []);
    const s = Math.max(0, Math.floor(slop));
    for (let p = this.postStart[rarest]!; p < this.postStart[rarest + 1]!; p++) {
      const r = this.postRows[p]!;
      if (this.rowMatches(r, termOf, shift, lists, s)) out[r >>> 5]! |= 1 << (r & 31);
    }
    return out;
  }

  /**
   * `text_match`: rows (bit words over `0..rows-1`) holding at least `minimumShouldMatch` of the query's
   * distinct tokens, from the term → rows lists (no row's text is tokenized again).
   */
  matchAny(query: string, minimumShouldMatch: number): Uint32Array {
    const out = new Uint32Array((this.rows + 31) >>> 5);
    const wanted = new Set(this.analyzer.tokenize(query));
    // More required than the query has distinct tokens: nothing can match, as on the server.
    if (wanted.size === 0 || minimumShouldMatch > wanted.size) return out;
    const ids: number[] = [];
    for (const tok of wanted) {
      const id = this.termIds.get(tok);
      if (id !== undefined) ids.push(id);
    }
    if (ids.length < minimumShouldMatch) return out;
    this.buildInverted();
    if (minimumShouldMatch <= 1) {
      for (const id of ids) {
        for (let p = this.postStart[id]!; p < this.postStart[id + 1]!; p++) {
          const r = this.postRows[p]!;
          out[r >>> 5]! |= 1 << (r & 31);
        }
      }
      return out;
    }
    // A term is one posting per row, so a row's count is how many distinct query tokens it holds.
    const counts = new Uint16Array(this.rows);
    for (const id of ids) {
      for (let p = this.postStart[id]!; p < this.postStart[id + 1]!; p++) {
        const r = this.postRows[p]!;
        if (++counts[r]! === minimumShouldMatch) out[r >>> 5]! |= 1 << (r & 31);
      }
    }
    return out;
  }

  private rowMatches(
    r: number,
    termOf: Int32Array,
    shift: Uint32Array,
    lists: number[][],
    slop: number,
  ): boolean {
    const n = termOf.length;
    for (let k = 0; k < n; k++) lists[k]!.length = 0;
    const end = this.rowStart[r + 1]!;
    // Positions rise with token order, so each list comes out sorted.
    for (let t = this.rowStart[r]!; t < end; t++) {
      const id = this.tokTerm[t]!;
      for (let k = 0; k < n; k++) if (termOf[k] === id) lists[k]!.push(this.tokPos[t]! + shift[k]!);
    }
    for (let k = 0; k < n; k++) if (lists[k]!.length === 0) return false;
    return phrasePositionsMatch(lists, slop);
  }

  private buildInverted(): void {
    if (this.invertedRows === this.rows) return;
    const nTerms = this.termIds.size;
    const start = new Uint32Array(nTerms + 1);
    // Count each (term, row) once: a term repeated in a row is one posting.
    const lastRow = new Int32Array(nTerms).fill(-1);
    for (let r = 0; r < this.rows; r++) {
      for (let t = this.rowStart[r]!; t < this.rowStart[r + 1]!; t++) {
        const id = this.tokTerm[t]!;
        if (lastRow[id] !== r) {
          lastRow[id] = r;
          start[id + 1]!++;
        }
      }
    }
    for (let i = 0; i < nTerms; i++) start[i + 1]! += start[i]!;
    const rowsOut = new Uint32Array(start[nTerms]!);
    const fill = start.slice(0, nTerms);
    lastRow.fill(-1);
    for (let r = 0; r < this.rows; r++) {
      for (let t = this.rowStart[r]!; t < this.rowStart[r + 1]!; t++) {
        const id = this.tokTerm[t]!;
        if (lastRow[id] !== r) {
          lastRow[id] = r;
          rowsOut[fill[id]!++] = r;
        }
      }
    }
    this.postStart = start;
    this.postRows = rowsOut;
    this.invertedRows = this.rows;
  }

  private reset(generation: number): void {
    this.generation = generation;
    this.rows = 0;
    this.tokens = 0;
    this.termIds = new Map();
    this.rowStart = new Uint32Array(65);
    this.tokTerm = new Uint32Array(256);
    this.tokPos = new Uint16Array(256);
    this.invertedRows = -1;
    this.postStart = new Uint32Array(1);
    this.postRows = new Uint32Array(0);
  }
}

function grow<T extends Uint16Array | Uint32Array>(a: T, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Tantivy's phrase test on one document, as a search without scoring runs it (Milvus's bitset
 * collectors score nothing): `lists[k]` are the ascending shifted positions of the k-th query term,
 * at least two lists. With slop, a pair matches when its distance (either order) is at most `slop`;
 * the middle terms of longer phrases spend one slop budget between them (slop carried per position,
 * kept in a byte as Tantivy does), while the last term is checked against `slop` alone. Ported step
 * by step (Tantivy 0.20+, phrase_scorer.rs), quirks included, so results agree with the server.
 */
export function phrasePositionsMatch(lists: readonly (readonly number[])[], slop: number): boolean {
  const n = lists.length;
  let left = lists[0]!.slice();
  let leftSlops: number[] = [];
  for (let k = 1; k < n - 1; k++) {
    if (slop > 0) [left, leftSlops] = intersectCarryingSlop(left, leftSlops, lists[k]!, slop);
    else left = intersectExact(left, lists[k]!);
    if (left.length === 0) return false;
  }
  const last = lists[n - 1]!;
  return slop > 0 ? existsWithSlop(left, last, slop) : existsExact(left, last);
}

/** Tantivy's `intersection_count_with_carrying_slop` (with `update_left`): the new left positions and their slops so far. */
function intersectCarryingSlop(
  left: readonly number[],
  leftSlops: readonly number[],
  right: readonly number[],
  maxSlop: number,
): [number[], number[]] {
  const pos: number[] = [];
  const slops: number[] = [];
  if (left.length === 0 || right.length === 0) return [pos, slops];
  // Tantivy stores slops as u8; a repeated position keeps its smallest slop.
  const add = (s: number, v: number) => {
    const last = pos.length - 1;
    if (last >= 0 && pos[last] === v) slops[last] = Math.min(slops[last]!, s & 0xff);
    else {
      pos.push(v);
      slops.push(s & 0xff);
    }
  };
  let li = 0;
  let ri = 0;
  for (;;) {
    const lv = left[li]!;
    const soFar = leftSlops[li] ?? 0;
    const rv = right[ri]!;
    const distance = soFar + Math.abs(lv - rv);
    if (distance <= maxSlop) {
      const leftSmaller = lv < rv;
      const larger = leftSmaller ? rv : lv;
      const smallerList = leftSmaller ? left : right;
      let idx = leftSmaller ? li : ri;
      let newSlop = distance;
      add(newSlop, leftSmaller ? lv : rv);
      // Closer positions of the smaller side up to `larger` are kept too (the indexes do not move).
      while (idx + 1 < smallerList.length) {
        const next = smallerList[idx + 1]!;
        if (next > larger) break;
        idx++;
        newSlop = soFar + Math.abs(next - larger);
        add(newSlop, next);
      }
      add(newSlop, larger);
      li++;
      ri++;
    } else if (lv < rv) li++;
    else ri++;
    if (li >= left.length || ri >= right.length) {
      if (li >= left.length) {
        const lastLeft = left[left.length - 1]!;
        const lastSlop = leftSlops.length > 0 ? leftSlops[leftSlops.length - 1]! : 0;
        for (let j = ri; j < right.length; j++) {
          const s = Math.abs(lastLeft - right[j]!) + lastSlop;
          if (s <= maxSlop) add(s, right[j]!);
        }
      } else {
        const lastRight = right[right.length - 1]!;
        for (let j = li; j < left.length; j++) {
          const s = Math.abs(left[j]! - lastRight) + (leftSlops[j] ?? 0);
          if (s <= maxSlop) add(s, left[j]!);
        }
      }
      return [pos, slops];
    }
  }
}

function existsWithSlop(left: readonly number[], right: readonly number[], slop: number): boolean {
  let li = 0;
  let ri = 0;
  while (li < left.length && ri < right.length) {
    const l = left[li]!;
    const r = right[ri]!;
    if (Math.abs(l - r) <= slop) return true;
    if (l < r) li++;
    else ri++;
  }
  return false;
}

function intersectExact(left: readonly number[], right: readonly number[]): number[] {
  const out: number[] = [];
  let li = 0;
  let ri = 0;
  while (li < left.length && ri < right.length) {
    const l = left[li]!;
    const r = right[ri]!;
    if (l < r) li++;
    else if (l > r) ri++;
    else {
      out.push(l);
      li++;
      ri++;
    }
  }
  return out;
}

function existsExact(left: readonly number[], right: readonly number[]): boolean {
  let li = 0;
  let ri = 0;
  while (li < left.length && ri < right.length) {
    const l = left[li]!;
    const r = right[ri]!;
    if (l < r) li++;
    else if (l > r) ri++;
    else return true;
  }
  return false;
}
