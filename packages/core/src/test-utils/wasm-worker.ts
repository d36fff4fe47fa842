// A worker for wasm.test.ts: receives { module, memory } once, instantiates the kernels over
// that memory, runs denseForward on tensors the main thread made, and allocates a few regions
// from the shared bump pointer so the test can check they do not overlap the main thread's.
import { parentPort } from 'node:worker_threads';
import { instantiateWasmBackend, type WasmMemory, type WasmModule } from '../kernels/wasm.js';

interface Job {
  module: WasmModule;
  memory: WasmMemory;
  net: number;
  W: number;
  X: number;
  B: number;
  nIn: number;
  nOut: number;
}

parentPort!.once('message', (job: Job) => {
  const backend = instantiateWasmBackend({ module: job.module, memory: job.memory });
  const { B, nIn, nOut } = job;
  const buf = backend.memory.buffer; // views of this thread's memory object, at the main thread's offsets
  const net = new Float32Array(buf, job.net, B * nOut);
  const W = new Float32Array(buf, job.W, nOut * (nIn + 1));
  const X = new Float32Array(buf, job.X, B * nIn);
  backend.kernels.denseForward(net, W, X, B, nIn, nOut);
  if (backend.fallbacks !== 0) throw new Error('the worker fell back to the JS kernels');
  const regions = [backend.arena(100).base, backend.arena(5000).base, backend.arena(16).base];
  parentPort!.postMessage({ regions });
});
