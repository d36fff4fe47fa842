// The browser test page: trains the same seeded network on one thread and on 1 and 2 Web
// Workers, injects a fault, and publishes what it saw on window.__result for the test to check.
import type { DType, TrainConfig } from '@backprop/core';
import { BrowserPool, browserEngine } from '../../src/browser/index.js';
import { WorkerError } from '../../src/engine.js';
import { checksum, makeData, train } from '../../src/test-utils/fixtures.js';

const hex = (v: Float32Array | Float64Array) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');

async function run() {
  const config: TrainConfig = { epochs: 3, batchSize: 40, shardSize: 8, seed: 11, optimizer: { name: 'adam', lr: 0.01 } };
  const weights: Record<string, Record<string, string>> = {};
  for (const dtype of ['f32', 'f64'] as DType[]) {
    const data = makeData(203, dtype);
    weights[dtype] = { thread: hex((await train(dtype, config, data)).net.params) };
    for (const workers of [1, 2]) weights[dtype][`workers${workers}`] = hex((await train(dtype, config, data, { engine: browserEngine({ workers }) })).net.params);
  }
  // the WASM SIMD kernels on every Web Worker: the module and the shared memory posted once,
  // instantiated in each worker; the same bits as the single-thread Trainer on WASM
  const { createWasmBackend, loadKernels } = await import('@backprop/core/engine');
  const wasm = await createWasmBackend({ module: await loadKernels(), maximumPages: 1024 });
  const wasmPool = new BrowserPool({ workers: 3 });
  for (const dtype of ['f32', 'f64'] as DType[]) {
    const data = makeData(203, dtype);
    const key = `wasm-${dtype}`;
    const ref = await train(dtype, config, data, { backend: wasm });
    weights[key] = { thread: hex(ref.net.params), backend: ref.net.backend.name, owned: String(wasm.owns(ref.net.params)) };
    for (const workers of [1, 2, 3]) {
      const engine = workers === 3 ? browserEngine({ pool: wasmPool }) : browserEngine({ workers });
      weights[key][`workers${workers}`] = hex((await train(dtype, config, data, { backend: wasm, engine })).net.params);
    }
  }
  await wasmPool.destroy();
  // a worker that throws in shard 2 of step 3: the fit rejects, the weights stay those of step 2
  const data = makeData(203, 'f32');
  const pool = new BrowserPool({ workers: 2 });
  const faulty = browserEngine({ pool, retries: 0, faultInjection: { step: 3, shard: 2, kind: 'throw' } });
  const before = await train('f32', config, data, { abortAt: 2 });
  let fault: { name: string; shard: number; message: string; weightsAsBefore: boolean } | null = null;
  const { Network, Trainer } = await import('@backprop/core');
  const net = Network.create({ sizes: [6, 12, 8, 3] }, { seed: 3 });
  try {
    await new Trainer(net, config).fit(data, { engine: faulty });
  } catch (e) {
    const we = e as WorkerError;
    fault = { name: we.name, shard: we.shard, message: we.message, weightsAsBefore: e instanceof WorkerError && checksum(net.params) === before.sums[2] };
  }
  // the same pool, retrying the step: identical to the single-thread weights
  const retried = await train('f32', config, data, { engine: browserEngine({ pool, retries: 1, faultInjection: { step: 3, shard: 2, kind: 'throw' } }) });
  await pool.destroy();
  return { isolated: crossOriginIsolated, weights, fault, retried: hex(retried.net.params), poolThreadsAfterDestroy: pool.threads };
}

const w = window as unknown as { __result: unknown };
run().then(
  (r) => {
    w.__result = r;
    document.getElementById('out')!.textContent = JSON.stringify(r, null, 1).slice(0, 2000);
  },
  (e: Error) => {
    w.__result = { error: `${e.name}: ${e.message}\n${e.stack}` };
  },
);
