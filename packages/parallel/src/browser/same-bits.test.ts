// Same seed, same bits, everywhere (issue #18): the matrix of test-utils/same-bits.ts trained
// in Chromium (Web Workers) and here in Node (piscina worker threads) gives identical weight
// hashes for every entry: JS and WASM kernels, f32 and f64, every activation and optimizer,
// one thread and 1 and 2 workers. Before math.ts, f64 differed (the engines' Math.exp/log/…).
import { afterAll, describe, expect, it } from 'vitest';
import { NodePool, nodeEngine } from '../node/index.js';
import { CHROMIUM, hasChromium, pageResult } from '../test-utils/chromium.js';
import { sameBitsRuns } from '../test-utils/same-bits.js';
import { newWasmBackend } from '../test-utils/wasm.js';

const skipNote = hasChromium ? '' : ` — SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`;
const pools = { 1: new NodePool({ workers: 1 }), 2: new NodePool({ workers: 2 }) };
afterAll(async () => {
  await pools[1].destroy();
  await pools[2].destroy();
});

describe('same bits in Node and Chromium', () => {
  it.skipIf(!hasChromium)(`the seeded matrix gives the same weight hashes in both, and on workers the single-thread ones${skipNote}`, async () => {
    const [browser, node] = await Promise.all([
      pageResult('same-bits.html', 120_000) as Promise<{ error?: string; userAgent: string; hashes: Record<string, string> }>,
      newWasmBackend().then((wasm) => sameBitsRuns({ wasm, engine: (w) => nodeEngine({ pool: pools[w] }) })),
    ]);
    expect(browser.error).toBeUndefined();
    expect(browser.userAgent).toContain('Chrome/');
    const keys = Object.keys(node);
    expect(keys.length).toBe(2 * 2 * 6 * (4 + 2)); // kernels × dtypes × activations × (4 optimizers on a thread + 1 and 2 workers)
    for (const k of ['js/f64/tanh/adam/thread', 'wasm/f32/softplus/adam/thread', 'js/f32/tanh/momentum/workers2', 'wasm/f64/relu/nesterov/workers1', 'wasm/f32/softplus/momentum/workers2']) expect(keys).toContain(k);
    const differ = keys.filter((k) => browser.hashes[k] !== node[k]);
    expect(differ, `${differ.length} runs differ between Chromium and Node`).toEqual([]);
    expect(Object.keys(browser.hashes).sort()).toEqual([...keys].sort());
    // the workers' weights are the single thread's; the runs are not all alike (the hash sees the change)
    for (const k of keys.filter((k) => k.includes('workers'))) expect(node[k], k).toBe(node[k.replace(/workers\d$/, 'thread')]);
    expect(new Set(keys.filter((k) => k.endsWith('thread')).map((k) => node[k])).size).toBeGreaterThan(40);
  }, 180_000);
});
