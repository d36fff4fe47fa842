/**
 * The web app under training, in Chromium (apps/web/test/serve.ts: vite preview + playwright-core):
 *  1. main-thread long tasks (> 50 ms) during 30 s of Play at 1 and 2 workers (goal: none;
 *     the browser test asserts none over 200 ms);
 *  2. the digits tab at batch 256: training time on 2 workers vs 1 (2 must be faster).
 * Runs alternate 1 and 2 workers, side by side, and report medians and ratios.
 * Usage: pnpm --filter @backprop/bench bench:web [seconds per long-task run, default 30]
 */
import { longTasks, open, serve, trainDigits, watchLongTasks } from '../apps/web/test/serve.ts';

const SECONDS = Number(process.argv[2] ?? 30);
const SPIRAL = 'ds=spiral&n=400&f=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&h=8,8,6&act=tanh&out=softmax&opt=adam&lr=0.03&batch=10&seed=1&pace=max&kernels=wasm&lang=en';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const s = await serve();
try {
  const { page, base } = s;
  console.log(`main-thread long tasks during ${SECONDS} s of Play (spiral 7-8-8-6-2, batch 10, pace max, WASM):`);
  for (const w of [1, 2]) {
    await open(page, base, `${SPIRAL}&w=${w}`);
    await watchLongTasks(page);
    await page.click('#play');
    await page.waitForTimeout(SECONDS * 1000);
    await page.click('#play');
    const epochs = await page.evaluate(() => (globalThis as unknown as { backprop: { playground: { epochs: number } } }).backprop.playground.epochs);
    const t = await longTasks(page);
    console.log(`  ${w} worker${w > 1 ? 's' : ' '}: ${t.length} tasks over 50 ms, ${t.filter((d) => d > 200).length} over 200 ms, longest ${t.length ? Math.max(...t).toFixed(0) : 0} ms; ${epochs} epochs`);
  }
  console.log('digits (784-64-10, batch 256, 3 epochs, WASM): training time');
  await page.goto(`${base}/?lang=en`);
  const times: Record<number, number[]> = { 1: [], 2: [] };
  await trainDigits(page, 1, 256, 1); // warm-up: fetch the digits, compile the kernels
  for (let round = 0; round < 3; round++) {
    for (const w of [1, 2]) {
      const r = await trainDigits(page, w, 256, 3);
      times[w].push(r.seconds);
      console.log(`  round ${round + 1}, ${w} worker${w > 1 ? 's' : ' '}: ${r.seconds.toFixed(2)} s, test accuracy ${(r.accuracy * 100).toFixed(1)}%`);
    }
  }
  const t1 = median(times[1]);
  const t2 = median(times[2]);
  console.log(`  median: 1 worker ${t1.toFixed(2)} s, 2 workers ${t2.toFixed(2)} s; 2 workers are ${(t1 / t2).toFixed(2)}× as fast as 1 (goal > 1)`);
} finally {
  await s.close();
}
