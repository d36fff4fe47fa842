/**
 * The workspace as the consumer test sees it: its root, the publishable packages (every
 * package.json under packages/ and apps/ that is not private, so a new package is covered
 * without editing this list), and the tools the test borrows from the workspace install.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Publishable {
  name: string;
  version: string;
  /** Directory in the workspace. */
  dir: string;
  manifest: Record<string, unknown> & { name: string; version: string };
}

export function publishable(): Publishable[] {
  const out: Publishable[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group))) {
      const file = join(ROOT, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.private) continue;
      out.push({ name: manifest.name, version: manifest.version, dir: dirname(file), manifest });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The tarball name `pnpm pack` writes for a package: @scope/name@1.2.3 → scope-name-1.2.3.tgz. */
export function tarballName(p: Pick<Publishable, 'name' | 'version'>): string {
  return `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
}

/** A command the workspace installed for this package (vite, publint, attw) or for the root (tsc). */
export function bin(name: string): string {
  const mine = join(ROOT, 'tests', 'consumer', 'node_modules', '.bin', name);
  return existsSync(mine) ? mine : join(ROOT, 'node_modules', '.bin', name);
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
