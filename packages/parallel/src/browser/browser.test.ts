// The browser adapter in a real browser: Chromium (playwright-core) loads a Vite-served page
// (test/browser) that trains on one thread and on Web Workers and reports the weight bytes.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, pageResult } from '../test-utils/chromium.js';

const skipNote = hasChromium ? '' : ` — SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`;
if (!hasChromium) console.warn(`browser test skipped: ${CHROMIUM} is absent; install it with: apt-get update && apt-get install -y chromium`);

describe('browserEngine in Chromium', () => {
  it.skipIf(!hasChromium)(`1 and 2 Web Workers give the single-thread weights bit for bit (f32, f64; JS kernels, and WASM kernels on 1, 2, 3 workers); a throwing worker rejects the step cleanly${skipNote}`, async () => {
    const r = (await pageResult('', 45_000)) as {
      error?: string;
      isolated: boolean;
      weights: Record<string, Record<string, string>>;
      fault: { name: string; shard: number; message: string; weightsAsBefore: boolean } | null;
      retried: string;
      poolThreadsAfterDestroy: number;
    };
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    for (const dtype of ['f32', 'f64']) {
      const w = r.weights[dtype];
      expect(w.thread.length).toBeGreaterThan(0);
      expect(w.workers1, `${dtype}: 1 worker`).toBe(w.thread);
      expect(w.workers2, `${dtype}: 2 workers`).toBe(w.thread);
    }
    for (const dtype of ['f32', 'f64']) {
      const w = r.weights[`wasm-${dtype}`];
      expect(w.backend).toBe('wasm');
      if (dtype === 'f32') expect(w.owned).toBe('true');
      expect(w.thread.length).toBeGreaterThan(0);
      for (const n of [1, 2, 3]) expect(w[`workers${n}`], `wasm ${dtype}: ${n} workers`).toBe(w.thread);
    }
    expect(r.fault).toMatchObject({ name: 'WorkerError', shard: 2, weightsAsBefore: true });
    expect(r.fault!.message).toContain('injected fault (test only) in shard 2');
    expect(r.retried).toBe(r.weights.f32.thread);
    expect(r.poolThreadsAfterDestroy).toBe(0);
  });
});
