/**
 * Global setup: the way a user gets the packages. Build every publishable package (turbo; a
 * cache hit when `pnpm test` built them already), `pnpm pack` each, and `npm install` the
 * tarballs into a fresh project in the system temp directory, outside the workspace: no
 * workspace links, third-party dependencies from the npm registry. One install serves every
 * test file. KEEP_CONSUMER=1 keeps the project for a look afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, publishable, tarballName } from './workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The npm project the tarballs are installed in. */
    project: string;
    /** Package name → tarball path. */
    tarballs: Record<string, string>;
  }
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, { cause: e });
  }
}

export default function setup(project: TestProject): () => void {
  const t0 = Date.now();
  // Under `turbo run test` this package's ^build dependencies have just run (turbo sets TURBO_HASH).
  if (!process.env.TURBO_HASH) run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@backprop/consumer-test^...', '--output-logs=errors-only'], ROOT);
  const tBuild = Date.now();

  const dir = mkdtempSync(join(tmpdir(), 'backprop-consumer-'));
  const packs = join(dir, 'tarballs');
  const app = join(dir, 'project');
  mkdirSync(packs);
  mkdirSync(app);
  const tarballs: Record<string, string> = {};
  for (const p of publishable()) {
    run('pnpm', ['pack', '--pack-destination', packs], p.dir);
    tarballs[p.name] = join(packs, tarballName(p));
  }
  const tPack = Date.now();

  // Tarballs as file: dependencies; overrides make every @backprop/* range (a package's
  // dependency or peer on another) resolve to those same tarballs, never to the registry.
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  const overrides = Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`]));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'backprop-consumer', private: true, type: 'module', dependencies, overrides }, null, 2) + '\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  const tInstall = Date.now();
  console.log(`consumer project ${app}: build ${((tBuild - t0) / 1000).toFixed(1)} s, pack ${((tPack - tBuild) / 1000).toFixed(1)} s, npm install ${((tInstall - tPack) / 1000).toFixed(1)} s`);

  project.provide('project', app);
  project.provide('tarballs', tarballs);
  return () => {
    if (process.env.KEEP_CONSUMER) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
