/**
 * Every package README's examples, run in the installed project the way a user runs them:
 * modules compiled by tsc (module nodenext: the strictest ESM resolution of our exports and
 * types) and run by node; terminal sessions run by bash with the installed `backprop` on PATH.
 * What they print must be what the README says they print.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { examples, matches, normalise, type Example } from '../src/readme.js';
import { ROOT, bin, publishable } from '../src/workspace.js';

const project = inject('project');
const FIXTURES = join(ROOT, 'tests', 'consumer', 'fixtures', 'readme');
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', PATH: `${join(project, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` };

/** The README as installed (the one the registry page shows), and its examples. */
const all = publishable().map((p) => {
  const readme = readFileSync(join(project, 'node_modules', p.name, 'README.md'), 'utf8');
  return { name: p.name, slug: p.name.replace(/^@backprop\//, ''), list: examples(readme) };
});

beforeAll(() => {
  // every module example, compiled once against the installed packages' types
  const src = join(project, 'examples');
  mkdirSync(src, { recursive: true });
  for (const r of all) r.list.forEach((ex, i) => ex.kind === 'module' && writeFileSync(join(src, `${r.slug}-${i}.ts`), ex.code));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, outDir: 'examples-out', rootDir: 'examples',
      types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], skipLibCheck: true,
    },
    include: ['examples'],
  }, null, 2));
  const r = spawnSync(bin('tsc'), ['-p', project], { cwd: project, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the README examples do not type-check against the installed packages:\n${r.stdout}${r.stderr}`);
});

describe.each(all.map((r) => [r.name, r] as const))('%s README', (_name, r) => {
  it('has at least one example marked <!-- example --> with its output', () => {
    expect(r.list.length).toBeGreaterThan(0);
  });

  it.each(r.list.map((ex, i) => [`${ex.kind} at README line ${ex.line}`, ex, i] as const))('%s prints what the README says', (_t, ex: Example, i) => {
    if (ex.kind === 'module') {
      const out = execFileSync(process.execPath, [join(project, 'examples-out', `${r.slug}-${i}.js`)], { cwd: project, encoding: 'utf8', env });
      expect(normalise(out).join('\n')).toBe(normalise(ex.expected).join('\n'));
      return;
    }
    const dir = join(project, 'sessions', `${r.slug}-${i}`);
    mkdirSync(dir, { recursive: true });
    cpSync(FIXTURES, dir, { recursive: true });
    for (const step of ex.steps) {
      // stderr joins stdout first: a trailing `# comment` on the command would swallow a `2>&1` after it
      const run = spawnSync('bash', ['-c', `exec 2>&1; ${step.command}`], { cwd: dir, encoding: 'utf8', env });
      const actual = normalise(run.stdout);
      const expected = normalise(step.expected.join('\n'));
      if (!matches(actual, expected)) {
        expect.fail(`$ ${step.command} (exit ${run.status}) printed:\n${actual.join('\n')}\n\nthe README says (… = any lines):\n${expected.join('\n')}`);
      }
    }
  });
});
