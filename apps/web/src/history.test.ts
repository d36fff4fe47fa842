import { describe, expect, test } from 'vitest';
import { BoundedHistory } from './history.js';

const point = (epoch: number) => ({ epoch, loss: 1 / epoch, valLoss: null, accuracy: null, valAccuracy: null });

describe('bounded history', () => {
  test('keeps every epoch until it is full', () => {
    const h = new BoundedHistory(8);
    for (let e = 1; e <= 7; e++) h.push(point(e));
    expect(h.points.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.stride).toBe(1);
  });

  test('a million epochs leave at most `capacity` points, evenly spaced, with the latest epoch in the series', () => {
    const h = new BoundedHistory(512);
    for (let e = 1; e <= 1_000_000; e++) h.push(point(e));
    expect(h.points.length).toBeLessThan(512);
    expect(h.points.length).toBeGreaterThanOrEqual(256);
    const gaps = new Set(h.points.slice(1).map((p, i) => p.epoch - h.points[i].epoch));
    expect([...gaps]).toEqual([h.stride]); // one spacing over the whole run
    expect(h.stride).toBe(2048); // 1e6 / 2048 = 488 points
    expect(h.series().at(-1)!.epoch).toBe(1_000_000);
    expect(h.last!.epoch).toBe(1_000_000);
  });

  test('clear starts over', () => {
    const h = new BoundedHistory(4);
    for (let e = 1; e <= 100; e++) h.push(point(e));
    h.clear();
    expect(h.points).toEqual([]);
    expect(h.stride).toBe(1);
    expect(h.series()).toEqual([]);
  });
});
