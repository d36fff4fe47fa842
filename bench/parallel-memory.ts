/**
 * Memory per extra worker: resident set size while training on a large shared dataset with
 * 1, 2 and 4 workers, each count in a fresh process. The dataset is shared, never copied per
 * worker, so RSS should grow by far less than the dataset's size per extra worker.
 *
 *   cd bench && npx tsx --conditions=@backprop/source parallel-memory.ts   [--rows N, default 40000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, Trainer, jsBackend } from '@backprop/core';
import { NodePool, nodeEngine } from '@backprop/parallel/node';

const mb = (b: number) => Math.round(b / 2 ** 20);
const rowsArg = process.argv.indexOf('--rows');
const N = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 40000;
const child = process.argv.indexOf('--workers');

if (child > 0) {
  // one measurement: train with this many workers and report RSS in the middle of the epoch
  const workers = Number(process.argv[child + 1]);
  const X = jsBackend.floats('f32', N * 784); // (N, 784) like MNIST
  const Y = jsBackend.floats('f32', N * 10);
  for (let i = 0; i < X.length; i += 7) X[i] = (i % 255) / 255; // touch every page
  for (let i = 0; i < N; i++) Y[i * 10 + (i % 10)] = 1;
  const pool = new NodePool({ workers, caller: false }); // one thread per worker: the RSS each added thread costs
  const net = Network.create({ sizes: [784, 32, 10] }, { seed: 1 });
  let rss = 0;
  await new Trainer(net, { epochs: 1, batchSize: 256, seed: 2 }).fit({ X, Y, N, nIn: 784, nOut: 10 }, {
    engine: nodeEngine({ pool }),
    onBatch: (e) => {
      if (e.batch === Math.floor(e.batches / 2)) rss = process.memoryUsage().rss;
    },
  });
  await pool.destroy();
  console.log(JSON.stringify({ workers, rss, dataset: X.byteLength + Y.byteLength }));
} else {
  const self = fileURLToPath(import.meta.url);
  let prev: { workers: number; rss: number } | null = null;
  for (const workers of [1, 2, 4]) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, '--workers', String(workers), '--rows', String(N)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { workers: number; rss: number; dataset: number };
    const per = prev ? `, +${mb((r.rss - prev.rss) / (workers - prev.workers))} MB per extra worker` : '';
    console.log(`memory  ${workers} worker(s): RSS ${mb(r.rss)} MB while training on a ${mb(r.dataset)} MB shared dataset${per}`);
    prev = r;
  }
}
