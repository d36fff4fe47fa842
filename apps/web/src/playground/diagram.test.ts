import { describe, expect, test } from 'vitest';
import { centreOf, hitTest, layout } from './diagram.js';

// a 2-2-1 network: W^[1] is 2×3, W^[2] is 1×3 (bias in column 0)
const W1 = [0.1, 1, -2, 0.2, 0.5, 0];
const W2 = [0.3, -1, 4];
const lay = layout([2, 2, 1], [W1, W2], { width: 620, height: 400 });

describe('network diagram layout', () => {
  test('one box per neuron, columns left to right, boxes inside the canvas', () => {
    expect(lay.nodes.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(lay.columns[0]).toBeLessThan(lay.columns[1]);
    expect(lay.columns[1]).toBeLessThan(lay.columns[2]);
    for (const n of lay.nodes.flat()) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(16); // below the column labels
      expect(n.x + n.s).toBeLessThanOrEqual(620);
      expect(n.y + n.s).toBeLessThanOrEqual(400);
    }
  });

  test('one link per weight (no bias links), carrying w^[l]_{k,j} from W', () => {
    expect(lay.links).toHaveLength(2 * 2 + 1 * 2);
    const w = (l: number, k: number, j: number) => lay.links.find((d) => d.l === l && d.k === k && d.j === j)!.w;
    expect(w(1, 0, 1)).toBe(1); // W^[1] row 0, column 1
    expect(w(1, 0, 2)).toBe(-2);
    expect(w(1, 1, 2)).toBe(0);
    expect(w(2, 0, 2)).toBe(4);
    // wider for larger |w|, and the largest |w| of a layer is opaque
    const l2 = lay.links.filter((d) => d.l === 2);
    expect(l2[1].width).toBeGreaterThan(l2[0].width);
    expect(l2[1].alpha).toBe(1);
  });

  test('hitTest finds the neuron under a point, then a link near it, else nothing', () => {
    for (const n of lay.nodes.flat()) expect(hitTest(lay, n.x + n.s / 2, n.y + n.s / 2)).toEqual({ kind: 'neuron', l: n.l, k: n.k });
    for (const ln of lay.links) {
      const c = centreOf(lay, { kind: 'link', l: ln.l, k: ln.k, j: ln.j })!;
      expect(hitTest(lay, c.x, c.y)).toEqual({ kind: 'link', l: ln.l, k: ln.k, j: ln.j });
    }
    expect(hitTest(lay, 2, 398)).toBeNull();
  });

  test('a wide layer still fits: 128 neurons in 400 px', () => {
    const big = layout([2, 128, 2], [new Float32Array(128 * 3), new Float32Array(2 * 129)]);
    const col = big.nodes[1];
    expect(col[col.length - 1].y + col[col.length - 1].s).toBeLessThanOrEqual(400);
    expect(big.labelled).toBe(false);
  });
});
