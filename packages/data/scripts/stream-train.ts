// Streams a CSV (first pass, epochs of training, the test rows) and prints one JSON line: rows,
// heap limit, RSS before and at peak, seconds (all, first pass, training), test accuracy. The child of stream.test.ts and bench/csv.ts.
//   tsx --conditions @backprop/source scripts/stream-train.ts data.csv [epochs]
import { getHeapStatistics } from 'node:v8';
import { Network, Trainer, evaluateStream } from '@backprop/core';
import { now } from '@backprop/core/engine';
import { load } from '@backprop/data/node';

const path = process.argv[2];
const epochs = Number(process.argv[3] ?? 1);
const rssBefore = process.memoryUsage().rss;
const t0 = now();
const d = await load(path, { stream: true, seed: 1, test: 0.1, bufferRows: 16384 });
const firstPass = (now() - t0) / 1000;
const net = Network.create({ sizes: [d.train.window.nIn, 16, d.train.window.nOut] }, { seed: 1 });
await new Trainer(net, { epochs, batchSize: 256, optimizer: { name: 'adam', lr: 0.005 }, seed: 1 }).fit(d.train);
const trained = now();
const ev = await evaluateStream(net, d.test!);
const seconds = (now() - t0) / 1000;
const training = (trained - t0) / 1000 - firstPass;
console.log(JSON.stringify({
  rows: d.counts.train + d.counts.test, heapLimit: getHeapStatistics().heap_size_limit, rssBefore,
  maxRss: process.resourceUsage().maxRSS * 1024, seconds, firstPass, training, accuracy: ev.accuracy,
}));
