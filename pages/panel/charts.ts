/**
 * Small hand-made SVG charts: elements made with createElementNS and text set through
 * textContent, like pages/shared/dom.ts, so no chart library is bundled. Each chart is a
 * `<figure>` whose SVG has a title and description, and a table of the same numbers for screen
 * readers and for anyone who wants the exact values.
 */
import { el } from '../shared/dom.js';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attributes: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

export interface Series {
  name: string;
  /** A CSS class that sets the fill (style.css), so colours stay in one place. */
  className: string;
  values: number[];
}

export interface BarChartOptions {
  id: string;
  title: string;
  description: string;
  labels: string[];
  series: Series[];
  /** Stacked (one bar per label) or grouped (one bar per series). */
  stacked: boolean;
  /** A fixed top of the scale (24 for hours of a day); otherwise the largest value. */
  max?: number;
  unit?: string;
}

// The SVG holds only bars and grid lines and stretches to its box; the numbers around it are
// HTML, so their text keeps its size at any width (a scaled SVG's labels shrink to nothing at 390 px).
const W = 600;
const H = 200;

function niceMax(n: number): number {
  if (n <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
}

export function barChart(o: BarChartOptions): HTMLElement {
  const totals = o.labels.map((_, i) =>
    o.stacked ? o.series.reduce((n, s) => n + (s.values[i] ?? 0), 0) : Math.max(0, ...o.series.map((s) => s.values[i] ?? 0)),
  );
  const top = o.max ?? niceMax(Math.max(0, ...totals));
  const slot = W / Math.max(1, o.labels.length);
  const y = (v: number) => H - (v / top) * H;
  const grid: SVGElement[] = [0, 0.5, 1].map((f) =>
    svg('line', { class: 'gridline', x1: 0, x2: W, y1: y(top * f), y2: y(top * f), 'vector-effect': 'non-scaling-stroke' }),
  );
  const bars: SVGElement[] = [];
  o.labels.forEach((label, i) => {
    const x0 = i * slot;
    if (o.stacked) {
      let base = 0;
      for (const s of o.series) {
        const v = s.values[i] ?? 0;
        if (v <= 0) continue;
        bars.push(
          svg(
            'rect',
            { class: s.className, x: x0 + slot * 0.15, width: slot * 0.7, y: y(base + v), height: y(base) - y(base + v) },
            svg('title', {}, `${label}: ${v} ${s.name}`),
          ),
        );
        base += v;
      }
    } else {
      const w = (slot * 0.8) / o.series.length;
      o.series.forEach((s, j) => {
        const v = s.values[i] ?? 0;
        if (v <= 0) return;
        bars.push(
          svg(
            'rect',
            { class: s.className, x: x0 + slot * 0.1 + j * w, width: w * 0.9, y: y(v), height: y(0) - y(v) },
            svg('title', {}, `${label}: ${v} ${s.name}`),
          ),
        );
      });
    }
  });
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${o.id}-t ${o.id}-d`, class: 'chart', preserveAspectRatio: 'none' },
    svg('title', { id: `${o.id}-t` }, o.title),
    svg('desc', { id: `${o.id}-d` }, o.description),
    ...grid,
    ...bars,
  );
  const yAxis = el('div', { class: 'y-axis', 'aria-hidden': 'true' }, ...[1, 0.5, 0].map((f) => el('span', {}, String(Math.round(top * f * 10) / 10))));
  // Every label when they fit, otherwise every other one (always the latest day).
  const last = o.labels.length - 1;
  const xAxis = el(
    'div',
    { class: `x-axis x-${o.labels.length}`, 'aria-hidden': 'true' },
    ...o.labels.map((label, i) => el('span', {}, o.labels.length <= 7 || (last - i) % 2 === 0 ? label : '')),
  );
  const legend = el(
    'ul',
    { class: 'legend' },
    ...o.series.map((s) => el('li', {}, el('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), s.name)),
  );
  const table = el(
    'table',
    { class: 'data' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Day'), ...o.series.map((s) => el('th', { scope: 'col' }, s.name)))),
    el(
      'tbody',
      {},
      ...o.labels.map((label, i) =>
        el('tr', {}, el('th', { scope: 'row' }, label), ...o.series.map((s) => el('td', { class: 'num' }, String(s.values[i] ?? 0)))),
      ),
    ),
  );
  return el(
    'figure',
    { class: 'figure', id: o.id },
    el('figcaption', {}, o.title, o.unit ? el('span', { class: 'muted' }, ` (${o.unit})`) : null),
    el('div', { class: 'plot' }, yAxis, chart as unknown as Node),
    xAxis,
    legend,
    el('details', {}, el('summary', {}, 'Show the numbers'), el('div', { class: 'table-wrap' }, table)),
  );
}
