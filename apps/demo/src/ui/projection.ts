/**
 * A 2-D picture of the embedding space: the first two principal components of a sample of the stored
 * vectors (power iteration on the centred sample; no library), with the query and its hits projected
 * onto the same plane. Neighbours in 384 dimensions are not always neighbours in two, and the picture
 * says so by showing where each hit really lands.
 */

export interface SamplePoint {
  vector: Float32Array;
  pos: string;
  title: string;
}

export interface MarkedHit {
  rank: number;
  vector: Float32Array;
  pos: string;
  title: string;
}

const SVG = 'http://www.w3.org/2000/svg';
const W = 340;
const H = 250;
const PAD = 12;
const POS_LABELS: Array<[string, string]> = [
  ['noun', 'nouns'],
  ['verb', 'verbs'],
  ['adj', 'adjectives'],
  ['adv', 'adverbs'],
  ['text', 'your documents'],
];

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export class Projection {
  private constructor(
    private readonly mean: Float64Array,
    private readonly axes: [Float64Array, Float64Array],
  ) {}

  /** Fits the two leading principal axes of `vectors` (deterministic: fixed start vectors). */
  static fit(vectors: Float32Array[]): Projection {
    const n = vectors.length;
    const d = vectors[0]?.length ?? 0;
    const mean = new Float64Array(d);
    for (const v of vectors) for (let k = 0; k < d; k++) mean[k]! += v[k]! / n;
    const X = new Float64Array(n * d);
    vectors.forEach((v, i) => {
      for (let k = 0; k < d; k++) X[i * d + k] = v[k]! - mean[k]!;
    });
    const axes: Float64Array[] = [];
    for (let c = 0; c < 2; c++) {
      let a = new Float64Array(d).map((_, k) => Math.sin(k * (c + 1) + 1));
      for (let iter = 0; iter < 80; iter++) {
        // a <- Xᵀ X a, kept orthogonal to the axes already found.
        const next = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          let dot = 0;
          for (let k = 0; k < d; k++) dot += X[i * d + k]! * a[k]!;
          for (let k = 0; k < d; k++) next[k]! += dot * X[i * d + k]!;
        }
        for (const prev of axes) {
          let p = 0;
          for (let k = 0; k < d; k++) p += next[k]! * prev[k]!;
          for (let k = 0; k < d; k++) next[k]! -= p * prev[k]!;
        }
        let norm = 0;
        for (let k = 0; k < d; k++) norm += next[k]! * next[k]!;
        norm = Math.sqrt(norm) || 1;
        for (let k = 0; k < d; k++) next[k]! /= norm;
        a = next;
      }
      axes.push(a);
    }
    return new Projection(mean, [axes[0]!, axes[1]!]);
  }

  project(v: Float32Array): [number, number] {
    const out: [number, number] = [0, 0];
    for (let c = 0; c < 2; c++) {
      const a = this.axes[c]!;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (v[k]! - this.mean[k]!) * a[k]!;
      out[c] = s;
    }
    return out;
  }
}

export interface MapView {
  render(query: Float32Array | undefined, hits: MarkedHit[]): void;
}

/** Draws the sample once; `render` redraws only the query layer. */
export function createMap(host: HTMLElement, sample: SamplePoint[]): MapView {
  host.replaceChildren();
  if (sample.length < 10) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = 'Not enough documents to draw yet.';
    host.append(p);
    return { render: () => {} };
  }
  const proj = Projection.fit(sample.map((s) => s.vector));
  const pts = sample.map((s) => proj.project(s.vector));
  // Bounds from the 1st to 99th percentile: one outlier should not squash the rest into a corner.
  const pct = (vals: number[], q: number): number =>
    vals.sort((a, b) => a - b)[Math.floor(q * (vals.length - 1))]!;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = [pct([...xs], 0.01), pct([...xs], 0.99)];
  const [y0, y1] = [pct([...ys], 0.01), pct([...ys], 0.99)];
  const sx = (x: number): number =>
    PAD + ((Math.min(Math.max(x, x0), x1) - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number): number =>
    H - PAD - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  const color = (pos: string): string => `var(--${POS_LABELS.some(([p]) => p === pos) ? pos : 'text'})`;

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'map-title map-desc' });
  const title = svg('title', { id: 'map-title' });
  title.textContent = 'Embedding map';
  const desc = svg('desc', { id: 'map-desc' });
  desc.textContent = `${sample.length} sampled documents projected on two principal components.`;
  root.append(title, desc);
  const base = svg('g', {});
  pts.forEach((p, i) => {
    base.append(
      svg('circle', {
        class: 'pt',
        cx: sx(p[0]).toFixed(1),
        cy: sy(p[1]).toFixed(1),
        r: 1.7,
        fill: color(sample[i]!.pos),
      }),
    );
  });
  const overlay = svg('g', {});
  root.append(base, overlay);
  host.replaceChildren(root);

  const legend = document.createElement('ul');
  legend.className = 'legend';
  for (const [pos, label] of POS_LABELS) {
    if (!sample.some((s) => s.pos === pos)) continue;
    const li = document.createElement('li');
    li.style.color = color(pos);
    const dot = document.createElement('i');
    const span = document.createElement('span');
    span.textContent = label;
    span.style.color = 'var(--muted)';
    li.append(dot, span);
    legend.append(li);
  }
  host.append(legend);

  return {
    render(query, hits) {
      overlay.replaceChildren();
      if (!query && hits.length === 0) {
        desc.textContent = `${sample.length} sampled documents projected on two principal components.`;
        return;
      }
      // A BM25 search has no query vector: its hits are drawn alone.
      const q = query ? proj.project(query) : undefined;
      const qx = q ? sx(q[0]) : 0;
      const qy = q ? sy(q[1]) : 0;
      const g = svg('g', {});
      if (q) {
        for (const h of hits) {
          const [hx, hy] = proj.project(h.vector);
          g.append(svg('line', { class: 'link', x1: qx, y1: qy, x2: sx(hx), y2: sy(hy) }));
        }
      }
      // Worst rank first, so the best hit is drawn on top.
      for (const h of [...hits].reverse()) {
        const [hx, hy] = proj.project(h.vector);
        const dot = svg('g', { class: 'hitpt' });
        const t = svg('title', {});
        t.textContent = `#${h.rank} ${h.title}`;
        dot.append(
          t,
          svg('circle', { cx: sx(hx).toFixed(1), cy: sy(hy).toFixed(1), r: 6, fill: color(h.pos) }),
          Object.assign(svg('text', { x: sx(hx).toFixed(1), y: sy(hy).toFixed(1) }), {
            textContent: String(h.rank),
          }),
        );
        g.append(dot);
      }
      if (q) {
        const r = 6.5;
        const marker = svg('path', {
          class: 'qpt',
          d: `M${qx} ${qy - r}L${qx + r} ${qy}L${qx} ${qy + r}L${qx - r} ${qy}Z`,
        });
        const qt = svg('title', {});
        qt.textContent = 'query';
        marker.append(qt);
        g.append(marker);
      }
      overlay.append(g);
      desc.textContent = `${q ? 'The query and its' : 'The'} ${hits.length} hits over ${sample.length} sampled documents.`;
    },
  };
}
