// The "." entry stays browser-safe: no file outside src/node imports a Node built-in or the
// node subpath, and CSV parsing uses csv-parse's browser build. (tsconfig.browser.json checks
// the same files against the ES2022 lib without Node types.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as data from './index.js';

const src = new URL('.', import.meta.url).pathname;
const NODE_BUILTINS = /^(node:|fs|path|os|zlib|stream|util|module|url|crypto|buffer|child_process|worker_threads)(\/|$)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'node' ? [] : sources(join(dir, e.name));
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [];
  });
}

describe('browser-safe entry', () => {
  it('no module outside src/node imports a Node built-in, the node subpath, or csv-parse’s Node build', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      for (const [, spec] of readFileSync(f, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
        expect(NODE_BUILTINS.test(spec), `${f} imports ${spec}`).toBe(false);
        expect(spec.includes('/node/') || spec === './node/index.js', `${f} imports ${spec}`).toBe(false);
        if (spec.startsWith('csv-parse')) expect(spec, f).toBe('csv-parse/browser/esm/sync');
      }
    }
  });

  it('exports named functions only (no default export)', () => {
    expect('default' in data).toBe(false);
    expect(typeof data.loadBuiltin).toBe('function');
    expect(typeof data.fetchMnist).toBe('function');
  });
});
