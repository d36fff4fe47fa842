/**
 * Everyday shell habits and the silent surprises of the hardening issue, each as the user meets
 * it: closed pipes, signals, colour per stream, plots that fit the terminal, `-` as stdin, resume
 * with a new lr, from another folder, with moved data, and temp files of dead processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@backprop/core';
import { colorFor, signalExitCode } from '../src/process-io.js';
import { plot, resample } from '../src/ui.js';
import { CLI, CLI_SHELL, run, TRACE } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-manners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const cli = (...args: string[]) => run(dir, args);
const ESC = new RegExp(String.fromCharCode(27) + '\\[');
const TINY = 'x1,x2,label\n' + Array.from({ length: 40 }, (_, i) => `${(i % 7) - 3},${(i % 5) - 2},${i % 7 > 3 ? 'hot' : 'cold'}`).join('\n') + '\n';
const QUICK = ['--epochs', '2', '--workers', '1'];
const same = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** bash -c with pipefail off: `$?` of the first command of a pipeline comes back via PIPESTATUS. */
function sh(script: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BP: CLI_SHELL, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  writeFileSync(p('tiny.csv'), TINY);
  writeFileSync(p('inputs.csv'), 'x1,x2\n-3,-2\n3,2\n');
  const r = cli('train', '--data', 'tiny.csv', ...QUICK, '-o', 'm.bpnn');
  if (r.code !== 0) throw new Error(r.stderr);
}, 120_000);

describe('closed pipes (EPIPE): stop writing, keep the work, exit quietly', () => {
  it('eval | head -1 and predict | head -1: one line, no trace, exit 0', () => {
    for (const cmd of ['$BP eval m.bpnn tiny.csv', '$BP predict m.bpnn inputs.csv', '$BP info m.bpnn', '$BP explain', '$BP train --help']) {
      const r = sh(`${cmd} | head -1; echo "status \${PIPESTATUS[0]}" >&2`);
      expect(r.stdout.trim().split('\n'), cmd).toHaveLength(1);
      expect(r.stderr, cmd).not.toMatch(/EPIPE|Error/);
      expect(r.stderr, cmd).not.toMatch(TRACE);
      expect(r.stderr.trim(), cmd).toBe('status 0');
    }
  });

  it('train --json | head -1 still trains to the end and saves the model', () => {
    const r = sh(`$BP train --data tiny.csv ${QUICK.join(' ')} -o piped.bpnn --json | head -1; echo "status \${PIPESTATUS[0]}" >&2`);
    expect(JSON.parse(r.stdout).event).toBe('start');
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.stderr).toMatch(/status 0/);
    expect(loadModel(readFileSync(p('piped.bpnn'))).training?.state.epoch).toBe(2);
  });

  it('a closed stderr (train 2>&1 >/dev/null | head -1) is quiet too, and the model is saved', () => {
    const r = sh(`$BP train --data tiny.csv ${QUICK.join(' ')} -o piped2.bpnn 2>&1 >/dev/null | head -1; echo "status \${PIPESTATUS[0]}"`);
    expect(r.stdout.trim().split('\n')).toHaveLength(2); // the first progress line, then the status
    expect(r.stdout).toMatch(/status 0$/m);
    expect(existsSync(p('piped2.bpnn'))).toBe(true);
  });
});

