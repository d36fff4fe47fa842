// The same-bits page: the matrix of src/test-utils/same-bits.ts in the browser (JS and WASM
// kernels, Web Workers through browserEngine), published on window.__result for the Node side
// of src/browser/same-bits.test.ts to compare with its own run.
import { createWasmBackend, loadKernels } from '@backprop/core/engine';
import { BrowserPool, browserEngine } from '../../src/browser/index.js';
import { sameBitsRuns } from '../../src/test-utils/same-bits.js';

async function run() {
  const wasm = await createWasmBackend({ module: await loadKernels(), maximumPages: 1024 });
  const pools = { 1: new BrowserPool({ workers: 1 }), 2: new BrowserPool({ workers: 2 }) };
  try {
    const hashes = await sameBitsRuns({ wasm, engine: (w) => browserEngine({ pool: pools[w] }) });
    return { userAgent: navigator.userAgent, hashes };
  } finally {
    await pools[1].destroy();
    await pools[2].destroy();
  }
}

const w = window as unknown as { __result: unknown };
run().then(
  (r) => {
    w.__result = r;
    document.getElementById('out')!.textContent = `${Object.keys(r.hashes).length} runs`;
  },
  (e: Error) => {
    w.__result = { error: `${e.name}: ${e.message}\n${e.stack}` };
  },
);
