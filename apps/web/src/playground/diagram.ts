/**
 * The network diagram: `layout(sizes, W)` places every neuron (a small heatmap box) and every
 * link (coloured by the sign of its weight, as wide as |w|) — a pure function, unit-tested;
 * `drawDiagram` paints a layout; `hitTest` finds the neuron or link under a point.
 * Column c holds layer c (0 = inputs), W[l-1] is W^[l] (n^[l] × (n^[l-1]+1), bias in column 0).
 */
import type { Floats } from '@backprop/core';
import { blit, gridImage, rgb } from '../draw.js';

export interface Size {
  width: number;
  height: number;
}

interface NodeBox {
  l: number; // layer (0 = inputs)
  k: number; // neuron index in the layer (0-based)
  x: number;
  y: number;
  s: number; // side of the box
}

interface LinkLine {
  l: number; // layer the link feeds (1 … L)
  k: number; // neuron it feeds (0-based)
  j: number; // column of W^[l] it carries (1 … n^[l-1]; 0 is the bias, not drawn)
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  w: number;
  width: number;
  alpha: number;
}

export interface Layout {
  size: Size;
  sizes: number[];
  box: number;
  nodes: NodeBox[][]; // nodes[l][k]
  links: LinkLine[];
  /** x of each column's boxes (for labels). */
  columns: number[];
  /** Room at the left for input names (0 when boxes are too small to label). */
  labelled: boolean;
}

export type Hit = { kind: 'neuron'; l: number; k: number } | { kind: 'link'; l: number; k: number; j: number };

/** Links drawn thin when a layer pair has more than this many (a dense layer is a texture, not lines). */
const DENSE_LINKS = 2000;
/** A click within this many pixels of a link picks it. */
const LINK_PICK = 5;

/** Where everything goes for a network of `sizes` with weights W (W[l-1] = W^[l]) in a canvas of `size`. */
export function layout(sizes: readonly number[], W: readonly ArrayLike<number>[], size: Size = { width: 620, height: 400 }): Layout {
  const { width, height } = size;
  const cols = sizes.length;
  const maxN = Math.max(...sizes);
  const per = (height - 24) / maxN; // vertical room per neuron in the tallest column
  const box = per >= 8 ? Math.min(30, Math.floor(per) - 4) : Math.max(1, Math.floor(per * 0.75));
  const gap = Math.min(10, per - box);
  const labelled = box >= 14;
  const left = labelled ? 52 : 12;
  const columns = sizes.map((_, c) => left + (c / Math.max(1, cols - 1)) * (width - left - 20 - box));
  const nodes: NodeBox[][] = sizes.map((n, c) => {
    const total = n * box + (n - 1) * gap;
    const y0 = 16 + (height - 16 - total) / 2;
    return Array.from({ length: n }, (_, k) => ({ l: c, k, x: columns[c], y: y0 + k * (box + gap), s: box }));
  });
  const links: LinkLine[] = [];
  for (let l = 1; l < cols; l++) {
    const nIn = sizes[l - 1];
    const Wl = W[l - 1];
    let maxW = 1e-9;
    for (let i = 0; i < Wl.length; i++) if (i % (nIn + 1) !== 0) maxW = Math.max(maxW, Math.abs(Wl[i]));
    const dense = sizes[l] * nIn > DENSE_LINKS;
    for (let k = 0; k < sizes[l]; k++) {
      for (let j = 1; j <= nIn; j++) {
        const w = Wl[k * (nIn + 1) + j];
        const a = nodes[l - 1][j - 1];
        const b = nodes[l][k];
        links.push({
          l, k, j, x1: a.x + box, y1: a.y + box / 2, x2: b.x, y2: b.y + box / 2, w,
          width: dense ? 0.5 : Math.min(5, 0.4 + Math.abs(w) * 1.5),
          alpha: Math.min(1, 0.15 + Math.abs(w) / maxW),
        });
      }
    }
  }
  return { size, sizes: [...sizes], box, nodes, links, columns, labelled };
}

/** The neuron box under (x, y), else the nearest link within a few pixels, else null. */
export function hitTest(lay: Layout, x: number, y: number): Hit | null {
  for (const col of lay.nodes) {
    for (const n of col) if (x >= n.x && x <= n.x + n.s && y >= n.y && y <= n.y + n.s) return { kind: 'neuron', l: n.l, k: n.k };
  }
  let best: LinkLine | null = null;
  let bestD = LINK_PICK;
  for (const ln of lay.links) {
    const dx = ln.x2 - ln.x1;
    const dy = ln.y2 - ln.y1;
    const t = Math.max(0, Math.min(1, ((x - ln.x1) * dx + (y - ln.y1) * dy) / (dx * dx + dy * dy || 1)));
    const d = Math.hypot(x - (ln.x1 + t * dx), y - (ln.y1 + t * dy)); // ui-math: pixel distance to pick a link under the pointer
    if (d < bestD) {
      bestD = d;
      best = ln;
    }
  }
  return best ? { kind: 'link', l: best.l, k: best.k, j: best.j } : null;
}

