/**
 * The output view: the network's decision (or regression surface) over the input square as a
 * heatmap, the training points (white rim) and test points (black rim) on top, the lesson's
 * sample ringed in red; `pickPoint` maps a click to the nearest training point.
 */
import type { Floats } from '@backprop/core';
import { RANGE, type Split } from '../datasets.js';
import { CLASS_COLORS, blit, divergingRGB, gridImage, rgb } from '../draw.js';

export interface BoundaryView {
  G: number;
  /** The output layer over the G×G grid (row stride nOut). */
  out: Floats;
  nOut: number;
  regression: boolean;
  classes: number;
  data: Split;
  /** Index into data.trainIdx of the ringed sample, or null. */
  ringed: number | null;
}

const toPx = (u: number, v: number, w: number, h: number): [number, number] => [((u + RANGE) / (2 * RANGE)) * w, ((RANGE - v) / (2 * RANGE)) * h];

export function drawBoundary(canvas: HTMLCanvasElement, b: BoundaryView): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const img = b.regression ? gridImage(b.G, b.out, 'signed', 1, 0, 1, 1)
    : b.nOut === 1 ? gridImage(b.G, b.out, 'binary')
      : gridImage(b.G, b.out, 'multi', b.nOut);
  blit(ctx, img, 0, 0, w, h);
  const { points, trainIdx, testIdx } = b.data;
  const dot = (i: number, test: boolean): void => {
    const [x, y] = toPx(points.u[i], points.v[i], w, h);
    const label = points.label[i];
    const color = b.regression ? divergingRGB(label) : b.classes === 2 ? CLASS_COLORS[label === 0 ? 0 : 1] : CLASS_COLORS[label % CLASS_COLORS.length];
    ctx.beginPath();
    ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = rgb(color);
    ctx.fill();
    ctx.lineWidth = test ? 1.5 : 1;
    ctx.strokeStyle = test ? '#000' : '#fff';
    ctx.stroke();
  };
  for (const i of trainIdx) dot(i, false);
  for (const i of testIdx) dot(i, true);
  if (b.ringed !== null) {
    const i = trainIdx[b.ringed];
    const [x, y] = toPx(points.u[i], points.v[i], w, h);
    ctx.beginPath();
    ctx.arc(x, y, 7, 0, 2 * Math.PI);
    ctx.strokeStyle = '#d00';
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
}

/** Index into data.trainIdx of the training point nearest to a click at (fx, fy) ∈ [0, 1]² of the canvas. */
export function pickPoint(data: Split, fx: number, fy: number): number {
  const u = fx * 2 * RANGE - RANGE;
  const v = RANGE - fy * 2 * RANGE;
  const { points, trainIdx } = data;
  let best = 0;
  let bestD = Infinity;
  trainIdx.forEach((i, n) => {
    const d = (points.u[i] - u) ** 2 + (points.v[i] - v) ** 2; // ui-math: the point nearest the pointer, never a model value
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  });
  return best;
}
