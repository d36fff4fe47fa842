/** The `backprop` command end to end, spawned as a user runs it, on small synthetic data and tiny CSVs. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHORT_HASH, loadModel, weightsHash } from '@backprop/core';
import { RUN } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...RUN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a --json command and sends `signal` at its first step event (mid-epoch); its exit code and last event. */
async function interrupted(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; err: string; last: Record<string, unknown> }> {
  const child = spawn(process.execPath, [...RUN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"event":"step"') && !child.killed) child.kill(signal);
    });
    child.on('exit', (c) => resolve(c));
  });
  return { code, err, last: JSON.parse(out.trim().split('\n').pop()!) };
}

/** A usage error: exit 2, one or two lines, no stack trace. */
function expectUsage(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

const FAST = ['--data', 'gauss:200', '--hidden', '6', '--epochs', '3', '--batch-size', '16', '--lr', '0.05', '--workers', '1'];
writeFileSync(p('tiny.csv'), 'x1,x2,label\n' + Array.from({ length: 40 }, (_, i) => `${(i % 7) - 3},${(i % 5) - 2},${i % 7 > 3 ? 'hot' : 'cold'}`).join('\n') + '\n');
writeFileSync(p('inputs.csv'), 'x1,x2\n-3,-2\n3,2\n');
writeFileSync(p('inputs.json'), JSON.stringify([[-3, -2], { x1: 3, x2: 2 }]));

describe('train', () => {
  it('trains, prints a summary with a test accuracy, and writes the model', () => {
    const r = cli('train', ...FAST, '-o', 'g.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test accuracy: \d+\.\d+% on 40 held-out rows/);
    expect(r.stderr).toMatch(/epoch 3\/3 \| loss/);
    expect(loadModel(readFileSync(p('g.bpnn'))).net.spec.sizes).toEqual([2, 6, 2]);
  });

  it('--json emits start, step, epoch and done events, one JSON object per line', () => {
    const r = cli('train', ...FAST, '-o', 'j.bpnn', '--json');
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].event).toBe('start');
    const steps = events.filter((e) => e.event === 'step');
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['epoch', 'step', 'loss', 'accuracy', 'samplesPerSec', 'workers']));
    expect(events.filter((e) => e.event === 'epoch').map((e) => e.epoch)).toEqual([1, 2, 3]);
    const done = events[events.length - 1];
    expect(done).toMatchObject({ event: 'done', stopped: 'done', epochs: 3, workers: 1 });
    expect(done.testAccuracy).toBeGreaterThan(0.5);
  });

  it('trains from a CSV with a label column, on 2 workers, with validation and early stopping', () => {
    const r = cli('train', '--data', 'tiny.csv', '--hidden', '4', '--epochs', '4', '--workers', '2', '--val-split', '0.25', '--patience', '2', '-o', 'csv.bpnn', '--json');
    expect(r.code, r.stderr).toBe(0);
    const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'epoch');
    expect(epochs[0].valLoss).toBeTypeOf('number');
    expect(epochs[0].workers).toBe(2);
  });

  it('Ctrl-C writes a checkpoint, prints the resume command, and resuming is bit-identical', async () => {
    // 40 epochs (≈ 1 s): the signal must land mid-run, and 4 epochs of this net take ≈ 0.1 s, less than a signal's round trip under load
    const args = ['--data', 'spiral:4000', '--hidden', '32,32', '--epochs', '40', '--batch-size', '8', '--workers', '1', '--optimizer', 'momentum', '--lr', '0.05'];
    expect(cli('train', ...args, '-o', 'full.bpnn', '--json').code).toBe(0);
    const { code, err, last } = await interrupted(['train', ...args, '-o', 'cut.bpnn', '--json'], 'SIGINT');
    expect(code, err).toBe(130);
    expect(last).toMatchObject({ event: 'interrupted', signal: 'SIGINT', checkpoint: 'cut.bpnn.ckpt', resume: 'backprop train --resume cut.bpnn.ckpt' });
    expect(existsSync(p('cut.bpnn'))).toBe(false);
    const r = cli('train', '--resume', 'cut.bpnn.ckpt', '--json');
    expect(r.code, r.stderr).toBe(0);
    const full = loadModel(readFileSync(p('full.bpnn'))).net.params;
    const resumed = loadModel(readFileSync(p('cut.bpnn'))).net.params;
    expect(Buffer.from(resumed.buffer, resumed.byteOffset, resumed.byteLength).equals(Buffer.from(full.buffer, full.byteOffset, full.byteLength))).toBe(true);
  });
});

