// Library code computes its elementary functions with src/math.ts, never with the engine's own
// Math.exp/log/sin/…, whose last bit differs between V8 versions, Firefox and Safari (issue #18):
// one such call in a kernel, a loss, an initialiser or a data generator and the same seed no
// longer gives the same weights in Node and the browser. Math.random is banned with them (a
// seeded Rng only). `**` is banned except between integer literals (2 ** 31): a ** b is
// Math.pow, which the spec leaves implementation-approximated. The test names file:line.
// Exempt: tests and test helpers, math.ts itself, and, in apps/web only, a line that says why it
// is screen geometry and not model math with a `// ui-math: <reason>` comment.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const FORBIDDEN = new Set([
  'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2',
  'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'cbrt', 'hypot', 'random',
]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'test-utils' ? [] : sources(p);
    return /\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The code with comments, strings and template text blanked (line breaks kept), so only code is matched. */
export function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  const braces: number[] = []; // template nesting: depth of `{` inside each open ${…}
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const template = () => {
    // from just after ` (or a closing } of ${…}) to the closing ` or the next ${
    const start = i;
    while (i < src.length && src[i] !== '`' && !(src[i] === '$' && src[i + 1] === '{')) i += src[i] === '\\' ? 2 : 1;
    out += blank(src.slice(start, i));
    if (src[i] === '`') {
      out += ' ';
      i++;
    } else if (i < src.length) {
      out += '  ';
      i += 2;
      braces.push(0);
    }
  };
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '/' && n === '/') {
      const end = src.indexOf('\n', i);
      const j = end < 0 ? src.length : end;
      out += blank(src.slice(i, j));
      i = j;
    } else if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const j = end < 0 ? src.length : end + 2;
      out += blank(src.slice(i, j));
      i = j;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out += blank(src.slice(i, j + 1));
      i = j + 1;
    } else if (c === '`') {
      out += ' ';
      i++;
      template();
    } else if (braces.length > 0 && (c === '{' || c === '}')) {
      if (c === '{') braces[braces.length - 1]++;
      else if (braces[braces.length - 1] === 0) {
        braces.pop();
        out += ' ';
        i++;
        template();
        continue;
      } else braces[braces.length - 1]--;
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const INT = String.raw`(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)`;
const MATH_CALL = /\b(?:Math|Mathf|NativeMath|NativeMathf)\s*\.\s*([A-Za-z0-9_]+)/g; // and AssemblyScript's math namespaces
const POW = /\*\*=?/g;
const INT_POW = new RegExp(String.raw`(?:^|[^\w.])${INT}\s*\*\*\s*-?\s*${INT}(?![\w.])`);

const PROVIDED = new Set(['exp', 'expm1', 'log', 'log1p', 'sin', 'cos', 'tanh']);
const hint = (name: string) =>
  name === 'random' ? "use a seeded Rng from @backprop/core/engine" : PROVIDED.has(name) ? `use @backprop/core/engine's ${name}` : 'write it with core/src/math.ts';

/** The forbidden uses in one file's text: "path:line: what". */
export function violations(path: string, text: string): string[] {
  const code = codeOnly(text).split('\n');
  const raw = text.split('\n');
  const found: string[] = [];
  code.forEach((line, k) => {
    if (path.startsWith('apps/web/') && /\/\/ ui-math: \S.{8,}/.test(raw[k])) return;
    for (const m of line.matchAll(MATH_CALL)) if (FORBIDDEN.has(m[1])) found.push(`${path}:${k + 1}: Math.${m[1]} (${hint(m[1])})`);
    for (const m of line.matchAll(POW)) {
      // allowed only as INT ** INT (e.g. 2 ** 31, 2 ** -24): look at the operands around this operator
      const around = line.slice(Math.max(0, m.index - 24), m.index + 28);
      const at = Math.min(24, m.index);
      const ok = m[0] === '**' && [...around.matchAll(new RegExp(INT_POW, 'g'))].some((p) => p.index <= at && at < p.index + p[0].length);
      if (!ok) found.push(`${path}:${k + 1}: '${m[0]}' (a ** b is Math.pow: multiply, or use pow2 / a running product)`);
    }
  });
  return found;
}

describe('engine math ban', () => {
  it('no library source calls Math.exp/log/sin/…/random or ** outside math.ts (file:line of each)', () => {
    const dirs = ['packages/core/assembly', ...['packages', 'apps'].flatMap((d) => readdirSync(join(root, d)).map((p) => `${d}/${p}/src`))];
    const files = dirs.flatMap((d) => {
      try {
        return sources(join(root, d));
      } catch {
        return []; // a package without src/
      }
    });
    expect(files.length).toBeGreaterThan(100);
    const found = files
      .map((f) => relative(root, f))
      .filter((f) => f !== 'packages/core/src/math.ts')
      .flatMap((f) => violations(f, readFileSync(join(root, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('finds what it must and nothing else (the scanner itself)', () => {
    const src = [
      'const a = Math.exp(x); // Math.log(y) in a comment is fine',
      "const s = 'Math.sin(1) in a string'; const t = `and ${Math.cos(z)} in a template`;",
      'const b = x ** 2; const c = 2 ** 31; const d = 2 ** -24; /* y ** z */',
      'v **= 3; const e = Math.sqrt(x) + Math.abs(y) + Math.fround(z); const r = Math.random();',
      'const w = Mathf.sqrt(v) + NativeMath.exp(u);',
    ].join('\n');
    expect(violations('packages/x/src/a.ts', src)).toEqual([
      "packages/x/src/a.ts:1: Math.exp (use @backprop/core/engine's exp)",
      "packages/x/src/a.ts:2: Math.cos (use @backprop/core/engine's cos)",
      "packages/x/src/a.ts:3: '**' (a ** b is Math.pow: multiply, or use pow2 / a running product)",
      "packages/x/src/a.ts:4: Math.random (use a seeded Rng from @backprop/core/engine)",
      "packages/x/src/a.ts:4: '**=' (a ** b is Math.pow: multiply, or use pow2 / a running product)",
      "packages/x/src/a.ts:5: Math.exp (use @backprop/core/engine's exp)",
    ]);
    // the ui-math exemption is for apps/web only, and needs a reason
    const ui = 'const d = Math.hypot(dx, dy); // ui-math: pixel distance to the pointer';
    expect(violations('apps/web/src/x.ts', ui)).toEqual([]);
    expect(violations('packages/core/src/x.ts', ui)).toHaveLength(1);
    expect(violations('apps/web/src/x.ts', 'const d = Math.hypot(dx, dy); // ui-math: ok')).toHaveLength(1);
  });
});
