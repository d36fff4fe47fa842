/**
 * README examples as tests. A README marks an example with an HTML comment on the line
 * before its code block (invisible on the registry page):
 *
 *   <!-- example -->
 *   ```ts            a module: compiled with tsc against the installed types, run with node;
 *   …                the next code block holds exactly what it prints
 *   ```
 *   <!-- example -->
 *   ```sh            a terminal session: each `$ command` runs in bash (stdout and stderr
 *   $ backprop …     together, as a terminal shows them); the lines after it are its output,
 *   output           where a line holding only `…` stands for any number of lines
 *   ```
 */
interface ModuleExample {
  kind: 'module';
  /** Line of the code block in the README (1-based). */
  line: number;
  code: string;
  expected: string;
}

interface SessionStep {
  command: string;
  expected: string[];
}

interface SessionExample {
  kind: 'session';
  line: number;
  steps: SessionStep[];
}

export type Example = ModuleExample | SessionExample;

const MARKER = /^<!--\s*example\s*-->\s*$/;
const FENCE = /^(`{3,})\s*([\w-]*)/;

interface Block {
  lang: string;
  body: string[];
  /** Index of the opening fence line. */
  start: number;
  /** Index of the closing fence line. */
  end: number;
}

function blockAt(lines: string[], from: number): Block | null {
  for (let i = from; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].startsWith(open[1]) && lines[j].trim() === open[1]) return { lang: open[2], body: lines.slice(i + 1, j), start: i, end: j };
    }
    throw new Error(`README line ${i + 1}: a code block that is never closed`);
  }
  return null;
}

export function examples(readme: string): Example[] {
  const lines = readme.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!MARKER.test(lines[i])) continue;
    const code = blockAt(lines, i + 1);
    if (!code || code.start > i + 2) throw new Error(`README line ${i + 1}: <!-- example --> must be followed by a code block`);
    if (code.lang === 'ts' || code.lang === 'js') {
      const output = blockAt(lines, code.end + 1);
      const between = output ? lines.slice(code.end + 1, output.start).filter((l) => l.trim() !== '') : [];
      if (!output || between.length > 1) throw new Error(`README line ${code.start + 1}: the example's code block must be followed by the block of what it prints (one line such as "prints" may sit between)`);
      out.push({ kind: 'module', line: code.start + 1, code: code.body.join('\n') + '\n', expected: output.body.join('\n') });
      i = output.end;
    } else if (code.lang === 'sh' || code.lang === 'console') {
      const steps: SessionStep[] = [];
      for (const l of code.body) {
        if (l.startsWith('$ ')) steps.push({ command: l.slice(2), expected: [] });
        else if (steps.length) steps[steps.length - 1].expected.push(l);
        else throw new Error(`README line ${code.start + 1}: a session starts with a "$ command" line`);
      }
      out.push({ kind: 'session', line: code.start + 1, steps });
      i = code.end;
    } else {
      throw new Error(`README line ${code.start + 1}: examples are ts, js, sh or console blocks, not "${code.lang}"`);
    }
  }
  return out;
}

/** Trailing blanks of every line and trailing empty lines dropped: what a reader compares. */
export function normalise(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** True when `actual` matches `expected`, where an expected line `…` matches any run of lines. */
export function matches(actual: string[], expected: string[]): boolean {
  const go = (a: number, e: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === '…') {
      for (let k = a; k <= actual.length; k++) if (go(k, e + 1)) return true;
      return false;
    }
    return a < actual.length && actual[a] === expected[e] && go(a + 1, e + 1);
  };
  return go(0, 0);
}
