import { describe, expect, test } from 'vitest';
import { Pacer } from './pace.js';

/** A fake clock: sleeping advances it exactly. */
function fakeTime(): { clock: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void } {
  let t = 1000;
  return { clock: () => t, sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) };
}

describe('pace', () => {
  test('10 epochs/s of 4 batches each: 40 batches take 1 s, evenly spread', async () => {
    const time = fakeTime();
    const p = new Pacer(10, 4, time.clock, time.sleep);
    const at: number[] = [];
    for (let i = 0; i < 41; i++) {
      await p.wait();
      at.push(time.clock());
    }
    expect(at[40] - at[0]).toBeCloseTo(1000, 6);
    expect(at[1] - at[0]).toBeCloseTo(25, 6);
  });

  test('as fast as it goes never sleeps', async () => {
    const time = fakeTime();
    const p = new Pacer(Infinity, 4, time.clock, time.sleep);
    for (let i = 0; i < 1000; i++) await p.wait();
    expect(time.clock()).toBe(1000);
  });

  test('a run that fell behind does not race to catch up', async () => {
    const time = fakeTime();
    const p = new Pacer(1, 1, time.clock, time.sleep);
    await p.wait();
    time.advance(10_000); // e.g. the tab was in the background
    const t0 = time.clock();
    await p.wait(); // restarts the schedule: no sleep
    await p.wait(); // then one per second again
    expect(time.clock() - t0).toBeCloseTo(1000, 6);
  });

  test('a stop request ends the wait early', async () => {
    const time = fakeTime();
    const p = new Pacer(0.1, 1, time.clock, time.sleep);
    await p.wait();
    let calls = 0;
    await p.wait(() => ++calls > 2); // 10 s due; stops after two short sleeps
    expect(time.clock() - 1000).toBeLessThanOrEqual(100);
  });
});
