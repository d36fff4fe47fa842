import { Network, Trainer, evaluate } from '@backprop/core';
import { load } from '@backprop/data/node';
const sets = process.argv[2].split(',');
const cfgs = JSON.parse(process.argv[3]);
for (const cfg of cfgs) {
  const row: string[] = [];
  for (const s of sets) {
    const accs: number[] = [];
    for (const seed of [1, 2, 3]) {
      const d = await load(s, { seed });
      const net = Network.create({ sizes: [d.train.nIn, ...cfg.hidden, d.train.nOut], activation: cfg.act, output: d.task === 'regression' ? 'linear' : 'softmax' }, { seed });
      const t = new Trainer(net, { epochs: cfg.epochs, batchSize: cfg.batch, seed, optimizer: { name: cfg.opt, lr: cfg.lr } });
      await t.fit(d.train);
      const ev = evaluate(net, d.test!); accs.push(ev.accuracy === null ? ev.loss : ev.accuracy * 100);
    }
    row.push(`${s}:${accs.map((a) => a.toPrecision(3)).join('/')}`);
  }
  console.log(JSON.stringify(cfg), row.join('  '));
}
