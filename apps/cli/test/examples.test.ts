/**
 * Documentation that can fail: every `$ backprop …` example printed by `--help` (the program's
 * and each command's) and written in the READMEs is extracted and run, in the order given, in a
 * fresh folder per source. Each must exit 0 with no trace, and what it states must hold: a
 * "≈96% test accuracy" comment, a README's printed "test accuracy: …", eval's accuracy line,
 * predict's labels. Files a README shows with `$ cat NAME` are created from what it prints.
 * Models from elsewhere that an example imports or fine-tunes (a Keras model.json, an .onnx file,
 * imported.bpnn, digits.bpnn) are stand-ins made here by `backprop export`; an example that reads
 * one must run cleanly, but the results it states are about the real file, so they are not checked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS, IRIS_FEATURES, IRIS_LABELS } from '@backprop/data';
import { CLI, CLI_SHELL, run, TRACE, housesCsv } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'backprop-examples-'));
const fixtures = join(root, 'fixtures');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

interface Example {
  cmd: string; // the shell line, starting with "backprop"
  comment: string;
  /** Output lines the source prints under the command (READMEs), if any. */
  output: string[];
}

/** `$ backprop …  # comment` lines of a --help text. */
function fromHelp(text: string): Example[] {
  return text.split('\n').flatMap((l) => {
    const m = /^\s*\$ (.*?backprop .*?)(?:\s+#\s*(.*))?$/.exec(l);
    return m ? [{ cmd: m[1].trim(), comment: m[2] ?? '', output: [] }] : [];
  });
}

/** Commands and their printed output in a README's code blocks ("$ cmd" lines, or bare lines of a sh block). */
function fromReadme(text: string): { examples: Example[]; files: Map<string, string> } {
  const examples: Example[] = [];
  const files = new Map<string, string>();
  let inBlock = false;
  let current: Example | null = null;
  let cat: { name: string; lines: string[] } | null = null;
  const finish = () => {
    if (cat) files.set(cat.name, cat.lines.join('\n') + '\n');
    cat = null;
    current = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      finish();
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    const m = /^\$ (.*?)(?:\s+#\s*(.*))?$/.exec(line) ?? /^(pnpm -s --filter @backprop\/cli exec backprop .*?)(?:\s+#\s*(.*))?$/.exec(line);
    if (m) {
      finish();
      const cmd = normalise(m[1].trim());
      const catMatch = /^cat (\S+)$/.exec(cmd);
      if (catMatch) cat = { name: catMatch[1], lines: [] };
      else if (cmd.startsWith('backprop')) examples.push((current = { cmd, comment: m[2] ?? '', output: [] }));
      continue;
    }
    if (cat) cat.lines.push(line);
    else if (current) current.output.push(line);
  }
  return { examples, files };
}

/** The README's ways of saying `backprop`: `pnpm train`, `time pnpm train`, `pnpm -s --filter @backprop/cli exec backprop`. */
function normalise(cmd: string): string {
  return cmd.replace(/^time /, '').replace(/^pnpm train\b/, 'backprop train').replace(/^pnpm -s --filter @backprop\/cli exec backprop\b/, 'backprop');
}

const helpOf = (args: string[]) => run(root, [...args, '--help']).stdout;
const COMMANDS = ['train', 'eval', 'predict', 'info', 'gradcheck', 'explain'];

/** Runs one shell line with `backprop` as a function, in `cwd`. */
function sh(cmd: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `backprop() { ${CLI_SHELL} "$@"; }\n${cmd}`], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A model file every example that reads one (but does not write it) can use. */
const MODELS = ['model.bpnn', 'iris.bpnn', 'circle.bpnn', 'model.bpnn.ckpt'];
/** Stand-ins for files made elsewhere (see the header); examples reading them state nothing checkable here. */
const STAND_INS = ['keras', 'keras-model', 'mlp.onnx', 'imported.bpnn', 'digits.bpnn', 'keras.bpnn'];

beforeAll(async () => {
  mkdirSync(fixtures);
  const w = (name: string, text: string) => writeFileSync(join(fixtures, name), text);
  w('flowers.csv', 'petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n');
  w('points.csv', 'x1,x2\n0,0\n4,4\n-0.5,0.3\n');
  w('iris-rows.csv', [...IRIS_FEATURES, 'species'].join(',') + '\n' + IRIS.map((r) => [...r.slice(0, 4), IRIS_LABELS[r[4]]].join(',')).join('\n') + '\n');
  // a table with a species column: three well-separated classes
  w('data.csv', 'a,b,c,species\n' + Array.from({ length: 300 }, (_, i) => { const k = i % 3; return `${k * 3 + ((i * 7) % 10) / 10},${(i * 13) % 7},${-k + ((i * 3) % 5) / 5},${['ash', 'elm', 'oak'][k]}`; }).join('\n') + '\n');
  // houses (helpers.ts) from a seeded LCG of its own
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  w('houses.csv', housesCsv(rand));
  const train = (...args: string[]) => {
    const r = run(fixtures, ['train', ...args]);
    if (r.code !== 0) throw new Error(`fixture: ${args.join(' ')}\n${r.stderr}`);
  };
  train('-o', 'model.bpnn');
  train('--data', 'iris', '-o', 'iris.bpnn');
  train('--data', 'circle', '-o', 'circle.bpnn');
  // a real checkpoint: the default run (model.bpnn) interrupted at its first steps, elsewhere
  const cut = join(root, 'cut');
  mkdirSync(cut);
  const child = spawn(process.execPath, [...CLI, 'train', '--json'], { cwd: cut });
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"event":"step"') && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', () => resolve());
  });
  if (!existsSync(join(cut, 'model.bpnn.ckpt'))) throw new Error('no checkpoint fixture');
  cpSync(join(cut, 'model.bpnn.ckpt'), join(fixtures, 'model.bpnn.ckpt'));
  // stand-ins for models made elsewhere: a TF.js layers model (as a Keras converter writes one), an ONNX file
  for (const dirName of ['keras', 'keras-model']) {
    const r = run(fixtures, ['export', 'iris.bpnn', '--format', 'tfjs', '-o', dirName]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  if (run(fixtures, ['export', 'iris.bpnn', '--format', 'onnx', '-o', 'mlp.onnx']).code !== 0) throw new Error('onnx stand-in');
  cpSync(join(fixtures, 'iris.bpnn'), join(fixtures, 'imported.bpnn'));
  cpSync(join(fixtures, 'model.bpnn'), join(fixtures, 'digits.bpnn'));
}, 600_000);

/** Runs a source's examples in order in a fresh folder; returns a report line per failure. */
function runAll(name: string, examples: Example[], files = new Map<string, string>()): string[] {
  const dir = join(root, name.replace(/\W+/g, '-'));
  mkdirSync(dir);
  const written = new Set(examples.flatMap((e) => [...e.cmd.matchAll(/(?:-o|--out)\s+(\S+)/g)].map((m) => m[1])));
  for (const f of ['flowers.csv', 'points.csv', 'iris-rows.csv', 'data.csv', 'houses.csv', ...MODELS, ...STAND_INS]) if (!written.has(f) && existsSync(join(fixtures, f))) cpSync(join(fixtures, f), join(dir, f), { recursive: true });
  for (const [f, text] of files) writeFileSync(join(dir, f), text);
  const failures: string[] = [];
  const standIn = new Set(STAND_INS.filter((f) => !written.has(f)));
  for (const e of examples) {
    const r = sh(e.cmd, dir);
    const readsStandIn = e.cmd.split(/\s+/).some((w) => standIn.has(w.split('/')[0]));
    if (readsStandIn) for (const m of e.cmd.matchAll(/(?:-o|--out)\s+(\S+)/g)) standIn.add(m[1]); // made from a stand-in: one too
    const problems = readsStandIn ? [...check({ ...e, comment: '', output: [] }, r)] : [...check(e, r)];
    if (problems.length) failures.push(`${name}: $ ${e.cmd}\n  ${problems.join('\n  ')}\n  ${r.stderr.trim().split('\n').slice(-3).join('\n  ')}`);
  }
  return failures;
}

function* check(e: Example, r: { code: number | null; stdout: string; stderr: string }): Generator<string> {
  if (r.code !== 0) yield `exit ${r.code}`;
  if (TRACE.test(r.stderr)) yield 'a stack trace';
  const acc = (text: string) => /test accuracy: ([\d.]+)% on (\d+) held-out rows/.exec(text);
  const got = acc(r.stdout);
  const stated = /≈(\d+(?:\.\d+)?)% test accuracy/.exec(e.comment);
  if (stated && !(got && Math.abs(Number(got[1]) - Number(stated[1])) <= 1.5)) yield `states ≈${stated[1]}% test accuracy, got ${got?.[1] ?? 'none'}`;
  const printed = acc(e.output.join('\n'));
  if (printed && !(got && got[2] === printed[2] && Math.abs(Number(got[1]) - Number(printed[1])) <= 1.5)) yield `prints "${printed[0]}", got "${got?.[0] ?? 'none'}"`;
  const evalLine = /accuracy ([\d.]+)%/.exec(e.output.find((l) => l.startsWith('loss ')) ?? '');
  const evalGot = /^loss [\d.]+ +accuracy ([\d.]+)%/m.exec(r.stdout);
  if (evalLine && !(evalGot && Math.abs(Number(evalGot[1]) - Number(evalLine[1])) <= 1.5)) yield `prints accuracy ${evalLine[1]}%, got ${evalGot?.[1] ?? 'none'}`;
  if (e.output[0]?.startsWith('label,')) {
    const labels = (t: string[]) => t.filter((l) => l.trim() !== '').map((l) => l.split(',')[0]);
    const want = labels(e.output);
    const have = labels(r.stdout.trim().split('\n'));
    if (want.join() !== have.join()) yield `prints labels ${want.join(' ')}, got ${have.join(' ')}`;
  }
}

describe('every example of --help and the READMEs runs and states the truth', () => {
  it('the examples of backprop --help and of every command\'s --help', () => {
    const sources: [string, Example[]][] = [['backprop --help', fromHelp(helpOf([]))], ...COMMANDS.map((c): [string, Example[]] => [`backprop ${c} --help`, fromHelp(helpOf([c]))])];
    for (const [name, ex] of sources) expect(ex.length, `${name} has examples`).toBeGreaterThan(0);
    expect(sources.flatMap(([n, ex]) => runAll(n, ex)).join('\n')).toBe('');
  }, 1_800_000);

  it('the examples of README.md and apps/cli/README.md', () => {
    const failures: string[] = [];
    let count = 0;
    for (const readme of ['README.md', 'apps/cli/README.md']) {
      const { examples, files } = fromReadme(readFileSync(join(repo, readme), 'utf8'));
      count += examples.length;
      failures.push(...runAll(readme, examples, files));
    }
    expect(count).toBeGreaterThan(5);
    expect(failures.join('\n')).toBe('');
  }, 1_800_000);
});
