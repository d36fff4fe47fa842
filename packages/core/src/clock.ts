/** Wall clock in ms (performance.now exists in browsers, workers and Node; core has no DOM/Node types). */
declare const performance: { now(): number };

export function now(): number {
  return performance.now();
}
