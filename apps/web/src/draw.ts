/**
 * Canvas painting shared by the views: colours, and grids of network outputs as images
 * (decision boundaries and per-neuron heatmaps). Everything here reads numbers and paints.
 */
import type { Floats } from '@backprop/core';

export const CLASS_COLORS: [number, number, number][] = [
  [245, 147, 34], [8, 119, 189], [46, 160, 67], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [23, 190, 207],
];
const NEG: [number, number, number] = [245, 147, 34];
const POS: [number, number, number] = [8, 119, 189];

/** Colour of a value in [−1, 1]: orange … white … blue. */
export function divergingRGB(t: number): [number, number, number] {
  const c = t < 0 ? NEG : POS;
  const m = Math.min(1, Math.abs(t));
  return [255 + (c[0] - 255) * m, 255 + (c[1] - 255) * m, 255 + (c[2] - 255) * m];
}

export function rgb(c: [number, number, number], alpha = 1): string {
  return `rgba(${c[0] | 0},${c[1] | 0},${c[2] | 0},${alpha})`;
}

/**
 * Paints a G×G grid of outputs into an ImageData. `kind`: 'binary' reads one probability
 * per cell, 'multi' reads K probabilities (class colour, lightness by confidence),
 * 'signed' reads one value already scaled to [−1, 1], 'tint' reads one probability shown in
 * class colour K (multi-class output neurons).
 */
export function gridImage(G: number, values: Floats, kind: 'binary' | 'multi' | 'signed' | 'tint', K = 1, col = 0, stride = 1, scale = 1): ImageData {
  const img = new ImageData(G, G);
  const d = img.data;
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      const cell = r * G + c; // row r from the top: v decreases downwards (flip done by caller's grid order)
      let color: [number, number, number];
      if (kind === 'multi') {
        let best = 0;
        for (let k = 1; k < K; k++) if (values[cell * K + k] > values[cell * K + best]) best = k;
        const p = values[cell * K + best];
        const conf = Math.max(0, Math.min(1, (p - 1 / K) / (1 - 1 / K)));
        const base = CLASS_COLORS[best % CLASS_COLORS.length];
        const m = 0.15 + 0.7 * conf;
        color = [255 + (base[0] - 255) * m, 255 + (base[1] - 255) * m, 255 + (base[2] - 255) * m];
      } else if (kind === 'tint') {
        const base = CLASS_COLORS[K % CLASS_COLORS.length];
        const m = Math.max(0, Math.min(1, values[cell * stride + col]));
        color = [255 + (base[0] - 255) * m, 255 + (base[1] - 255) * m, 255 + (base[2] - 255) * m];
      } else if (kind === 'binary') {
        color = divergingRGB((values[cell * stride + col] * 2 - 1) * 0.85);
      } else {
        color = divergingRGB((values[cell * stride + col] / scale) * 0.85);
      }
      const o = cell * 4;
      d[o] = color[0];
      d[o + 1] = color[1];
      d[o + 2] = color[2];
      d[o + 3] = 255;
    }
  }
  return img;
}

/** Draws an ImageData scaled into a rectangle of ctx (nearest pixels blurred by smoothing). */
const scratch = typeof document !== 'undefined' ? document.createElement('canvas') : null;
export function blit(ctx: CanvasRenderingContext2D, img: ImageData, x: number, y: number, w: number, h: number): void {
  if (!scratch) return;
  scratch.width = img.width;
  scratch.height = img.height;
  scratch.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, x, y, w, h);
}