/** The middle of a neuron box, or a point 30 % along a link (links of a layer often cross at their middles): what a test clicks. */
export function centreOf(lay: Layout, hit: Hit): { x: number; y: number } | null {
  if (hit.kind === 'neuron') {
    const n = lay.nodes[hit.l]?.[hit.k];
    return n ? { x: n.x + n.s / 2, y: n.y + n.s / 2 } : null;
  }
  const ln = lay.links.find((d) => d.l === hit.l && d.k === hit.k && d.j === hit.j);
  return ln ? { x: ln.x1 + 0.3 * (ln.x2 - ln.x1), y: ln.y1 + 0.3 * (ln.y2 - ln.y1) } : null;
}

const POS: [number, number, number] = [8, 119, 189];
const NEG: [number, number, number] = [245, 147, 34];

export interface NeuronMaps {
  /** Grid cells per side. */
  G: number;
  /** values[c]: the G·G rows of layer c's outputs (c = 0: the input features), row stride sizes[c]. */
  values: Floats[];
  /** φ of each layer (index c; c = 0 'linear'). */
  phi: string[];
  /** Output neurons are classes (softmax over 3+ classes): each is tinted in its class colour. */
  classTint: boolean;
}

export interface DiagramMarks {
  selected: Hit | null;
  /** Layer highlighted by the lesson (its boxes get a thick frame), or null. */
  layer: number | null;
  labels: string[]; // one per column
  inputNames: string[];
}

/** Paints the layout: links, then each neuron as a heatmap of its output over the input square. */
export function drawDiagram(ctx: CanvasRenderingContext2D, lay: Layout, maps: NeuronMaps, marks: DiagramMarks): void {
  ctx.clearRect(0, 0, lay.size.width, lay.size.height);
  if (marks.layer !== null && lay.nodes[marks.layer]) {
    const col = lay.nodes[marks.layer];
    ctx.fillStyle = 'rgba(255, 214, 0, 0.25)';
    ctx.fillRect(col[0].x - 6, col[0].y - 6, lay.box + 12, col[col.length - 1].y + lay.box - col[0].y + 12);
  }
  for (const ln of lay.links) {
    ctx.beginPath();
    ctx.moveTo(ln.x1, ln.y1);
    ctx.lineTo(ln.x2, ln.y2);
    ctx.strokeStyle = rgb(ln.w >= 0 ? POS : NEG, ln.alpha);
    ctx.lineWidth = ln.width;
    ctx.stroke();
  }
  const sel = marks.selected;
  if (sel?.kind === 'link') {
    const ln = lay.links.find((d) => d.l === sel.l && d.k === sel.k && d.j === sel.j);
    if (ln) {
      ctx.beginPath();
      ctx.moveTo(ln.x1, ln.y1);
      ctx.lineTo(ln.x2, ln.y2);
      ctx.strokeStyle = '#d00';
      ctx.lineWidth = 3;
      ctx.stroke();
    }
  }
  const { G, values, phi } = maps;
  for (let c = 0; c < lay.nodes.length; c++) {
    const n = lay.sizes[c];
    for (const node of lay.nodes[c]) {
      const k = node.k;
      let img: ImageData;
      if (maps.classTint && c === lay.nodes.length - 1) {
        img = gridImage(G, values[c], 'tint', k, k, n);
      } else if (phi[c] === 'sigmoid' || phi[c] === 'softmax') {
        img = gridImage(G, values[c], 'binary', 1, k, n);
      } else {
        let m = 1e-9;
        for (let i = 0; i < G * G; i++) m = Math.max(m, Math.abs(values[c][i * n + k]));
        img = gridImage(G, values[c], 'signed', 1, k, n, phi[c] === 'tanh' ? 1 : m);
      }
      blit(ctx, img, node.x, node.y, node.s, node.s);
      const picked = sel?.kind === 'neuron' && sel.l === c && sel.k === k;
      const lesson = marks.layer === c;
      ctx.lineWidth = picked || lesson ? 2.5 : 1;
      ctx.strokeStyle = picked ? '#d00' : lesson ? '#b38f00' : '#555';
      ctx.strokeRect(node.x, node.y, node.s, node.s);
    }
  }
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  lay.columns.forEach((x, c) => ctx.fillText(marks.labels[c] ?? '', x + lay.box / 2, 11));
  if (lay.labelled) {
    ctx.textAlign = 'right';
    marks.inputNames.forEach((name, j) => {
      const n = lay.nodes[0][j];
      if (n) ctx.fillText(name, n.x - 3, n.y + lay.box / 2 + 4);
    });
  }
}
