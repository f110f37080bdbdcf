/**
 * Hand-made charts: horizontal bars as HTML (they reflow at phone width and keep their text
 * readable), time series as SVG drawn with createElementNS. Every text goes in through
 * textContent (dom.ts or `svgText`), never markup. Each chart comes with its numbers as a table.
 */
import { el, type Child } from '../shared/dom.js';

const NS = 'http://www.w3.org/2000/svg';
/** Okabe–Ito: distinguishable with the common colour-vision deficiencies, all readable on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8C6D1F'];

export const integer = (n: number) => n.toLocaleString('en-US');
export const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  ...children: (SVGElement | null)[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function svgText(attributes: Record<string, string | number>, text: string): SVGTextElement {
  const node = svg('text', attributes);
  node.textContent = text;
  return node;
}

/** Sets styles through the CSSOM: the page's Content-Security-Policy refuses inline style attributes. */
function styled<T extends HTMLElement>(node: T, styles: Partial<Record<'width' | 'background', string>>): T {
  Object.assign(node.style, styles);
  return node;
}

/** A table of the chart's numbers, inside a disclosure so the page stays short; `data-chart-table` marks it for tests and readers. */
export function numbersTable(caption: string, head: string[], rows: Child[][]): HTMLElement {
  return el(
    'details',
    { class: 'numbers' },
    el('summary', {}, 'Numbers as a table'),
    el(
      'table',
      { 'data-chart-table': '' },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))),
    ),
  );
}

export interface Bar {
  label: string;
  value: number;
  /** What the bar shows next to it, e.g. "1,234 (12.3 %)". */
  text: string;
}

/** Horizontal bars scaled to the largest value; the list itself is hidden from screen readers, which read the table. */
export function barList(bars: Bar[]): HTMLElement {
  const max = Math.max(1, ...bars.map((b) => b.value));
  if (!bars.length) return el('p', { class: 'empty' }, 'Nothing to show yet: no group reaches the threshold.');
  return el(
    'ul',
    { class: 'bars', 'aria-hidden': 'true' },
    ...bars.map((b, i) =>
      el(
        'li',
        {},
        el('span', { class: 'bar-label', title: b.label }, b.label),
        el(
          'span',
          { class: 'bar-track' },
          styled(el('span', { class: 'bar' }), { width: `${((b.value / max) * 100).toFixed(2)}%`, background: PALETTE[i % PALETTE.length]! }),
        ),
        el('span', { class: 'bar-value' }, b.text),
      ),
    ),
  );
}

export interface Series {
  name: string;
  /** One value per x label; null leaves a gap. */
  values: (number | null)[];
}

const W = 640;
const H = 240;
const PAD = { left: 66, right: 12, top: 14, bottom: 44 };

/** A column chart (one series) or a line chart (several), with a few labelled ticks on each axis. */
export function timeChart(
  title: string,
  labels: string[],
  series: Series[],
  o: { kind: 'columns' | 'lines'; format: (n: number) => string; min?: number; max?: number },
): SVGSVGElement {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const lo = Math.min(o.min ?? 0, ...all);
  const hi = Math.max(o.max ?? 0, ...all, lo + 1e-9);
  const x = (i: number) => PAD.left + ((i + 0.5) / labels.length) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart' });
  root.appendChild(svg('title', {})).textContent = title;
  // Three ticks, fewer when small ranges would print the same label twice (0, 1, 1).
  const ticks = new Map([lo, (lo + hi) / 2, hi].map((v) => [o.format(v), v]));
  for (const v of ticks.values()) {
    root.appendChild(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    root.appendChild(svgText({ x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, o.format(v)));
  }
  if (lo < 0) root.appendChild(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'zero' }));
  const step = Math.max(1, Math.ceil(labels.length / 4));
  labels.forEach((label, i) => {
    if (i % step === 0 || i === labels.length - 1) root.appendChild(svgText({ x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'tick' }, label.slice(5)));
  });
  const band = (W - PAD.left - PAD.right) / labels.length;
  series.forEach((s, n) => {
    const colour = PALETTE[n % PALETTE.length]!;
    if (o.kind === 'columns') {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const top = Math.min(y(v), y(Math.max(lo, 0)));
        root.appendChild(
          svg('rect', { x: x(i) - band * 0.35, y: top, width: band * 0.7, height: Math.abs(y(v) - y(Math.max(lo, 0))), fill: v < 0 ? PALETTE[1]! : colour }),
        );
      });
      return;
    }
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d && s.values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      root.appendChild(svg('circle', { cx: x(i), cy: y(v), r: 3, fill: colour }));
    });
    root.appendChild(svg('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2.5 }));
  });
  return root;
}

/** Colour keys for a multi-series chart, as HTML text. */
export function legend(names: string[]): HTMLElement {
  return el(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    ...names.map((name, i) => el('li', {}, styled(el('span', { class: 'swatch' }), { background: PALETTE[i % PALETTE.length]! }), name)),
  );
}
