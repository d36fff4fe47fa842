/**
 * The installed `backprop` command (node_modules/.bin, as `npm i -g` or `npx` link it): compiled
 * JavaScript under plain node, the real version, a short MNIST run on the WASM kernels, every
 * command, and a damaged install that loses its kernels.wasm.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const project = inject('project');
const BIN = join(project, 'node_modules', '.bin', 'backprop');
const work = join(project, 'cli');
mkdirSync(work, { recursive: true });

function backprop(...args: string[]): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(BIN, args, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

describe('the installed backprop command', () => {
  it('is real packages, not workspace links, and the bin runs compiled JS with plain node (no tsx installed)', () => {
    for (const name of readdirSync(join(project, 'node_modules', '@backprop'))) expect(lstatSync(join(project, 'node_modules', '@backprop', name)).isSymbolicLink(), name).toBe(false);
    const bin = readFileSync(join(project, 'node_modules', '@backprop', 'cli', 'bin', 'backprop.js'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bin).toMatch(/new URL\('\.\.\/dist\/main\.js', import\.meta\.url\)/); // the compiled CLI, imported in this process
    expect(readdirSync(join(project, 'node_modules'))).not.toContain('tsx');
  });

  it('--version prints the version of the installed package', () => {
    const version = JSON.parse(readFileSync(join(project, 'node_modules', '@backprop', 'cli', 'package.json'), 'utf8')).version;
    const runs = [backprop('--version'), backprop('--version'), backprop('--version')];
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
    console.log(`backprop --version: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms (informational, not asserted)`);
  });

  it('trains one epoch of MNIST on 2 workers with the WASM kernels; info describes the model', () => {
    const r = backprop('train', '--epochs', '1', '--workers', '2', '--kernels', 'wasm', '-o', 'mnist.bpnn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^data {4}mnist \(10000 rows, 784 features, 10 classes; none normalisation\); 8000 train \/ 2000 test rows$/m);
    expect(r.stderr).toMatch(/batch 64, 1 epochs, seed 1, 2 workers, wasm kernels$/m);
    expect(r.stderr).not.toMatch(/note:/);
    const acc = Number(/test accuracy: ([\d.]+)% on 2000 held-out rows/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThan(85);
    console.log(`installed backprop train --epochs 1 (MNIST, 2 workers, wasm): ${(r.ms / 1000).toFixed(2)} s wall (informational)`);
    const info = backprop('info', 'mnist.bpnn');
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^mnist\.bpnn: 784-128-64-10, loss cce, f32, 109,386 parameters$/m);
  });

  it('eval, predict, gradcheck and explain run from the install', () => {
    expect(backprop('train', '--data', 'iris', '--hidden', '8', '--epochs', '20', '--workers', '1', '-o', 'iris.bpnn').code).toBe(0);
    const ev = backprop('eval', 'iris.bpnn', 'iris', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ N: 30, heldOut: true });
    const pr = backprop('predict', 'iris.bpnn', join(project, '..', 'nothing.csv'));
    expect(pr.code).toBe(2); // a usage error, one line
    expect(pr.stderr.trim().split('\n')).toHaveLength(1);
    const gc = backprop('gradcheck');
    expect(gc.code, gc.stderr).toBe(0);
    const ex = backprop('explain');
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/net\^\[1\]/);
  });

  it('a damaged install without kernels.wasm: auto says why once and trains on JS; --kernels wasm fails with the reason', () => {
    const wasm = join(project, 'node_modules', '@backprop', 'core', 'build', 'kernels.wasm');
    renameSync(wasm, `${wasm}.away`);
    try {
      const auto = backprop('train', '--data', 'gauss:200', '--hidden', '4', '--epochs', '1', '--workers', '2', '-o', 'g.bpnn');
      expect(auto.code, auto.stderr).toBe(0);
      const notes = auto.stderr.split('\n').filter((l) => l.startsWith('note:'));
      expect(notes).toEqual([expect.stringMatching(/^note: could not load the WASM kernels from file:.*\/@backprop\/core\/build\/kernels\.wasm: .*kernels\.wasm does not exist; the installed @backprop\/core is incomplete: reinstall it .*; the JS kernels run instead$/)]);
      expect(auto.stderr).toMatch(/2 workers, js kernels$/m);
      const forced = backprop('train', '--data', 'gauss:200', '--kernels', 'wasm', '-o', 'g2.bpnn');
      expect(forced.code).toBe(2);
      expect(forced.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the WASM kernels cannot run: could not load the WASM kernels from file:.*does not exist; .*use the js kernels, or auto \(which falls back to them\)$/)]);
    } finally {
      renameSync(`${wasm}.away`, wasm);
    }
  });
});