describe('signals and version (handled in the CLI process itself, no launcher)', () => {
  it('SIGTERM stops at a step boundary, writes the checkpoint and exits 143 (128 + 15)', async () => {
    const { code, err, last } = await interrupted(['train', '--data', 'spiral:4000', '--hidden', '32,32', '--epochs', '40', '--batch-size', '8', '--workers', '1', '-o', 'term.bpnn', '--json'], 'SIGTERM'); // long enough to be cut (above)
    expect(code, err).toBe(143);
    expect(last).toMatchObject({ event: 'interrupted', signal: 'SIGTERM', checkpoint: 'term.bpnn.ckpt' });
    expect(loadModel(readFileSync(p('term.bpnn.ckpt'))).training).toBeTruthy();
  });

  it('--version prints the version in package.json', () => {
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('eval, predict, info', () => {
  it('eval prints loss, accuracy and a confusion matrix with label names', () => {
    cli('train', '--data', 'tiny.csv', '--hidden', '4', '--epochs', '2', '--workers', '1', '-o', 'e.bpnn');
    const r = cli('eval', 'e.bpnn', 'tiny.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy \d+\.\d+%/);
    expect(r.stdout).toMatch(/cold/);
    expect(r.stdout).toMatch(/hot/);
    const j = JSON.parse(cli('eval', 'e.bpnn', 'tiny.csv', '--json').stdout);
    expect(j.labels).toEqual(['cold', 'hot']);
    expect(j).toMatchObject({ N: 8, heldOut: true }); // the training set: its 8 held-out rows
    expect(j.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(8);
    writeFileSync(p('tiny-copy.csv'), readFileSync(p('tiny.csv')));
    expect(JSON.parse(cli('eval', 'e.bpnn', 'tiny-copy.csv', '--json').stdout)).toMatchObject({ N: 40, heldOut: false }); // other data: every row
  });

  it('predict gives labels and probabilities from CSV and JSON, to stdout or a file', () => {
    const r = cli('predict', 'e.bpnn', 'inputs.csv');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('label,p_cold,p_hot');
    expect(lines).toHaveLength(3);
    const probs = lines[1].split(',').slice(1).map(Number);
    expect(probs[0] + probs[1]).toBeCloseTo(1, 4);
    const j = cli('predict', 'e.bpnn', 'inputs.json', '--json').stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(j).toHaveLength(2);
    expect(['cold', 'hot']).toContain(j[0].label);
    expect(cli('predict', 'e.bpnn', 'inputs.csv', '-o', 'pred.csv').code).toBe(0);
    expect(readFileSync(p('pred.csv'), 'utf8')).toBe(r.stdout);
  });

  it('info shows architecture, parameter count and training config', () => {
    const r = cli('info', 'e.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2-4-2, loss cce, f32, 22 parameters/);
    expect(r.stdout).toMatch(/adam lr 0\.01, β1 0\.9, β2 0\.999; batch 16/); // the defaults for small tables
    const json = JSON.parse(cli('info', 'e.bpnn', '--json').stdout) as { parameters: number; weightsSha256: string };
    expect(json.parameters).toBe(22);
    // the hash of the weights as loadModel reads them, in full in --json and its first SHORT_HASH digits in the text
    const hash = weightsHash(loadModel(readFileSync(p('e.bpnn'))).net.params);
    expect(json.weightsSha256).toBe(hash);
    expect(r.stdout).toContain(`weights  sha256 ${hash.slice(0, SHORT_HASH)}…\n`);
  });
});

describe('data through @backprop/data', () => {
  const flowers = 'petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n'; // raw cm, columns in another order
  writeFileSync(p('flowers.csv'), flowers);
  writeFileSync(p('flowers.json'), JSON.stringify([[5.1, 3.5, 1.4, 0.2], { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }]));

  it('iris: trains, evals on the held-out rows of the same split, predicts raw rows with the saved z-score', () => {
    const r = cli('train', '--data', 'iris', '--hidden', '8', '--epochs', '60', '--batch-size', '16', '--workers', '1', '-o', 'iris.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/iris \(150 rows, 4 features, 3 classes; zscore normalisation\); 120 train \/ 30 test rows/);
    const acc = Number(/test accuracy: ([\d.]+)% on 30 held-out rows/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(85);
    const pre = loadModel(readFileSync(p('iris.bpnn'))).preprocessing!;
    expect(pre.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(pre.normalization.kind).toBe('zscore');
    expect(pre.features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const ev = JSON.parse(cli('eval', 'iris.bpnn', 'iris', '--json').stdout);
    expect(ev).toMatchObject({ N: 30, heldOut: true, labels: ['setosa', 'versicolor', 'virginica'] });
    expect((ev.accuracy * 100).toFixed(2)).toBe(acc.toFixed(2)); // the same rows train scored
    const csv = cli('predict', 'iris.bpnn', 'flowers.csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n').map((l) => l.split(',')[0])).toEqual(['label', 'setosa', 'virginica']);
    const json = cli('predict', 'iris.bpnn', 'flowers.json', '--json').stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(json.map((j) => j.label)).toEqual(['setosa', 'virginica']);
    expect(json[0].probabilities.setosa).toBeCloseTo(Number(csv.stdout.split('\n')[1].split(',')[1]), 4);
  });

  it('a CSV with --label-column, --normalize minmax and --test-split as a count; eval reuses them', () => {
    writeFileSync(p('kind.csv'), 'kind,a,b\n' + Array.from({ length: 60 }, (_, i) => `${i % 3 === 0 ? 'big' : 'small'},${i % 3 === 0 ? 10 + (i % 5) : i % 4},${(i * 7) % 11}`).join('\n') + '\n');
    const r = cli('train', '--data', 'kind.csv', '--label-column', 'kind', '--normalize', 'minmax', '--test-split', '15', '--hidden', '4', '--epochs', '30', '--batch-size', '8', '--workers', '1', '-o', 'kind.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kind\.csv \(60 rows, 2 features, 2 classes; minmax normalisation\); 45 train \/ 15 test rows/);
    const pre = loadModel(readFileSync(p('kind.bpnn'))).preprocessing!;
    expect(pre.normalization.kind).toBe('minmax');
    expect(pre.features).toEqual(['a', 'b']);
    expect(pre.labels).toEqual(['big', 'small']);
    expect(pre.normalization.shift.every((v) => v >= 0)).toBe(true); // min of each column
    const ev = JSON.parse(cli('eval', 'kind.bpnn', 'kind.csv', '--json').stdout);
    expect(ev).toMatchObject({ N: 15, heldOut: true, labels: ['big', 'small'] });
    writeFileSync(p('kind-rows.csv'), 'b,a\n3,12\n5,1\n');
    const out = cli('predict', 'kind.bpnn', 'kind-rows.csv').stdout.trim().split('\n');
    expect(out.map((l) => l.split(',')[0])).toEqual(['label', 'big', 'small']);
  });

  it('--normalize none keeps raw features; --normalize zscore is the default for tables', () => {
    expect(cli('train', '--data', 'tiny.csv', '--normalize', 'none', '--hidden', '3', '--epochs', '1', '--workers', '1', '-o', 'raw.bpnn').code).toBe(0);
    const n = loadModel(readFileSync(p('raw.bpnn'))).preprocessing!.normalization;
    expect(n).toMatchObject({ kind: 'none', shift: [0, 0], scale: [1, 1] });
    expect(loadModel(readFileSync(p('e.bpnn'))).preprocessing!.normalization.kind).toBe('zscore');
  });

  it('synthetic sets: spirals:K classes with --samples and --noise; circle:N still means N points', () => {
    const r = cli('train', '--data', 'spirals:3', '--samples', '300', '--noise', '0.1', '--hidden', '8', '--epochs', '2', '--workers', '1', '-o', 'sp.bpnn', '--json');
    expect(r.code, r.stderr).toBe(0);
    const start = JSON.parse(r.stdout.split('\n')[0]);
    expect(start).toMatchObject({ sizes: [2, 8, 3], trainRows: 240, testRows: 60 });
    const c = JSON.parse(cli('train', '--data', 'circle:100', '--hidden', '3', '--epochs', '1', '--workers', '1', '-o', 'c.bpnn', '--json').stdout.split('\n')[0]);
    expect(c).toMatchObject({ trainRows: 80, testRows: 20 });
  });

  it('eval: a label the model does not know; predict: rows that lack a feature', () => {
    writeFileSync(p('warm.csv'), 'x1,x2,label\n1,2,hot\n0,0,warm\n');
    expectUsage(cli('eval', 'e.bpnn', 'warm.csv'), /warm\.csv, line 3, column "label": unknown label "warm": the model was trained on the labels cold, hot/);
    writeFileSync(p('narrow.csv'), 'x1\n1\n2\n');
    expectUsage(cli('predict', 'e.bpnn', 'narrow.csv'), /narrow\.csv: the model takes 2 columns and this data has 1; it lacks x2/);
    writeFileSync(p('obj.json'), JSON.stringify([{ x1: 1 }]));
    expectUsage(cli('predict', 'e.bpnn', 'obj.json'), /obj\.json, row 0, column "x2": the column is missing/);
  });
});

describe('gradcheck and explain', () => {
  it('gradcheck reports a tiny relative error per layer and exits 0', () => {
    const r = cli('gradcheck', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.layers).toHaveLength(3);
    expect(j).toMatchObject({ ok: true, atol: 1e-7, rtol: 1e-5 });
    expect(j.worst).toBeLessThanOrEqual(1);
    expect(cli('gradcheck', 'e.bpnn', '--data', 'tiny.csv').stdout).toMatch(/ok: max \|g − ĝ\| .*, max relative error/);
  });

  it('explain prints the forward and backward pass in the note\'s notation', () => {
    const r = cli('explain');
    expect(r.code, r.stderr).toBe(0);
    for (const s of ['x^[0] = [1; a^[0]]', 'net^[1] = W^[1] x^[0]', 'a^[2] = softmax(net^[2])', 'δ^[2] = (Σ_j y_j)·a^[2] − y', '∂L/∂W^[1] = δ^[1] (x^[0])ᵀ', 'W^[l] ← W^[l] − η ∂L/∂W^[l]']) expect(r.stdout).toContain(s);
    const m = /after the step: ([\d.]+) \(was ([\d.]+)\)/.exec(r.stdout)!;
    expect(Number(m[1])).toBeLessThan(Number(m[2]));
  });
});

describe('bad input: one or two lines, exit 2, no stack trace', () => {
  it('unknown command or flag suggests the nearest', () => {
    expectUsage(cli('trian'), /Did you mean train\?/);
    expectUsage(cli('train', '--epoch', '3'), /Did you mean --epochs\?/);
  });
  it('invalid numbers', () => {
    expectUsage(cli('train', '--lr', 'fast'), /--lr.*'fast' is invalid/);
    expectUsage(cli('train', '--epochs', '0'), /integer from 1 to 1,000,000/);
    expectUsage(cli('train', '--layers', '2-x-2'), /positive integers/);
  });
  it('missing or unreadable files', () => {
    expectUsage(cli('eval', 'nope.bpnn', 'tiny.csv'), /nope\.bpnn does not exist/);
    expectUsage(cli('train', '--data', 'missing.csv', '-o', 'x.bpnn'), /missing\.csv: no such file or directory; check the path/);
    expectUsage(cli('eval', 'e.bpnn', 'missing.csv'), /missing\.csv: no such file/);
    expectUsage(cli('train', '--data', 'nope', '-o', 'x.bpnn'), /unknown dataset "nope"; use mnist, iris/);
  });
  it('malformed CSV', () => {
    writeFileSync(p('bad.csv'), 'x1,x2,label\n1,2,a\n3,oops,b\n');
    expectUsage(cli('train', '--data', 'bad.csv', '-o', 'b.bpnn', '--workers', '1'), /bad\.csv.*line 3.*oops/);
  });
  it('a model file that is corrupt or from a newer version', () => {
    const bytes = readFileSync(p('e.bpnn'));
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 0xff;
    writeFileSync(p('corrupt.bpnn'), flipped);
    expectUsage(cli('info', 'corrupt.bpnn'), /corrupt/);
    const newer = Buffer.from(bytes);
    newer.writeUInt32LE(99, 4);
    writeFileSync(p('newer.bpnn'), newer);
    expectUsage(cli('info', 'newer.bpnn'), /version 99.*upgrade backprop/);
    writeFileSync(p('text.bpnn'), 'hello');
    expectUsage(cli('predict', 'text.bpnn', 'inputs.csv'), /not a backprop model file/);
  });
  it('an output path that exists is refused without --force', () => {
    expectUsage(cli('train', ...FAST, '-o', 'g.bpnn'), /g\.bpnn already exists; pass --force/);
    expect(cli('train', ...FAST, '-o', 'g.bpnn', '--force').code).toBe(0);
    expectUsage(cli('predict', 'e.bpnn', 'inputs.csv', '-o', 'pred.csv'), /already exists/);
  });
  it('layer sizes that do not match the data', () => {
    expectUsage(cli('train', '--data', 'tiny.csv', '--layers', '784-16-10', '-o', 'l.bpnn'), /2 features and 2 outputs; use --layers 2-16-2/);
    expectUsage(cli('predict', 'e.bpnn', p('wide.json')), /wide\.json: no such file/);
    writeFileSync(p('wide.json'), JSON.stringify([[1, 2, 3]]));
    expectUsage(cli('predict', 'e.bpnn', 'wide.json'), /wide\.json, row 0: the row has 3 values but the model takes 2 columns \(x1, x2\)/);
  });
  it('--kernels wasm trains on one worker and on several, with the same weights; auto picks wasm on any worker count', () => {
    const r = cli('train', ...FAST, '--kernels', 'wasm', '-o', 'w.bpnn');
    if (r.code !== 0) {
      expectUsage(r, /the WASM kernels cannot run: /); // a Node without SIMD or an unbuilt kernels file
    } else {
      expect(r.stderr).toMatch(/1 worker, wasm kernels/);
      const r2 = cli('train', ...FAST, '--kernels', 'wasm', '--workers', '2', '-o', 'w2.bpnn');
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stderr).toMatch(/2 workers, wasm kernels/);
      const w1 = loadModel(readFileSync(p('w.bpnn'))).net.params;
      const w2 = loadModel(readFileSync(p('w2.bpnn'))).net.params;
      expect(Buffer.from(w2.buffer, w2.byteOffset, w2.byteLength).equals(Buffer.from(w1.buffer, w1.byteOffset, w1.byteLength))).toBe(true);
      const auto = cli('train', ...FAST, '--workers', '2', '-o', 'wa.bpnn');
      expect(auto.code, auto.stderr).toBe(0);
      expect(auto.stderr).toMatch(/2 workers, wasm kernels/);
    }
    expectUsage(cli('train', ...FAST, '--kernels', 'gpu', '-o', 'w3.bpnn'), /Allowed choices are auto, js, wasm/);
  });
  it('bad --normalize, --noise and --test-split values', () => {
    expectUsage(cli('train', '--data', 'iris', '--normalize', 'l2'), /Allowed choices are zscore, minmax, none/);
    expectUsage(cli('train', '--data', 'circle', '--noise', '2'), /from 0 to 1/);
    expectUsage(cli('train', '--data', 'iris', '--test-split', '2.5'), /fraction in \[0, 1\) or a whole row count/);
  });
  it('more workers than cores: a note says they share cores and that fewer would be faster', () => {
    const cores = availableParallelism();
    const over = cli('train', '--data', 'xor', '--samples', '100', '--hidden', '4', '--epochs', '1', '--workers', String(cores + 1), '-o', 'over.bpnn');
    expect(over.code, over.stderr).toBe(0);
    expect(over.stderr).toContain(`note: ${cores + 1} workers on ${cores} core${cores === 1 ? '' : 's'}: workers that share a core wait for each other at every step, so this likely trains slower than --workers ${cores}`);
    const fits = cli('train', '--data', 'xor', '--samples', '100', '--hidden', '4', '--epochs', '1', '--workers', String(cores), '-o', 'fits.bpnn');
    expect(fits.code, fits.stderr).toBe(0);
    expect(fits.stderr).not.toMatch(/workers that share a core/);
  });
  it('the default output model.bpnn is overwritten by the next run, unless it is not a model', () => {
    const args = ['--data', 'xor', '--samples', '100', '--hidden', '4', '--epochs', '1', '--workers', '1'];
    expect(cli('train', ...args).code).toBe(0);
    const again = cli('train', ...args, '--seed', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr + again.stdout).toMatch(/note: overwriting model\.bpnn from an earlier run/);
    expect(loadModel(readFileSync(p('model.bpnn'))).training?.config.seed ?? 2).toBe(2);
    writeFileSync(p('model.bpnn'), 'my notes');
    expectUsage(cli('train', ...args), /model\.bpnn exists and is not a backprop model; pass -o/);
    rmSync(p('model.bpnn'));
  });
  it('--help works on every command, with examples', () => {
    for (const c of ['train', 'eval', 'predict', 'info', 'gradcheck', 'explain', 'export', 'import']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example/);
    }
  });
});

