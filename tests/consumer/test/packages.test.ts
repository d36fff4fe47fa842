/**
 * What each tarball holds and says about itself: the files the code loads at run time and
 * nothing only tests need; the metadata a registry user expects; publint and
 * @arethetypeswrong/cli (ESM-only profile) clean on the packed tarball itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { ROOT, bin, publishable } from '../src/workspace.js';

const tarballs = inject('tarballs');
const rootManifest = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));

function files(tgz: string): string[] {
  return execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a published package.json, checked field by field below
function packedManifest(tgz: string): Record<string, any> {
  return JSON.parse(execFileSync('tar', ['xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
}
/** Every condition object in an exports/imports map, with its path. */
function conditionObjects(map: unknown, path = ''): [string, Record<string, unknown>][] {
  if (map === null || typeof map !== 'object') return [];
  const entries = Object.entries(map as Record<string, unknown>);
  const here: [string, Record<string, unknown>][] = entries.some(([k]) => !k.startsWith('.') && !k.startsWith('#')) ? [[path || '.', map as Record<string, unknown>]] : [];
  return [...here, ...entries.flatMap(([k, v]) => conditionObjects(v, `${path}/${k}`))];
}

describe.each(publishable().map((p) => [p.name, p] as const))('%s tarball', (name, pkg) => {
  const tgz = tarballs[name];

  it('holds dist/ (and bin/, the .wasm) plus README, LICENSE and package.json; no tests, test-utils or sources', () => {
    const list = files(tgz);
    console.log(`${name}: ${(statSync(tgz).size / 1024).toFixed(1)} kB packed, ${list.length} files`);
    expect(list).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    for (const f of list) expect(f, f).toMatch(/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+\.(js|d\.ts|js\.map)|bin\/[\w-]+\.js|build\/kernels\.wasm)$/);
    expect(list.filter((f) => /\.test\.|test-utils|(^|\/)src\//.test(f))).toEqual([]);
    if (name === '@backprop/core') expect(list).toContain('build/kernels.wasm');
  });

  it('declares license, repository, homepage, keywords, engines, sideEffects and ESM exports with types first', () => {
    const m = packedManifest(tgz);
    expect(m.license).toBe('MIT');
    expect(m.repository).toMatchObject({ type: 'git', url: rootManifest.repository.url, directory: pkg.dir.slice(ROOT.length).replace(/\/$/, '') });
    expect(m.homepage).toMatch(/^https:\/\/.+#readme$/);
    expect(m.keywords.length).toBeGreaterThanOrEqual(5);
    expect(m.engines).toEqual({ node: '>=20' });
    expect(m.type).toBe('module');
    expect(m.sideEffects === false || Array.isArray(m.sideEffects)).toBe(true);
    expect(JSON.stringify(m)).not.toMatch(/@backprop\/source|workspace:/); // the in-repo condition and links are gone
    for (const [where, conditions] of conditionObjects(m.exports)) {
      const keys = Object.keys(conditions);
      if (keys.includes('types')) expect(keys[0], `${where}: types first`).toBe('types');
    }
    if (!m.bin) expect(m.exports['.']).toHaveProperty('types');
  });

  it('publint finds nothing (strict: warnings fail too)', () => {
    const r = spawnSync(bin('publint'), ['run', tgz, '--strict'], { encoding: 'utf8' });
    console.log(`publint ${name}:\n${r.stdout}${r.stderr}`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/All good!/);
  });

  it('@arethetypeswrong/cli finds no problem for ESM consumers (node16 ESM, bundler)', () => {
    if (pkg.manifest.bin && !pkg.manifest.exports) return; // a command, no importable entry points: nothing for attw to resolve
    const r = spawnSync(bin('attw'), [tgz, '--profile', 'esm-only', '--format', 'table-flipped'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    console.log(`attw ${name}:\n${r.stdout}${r.stderr}`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"@backprop\/[^"]+"\s+│ 🟢 \(ESM\)\s+│ 🟢 /); // node16 from ESM and bundler: resolved, types and JS agree
  });
});
