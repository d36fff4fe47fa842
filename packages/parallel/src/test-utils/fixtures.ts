// Test fixtures: a seeded synthetic classification set, runs of the core Trainer, and byte views.
import { Network, Trainer, dataset, saveModel, type Backend, type DType, type Dataset, type FitOptions, type Floats, type TrainConfig } from '@backprop/core';
import { Rng, crc32 } from '@backprop/core/engine';

export const SIZES = [6, 12, 8, 3];

/** N rows of nIn features in [-1, 1); one-hot labels from a fixed rule the network can learn. */
export function makeData(N: number, dtype: DType, seed = 7): Dataset {
  const [nIn] = SIZES;
  const nOut = SIZES[SIZES.length - 1];
  const Ctor = dtype === 'f32' ? Float32Array : Float64Array;
  const X = new Ctor(N * nIn);
  const Y = new Ctor(N * nOut);
  const rng = new Rng(seed);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < nIn; j++) {
      const x = rng.uniform(-1, 1);
      X[i * nIn + j] = x;
      s += (j % 2 === 0 ? 1 : -0.5) * x;
    }
    Y[i * nOut + (s < -0.3 ? 0 : s < 0.3 ? 1 : 2)] = 1;
  }
  return dataset(X, Y, nIn, nOut);
}

/** The bytes of a float vector (a copy). */
export function bytes(v: Floats): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

/** CRC-32 of a float vector's bytes. */
export function checksum(v: Floats): number {
  return crc32(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

export interface Run {
  net: Network;
  trainer: Trainer;
  stopped: string;
  losses: number[];
  /** Checksum of the weights after each step (index = step). */
  sums: number[];
  /** Model file saved after step `saveAt`, if asked. */
  saved: Uint8Array | null;
}

/** Trains a fresh seeded network; `engine` as in FitOptions (undefined: the single-thread LocalEngine). */
export async function train(
  dtype: DType, config: TrainConfig, data: Dataset,
  opts: { engine?: FitOptions['engine']; abortAt?: number; saveAt?: number; backend?: Backend; sizes?: number[] } = {},
): Promise<Run> {
  const net = Network.create({ sizes: opts.sizes ?? SIZES, dtype }, { seed: 3, backend: opts.backend });
  const trainer = new Trainer(net, config);
  const ac = new AbortController();
  const run: Run = { net, trainer, stopped: '', losses: [], sums: [checksum(net.params)], saved: null };
  const r = await trainer.fit(data, {
    engine: opts.engine,
    signal: ac.signal,
    onBatch: (e) => {
      run.losses.push(e.loss);
      run.sums[e.step] = checksum(net.params);
      if (e.step === opts.saveAt) run.saved = saveModel(net, { trainer });
      if (e.step === opts.abortAt) ac.abort();
    },
  });
  run.stopped = r.stopped;
  return run;
}
