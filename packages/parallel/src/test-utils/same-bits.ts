// The same-bits matrix (issue #18), run unchanged in Node (vitest) and in Chromium (the test page
// test/browser/same-bits.html): small seeded trainings over both kernel families, f32 and f64,
// every hidden activation (with softmax, sigmoid and linear outputs), every optimizer, and 1 and
// 2 workers, each reported as the weightsHash of the final parameters. Node and the browser must
// give the same map, and the worker runs the single-thread hashes.
import { HIDDEN_ACTIVATIONS, Network, OPTIMIZERS, Trainer, jsBackend, weightsHash, type ActivationName, type Backend, type DType, type FitOptions, type OptimizerName } from '@backprop/core';
import { makeData } from './fixtures.js';

export interface SameBitsSetup {
  /** The WASM family's backend (one shared memory for every run). */
  wasm: Backend;
  /** The parallel engine on `workers` workers (a reused pool). */
  engine(workers: 1 | 2): FitOptions['engine'];
}

/** "kernels/dtype/activation/optimizer/engine" → hex SHA-256 of the trained weights. */
export type SameBitsHashes = Record<string, string>;

/** The output and loss that go with a hidden activation (softmax + cce, but sigmoid + bce and linear + mse too). */
function head(act: ActivationName): { output: ActivationName; loss: 'cce' | 'bce' | 'mse' } {
  if (act === 'sigmoid') return { output: 'sigmoid', loss: 'bce' };
  if (act === 'linear') return { output: 'linear', loss: 'mse' };
  return { output: 'softmax', loss: 'cce' };
}

async function one(backend: Backend, dtype: DType, act: ActivationName, opt: OptimizerName, engine: FitOptions['engine']): Promise<string> {
  const { output, loss } = head(act);
  // he_normal on half the runs draws from the Box–Muller sampler (log, cos)
  const init = HIDDEN_ACTIVATIONS.indexOf(act as never) % 2 === 0 ? 'glorot_uniform' : 'he_normal';
  const net = Network.create({ sizes: [6, 7, 5, 3], activation: act, output, loss, dtype }, { seed: 3, init, backend });
  const lr = opt === 'adam' ? 0.01 : 0.1;
  const trainer = new Trainer(net, { epochs: 2, batchSize: 12, shardSize: 4, seed: 11, optimizer: { name: opt, lr, l2: 1e-3 } });
  await trainer.fit(makeData(48, dtype, 7), { engine });
  return weightsHash(net.params);
}

/** Every (kernels, dtype, activation, optimizer) on one thread; on 1 and 2 workers each activation with one optimizer in turn. */
export async function sameBitsRuns(setup: SameBitsSetup): Promise<SameBitsHashes> {
  const out: SameBitsHashes = {};
  const families: [string, Backend][] = [['js', jsBackend], ['wasm', setup.wasm]];
  for (const [kernels, backend] of families) {
    for (const dtype of ['f32', 'f64'] as DType[]) {
      for (const [i, act] of HIDDEN_ACTIVATIONS.entries()) {
        for (const opt of OPTIMIZERS) out[`${kernels}/${dtype}/${act}/${opt}/thread`] = await one(backend, dtype, act, opt, undefined);
        const opt = OPTIMIZERS[i % OPTIMIZERS.length];
        for (const w of [1, 2] as const) out[`${kernels}/${dtype}/${act}/${opt}/workers${w}`] = await one(backend, dtype, act, opt, setup.engine(w));
      }
    }
  }
  return out;
}
