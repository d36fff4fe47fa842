/**
 * Picks where batch gradients are computed: @backprop/parallel's worker pool for --workers > 1,
 * core's single-thread LocalEngine for --workers 1 (or when the parallel package is missing).
 */
import { availableParallelism } from 'node:os';
import { LocalEngine, type FitOptions, type GradientEngine } from '@backprop/core';

type EngineFactory = NonNullable<FitOptions['engine']>;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The engine factory for `workers` threads, and a note when it fell back to one thread. */
export async function engineFor(workers: number): Promise<{ engine: EngineFactory | undefined; note: string | null }> {
  if (workers <= 1) return { engine: yieldingLocal, note: null };
  const specifier = '@backprop/parallel/node';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch {
    return { engine: yieldingLocal, note: `@backprop/parallel/node is not available; training on 1 thread instead of ${workers}` };
  }
  const make = mod.nodeEngine as ((o: { workers: number }) => EngineFactory) | undefined;
  if (typeof make !== 'function') return { engine: yieldingLocal, note: `@backprop/parallel/node exports no engine factory yet; training on 1 thread` };
  return { engine: make({ workers }), note: null };
}

/**
 * core's LocalEngine, but every ~50 ms a step waits one macrotask: a synchronous loop would
 * never let Node deliver SIGINT, so Ctrl-C could not stop training at a step boundary.
 */
const yieldingLocal: EngineFactory = (net, data, opts) => {
  const local = new LocalEngine(net, data, opts);
  let last = performance.now();
  const engine: GradientEngine = {
    get workers() {
      return local.workers;
    },
    get grad() {
      return local.grad;
    },
    async batch(order, start, B) {
      const stats = local.batch(order, start, B);
      if (performance.now() - last > 50) {
        await new Promise((r) => setImmediate(r));
        last = performance.now();
      }
      return stats;
    },
    close: () => local.close(),
  };
  return engine;
};
