/** The `backprop` command end to end, spawned as a user runs it, on small synthetic data and tiny CSVs. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '@backprop/core';

const BIN = fileURLToPath(new URL('../bin/backprop.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
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
    const args = ['--data', 'spiral:4000', '--hidden', '32,32', '--epochs', '4', '--batch-size', '8', '--workers', '1', '--optimizer', 'momentum', '--lr', '0.05'];
    expect(cli('train', ...args, '-o', 'full.bpnn', '--json').code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'train', ...args, '-o', 'cut.bpnn', '--json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"event":"step"') && !child.killed) child.kill('SIGINT'); // mid-epoch
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code, err).toBe(130);
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last).toMatchObject({ event: 'interrupted', checkpoint: 'cut.bpnn.ckpt', resume: 'backprop train --resume cut.bpnn.ckpt' });
    expect(existsSync(p('cut.bpnn'))).toBe(false);
    const r = cli('train', '--resume', 'cut.bpnn.ckpt', '--json');
    expect(r.code, r.stderr).toBe(0);
    const full = loadModel(readFileSync(p('full.bpnn'))).net.params;
    const resumed = loadModel(readFileSync(p('cut.bpnn'))).net.params;
    expect(Buffer.from(resumed.buffer, resumed.byteOffset, resumed.byteLength).equals(Buffer.from(full.buffer, full.byteOffset, full.byteLength))).toBe(true);
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
    expect(j.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(40);
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
    expect(r.stdout).toMatch(/momentum lr 0\.03, μ 0\.9; batch 32/);
    expect(JSON.parse(cli('info', 'e.bpnn', '--json').stdout).parameters).toBe(22);
  });
});

describe('gradcheck and explain', () => {
  it('gradcheck reports a tiny relative error per layer and exits 0', () => {
    const r = cli('gradcheck', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.layers).toHaveLength(3);
    expect(j.maxRelError).toBeLessThan(1e-5);
    expect(cli('gradcheck', 'e.bpnn', '--data', 'tiny.csv').stdout).toMatch(/ok: max relative error/);
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
    expectUsage(cli('train', '--epochs', '0'), /integer ≥ 1/);
    expectUsage(cli('train', '--layers', '2-x-2'), /positive integers/);
  });
  it('missing or unreadable files', () => {
    expectUsage(cli('eval', 'nope.bpnn', 'tiny.csv'), /nope\.bpnn does not exist/);
    expectUsage(cli('train', '--data', 'missing.csv', '-o', 'x.bpnn'), /missing\.csv does not exist/);
    expectUsage(cli('eval', 'e.bpnn', 'missing.csv'), /does not exist/);
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
    expectUsage(cli('predict', 'e.bpnn', p('wide.json')), /does not exist/);
    writeFileSync(p('wide.json'), JSON.stringify([[1, 2, 3]]));
    expectUsage(cli('predict', 'e.bpnn', 'wide.json'), /expects 2/);
  });
  it('--kernels wasm without a WASM backend says so', () => {
    const r = cli('train', ...FAST, '--kernels', 'wasm', '-o', 'w.bpnn');
    if (r.code !== 0) expectUsage(r, /WASM kernels are not available/);
  });
  it('--help works on every command, with examples', () => {
    for (const c of ['train', 'eval', 'predict', 'info', 'gradcheck', 'explain']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example/);
    }
  });
});