describe('signals: 128 + the signal number, after the checkpoint', () => {
  const slow = ['train', '--data', 'spiral:4000', '--hidden', '64,64', '--epochs', '50', '--batch-size', '8', '--workers', '1', '--json'];

  async function interrupt(sig: NodeJS.Signals, out: string): Promise<{ code: number | null; last: Record<string, unknown> }> {
    const child = spawn(process.execPath, [...CLI, ...slow, '-o', out], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let text = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        text += d;
        if (text.includes('"event":"step"') && !child.killed) child.kill(sig);
      });
      child.on('exit', (c) => resolve(c));
    });
    return { code, last: JSON.parse(text.trim().split('\n').pop()!) };
  }

  it('SIGINT → 130, SIGTERM → 143 and SIGHUP → 129, each with a checkpoint that resumes', async () => {
    for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const r = await interrupt(sig, `${sig}.bpnn`);
      expect(r.code).toBe(code);
      expect(r.last).toMatchObject({ event: 'interrupted', signal: sig, checkpoint: `${sig}.bpnn.ckpt` });
      expect(loadModel(readFileSync(p(`${sig}.bpnn.ckpt`))).training!.state.step).toBeGreaterThan(0);
      expect(existsSync(p(`${sig}.bpnn`))).toBe(false);
    }
    // one epoch more than the checkpoint holds: on a loaded machine the signal may land after epoch 1
    const done = loadModel(readFileSync(p('SIGTERM.bpnn.ckpt'))).training!.state.epoch;
    const resumed = cli('train', '--resume', 'SIGTERM.bpnn.ckpt', '--epochs', String(done + 1), '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
  }, 120_000);

  it('a command waiting on stdin ends on SIGTERM with 143', async () => {
    const child = spawn(process.execPath, [...CLI, 'predict', 'm.bpnn', '-'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    setTimeout(() => child.kill('SIGTERM'), 6000); // well after start-up, while it waits for stdin
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);
  }, 30_000);

  it('signalExitCode is 128 + n', () => {
    expect([signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGHUP'), signalExitCode('SIGQUIT')]).toEqual([130, 143, 129, 131]);
  });
});

describe('terminal manners', () => {
  it('colour is decided per stream: FORCE_COLOR wins, then NO_COLOR, then whether the stream is a terminal', () => {
    expect(colorFor({ isTTY: true }, {})).toBe(true);
    expect(colorFor({ isTTY: false }, {})).toBe(false);
    expect(colorFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorFor({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // empty NO_COLOR means unset
    expect(colorFor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorFor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorFor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colorFor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('train with stdout on a terminal and 2>log: the log has no escape codes, the terminal has colour', () => {
    if (spawnSync('script', ['--version']).status !== 0) return; // no util-linux script here
    const r = sh(`script -qec "$BP train --data tiny.csv ${QUICK.join(' ')} -o tty.bpnn 2>err.log" /dev/null`, { NO_COLOR: '', TERM: 'xterm' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(ESC); // the summary table on the terminal
    const log = readFileSync(p('err.log'), 'utf8');
    expect(log).toMatch(/epoch 2\/2 \| loss/);
    expect(log).not.toMatch(ESC);
  });

  it('FORCE_COLOR colours pipes; NO_COLOR and plain pipes get none', () => {
    const forced = run(dir, ['info', 'm.bpnn'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ESC);
    const plain = run(dir, ['info', 'm.bpnn'], { env: { NO_COLOR: undefined } });
    expect(plain.stdout).not.toMatch(ESC);
    const err = run(dir, ['info', 'nope.bpnn'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(err.stderr).toMatch(ESC);
  });

  it('plots fit the terminal: 300 epochs in 60 columns, resampled by bucket means', () => {
    const history = Array.from({ length: 300 }, (_, i) => ({ epoch: i + 1, epochs: 300, step: i, loss: 1 / (i + 1), accuracy: i / 300, valLoss: null, valAccuracy: null, samplesPerSec: 1, seconds: 1 }));
    const chart = plot(history, 60);
    for (const line of chart.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    expect(chart).toMatch(/each column ≈ 6\.1 epochs/);
    expect(resample([1, 2, 3, 4, 5, 6], 3)).toEqual([1.5, 3.5, 5.5]);
    expect(resample([1, 2], 5)).toEqual([1, 2]);
    const r = run(dir, ['train', '--data', 'circle:100', '--hidden', '4', '--epochs', '200', '--workers', '1', '-o', 'wide.bpnn'], { env: { COLUMNS: '70' } });
    expect(r.code, r.stderr).toBe(0);
    const plotLines = r.stderr.split('\n').filter((l) => /[┤┼│╭╮╰╯─]/.test(l));
    expect(plotLines.length).toBeGreaterThan(6);
    for (const line of plotLines) expect([...line].length).toBeLessThanOrEqual(70);
  }, 120_000);

  it('- reads predict and eval rows from stdin, with the same results as the file', () => {
    const file = cli('predict', 'm.bpnn', 'inputs.csv');
    const piped = run(dir, ['predict', 'm.bpnn', '-'], { input: readFileSync(p('inputs.csv')) });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(file.stdout);
    const json = run(dir, ['predict', 'm.bpnn', '-', '--json'], { input: JSON.stringify([[-3, -2], [3, 2]]) });
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).label)).toEqual(file.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]));
    const ev = run(dir, ['eval', 'm.bpnn', '-', '--json'], { input: TINY });
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ N: 40, heldOut: false });
    expect(JSON.parse(ev.stdout).accuracy).toBe(JSON.parse(cli('eval', 'm.bpnn', 'tiny.csv', '--label-column', 'label', '--json').stdout).accuracy === null ? null : JSON.parse(ev.stdout).accuracy);
  });

  it('a bare backprop and an unknown help topic exit 2; help itself exits 0', () => {
    const bare = cli();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: backprop/);
    expect(cli('help', 'nope').code).toBe(2);
    expect(cli('help').code).toBe(0);
    expect(cli('help', 'train').stdout).toMatch(/Usage: backprop train/);
    expect(cli('--help').code).toBe(0);
  });
});

describe('no silent surprises', () => {
  it('--resume with --lr continues from the checkpoint with the new lr and records it in the model', () => {
    expect(cli('train', '--data', 'tiny.csv', '--epochs', '4', '--workers', '1', '-o', 'four.bpnn').code).toBe(0);
    const cont = cli('train', '--resume', 'm.bpnn', '--epochs', '4', '-o', 'cont.bpnn');
    expect(cont.code, cont.stderr).toBe(0);
    // resuming a finished 2-epoch run for 4 epochs gives the 4-epoch run, bit for bit
    expect(same(loadModel(readFileSync(p('cont.bpnn'))).net.params, loadModel(readFileSync(p('four.bpnn'))).net.params)).toBe(true);
    const lr = cli('train', '--resume', 'm.bpnn', '--epochs', '4', '--lr', '0.0001', '-o', 'lr.bpnn');
    expect(lr.code, lr.stderr).toBe(0);
    expect(lr.stderr).toMatch(/note: continuing with lr 0\.0001 \(the checkpoint had 0\.01\); recorded in the model/);
    expect(lr.stderr).toMatch(/adam lr 0\.0001/);
    const file = loadModel(readFileSync(p('lr.bpnn')));
    expect(file.training!.config.optimizer.lr).toBe(0.0001);
    expect((file.meta.cli as { changes: unknown }).changes).toEqual([{ epoch: 2, step: 4, set: { lr: 0.0001, epochs: 4 } }]);
    expect(same(file.net.params, loadModel(readFileSync(p('four.bpnn'))).net.params)).toBe(false);
    expect(cli('info', 'lr.bpnn').stdout).toMatch(/changed {2}from epoch 3, step 4: lr 0\.0001, epochs 4 \(train --resume\)/);
  });

  it('--resume from another folder finds the data by its absolute path; --data overrides it, saying so', () => {
    mkdirSync(p('elsewhere'));
    const away = run(p('elsewhere'), ['train', '--resume', '../m.bpnn', '--epochs', '4', '-o', 'away.bpnn']);
    expect(away.code, away.stderr).toBe(0);
    expect(same(loadModel(readFileSync(p('elsewhere/away.bpnn'))).net.params, loadModel(readFileSync(p('four.bpnn'))).net.params)).toBe(true);
    writeFileSync(p('elsewhere/copy.csv'), TINY);
    const copy = run(p('elsewhere'), ['train', '--resume', '../m.bpnn', '--epochs', '3', '--data', 'copy.csv', '-o', 'copy.bpnn']);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).not.toMatch(/content differs/); // the same bytes: no note
    writeFileSync(p('elsewhere/other.csv'), TINY.replace(/hot/g, 'cold').replace('cold', 'hot'));
    const other = run(p('elsewhere'), ['train', '--resume', '../m.bpnn', '--epochs', '3', '--data', 'other.csv', '-o', 'other.bpnn']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/note: using --data other\.csv instead of the checkpoint's data \/.*\/tiny\.csv \(its content differs: the run continues on other rows, not bit-identically\)/);
    expect((loadModel(readFileSync(p('elsewhere/other.bpnn'))).meta.cli as { dataPath: string }).dataPath).toBe(p('elsewhere/other.csv'));
  });

  it('a model records where its data is: absolute path, size and sha256', () => {
    const cliMeta = loadModel(readFileSync(p('m.bpnn'))).meta.cli as { dataPath: string; dataCheck: { size: number; sha256: string } };
    expect(cliMeta.dataPath).toBe(p('tiny.csv'));
    expect(cliMeta.dataCheck.size).toBe(TINY.length);
    expect(cliMeta.dataCheck.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('temp files of dead processes beside the output are removed on the next run; a live one stays', () => {
    writeFileSync(p('.t.bpnn.4194999.tmp'), 'left by a SIGKILL'); // no such pid (above Linux's pid_max)
    writeFileSync(p(`.t.bpnn.${process.pid}.tmp`), 'a live writer');
    writeFileSync(p('.t.bpnn.ckpt.4194998.tmp'), 'a dead checkpoint writer');
    const r = cli('train', '--data', 'tiny.csv', ...QUICK, '-o', 't.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: removed \.t\.bpnn\.4194999\.tmp, a temp file left by a process that died/);
    expect(existsSync(p('.t.bpnn.4194999.tmp'))).toBe(false);
    expect(existsSync(p('.t.bpnn.ckpt.4194998.tmp'))).toBe(false);
    expect(existsSync(p(`.t.bpnn.${process.pid}.tmp`))).toBe(true);
  });

  it('-o a directory is refused before any training, even with --force', () => {
    mkdirSync(p('models'));
    const r = cli('train', '--data', 'tiny.csv', '--epochs', '300', '--workers', '1', '-o', 'models', '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: models is a directory; name a file inside it, e\.g\. models\/model\.bpnn\n$/);
  });

  it('--noise and --label-column where they mean nothing are errors, where they mean something they work', () => {
    expect(cli('train', '--data', 'circle:80', '--noise', '0.2', ...QUICK, '-o', 'n.bpnn').code).toBe(0);
    expect(cli('train', '--data', 'tiny.csv', '--label-column', 'label', ...QUICK, '-o', 'lc.bpnn').code).toBe(0);
    expect(cli('train', '--data', 'iris', '--noise', '0.2').code).toBe(2);
  });
});
