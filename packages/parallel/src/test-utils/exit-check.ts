// Run as its own process by engine.test.ts: trains, fails, aborts and closes parallel engines,
// then falls off the end. If any worker thread were left running, the process would not exit.
import { Network, Trainer } from '@backprop/core';
import { nodeEngine } from '../node/index.js';
import { SIZES, makeData } from './fixtures.js';

const data = makeData(120, 'f32');
const config = { epochs: 2, batchSize: 20, shardSize: 8 };
const fresh = () => new Trainer(Network.create({ sizes: SIZES }, { seed: 1 }), config);

const ok = await fresh().fit(data, { engine: nodeEngine({ workers: 2 }) });
console.log('trained', ok.workers);

const err = await fresh()
  .fit(data, { engine: nodeEngine({ workers: 2, retries: 0, faultInjection: { step: 2, shard: 1, kind: 'exit' } }) })
  .then(() => null, (e: Error) => e);
console.log('failed', err?.name, (err as { shard?: number } | null)?.shard);

const ac = new AbortController();
const t = fresh();
await t.fit(data, { engine: nodeEngine({ workers: 3 }), signal: ac.signal, onBatch: (e) => e.step === 4 && ac.abort() });
console.log('aborted', t.state.step);

const factory = nodeEngine({ workers: 2 });
const unused = await factory(Network.create({ sizes: SIZES }), data, { shardSize: 8, maxBatch: 20 });
await unused.close();
console.log('closed unused');
console.log('end of script');
