// digitsCommand: the CLI flags name every setting of the digits job, with the values the job holds.
import { describe, expect, it } from 'vitest';
import { trainDefaults } from '../../cli/src/defaults.js';
import { digitsCommand, digitsJob } from './protocol.js';

describe('digitsCommand', () => {
  it('names the data, architecture, optimizer, seed, kernels and workers of the run, hidden sizes comma-separated', () => {
    const run = { hidden: [128, 64], epochs: 5, batch: 32, lr: 0.002, seed: 7, kernels: 'js' as const, workers: 2 };
    expect(digitsCommand(run)).toBe('backprop train --data mnist --hidden 128,64 --epochs 5 --batch-size 32 --optimizer adam --lr 0.002 --seed 7 --kernels js --workers 2 -o digits.bpnn');
  });

  it('what the command leaves to the CLI (hidden and output activations) is, for MNIST, what the digits job sets', () => {
    const job = digitsJob({ url: '/mnist/', hidden: [16], batch: 64, lr: 0.002, seed: 1, kernels: 'auto' });
    const cli = trainDefaults({ nIn: 784, trainRows: 8000, task: 'classification' });
    expect(job.network).toEqual({ sizes: [784, 16, 10], activation: cli.activation, output: cli.output });
    expect(job.network.activation).toBe('relu');
    expect(job.train).toEqual({ batchSize: 64, seed: 1, optimizer: { name: 'adam', lr: 0.002 } });
    expect(job.data).toEqual({ kind: 'mnist', url: '/mnist/', seed: 1 });
  });
});
