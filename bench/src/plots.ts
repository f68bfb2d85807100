/** Small dependency-free SVG charts for BENCHMARKS.md. */
import type { Curve, Distribution } from './lib/types.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const r1 = (v: number) => Math.round(v * 10) / 10;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

const fmt = (v: number) =>
  v >= 1e6
    ? `${v / 1e6}M`
    : v >= 1e3
      ? `${v / 1e3}k`
      : v >= 1
        ? String(Math.round(v * 100) / 100)
        : String(Number(v.toPrecision(2)));

interface Frame {
  w: number;
  h: number;
  l: number;
  r: number;
  t: number;
  b: number;
}

function frame(title: string, f: Frame, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${f.w}" height="${f.h}" fill="white"/>`,
    `<text x="${f.w / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Recall (x, linear) vs throughput (y, log) curves, one line per series, points labelled. */
export function curveSvg(c: Curve): string {
  const f: Frame = { w: 760, h: 460, l: 70, r: 230, t: 34, b: 50 };
  const pts = c.series.flatMap((s) => s.points);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]).filter((y) => y > 0);
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x1 - x0 < 0.02) x0 = x1 - 0.02;
  x0 = Math.max(0, x0 - 0.01);
  x1 = Math.min(1, x1 + 0.005);
  const y0 = Math.min(...ys) / 1.3;
  const y1 = Math.max(...ys) * 1.3;
  const pw = f.w - f.l - f.r;
  const ph = f.h - f.t - f.b;
  const X = (x: number) => r1(f.l + ((x - x0) / (x1 - x0)) * pw);
  const Y = (y: number) =>
    r1(
      c.logY
        ? f.t + ph - ((Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * ph
        : f.t + ph - ((y - y0) / (y1 - y0)) * ph,
    );
  const body: string[] = [];
  body.push(`<rect x="${f.l}" y="${f.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const t of niceTicks(x0, x1)) {
    body.push(`<line x1="${X(t)}" y1="${f.t}" x2="${X(t)}" y2="${f.t + ph}" stroke="#eee"/>`);
    body.push(`<text x="${X(t)}" y="${f.t + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of c.logY ? logTicks(y0, y1) : niceTicks(y0, y1)) {
    body.push(`<line x1="${f.l}" y1="${Y(t)}" x2="${f.l + pw}" y2="${Y(t)}" stroke="#eee"/>`);
    body.push(`<text x="${f.l - 6}" y="${Y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  body.push(`<text x="${f.l + pw / 2}" y="${f.h - 12}" text-anchor="middle">${esc(c.x)}</text>`);
  body.push(
    `<text x="16" y="${f.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${f.t + ph / 2})">${esc(c.y)}${c.logY ? ' (log)' : ''}</text>`,
  );
  c.series.forEach((s, i) => {
    const col = COLORS[i % COLORS.length]!;
    const p = [...s.points].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    body.push(
      `<polyline fill="none" stroke="${col}" stroke-width="2" points="${p.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, y, label] of s.points) {
      body.push(
        `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3.5" fill="${col}"><title>${esc(`${s.name} ${label}: recall ${x}, ${y}`)}</title></circle>`,
      );
      if (i === 0)
        body.push(`<text x="${X(x) + 5}" y="${Y(y) - 5}" font-size="10" fill="${col}">${esc(label)}</text>`);
    }
    const ly = f.t + 10 + i * 20;
    body.push(`<rect x="${f.w - f.r + 14}" y="${ly - 9}" width="14" height="4" fill="${col}"/>`);
    body.push(`<text x="${f.w - f.r + 34}" y="${ly - 3}">${esc(s.name)}</text>`);
  });
  return frame(c.title, f, body);
}

/** Latency distributions as horizontal box plots (whiskers p5–p95, box p25–p75, median) on a log axis. */
export function distributionSvg(d: Distribution): string {
  const rowH = 34;
  const f: Frame = { w: 760, h: 0, l: 250, r: 30, t: 34, b: 44 };
  f.h = f.t + f.b + rowH * d.series.length;
  const pos = d.series.flatMap((s) => s.q.filter((v) => v > 0));
  const lo = Math.min(...pos) / 1.2;
  const hi = Math.max(...pos) * 1.2;
  const pw = f.w - f.l - f.r;
  const X = (v: number) =>
    f.l + ((Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * pw;
  const body: string[] = [];
  for (const t of logTicks(lo, hi)) {
    body.push(`<line x1="${X(t)}" y1="${f.t}" x2="${X(t)}" y2="${f.h - f.b}" stroke="#eee"/>`);
    body.push(`<text x="${X(t)}" y="${f.h - f.b + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  body.push(
    `<text x="${f.l + pw / 2}" y="${f.h - 10}" text-anchor="middle">${esc(d.unit)} (log); whiskers 5th–95th percentile, box 25th–75th, bar median</text>`,
  );
  d.series.forEach((s, i) => {
    const col = COLORS[i % COLORS.length]!;
    const cy = f.t + rowH * i + rowH / 2;
    const [p5, p25, p50, p75, p95] = [s.q[1]!, s.q[5]!, s.q[10]!, s.q[15]!, s.q[19]!];
    body.push(`<text x="${f.l - 8}" y="${cy + 4}" text-anchor="end">${esc(s.name)}</text>`);
    body.push(`<line x1="${X(p5)}" y1="${cy}" x2="${X(p95)}" y2="${cy}" stroke="${col}"/>`);
    body.push(`<line x1="${X(p5)}" y1="${cy - 6}" x2="${X(p5)}" y2="${cy + 6}" stroke="${col}"/>`);
    body.push(`<line x1="${X(p95)}" y1="${cy - 6}" x2="${X(p95)}" y2="${cy + 6}" stroke="${col}"/>`);
    body.push(
      `<rect x="${X(p25)}" y="${cy - 10}" width="${r1(Math.max(1, X(p75) - X(p25)))}" height="20" fill="${col}" fill-opacity="0.25" stroke="${col}"/>`,
    );
    body.push(
      `<line x1="${X(p50)}" y1="${cy - 10}" x2="${X(p50)}" y2="${cy + 10}" stroke="${col}" stroke-width="3"><title>${esc(`${s.name}: median ${p50} ${d.unit} (n=${s.n})`)}</title></line>`,
    );
  });
  return frame(d.title, f, body);
}
