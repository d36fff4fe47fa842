// expectClose: |actual − expected| ≤ atol + rtol·|expected| elementwise, reporting the first
// failing index and the largest difference.
import { expect } from 'vitest';

export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  { atol = 0, rtol = 0 }: { atol?: number; rtol?: number },
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, 'length').toBe(e.length);
  let firstBad = -1;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= atol + rtol * Math.abs(e[i]))) {
      if (firstBad < 0) firstBad = i;
    }
    if (!(d <= worst)) {
      worst = d;
      worstAt = i;
    }
  }
  if (firstBad >= 0) {
    throw new Error(
      `not close (atol ${atol}, rtol ${rtol}): first failure at [${firstBad}] actual ${a[firstBad]} expected ${e[firstBad]}; ` +
        `largest difference ${worst} at [${worstAt}] (actual ${a[worstAt]}, expected ${e[worstAt]})`,
    );
  }
}
